"""Reading a file someone else made, once: a regular file, opened a single time, within a size limit.

Split from :mod:`kjyd.untrusted_xlsx` so that every command, which reads its plan (and plan cache)
this way, pays for neither zipfile nor that module's regular expressions; collect, draft and
``check --source`` read their workbook or notice through the same function.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

MB = 1024 * 1024
FILE_LIMIT = 20 * MB
"""Largest workbook file collect reads (a filled template is tens of kilobytes)."""
class Unreadable(Exception):
    """The file cannot be collected at all; ``str(err)`` is the Chinese reason (no location)."""


@dataclass(frozen=True, slots=True)
class Kind:
    """What kind of file is being read, in the words of the refusals."""

    noun: str
    """What the user gave (填报表, 通知文件)."""
    package: str
    """What the zip is called (工作簿, Word 文件)."""
    valid: str
    """The format it should be in (有效的 xlsx 工作簿)."""
    missing: str
    """What is not found (文件, 通知文件)."""
    markup_limit: int | None = None
    """Most elements a part parsed whole (not streamed) may have, or None (lxml reads fast)."""


MARKUP_LIMIT = 100_000
"""Most elements (counted as ``<``) in a workbook part that openpyxl builds objects for in full —
styles, shared strings, the workbook part, relationships; not the streamed worksheets. A 26 KB
workbook whose styles.xml listed 1.5 million ``<xf/>`` took 63 s and 840 MB; Excel itself allows
64,000 cell formats, and a filled template has a few hundred elements in these parts."""

WORKBOOK = Kind("填报表", "工作簿", "有效的 xlsx 工作簿", "文件", MARKUP_LIMIT)
NOTICE = Kind("通知文件", "Word 文件", "有效的 .docx 文件", "通知文件")
PLAN = Kind("计划文件", "计划文件", "计划文件", "计划文件")


def read_once(path: Path, kind: Kind = WORKBOOK) -> bytes:
    """The file's bytes, read through one open of a regular file (never blocks on a FIFO)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except ValueError:  # a NUL in the name (from kjyd.toml or an environment variable)
        raise Unreadable("文件名中含有空字符（\\x00），不是有效的文件名") from None
    except FileNotFoundError:
        raise Unreadable(f"找不到{kind.missing}") from None
    except IsADirectoryError:
        raise Unreadable(f"这是一个文件夹，不是{kind.noun}") from None
    except OSError as err:
        raise Unreadable(f"无法读取文件：{err.strerror}") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise Unreadable(f"这是一个文件夹，不是{kind.noun}")
        if not stat.S_ISREG(info.st_mode):
            raise Unreadable(f"不是普通文件（管道、设备等），不能作为{kind.noun}读取")
        if info.st_size > FILE_LIMIT:
            raise Unreadable(f"文件过大（{info.st_size / MB:.1f} MB，上限 {FILE_LIMIT // MB} MB），不像是{kind.noun}")
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(FILE_LIMIT + 1)
    except OSError as err:
        raise Unreadable(f"无法读取文件：{err.strerror}") from None
    finally:
        os.close(fd)
    if len(data) > FILE_LIMIT:  # it grew while being read
        raise Unreadable(f"文件过大（上限 {FILE_LIMIT // MB} MB），不像是{kind.noun}")
    return data
