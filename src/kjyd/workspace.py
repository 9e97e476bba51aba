"""Settings that stick: the ``kjyd.toml`` workspace file, and where each setting came from.

A planning office works in one folder (or a shared drive) per plan. Typing ``--plan`` or exporting
``KJYD_PLAN`` in every shell is how a plan gets forgotten once and every task lands under 未分配
without a word. So kjyd looks for ``kjyd.toml`` in the current folder and its parents, the way git
finds ``.git``, and reads three keys from it::

    plan = "plan2023.yaml"     # relative paths count from the file's folder
    db = "kjyd.db"             # or a server URL (postgresql://…), kept as text
    user = "张三"

Precedence, most specific first: command-line option, environment variable, ``kjyd.toml``,
built-in default. Every setting remembers its source so ``kjyd info`` can say where it came from.

Kept cheap and light (imported by every command): discovery is one ``stat`` per parent folder;
``tomllib`` is imported only when a file is found.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from kjyd.errors import KjydError

FILE_NAME = "kjyd.toml"
KEYS = ("plan", "db", "user")

SOURCE_OPTION = "选项"
SOURCE_ENV = "环境变量"
SOURCE_FILE = FILE_NAME
SOURCE_DEFAULT = "默认"


class WorkspaceError(KjydError):
    """``kjyd.toml`` cannot be read or holds something kjyd cannot use."""


@dataclass(frozen=True)
class Setting:
    """One resolved setting and where it came from (for ``kjyd info`` and messages)."""

    value: str | Path | None
    source: str
    """选项 --plan / 环境变量 KJYD_PLAN / kjyd.toml / 默认"""


@dataclass(frozen=True)
class Workspace:
    """A found ``kjyd.toml``: its path and the settings it gives (paths already made absolute)."""

    path: Path
    values: dict[str, str | Path]


def find_file(start: Path | None = None) -> Path | None:
    """The nearest ``kjyd.toml`` in ``start`` (default: the current folder) or one of its parents."""
    try:
        folder = (start or Path.cwd()).absolute()
    except OSError:  # the current folder was deleted under us: no workspace
        return None
    for candidate in (folder, *folder.parents):
        path = candidate / FILE_NAME
        if path.is_file():
            return path
    return None


def load(path: Path) -> Workspace:
    """Read and check ``kjyd.toml``; relative ``plan``/``db`` paths are taken from its folder."""
    import tomllib

    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise WorkspaceError(f"{path}: 不是 UTF-8 编码的文本文件") from None
    except OSError as err:
        raise WorkspaceError(f"{path}: 无法读取：{err.strerror or err}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        where = re.search(r"at line (\d+), column (\d+)", str(err))
        place = f"{path}:{where.group(1)}:{where.group(2)}" if where else str(path)
        raise WorkspaceError(
            f"{place}: 格式有误（每行写作 键 = \"值\"，值须加英文双引号，如 plan = \"plan2023.yaml\"）"
        ) from None
    values: dict[str, str | Path] = {}
    for key, raw in data.items():
        if key not in KEYS:
            raise WorkspaceError(f"{path}: 未知设置 {key}（可用的设置：{'、'.join(KEYS)}）")
        if not isinstance(raw, str) or not raw.strip():
            raise WorkspaceError(f"{path}: {key} 应为加引号的非空文字，如 {key} = \"{_EXAMPLES[key]}\"")
        values[key] = _resolve(key, raw.strip(), path.parent)
    return Workspace(path=path, values=values)


_EXAMPLES = {"plan": "plan2023.yaml", "db": "kjyd.db", "user": "张三"}


def _resolve(key: str, raw: str, folder: Path) -> str | Path:
    if key == "user":
        return raw
    if key == "db" and "://" in raw:  # a server URL: opened (and checked) by the ledger, as text
        return raw
    path = Path(os.path.expanduser(raw))
    return path if path.is_absolute() else folder / path


def choose(option: str | Path | None, option_name: str, env: str, from_file: Workspace | None,
           key: str, default: str | Path | None, from_env: bool) -> Setting:
    """The setting by precedence option > environment > kjyd.toml > default, with its source.

    ``from_env`` tells whether the option's value came from the environment variable (typer
    fills the option from it), so both are told apart in ``kjyd info``.
    """
    if option is not None and str(option) != "":
        return Setting(option, f"{SOURCE_ENV} {env}" if from_env else f"{SOURCE_OPTION} {option_name}")
    if from_file is not None and key in from_file.values:
        return Setting(from_file.values[key], SOURCE_FILE)
    return Setting(default, SOURCE_DEFAULT)
