"""All terminal output goes through here: messages to stderr, tables to stdout.

One place decides styles and whether colour is used (rich honours ``NO_COLOR`` and turns colour off
when output is piped), so tests get plain, stable text. rich is imported only when a command
actually prints a table, keeping ``kjyd --help`` and ``kjyd update`` light.
"""

from __future__ import annotations

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
    sys.stderr.write(f"{_marked('提示', '33')}{text}\n")


def error(text: str) -> None:
    """One line per problem, prefixed so it stands out; the caller exits non-zero."""
    mark = _marked("错误", "1;31")
    for line in text.splitlines() or [""]:
        sys.stderr.write(f"{mark}{line}\n")
