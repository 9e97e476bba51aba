"""All terminal output goes through here: messages to stderr, tables to stdout.

One place decides styles and whether colour is used (rich honours ``NO_COLOR`` and turns colour off
when output is piped), so tests get plain, stable text. rich is imported only when a command
actually prints a table, keeping ``kjyd --help`` and ``kjyd update`` light.
"""

from __future__ import annotations

import errno
import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

STATE_STYLES = {
    "已完成": "green",
    "快于序时": "cyan",
    "符合序时": "",
    "慢于序时": "red",
    "未达标": "red",
    "未完成": "bold red",
    "未填报": "dim",
}


def console(stderr: bool = False) -> Console:
    """A console for this moment's environment (width, NO_COLOR); cheap, so not kept between calls."""
    from rich.console import Console

    width = os.environ.get("KJYD_WIDTH") or os.environ.get("COLUMNS")
    # markup/emoji off: cells hold users' own words, and a note like "[/x] 已完成" or ":smile:"
    # must print as typed (with markup on it raised MarkupError); it also skips parsing every
    # cell and importing rich's emoji table. Styles are set with rich Text objects instead.
    return Console(
        stderr=stderr,
        width=int(width) if width and width.isdigit() else None,
        highlight=False,
        soft_wrap=False,
        markup=False,
        emoji=False,
    )


def can_show(chars: str) -> bool:
    """Whether stdout's encoding has these characters (a GBK console has █ but not ░; ASCII has neither)."""
    try:
        chars.encode(getattr(sys.stdout, "encoding", None) or "utf-8")
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def say(text: str = "") -> None:
    """A plain line on stdout (the result of a command)."""
    sys.stdout.write(text + "\n")


def _marked(word: str, colour: str) -> str:
    """``错误：``/``提示：`` in colour (bold red / yellow) on a terminal; plain when piped or NO_COLOR.

    Plain ANSI codes rather than rich: messages are printed by commands that never load rich.
    """
    plain = f"{word}："
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return plain
    try:
        if not sys.stderr.isatty():
            return plain
    except (AttributeError, ValueError):  # replaced or closed stream
        return plain
    return f"\x1b[{colour}m{plain}\x1b[0m"


def notice(text: str) -> None:
    """Something the user should know but that is not an error (a clamped date, a lower value)."""
    sys.stderr.write(f"{_marked('提示', '33')}{shorten(text)}\n")


MESSAGE_LIMIT = 300
"""Characters of one message line; a longer one (it quotes 32,000 characters someone pasted) is
cut in the middle, keeping its beginning (what and where) and its end (what to do)."""


def shorten(line: str, limit: int = MESSAGE_LIMIT) -> str:
    if len(line) <= limit:
        return line
    head, tail = limit * 2 // 3, limit // 4
    return f"{line[:head]}…（省略{len(line) - head - tail}字）…{line[-tail:]}"


def error(text: str) -> None:
    """One line per problem, prefixed so it stands out; the caller exits non-zero."""
    mark = _marked("错误", "1;31")
    for line in text.splitlines() or [""]:
        sys.stderr.write(f"{mark}{shorten(line)}\n")


# --- when the output itself fails ------------------------------------------------------------------

OUTPUT_FAILED_RECORDED = 3
"""Exit code: the result could not be written to stdout (closed, full, a broken pipe) but the
change the command made *was* stored. A script must not simply retry (it would record twice)."""

_OUTPUT_ERRNOS = frozenset({errno.EPIPE, errno.ENOSPC, errno.EBADF, errno.EIO, errno.EDQUOT})
_saved: list[str] = []
"""What this run has stored so far, in the words of the exit-3 message."""


def note_change(what: str = "更改已保存") -> None:
    """Called after each committed write — the ledger's, or a file put in place (an export, a
    report, a draft): from now on, exit codes say so."""
    if what not in _saved:
        _saved.append(what)


def changed() -> bool:
    return bool(_saved)


class _ClosedStream:
    """Stands in for a stdout that was closed before kjyd started (``kjyd update … >&-``)."""

    encoding = "utf-8"
    errors = "strict"

    def write(self, text: str) -> int:
        raise OSError(errno.EBADF, "stdout is closed")

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


def prepare_streams() -> None:
    """Make stdout/stderr unable to crash on a character: an unencodable one (GBK, ASCII, latin-1
    consoles and files; a lone surrogate) is written as ``?``; a closed stdout fails when written."""
    _saved.clear()
    if sys.stdout is None:
        sys.stdout = _ClosedStream()
    if sys.stderr is None:  # nowhere to say anything: the exit code still tells
        sys.stderr = _Discard()
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors="replace")
            except (ValueError, OSError):
                pass


def is_output_failure(err: OSError) -> bool:
    return isinstance(err, BrokenPipeError) or err.errno in _OUTPUT_ERRNOS


def output_failed(err: OSError) -> int:
    """Say (on stderr, if it still works) that the result could not be printed; return the exit code.

    stdout is then pointed at the null device, so the interpreter's own flush at exit cannot add an
    "Exception ignored … BrokenPipeError" traceback.
    """
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, AttributeError, ValueError):
        sys.stdout = _Discard()
    reason = "磁盘已满" if err.errno == errno.ENOSPC else "输出已关闭或中断"
    if _saved:
        text = f"结果无法输出（{reason}），但{'、'.join(_saved)}，请勿重复提交（退出码 {OUTPUT_FAILED_RECORDED}）"
        code = OUTPUT_FAILED_RECORDED
    else:
        text = f"结果无法输出（{reason}），未做任何更改"
        code = 1
    try:
        error(text)
        sys.stderr.flush()
    except (OSError, ValueError):
        pass
    return code


class _Discard(_ClosedStream):
    def write(self, text: str) -> int:
        return len(text)
