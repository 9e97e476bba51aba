"""Reading a division's filled workbook back: validate everything, then say what to record.

``kjyd collect`` must never record half a file, never record a file twice, and never guess which
target a row means. So this module reads a whole workbook into a :class:`Collected` — every filled
row already parsed, or every problem found, each located as ``文件名!Sheet!C7`` — before anything
touches the ledger; the command records a file's rows with a single ``record_many`` (all or
nothing) only when the file has no problem at all.

Identity comes only from the machine-written cells of :mod:`kjyd.render.xlsx.template` (hidden
sheet and hidden id column). Re-collection is recognised by a digest of the *filled content*
(not of the file bytes, which change whenever Excel re-saves), kept as the check-ins' ``source``.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from kjyd.errors import AddressNotFound, InputError
from kjyd.plan import Plan, Target
from kjyd.render.xlsx import template as layout
from kjyd.values import quoted

_XLS_MAGIC = b"\xd0\xcf\x11\xe0"
_ZIP_MAGIC = b"PK"
DIGEST_LENGTH = 16
"""Hex digits of the SHA-256 kept in ``source``: 64 bits, ample for one office's files."""


@dataclass(frozen=True, slots=True)
class FilledRow:
    """One row a division filled in, parsed and checked."""

    row: int
    target: Target
    value: float | None
    note: str
    problems: str
    next_steps: str


@dataclass
class Collected:
    """A workbook read back: what it says, or everything wrong with it."""

    path: Path
    plan_id: str = ""
    month: str = ""
    division: str = ""
    rows: list[FilledRow] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    contact: str = ""
    """填报人 张三；联系电话 …；处室负责人 … as filled under the table (empty when not filled)."""

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def digest(self) -> str:
        """SHA-256 of the filled content (plan, month, division, parsed rows), shortened."""
        content = {
            "plan": self.plan_id,
            "month": self.month,
            "division": self.division,
            "rows": sorted(
                [r.target.id, r.value, r.note, r.problems, r.next_steps] for r in self.rows
            ),
        }
        if self.contact:  # absent when empty, so files collected before keep their fingerprint
            content["contact"] = self.contact
        text = json.dumps(content, ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:DIGEST_LENGTH]

    @property
    def source(self) -> str:
        return f"{self.name}#{self.digest}"


def already_collected(collected: Collected, sources: set[str]) -> bool:
    """True when check-ins with the same content digest exist (under whatever file name)."""
    suffix = f"#{collected.digest}"
    return any(source.endswith(suffix) for source in sources)


def sources_of_file(path: Path, plan: Plan, sources: set[str]) -> tuple[list[str], list[str]]:
    """Which recorded ``source`` values a workbook made (for ``kjyd undo --file``), and the
    problems that kept the file itself from being read (empty when it was read or is gone).

    By content digest when the file can still be read (it may have been renamed since); by file
    name when it cannot (deleted, or edited after collecting). Several hits mean several
    collections of same-named files with different content.
    """
    problems: list[str] = []
    if path.is_file():
        collected = read_workbook(path, plan)
        problems = collected.problems
        if not problems:
            suffix = f"#{collected.digest}"
            hits = sorted(s for s in sources if s.endswith(suffix))
            if hits:
                return hits, []
    prefix = f"{path.name}#"
    return sorted(s for s in sources if s.startswith(prefix)), problems


# --- numbers --------------------------------------------------------------------------------


def cell_number(raw: object, target: Target) -> float:
    """The number in a 本月累计完成 cell, checked for the target; InputError says what is wrong.

    Text goes through the same parser as ``kjyd update`` (1,200 / 1.3万 / full-width digits, the
    target's unit or its short form after the number: 2500亿元, 8%, 25场).
    """
    from kjyd.values import check_value, parse_number

    if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
        raise InputError(f"{quoted(str(raw))} 不是数字")
    if isinstance(raw, str):
        value = parse_number(raw, unit=target.unit)
    else:
        value = float(raw)
        if not math.isfinite(value):
            raise InputError(f"{quoted(str(raw))} 不是数字")
    check_value(target, value)
    return value


# --- dates ----------------------------------------------------------------------------------


def check_in_date(plan: Plan, month: str, explicit: date | None, today: date) -> tuple[date, str]:
    """The date a file's check-ins carry, and a notice when it had to be moved.

    Default: the month's last day, held to the plan period and to today (a July report collected
    on 28 July is dated 28 July, so today's status already shows it). ``--date`` must lie in the
    file's month and in the plan period and not in the future — otherwise the report would be
    filed under a month it does not describe.
    """
    from kjyd.ledger import month_bounds

    first, last = month_bounds(month)
    if explicit is not None:
        if not first <= explicit <= last:
            raise InputError(f"--date {explicit} 不在填报表所属月份 {month} 内")
        if not plan.start <= explicit <= plan.end:
            raise InputError(f"--date {explicit} 不在计划期内（{plan.start} 至 {plan.end}）")
        if explicit > today:
            raise InputError(f"--date {explicit} 晚于今天（{today}）")
        return explicit, ""
    if first > today:
        raise InputError(f"{month} 尚未开始（今天是 {today}），不能收取该月的填报表")
    day = min(last, plan.end, today)
    notice = f"{month} 尚未结束，按今天 {day} 记录" if day == today and day < last else ""
    return day, notice


# --- reading --------------------------------------------------------------------------------


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _sniff(head: bytes) -> str | None:
    """A problem with the file itself (empty, not xlsx), before openpyxl sees it."""
    if not head:
        return "文件是空的（0 字节），不是填报表"
    if head[:4] == _XLS_MAGIC:
        return "是旧版 .xls 格式或加密的工作簿，请在 Excel 中“另存为 .xlsx”（不加密码）后再收取"
    if not head.startswith(_ZIP_MAGIC):
        return "不是 xlsx 文件（请收取 kjyd template 生成、由处室填写后的 .xlsx 工作簿）"
    return None


class _Book:
    """The workbook as collect reads it: sheet names, and each sheet's template area only.

    The file is read once into memory (:func:`kjyd.untrusted_xlsx.read_once`) and parsed by
    streaming, so a hostile file costs at most its limits (see :mod:`kjyd.untrusted_xlsx`).
    """

    META_ROWS = 50

    def __init__(self, data: bytes):
        from kjyd.untrusted_xlsx import open_book

        self.data = data
        self._book = open_book(data)
        self.sheetnames = list(self._book.sheetnames)
        self._cached = None

    def __getitem__(self, name: str):
        """The hidden sheet's key/value columns (bounded; nothing else of it is read)."""
        from kjyd.untrusted_xlsx import read_area

        return read_area(self._book[name], self.META_ROWS, 2, name)

    def area(self, name: str, max_row: int, where: str, problems: list[str]):
        """The fill-in sheet's rows 1..max_row, columns A–K; content elsewhere goes to ``problems``."""
        from kjyd.untrusted_xlsx import read_area

        return read_area(self._book[name], max_row, len(layout.COLUMNS), where, problems)

    def cached(self, name: str, max_row: int):
        """Formula results (what Excel shows), read only if a division typed a formula."""
        from kjyd.untrusted_xlsx import open_book, read_area

        if self._cached is None:
            self._cached = open_book(self.data, data_only=True)
        return read_area(self._cached[name], max_row, len(layout.COLUMNS), name)

    def positions_outside_excel(self, where: str) -> list[str]:
        """Cells or rows placed outside Excel's grid, in any sheet, located (checked before reading)."""
        from kjyd.untrusted_xlsx import positions_outside_excel

        parts = {name: getattr(self._book[name], "_worksheet_path", "") for name in self.sheetnames}
        return positions_outside_excel(self.data, {k: v for k, v in parts.items() if v}, where)

    def close(self) -> None:
        for book in (self._book, self._cached):
            if book is not None:
                book.close()


def read_workbook(path: Path, plan: Plan, month: str | None = None) -> Collected:
    """Read and check a filled workbook completely; ``month`` (``YYYY-MM``) is the month expected."""
    from kjyd.untrusted_xlsx import Unreadable, check_parts, read_once

    result = Collected(path=path)
    try:
        data = read_once(path)
        problem = _sniff(data[:4])
        if problem:
            raise Unreadable(problem)
        check_parts(data)
    except Unreadable as err:
        result.problems.append(f"{path.name}: {err}")
        return result
    try:
        workbook = _Book(data)
    except Exception as err:  # a corrupt upload can fail anywhere inside openpyxl/zipfile
        result.problems.append(f"{path.name}: 无法打开，文件已损坏或不是有效的 xlsx 工作簿（{_reason(err)}）")
        return result
    try:
        result.problems += workbook.positions_outside_excel(result.name)
        if not result.problems and _read_meta(workbook, plan, month, result):
            _read_rows(workbook, path, plan, result)
    except Exception as err:  # streaming: a malformed sheet fails while being read
        result.problems.append(f"{path.name}: 无法读取，文件已损坏或不是有效的 xlsx 工作簿（{_reason(err)}）")
    finally:
        workbook.close()
    return result


def _reason(err: Exception) -> str:
    """What went wrong inside openpyxl, briefly (defusedxml names a refused entity declaration)."""
    cause: BaseException | None = err
    while cause is not None:  # openpyxl wraps the parser's error in a ValueError
        if type(cause).__name__ in ("EntitiesForbidden", "DTDForbidden", "ExternalReferenceForbidden"):
            return "含有 XML 实体声明，拒绝读取"
        cause = cause.__cause__ or cause.__context__
    return type(err).__name__


def _read_meta(workbook, plan: Plan, month: str | None, result: Collected) -> bool:
    name = result.name
    if layout.META_SHEET not in workbook.sheetnames:
        result.problems.append(
            f"{name}: 不是 kjyd template 生成的填报表（缺少隐藏工作表 {layout.META_SHEET}）"
        )
        return False
    if tuple(workbook.sheetnames) != layout.SHEETS:
        expected = "、".join(layout.SHEETS)
        actual = "、".join(workbook.sheetnames)
        result.problems.append(
            f"{name}: 工作表应为 {expected}（按此顺序），而文件中是 {actual}；请勿重命名、调换或增删工作表"
        )
        return False
    sheet = workbook[layout.META_SHEET]
    meta = {_text(sheet.cell(r, 1).value): _text(sheet.cell(r, 2).value) for r in range(2, sheet.max_row + 1)}
    where = f"{name}!{layout.META_SHEET}"
    if meta.get("format") != layout.FORMAT:
        result.problems.append(f"{where}: 填报表格式 {quoted(meta.get('format', ''))} 无法识别，请用 kjyd template 重新生成")
        return False
    if meta.get("plan_id") != plan.id:
        result.problems.append(
            f"{where}: 这是计划 {meta.get('plan_id')} 的填报表，不是当前计划 {plan.id}（可用 --plan 指定计划文件）"
        )
        return False
    from kjyd.divisions import month_in_plan

    try:
        file_month = month_in_plan(plan, meta.get("month", ""), "填报表月份")
    except InputError as err:
        result.problems.append(f"{where}: {err}")
        return False
    if month is not None and file_month != month:
        result.problems.append(
            f"{where}: 这是 {file_month} 的填报表，而本次收取的是 {month}；{month} 的进展请用 "
            f"kjyd template --month {month} 生成的填报表填报，或去掉 --month 按 {file_month} 收取"
        )
        return False
    if not meta.get("division"):
        result.problems.append(f"{where}: 缺少处室名称，请用 kjyd template 重新生成")
        return False
    from kjyd.divisions import division_targets

    try:  # the division named in the file must be one the plan knows (no posing as another)
        division_targets(plan, meta["division"])
    except InputError as err:
        result.problems.append(f"{where}: {err}（填报表中的处室名称被改动过？请用 kjyd template 重新生成）")
        return False
    result.plan_id, result.month, result.division = plan.id, file_month, meta["division"]
    return True


def _read_rows(workbook: _Book, path: Path, plan: Plan, result: Collected) -> None:
    where = f"{result.name}!{layout.SHEET}"
    meta = workbook[layout.META_SHEET]
    listed = {
        _text(meta.cell(r, 2).value)
        for r in range(2, meta.max_row + 1)
        if _text(meta.cell(r, 1).value) == "targets"
    }
    expected = set(next(iter(listed), "").split(",")) - {""}
    from kjyd.divisions import division_targets

    # The plan's 分工 decides what a division may report, not the (editable) list in the file.
    assigned = {t.id for t in division_targets(plan, result.division)}
    # the rows the template wrote (never more than the plan has targets, whatever the file lists)
    last_row = layout.FIRST_ROW - 1 + min(len(expected), len(plan.targets))
    asks_contact = any(_text(meta.cell(r, 1).value) == "contact" for r in range(2, meta.max_row + 1))
    contact_rows = layout.contact_rows(last_row - layout.FIRST_ROW + 1) if asks_contact else range(0)
    stray: list[str] = []  # content outside the template's area, listed after the rows' problems
    sheet = workbook.area(layout.SHEET, contact_rows[-1] if contact_rows else last_row, where, stray)
    try:
        _check_rows(workbook, sheet, plan, result, expected, assigned, last_row)
        if contact_rows and not result.problems:
            _read_contact(sheet, contact_rows, where, result)
    finally:
        result.problems += stray


def _read_contact(sheet, rows: range, where: str, result: "Collected") -> None:
    """填报人 / 联系电话 / 处室负责人 under the table, as one line kept with each check-in."""
    parts = []
    for label, r in zip(layout.CONTACT_FIELDS, rows):
        if _text(sheet[f"A{r}"].value) != label:
            result.problems.append(f"{where}!A{r}: 应为 “{label}”（表格下方的栏目被移动或改动过？请用原表填写）")
            return
        answer = _text(sheet[f"B{r}"].value)
        for err in _length_problem(answer):
            result.problems.append(f"{where}!B{r}: {err}")
        if answer:
            parts.append(f"{label} {answer}")
    result.contact = "；".join(parts)


def _check_rows(workbook: _Book, sheet, plan: Plan, result: Collected, expected: set[str],
                assigned: set[str], last_row: int) -> None:
    where = f"{result.name}!{layout.SHEET}"
    for index, (header, _width) in enumerate(layout.COLUMNS, 1):
        cell = sheet.cell(layout.HEADER_ROW, index)
        wanted = f"{header}（请填写）" if cell.column_letter in layout.FILL_COLUMNS else header
        if cell.column_letter == layout.VALUE_COLUMN and _text(cell.value) in {
            f"{h}（请填写）" for h in layout.VALUE_HEADERS
        }:
            continue  # named for the sheet's kinds (本月累计完成 / 本月当前总数 / 本月最新值 / 本月数值)
        if _text(cell.value) != wanted:
            result.problems.append(
                f"{where}!{cell.coordinate}: 表头应为 “{wanted}”，而不是 {quoted(_text(cell.value))}（列被调换或删除？）"
            )
    if result.problems:
        return
    cached = None  # values of formula cells, loaded only if a division typed a formula
    seen: dict[str, int] = {}
    for r in range(layout.FIRST_ROW, sheet.max_row + 1):
        cells = {letter: sheet[f"{letter}{r}"] for letter in layout.FILL_COLUMNS}
        values = {}
        for letter, cell in cells.items():
            shown = cell  # the cell whose value Excel shows: a formula's cached result
            if cell.data_type == "f":
                if cached is None:
                    cached = workbook.cached(layout.SHEET, last_row)
                shown = cached[cell.coordinate]
                if shown.value is None:
                    result.problems.append(
                        f"{where}!{cell.coordinate}: 公式没有计算结果，请在 Excel 中打开、保存后再收取，或直接填数字"
                    )
                    continue
            if shown.data_type == "e":  # #NAME?, #DIV/0!…: never a note or a figure
                result.problems.append(
                    f"{where}!{cell.coordinate}: 单元格显示错误值 {shown.value}"
                    f"（以 = 开头的内容会被当作公式；文字请勿以 = 开头）"
                )
                continue
            values[letter] = shown.value
        filled = [letter for letter in layout.FILL_COLUMNS if _text(values.get(letter)) != ""]
        target_id = _text(sheet[f"{layout.ID_COLUMN}{r}"].value)
        if not target_id:
            if filled:
                result.problems.append(
                    f"{where}!{filled[0]}{r}: 此行不是填报行（不在 kjyd 生成的目标行内），请把内容填到对应目标的行"
                )
            continue
        if target_id not in expected:
            result.problems.append(f"{where}!{layout.ID_COLUMN}{r}: 隐藏的目标标识 {target_id} 不属于本表，请用原表填写")
            continue
        if target_id in seen:
            result.problems.append(f"{where}!{layout.ID_COLUMN}{r}: 目标 {target_id} 与第{seen[target_id]}行重复，请用原表填写")
            continue
        seen[target_id] = r
        try:
            target = plan.target(target_id)
        except AddressNotFound:
            result.problems.append(f"{where}!{layout.ID_COLUMN}{r}: 计划中已没有目标 {target_id}（计划文件已修改？请重新生成填报表）")
            continue
        if target_id not in assigned:
            result.problems.append(
                f"{where}!{layout.ID_COLUMN}{r}: 目标 {target_id} 不属于 {result.division} 牵头的任务（见计划分工），"
                "不能由本表填报"
            )
            continue
        label = _text(sheet[f"A{r}"].value)
        if label != target.label:
            result.problems.append(
                f"{where}!A{r}: 编号 {quoted(label)} 与本行目标 {target.label} 不一致（行被排序或改动过？请用原表填写）"
            )
            continue
        if not filled:
            continue
        value = _parse_value(values.get(layout.VALUE_COLUMN), target, f"{where}!{layout.VALUE_COLUMN}{r}", result)
        too_long = [
            f"{where}!{letter}{r}: {err}" for letter in (layout.NOTE_COLUMN, layout.PROBLEMS_COLUMN, layout.NEXT_COLUMN)
            for err in _length_problem(_text(values.get(letter)))
        ]
        result.problems += too_long
        if value is False or too_long:
            continue
        result.rows.append(
            FilledRow(
                row=r,
                target=target,
                value=value,
                note=_text(values.get(layout.NOTE_COLUMN)),
                problems=_text(values.get(layout.PROBLEMS_COLUMN)),
                next_steps=_text(values.get(layout.NEXT_COLUMN)),
            )
        )


def _length_problem(text: str) -> list[str]:
    from kjyd.values import check_text_length

    try:
        check_text_length(text, "内容")
    except InputError as err:
        return [str(err)]
    return []


def _parse_value(raw: object, target: Target, place: str, result: Collected) -> float | None | bool:
    """The number in a 本月累计完成 cell; None when empty; False (and a located problem) when invalid."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        return cell_number(raw, target)
    except InputError as err:
        result.problems.append(f"{place}: {err}")
        return False


def ledger_rows(collected: Collected, day: date) -> list[dict]:
    """The check-ins to record for a clean file, in sheet order (one ``record_many`` call)."""
    return [
        {
            "plan_id": collected.plan_id,
            "target_id": row.target.id,
            "date": day,
            "value": row.value,
            "note": row.note,
            "who": collected.division,
            "problems": row.problems,
            "next_steps": row.next_steps,
            "source": collected.source,
            "contact": collected.contact,
        }
        for row in collected.rows
    ]
