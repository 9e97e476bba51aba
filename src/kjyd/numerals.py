"""Chinese/Arabic numeral parsing and task/target addressing.

The work plan numbers its 32 tasks （一）…（三十二） and people type references
to them in many ways: 十三, （十三）, 第13, 13.2, 十三．二, H2, 主要目标二.  This
module turns all of those into one `Address`, strictly: anything that is not a
well-formed numeral is rejected rather than guessed at, so a typo never
silently points at the wrong task.

Only the standard library is used because this is imported on every command.
Whether task 13 actually exists is the plan module's business, not ours.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX = 999
"""Upper bound of both notations; no plan has anywhere near this many items."""

_DIGITS = "零一二三四五六七八九"
_VALUE = {c: i for i, c in enumerate(_DIGITS)} | {"两": 2, "〇": 0}
_FULLWIDTH = str.maketrans("０１２３４５６７８９", "0123456789")

# One alternative per shape, so "十十" or "二二" cannot match by accident.
# "一十三" alone is rejected (standard form is 十三) but 一百一十三 is required.
_CHINESE = re.compile(
    r"(?P<h>[一二两三四五六七八九])百"
    r"(?:[零〇](?P<hu>[一二三四五六七八九])"
    r"|(?P<ht>[一二三四五六七八九])十(?P<htu>[一二三四五六七八九])?)?"
    r"|(?P<t>[二三四五六七八九])?十(?P<tu>[一二三四五六七八九])?"
    r"|(?P<u>[一二两三四五六七八九])"
)
_ARABIC = re.compile(r"[1-9][0-9]{0,2}")  # [0-9], not \d: \d admits ٣ and friends
_DOT = re.compile(r"[.．。]")
_HEADLINE = re.compile(r"(?:[HhＨｈ]|主要目标[.．。]?)(?P<n>.*)", re.S)


class NumeralError(ValueError):
    """A string that is not a numeral in 1..999; the message is user-facing."""


class AddressError(ValueError):
    """A string that is not a task, target or headline reference."""


def _bad(text: str) -> NumeralError:
    return NumeralError(f'"{text}" 不是有效的中文数字或阿拉伯数字（应为 1 到 {MAX} 之间，如 十三 或 13）')


def _parse_plain(text: str) -> int:
    """Parse a bare numeral (no brackets, no 第, no surrounding space)."""
    arabic = text.translate(_FULLWIDTH)
    if _ARABIC.fullmatch(arabic):
        return int(arabic)
    m = _CHINESE.fullmatch(text)
    if not m:
        raise _bad(text)
    g = {k: _VALUE[v] for k, v in m.groupdict().items() if v}
    if m["h"]:
        return g["h"] * 100 + g.get("hu", 0) + g.get("ht", 0) * 10 + g.get("htu", 0)
    if m["u"]:
        return g["u"]
    return g.get("t", 1) * 10 + g.get("tu", 0)


def parse_int(text: str) -> int:
    """Parse a numeral in 1..999, optionally written （十三）, (十三) or 第十三.

    Values below 1 are rejected because tasks and targets are counted from 1;
    a 0 in the input is always a mistake.
    """
    s = text.strip()
    if len(s) >= 2 and s[0] in "(（" and s[-1] in ")）":
        s = s[1:-1].strip()
    elif s.startswith("第"):
        s = s[1:].strip()
    try:
        return _parse_plain(s)
    except NumeralError:
        raise _bad(text) from None


def to_chinese(n: int) -> str:
    """Write 1..999 the way the plan does: 十三, 二十, 一百零五, 一百一十."""
    if not 1 <= n <= MAX:
        raise NumeralError(f'"{n}" 超出范围：编号应在 1 到 {MAX} 之间')
    hundreds, rest = divmod(n, 100)
    tens, units = divmod(rest, 10)
    out = _DIGITS[hundreds] + "百" if hundreds else ""
    if tens:
        # 十三 on its own, but 一百一十三 inside a hundred.
        out += ("" if tens == 1 and not hundreds else _DIGITS[tens]) + "十"
    elif hundreds and units:
        out += "零"
    if units:
        out += _DIGITS[units]
    return out


@dataclass(frozen=True)
class Address:
    """Where a reference points; `parse_address` sets exactly one of task/headline.

    A bare task (position None) is left as such: whether it means the task's
    first target or the task as a whole depends on the command.
    """

    task: int | None = None
    position: int | None = None
    headline: int | None = None


def parse_address(text: str) -> Address:
    """Parse 十三 / 13.2 / （十三）．二 / H2 / 主要目标二 into an `Address`."""
    s = text.strip()
    if m := _HEADLINE.fullmatch(s):
        try:
            return Address(headline=_parse_plain(m["n"].strip()))
        except NumeralError:
            raise AddressError(f'无法识别的主要目标编号 "{text}"：应写作 H2 或 主要目标2') from None
    if _DOT.fullmatch(s[-1:]) and not _DOT.search(s[:-1]):
        s = s[:-1]  # 13. — how an arabic-numbered plan prints task 13
    task, *position = _DOT.split(s, maxsplit=1)
    try:
        if not position:
            return Address(task=parse_int(task))
        return Address(task=parse_int(task), position=_parse_plain(position[0].strip()))
    except NumeralError:
        raise AddressError(f'无法识别的任务编号 "{text}"：应写作 十三、13、十三.2 或 13.2') from None


def format_address(task: int, position: int | None = None) -> str:
    """Canonical target id, "13.2" (or "13" for a whole task): ASCII, sortable, greppable."""
    return str(task) if position is None else f"{task}.{position}"


def format_task(n: int) -> str:
    """Task number as the plan prints it, "十三" (without the brackets)."""
    return to_chinese(n)


def format_headline(n: int) -> str:
    """Canonical headline id, "H2"."""
    return f"H{n}"
