"""``kjyd export --brief``: the 报送版 — the table that goes up the chain, on two or three A4 pages.

The working workbook (:mod:`kjyd.render.xlsx.workbook`) prints at ~7 pt over a dozen pages: the full
notice text sets every row's height, a merged 板块 cell crossing a page break leaves rows with no
section, and its wording is the data-entry one. The 报送版 is laid out for reading instead:

- task titles only (no notice text), one row per target, each task's latest progress of the month
  (at the plan's end: of the whole period) — not every note;
- printed at 100 % in 10 pt: the columns fit the A4 landscape width, so nothing is shrunk;
- sections as full-width rows (一、…), repeated as "一、…（续）" at the top of a page that a
  section continues onto; page breaks are placed here, between tasks, never inside one;
- report wording: 定性任务, 较上月, and at the plan's end 全年完成情况 / 全年进展;
- one sheet: the 主要目标 first, as a block of the same table, then the tasks; no 填报记录.

Formatting only: figures from the report inside the month's :class:`kjyd.changes.Changes`.
"""

from __future__ import annotations

from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from kjyd.changes import Changes
from kjyd.periods import at_end, long_date, period_name
from kjyd.render.xlsx import style as st
from kjyd.render.xlsx.workbook import since_last_month
from kjyd.report import TargetRow, TaskRow, dated_note

HEADERS = ("序号", "重点任务", "量化目标", "累计完成", "较上月", "完成率", "状态", "本月进展", "牵头处室")
WIDTHS = [7, 21, 36, 11, 8, 8, 9, 42, 10]
"""Column widths (Excel units) at 10 pt; 本月进展 takes what is left of the page (see :func:`widths`)."""
SHEET = "推进情况（报送版）"
_COL = {name: i for i, name in enumerate(HEADERS, start=1)}
TASK_COLUMNS = ("序号", "重点任务", "本月进展", "牵头处室")
"""Merged over a task's rows; the others are one per target."""

A4_LANDSCAPE_PT = (841.9, 595.3)
MARGINS_IN = {"left": 0.4, "right": 0.4, "top": 0.5, "bottom": 0.6}
RESERVE = 0.985
"""Share of a page's printable height the rows may fill: row heights are exact points in both
Excel and LibreOffice, so only rounding needs room (1.5 %)."""
LINE_PT, PAD_PT = 13.5, 3.0
"""A wrapped 10 pt line, and the padding of a row: tighter than the working table's 6 pt."""


def printable_width_pt() -> float:
    return A4_LANDSCAPE_PT[0] - (MARGINS_IN["left"] + MARGINS_IN["right"]) * 72


def table_width_pt(widths: list[float]) -> float:
    """Printed width of columns at 100 %: Excel's pixels (7 per unit + 5) at 96 dpi."""
    return sum(w * 7 + 5 for w in widths) * 0.75


def widths(divisions: bool) -> list[float]:
    """The columns, 牵头处室 only when the plan names divisions, 本月进展 as wide as the page allows."""
    chosen = list(WIDTHS if divisions else WIDTHS[:-1])
    note = _COL["本月进展"] - 1
    chosen[note] = 0
    room = (printable_width_pt() / 0.75 - 5 * len(chosen)) / 7 - sum(chosen)
    chosen[note] = int(room) - 2  # two units to spare for rounding between Excel and LibreOffice
    return chosen


def height(lines: float) -> float:
    return min(round(lines * LINE_PT + PAD_PT, 1), st.MAX_ROW_POINTS)


def write_brief(stream: BinaryIO, changes: Changes) -> None:
    """Write the 报送版 workbook (one sheet) for the month ending at ``changes.until``."""
    wb = Workbook()
    _sheet(wb.active, st.Looks(wb.active), changes)
    wb.save(stream)


def latest_progress(changes: Changes) -> dict[int, str]:
    """Each task's latest note of the month; at the plan's end, its latest note of the period."""
    if at_end(changes.plan, changes.until):
        return {row.task.number: dated_note(row.last_note, row.note_date, row.last_date)
                for row in changes.after.tasks if row.last_note}
    return {item.row.task.number: item.notes[-1][0].note for item in changes.noted}


def _title(changes: Changes) -> str:
    plan, report = changes.plan, changes.after
    what = "完成情况" if at_end(plan, report.as_of) else "推进情况"
    return f"{plan.short_title}{period_name(plan, report.as_of)}{what}（截至{long_date(report.as_of)}）"


def _summary(changes: Changes) -> str:
    report = changes.after
    if at_end(changes.plan, report.as_of):
        return report.summary
    return f"序时进度：{report.expected_percent:.1f}%。{report.summary}{changes.summary}"


class _Pages:
    """Where the printed pages end, from row heights: the breaks are placed here, nothing is scaled.

    A page holds its printable height less :data:`RESERVE`; the header row repeats at the top of
    every page.
    """

    def __init__(self, top: list[float]) -> None:
        self.page = (A4_LANDSCAPE_PT[1] - (MARGINS_IN["top"] + MARGINS_IN["bottom"]) * 72) * RESERVE
        self.header = top[-1]
        self.used = sum(top)
        self.count = 1

    def breaks_before(self, needed: float) -> bool:
        if self.used + needed > self.page and self.used > self.header + 1:
            self.used = self.header
            self.count += 1
            return True
        return False

    def add(self, used: float) -> None:
        self.used += used


class _Writer:
    """Writes the sheet top to bottom, placing a page break before a block that would not fit and
    repeating the section's row (…（续）) when a section carries on onto the new page."""

    def __init__(self, ws: Worksheet, looks: st.Looks, changes: Changes, columns: list[float]) -> None:
        self.ws, self.looks, self.changes = ws, looks, changes
        self.widths = columns
        self.columns = len(columns)
        self.divisions = self.columns == len(HEADERS)
        self.row = 4
        self.pages = _Pages([ws.row_dimensions[r].height or 15.0 for r in (1, 2, 3)])

    def block(self, heading: str, items: list[tuple[list[float], object]], write) -> None:
        """A section row and its items ((row heights, item) each), kept on pages as described."""
        for index, (heights, item) in enumerate(items):
            needed = sum(heights) + (height(1) if index == 0 else 0.0)
            if self.pages.breaks_before(needed):
                self.ws.row_breaks.append(Break(id=self.row - 1))
                if index > 0:
                    self.section_row(f"{heading}（续）")
            if index == 0:
                self.section_row(heading)
            write(item, heights)
            self.pages.add(sum(heights))

    def section_row(self, text: str) -> None:
        look = self.looks.body(bold=True, fill="F2F2F2")
        for column in range(1, self.columns + 1):
            st.put(self.ws, self.row, column, None, look)
        st.text(self.ws.cell(row=self.row, column=1), text)
        st.merge(self.ws, self.row, 1, self.row, self.columns)
        self.ws.row_dimensions[self.row].height = height(1)
        self.pages.add(height(1))
        self.row += 1

    def figures(self, row: int, target_row: TargetRow) -> None:
        """累计完成, 较上月, 完成率, 状态 of one target."""
        looks, target = self.looks, target_row.target
        value = None if target.implicit else target_row.value
        st.put(self.ws, row, _COL["累计完成"], value,
               looks.body(centred=True, fmt=st.number_format(target.unit, value)))
        since_last_month(self.ws, looks, row, _COL["较上月"], target_row, self.changes)
        percent = None if target_row.percent is None else target_row.percent / 100
        st.put(self.ws, row, _COL["完成率"], percent, looks.body(centred=True, fmt=st.PERCENT))
        st.put(self.ws, row, _COL["状态"], target_row.state, looks.state(target_row.state))

    def headline(self, item: tuple[int, str, TargetRow], heights: list[float]) -> None:
        """主要目标 row: its number, its words over 重点任务 and 量化目标, its figures."""
        position, words, target_row = item
        ws, row = self.ws, self.row
        for column in range(1, self.columns + 1):  # bordered alike, 本月进展 left empty
            st.put(ws, row, column, None, self.looks.body())
        st.put(ws, row, _COL["序号"], position, self.looks.body(centred=True))
        st.text(ws.cell(row=row, column=_COL["重点任务"]), words)
        st.merge(ws, row, _COL["重点任务"], row, _COL["量化目标"])
        self.figures(row, target_row)
        ws.row_dimensions[row].height = heights[0]
        self.row += 1

    def task(self, item: tuple[TaskRow, str], heights: list[float]) -> None:
        task_row, note = item
        ws, first, task = self.ws, self.row, task_row.task
        merged = TASK_COLUMNS if self.divisions else TASK_COLUMNS[:-1]
        last = first + len(task_row.targets) - 1
        for row, (target_row, tall) in enumerate(zip(task_row.targets, heights), start=first):
            st.put_text(ws, row, _COL["量化目标"], _wording(target_row), self.looks.body())
            self.figures(row, target_row)
            for name in merged:
                st.put(ws, row, _COL[name], None, self.looks.body(centred=name == "序号"))
            ws.row_dimensions[row].height = tall
        st.text(ws.cell(row=first, column=_COL["序号"]), task.label)
        st.text(ws.cell(row=first, column=_COL["重点任务"]), task.title)
        st.text(ws.cell(row=first, column=_COL["本月进展"]), note)
        if self.divisions:
            st.text(ws.cell(row=first, column=_COL["牵头处室"]), "、".join(task.lead_divisions))
        if last > first:
            for name in merged:
                st.merge(ws, first, _COL[name], last, _COL[name])
        self.row = last + 1


def _sheet(ws: Worksheet, looks: st.Looks, changes: Changes) -> None:
    report, plan = changes.after, changes.plan
    ws.title = SHEET
    columns = widths(any(task.lead_divisions for task in plan.tasks))
    headers = list(HEADERS[:len(columns)])
    if at_end(plan, report.as_of):
        headers[_COL["本月进展"] - 1] = "全年进展"
    st.title_row(ws, 1, _title(changes), len(columns))
    st.title_row(ws, 2, _summary(changes), len(columns), size=11)
    ws.row_dimensions[2].height = height(st.lines_needed(_summary(changes), sum(columns) * 0.9))
    st.header_row(ws, looks, 3, headers)
    writer = _Writer(ws, looks, changes, columns)
    width = dict(zip(HEADERS, columns))
    headlines = [
        (position, f"{headline.name}（{row.target.goal(reach='达到')}）", row)
        for position, (headline, row) in enumerate(zip(plan.headlines, report.headlines), 1)
    ]
    writer.block("主要目标", [
        ([height(st.lines_needed(item[1], width["重点任务"] + width["量化目标"]))], item) for item in headlines
    ], writer.headline)
    notes = latest_progress(changes)
    rows = {row.task.number: row for row in report.tasks}
    groups = [(f"{s.label}、{s.title}", list(s.tasks)) for s in plan.sections] or [
        ("重点任务", [task.number for task in plan.tasks])]
    for heading, numbers in groups:
        items = [(rows[n], notes.get(n, "")) for n in numbers]
        writer.block(heading, [(_task_heights(row, note, width), (row, note)) for row, note in items],
                     writer.task)
    st.widths(ws, columns)
    ws.freeze_panes = "A4"
    _page_setup(ws)


def _wording(target_row: TargetRow) -> str:
    return "定性任务" if target_row.target.implicit else target_row.target.wording()


def _task_heights(task_row: TaskRow, note: str, width: dict[str, float]) -> list[float]:
    """Each target row as tall as its own text; the task's title or note may need more, shared."""
    own = [st.lines_needed(_wording(t), width["量化目标"]) for t in task_row.targets]
    needed = max(st.lines_needed(task_row.task.title, width["重点任务"]), st.lines_needed(note, width["本月进展"]))
    extra = max(0, needed - sum(own)) / len(own)
    return [height(lines + extra) for lines in own]


def _page_setup(ws: Worksheet) -> None:
    """A4 landscape at 100 % (10 pt stays 10 pt), header row repeated, page numbers below."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.scale = 100
    ws.sheet_properties.pageSetUpPr.fitToPage = False
    ws.page_margins.left, ws.page_margins.right = MARGINS_IN["left"], MARGINS_IN["right"]
    ws.page_margins.top, ws.page_margins.bottom = MARGINS_IN["top"], MARGINS_IN["bottom"]
    ws.page_margins.footer = 0.3
    ws.print_options.horizontalCentered = True
    ws.print_title_rows = "3:3"
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.oddFooter.center.font = st.BODY_FONT

