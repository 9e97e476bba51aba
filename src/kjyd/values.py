"""Reading what users type for values, dates and months, with Chinese messages for every mistake.

Options arrive as plain strings (not typed click options) so that each error names the input and
says in Chinese what was wrong: ``"abc" 不是数字``. The office writes numbers as ``1.3万``,
``2,500`` or with full-width digits ``２５００``; all are accepted and normalised.

"Today" comes from :func:`kjyd.clock.today` (which honours the ``KJYD_TODAY`` testing hook).
"""

from __future__ import annotations

import math
import os
import re
import unicodedata
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from kjyd.errors import InputError, UnitError
from kjyd.paths import USER_ENV

if TYPE_CHECKING:
    from kjyd.plan import Plan, Target

_MINUS = str.maketrans({"−": "-"})  # U+2212, which NFKC leaves alone
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_DATE = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?")
_MONTH = re.compile(r"(\d{4})[-/.年](\d{1,2})月?")


def shown(text: str, limit: int = 60) -> str:
    """Echo user input inside a one-line message: control characters (bidi overrides too) escaped,
    never a line break, and at most ``limit`` characters of it (a pasted 32,000-character value
    is not repeated in full)."""
    more = f"…（共{len(text)}字）" if len(text) > limit else ""
    return "".join(c if c.isprintable() else escaped(c) for c in text[:limit]) + more


def escaped(c: str) -> str:
    """One character as an escape a reader can see: ``\\x1b`` for a control character, else ``\\u202e``."""
    return f"\\u{ord(c):04x}" if unicodedata.category(c) != "Cc" and ord(c) < 0x10000 else repr(c)[1:-1]


def quoted(value: object, limit: int = 40) -> str:
    """A value someone typed (a cell, a YAML scalar) quoted inside a one-line message, shortened."""
    text = f'"{shown(value)}"' if isinstance(value, str) else shown(repr(value))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def one_line(text: str) -> str:
    """Stored free text (a note, a name) for display on one line: line breaks and tabs become single
    spaces, and control characters are shown escaped (``\\x1b``, bidi controls as ``\\u202e``), so a
    pasted note can neither break a table's rows nor send escape codes to the terminal (colours,
    cursor moves, a cleared screen) nor reverse the text that follows.

    At most :data:`TEXT_LIMIT` characters, what update and collect accept: a 5-million-character
    note another program stored made ``log`` take 35 s and 1.4 GB; the rest is said, not shown."""
    more = ""
    if len(text) > TEXT_LIMIT:
        more = f"…（共{len(text)}字，超出 {TEXT_LIMIT} 字的上限，可能由其他程序写入）"
        text = text[:TEXT_LIMIT]
    return "".join(
        escaped(c) if unicodedata.category(c) == "Cc" or c in _BIDI else c for c in " ".join(text.split())
    ) + more


_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
"""Bidirectional controls: U+202E in a note or a division name would show the rest of the line reversed."""

HIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff" + "".join(sorted(_BIDI)) + "]")
"""Characters a document must not carry as they are: those XML cannot hold at all (control
characters but tab and line breaks, U+FFFE/U+FFFF, lone surrogates: python-docx and openpyxl fail
with "All strings must be XML compatible"), DEL, and bidi controls (the rest of a line reversed)."""


def visible(text: str) -> str:
    """``text`` for a Word or Excel document: every :data:`HIDDEN` character written as its escape
    (``\\x07``, ``\\u202e``), so nothing can fail the file or hide what it says."""
    return HIDDEN.sub(lambda m: escaped(m.group()), text) if HIDDEN.search(text) else text


def _normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).translate(_MINUS).strip()


_AMOUNT = re.compile(r"([+-]?[\d.,]+)\s*(.*)", re.S)


def unit_forms(unit: str) -> tuple[str, ...]:
    """How a unit may be written after a number: itself and its obvious short form.

    亿元/万元 → 亿/万 (the 元 is understood), 场次/批次 → 场/批 (but 人次 stays: 人 is a different
    count), 名 → 人. ``%`` also arrives as ``％`` (folded by NFKC before this is consulted).
    """
    unit = _normalise(unit)
    if not unit:
        return ()
    forms = [unit]
    if len(unit) > 1 and unit.endswith("元"):
        forms.append(unit[:-1])
    elif len(unit) == 2 and unit.endswith("次") and unit != "人次":
        forms.append(unit[:-1])
    elif unit == "名":
        forms.append("人")
    return tuple(forms)


_SCALE_WORDS = {"": 1, "万": 10**4, "亿": 10**8, "万亿": 10**12}


def _converted(number: str, wrong: str, unit: str) -> str:
    """``（8100000万元 即 810亿元）`` when both units are a scale word on the same base (元, 人次)."""
    for base_len in range(min(len(wrong), len(unit)), 0, -1):
        if wrong[-base_len:] != unit[-base_len:]:
            continue
        have, want = wrong[:-base_len], unit[:-base_len]
        if have in _SCALE_WORDS and want in _SCALE_WORDS:
            try:
                value = Decimal(number.replace(",", "")) * _SCALE_WORDS[have] / _SCALE_WORDS[want]
            except InvalidOperation:
                return ""
            text = f"{value:f}".rstrip("0").rstrip(".") if "." in f"{value:f}" else f"{value:f}"
            return f"（{number}{wrong} 即 {text}{unit}）"
        return ""
    return ""


def parse_number(text: str, *, what: str = "数值", unit: str | None = None) -> float:
    """``1.3万`` → 13000, ``2,500`` / ``２５００`` → 2500, ``1200.5`` → 1200.5; anything else is refused.

    With ``unit`` (the target's unit), the number may carry it or its short form
    (:func:`unit_forms`): ``80人次``, ``25场`` for 场次, ``1.3万家``, ``2.45万亿元`` for 亿元. Any
    other unit is refused naming the right one, so 万元 typed for 亿元 never becomes a figure.
    This is the one parser for ``update``, ``collect`` cells and plan file values.
    """
    s = _normalise(text)
    if not s:
        raise InputError(f"{what}不能为空")
    match = _AMOUNT.fullmatch(s)
    if not match:
        raise InputError(f'"{shown(text)}" 不是数字')
    s, rest = match.group(1), match.group(2).strip()
    scale = 1
    forms = unit_forms(unit) if unit else ()
    if rest and rest not in forms:
        if rest.startswith("万") and (rest == "万" or rest[1:].strip() in forms):
            scale = 10_000
        elif forms:
            raise UnitError(f'"{shown(text)}" 的单位不对：应以 {forms[0]} 计{_converted(s, rest, forms[0])}，可只写数字')
        else:
            raise InputError(f'"{shown(text)}" 不是数字')
    if "," in s:
        if not _GROUPED.fullmatch(s):
            raise InputError(f'"{shown(text)}" 不是数字（千位分隔应写作 2,500）')
        s = s.replace(",", "")
    if not _NUMBER.fullmatch(s):
        raise InputError(f'"{shown(text)}" 不是数字')
    try:
        number = float(Decimal(s) * scale)  # Decimal: 1.1万 is 11000, not 11000.000000000002
    except (InvalidOperation, OverflowError):
        raise InputError(f'"{shown(text)}" 不是数字') from None
    if not math.isfinite(number):
        raise InputError(f'"{shown(text)}" 太大，不是有效的数值')
    return number + 0.0  # -0.0 → 0.0


def parse_date(text: str, *, what: str = "日期") -> date:
    """2022-06-30, 2022/6/30, 2022.6.30 or 2022年6月30日 (full-width digits too); a date that does
    not exist is refused."""
    s = _normalise(text)
    m = _DATE.fullmatch(s)
    if not m:
        raise InputError(f'{what} "{shown(text)}" 格式不对，应写作 YYYY-MM-DD，如 2022-06-30')
    try:
        return date(*(int(g) for g in m.groups()))
    except ValueError:
        raise InputError(f'{what} "{shown(text)}" 不存在') from None


def parse_month(text: str) -> str:
    """A month → ``YYYY-MM``. Written as dates are (:func:`parse_date`): 2022-06, 2022-6, 2022/6,
    2022年6月, full-width digits too — a user who may type 2022-6-30 for a date may type 2022-6."""
    m = _MONTH.fullmatch(_normalise(text))
    if not m or not 1 <= int(m.group(2)) <= 12 or int(m.group(1)) < 1:
        raise InputError(f'月份 "{shown(text)}" 格式不对，应写作 YYYY-MM，如 2022-06')
    return f"{m.group(1)}-{int(m.group(2)):02d}"


def parse_tolerance(text: str | None) -> float:
    """``--tolerance``: percentage points around 序时进度 that still count as 符合序时 (default 5)."""
    from kjyd.report import DEFAULT_TOLERANCE

    if text is None:
        return DEFAULT_TOLERANCE
    try:
        value = parse_number(text, what="--tolerance")
    except InputError as err:
        raise InputError(f"--tolerance {err}") from None
    if not 0 <= value <= 100:
        raise InputError(f"--tolerance {value:g} 无效：应为 0 到 100 之间的百分点数，例如 5")
    return value


def parse_count(text: str, *, what: str) -> int:
    """A positive whole number such as ``--limit 20``."""
    s = _normalise(text)
    if not (s.isascii() and s.isdigit()) or not s.lstrip("0"):
        raise InputError(f'{what} "{shown(text)}" 应为正整数')
    digits = s.lstrip("0")
    return COUNT_LIMIT if len(digits) > 18 else int(digits)  # 20 or 5,000 digits: no limit


COUNT_LIMIT = 10**18
"""A count above this means "all": SQLite's LIMIT takes 64-bit integers, Python's int() refuses
over 4,300 digits."""


def parse_entry_number(text: str) -> int:
    """A check-in number as ``kjyd log`` shows it: ``4`` or ``#4``."""
    s = _normalise(text).lstrip("#").strip()
    if not s.isdigit() or int(s) < 1:
        raise InputError(f'编号 "{shown(text)}" 应为正整数，如 4（编号见 kjyd log 第一列）')
    return int(s)


def current_user(by: str | None, configured: str | None = None) -> str:
    """Who is checking in: ``--by``, else ``KJYD_USER``, else kjyd.toml's ``user``, else the OS login."""
    if by is not None and not by.strip():
        raise InputError("填报人（--by）不能为空")
    for candidate in (by, os.environ.get(USER_ENV), configured):
        if candidate and candidate.strip():
            # an environment variable can carry undecodable bytes (lone surrogates) and any length
            name = re.sub("[\ud800-\udfff]", "\ufffd", candidate.strip())
            return check_text_length(name, "填报人", NAME_LIMIT)
    try:
        import getpass

        return getpass.getuser()
    except Exception:  # no login name (containers, odd Windows setups): still record the check-in
        return "未知"


TEXT_LIMIT = 32_767
"""Longest note, 存在问题 or 下一步计划 (characters), in update and collect alike: Excel's own cell
limit, so whatever a division can type in a cell is accepted, and a 300 MB "note" is not."""
NAME_LIMIT = 200
"""Longest 填报人 (``--by``, ``KJYD_USER``)."""


def check_text_length(text: str, what: str, limit: int = TEXT_LIMIT) -> str:
    """``text`` if it can be recorded: at most ``limit`` characters and no NUL; otherwise a Chinese
    error saying why. Every text update and collect record passes here.

    NUL (``\\x00``, e.g. a cell's ``_x0000_``) is refused on every store alike: PostgreSQL cannot
    hold it in a text column, SQLite could; no one means one.
    """
    if len(text) > limit:
        raise InputError(f"{what}过长（{len(text)} 字，上限 {limit} 字）")
    if "\x00" in text:
        raise InputError(f"{what}第 {text.index(chr(0)) + 1} 个字符是空字符（\\x00），无法记录；请删去后重试")
    return text


MAX_VALUE = 1e15
"""Largest magnitude a check-in may carry (a thousand trillion; the template's cells say the same).
Beyond it a value is a typing or file error, and 1.7e308 would turn percentages into infinity."""


def check_value(target: "Target", value: float, *, added: str = "") -> None:
    """Refuse values a target cannot take: absurd magnitudes, negative counts, progress outside 0..100.

    ``added`` describes an ``--add`` (e.g. ``加上 -5 后``) so the message names the computed value.
    """
    from kjyd.plan import format_number
    from kjyd.progress import percent_of

    if not math.isfinite(value) or abs(value) > MAX_VALUE:
        said = f"{value:.6g}"
        subject = f"{added}为 {said}" if added else f"数值 {said}"
        raise InputError(f"{subject}：超出可记录的范围（绝对值不超过 {MAX_VALUE:,.0f}），请核对")
    percent = percent_of(target, value)
    if percent is not None and not math.isfinite(percent):
        raise InputError(f"数值 {value:.6g}：按目标 {target.value:g} 算出的完成率无法表示，请核对")
    subject = f"{added}为 {format_number(value)}" if added else f"数值 {format_number(value)}"
    if target.implicit and not 0 <= value <= 100:
        raise InputError(f"{subject}：工作进度应在 0 到 100 之间（单位 %）")
    if value < 0 and not target.is_rate:
        raise InputError(f"{subject}：{target.name}不能为负数")


def checkin_date(plan: "Plan", text: str | None) -> tuple[date, str | None]:
    """The date a check-in is recorded as of, and a notice if it was moved to the plan's end.

    Default today. After the plan's end → the plan's end (final figures reported in January belong
    to the year). Before the plan's start, or after today → refused.
    """
    from kjyd.clock import today

    now = today()
    day = now if text is None else parse_date(text)
    if day > now:
        raise InputError(f"日期 {day} 晚于今天（{now}），不能填报将来的进度")
    if day < plan.start:
        raise InputError(f"日期 {day} 早于计划期开始（{plan.start}），{plan.short_title}从 {plan.start} 起填报")
    if day > plan.end:
        return plan.end, f"{day} 已超出计划期（至 {plan.end}），期末数据记入 {plan.end}"
    return day, None
