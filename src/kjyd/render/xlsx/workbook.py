"""The monthly 推进情况表 workbook: four sheets built from one report (formatting only).

Sheets: 推进情况 (every task, one row per target, task cells merged), 主要目标 (the eight headline
targets and a bar chart against 序时进度), 月度走势 (month-end values from the period start to the
chosen month), 填报记录 (every check-in dated in the month, withdrawn ones marked).

Every figure is a number in its own cell with a number format, so the office can still sum, sort
and filter; every note is stored as text exactly as typed. openpyxl is imported here, and this
module is imported only by ``kjyd export``.
"""

from __future__ import annotations

import gc
import io
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.worksheet.worksheet import Worksheet

from kjyd.changes import Changes
from kjyd.entries import Entry
from kjyd.periods import at_end, whole_period
from kjyd.render.xlsx import style as st
from kjyd.render.xlsx.history import RECORD_HEADERS, record_sheet, trend_sheet
from kjyd.render.xlsx.streamed_rows import splice
from kjyd.render.table_rows import PROGRESS_HEADERS, TARGET_COLUMNS, ProgressTask, progress_rows
from kjyd.plan import Target, Task, value_label
from kjyd.report import Report, TargetRow

SHEETS = ("推进情况", "主要目标", "月度走势", "填报记录")
PROGRESS_WIDTHS = [7, 9, 10, 38, 15, 10, 9, 8, 8, 9, 28, 15, 15, 7, 7, 11]  # 序号 7: 三十一 on one line
_COL = {name: i for i, name in enumerate(PROGRESS_HEADERS, start=1)}


def write_workbook(
    stream: BinaryIO,
    report: Report,
    checkins_of: Callable[[Task], Iterable[Entry]],
    month_checkins: Iterable[Entry],
    months: list[str],
    month_end_values: dict[str, dict[str, float]],
    changes: Changes | None = None,
) -> None:
    """Write the workbook for the month ending at ``report.as_of`` to a binary stream.

    ``checkins_of(task)``: the task's check-ins dated in the month, oldest first (see
    :func:`kjyd.render.table_rows.progress_rows`); ``month_checkins``: every check-in dated in the
    month, withdrawn included, oldest first by (date, id) — both typically ledger cursors, read once
    as the sheets are made, so a busy month is never held; ``months``: month keys from the period
    start to the chosen month; ``month_end_values``: {target_id: {month: value}};
    ``changes``: the month's :func:`kjyd.changes.compare` (its ``after`` is ``report``) for 较上月.
    """
    with _without_cycle_collection():
        wb = Workbook()
        looks = st.Looks(wb.active)
        _progress_sheet(wb.active, looks, report, checkins_of, changes)
        headline_sheet(wb.create_sheet(SHEETS[1]), looks, report)
        trend_sheet(wb.create_sheet(SHEETS[2]), looks, report, months, month_end_values)
        records = wb.create_sheet(SHEETS[3])
        rows = record_sheet(records, looks, report, month_checkins)
        saved = io.BytesIO()  # the package without 填报记录's body rows: some tens of kilobytes
        wb.save(saved)
        splice(saved, stream, records, rows, len(RECORD_HEADERS))


@contextmanager
def _without_cycle_collection() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while the workbook is built and saved.

    A busy month puts hundreds of thousands of cell and XML objects on the heap, all alive until
    the file is written; the collector would scan them again and again as they accumulate (about
    a fifth of the export's time) and find nothing to free. Reference counting still frees
    everything else as usual; the collector resumes afterwards, even on an error.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def as_of_text(report: Report) -> str:
    day = report.as_of
    return f"截至{day.year}年{day.month}月{day.day}日"


# --- 推进情况 ------------------------------------------------------------------------------------


def _progress_sheet(ws: Worksheet, looks: st.Looks, report: Report,
                    checkins_of: Callable[[Task], Iterable[Entry]], changes: Changes | None) -> None:
    """One row per target; the task's cells merged over its rows, 板块 over the section's rows."""
    ws.title = SHEETS[0]
    columns = len(PROGRESS_HEADERS)
    whole = at_end(report.plan, report.as_of)  # the last report speaks of the whole period
    kind = f"{whole_period(report.plan)}完成情况表" if whole else "推进情况表"
    st.title_row(ws, 1, f"{report.plan.short_title}{kind}（{as_of_text(report)}）", columns)
    st.title_row(
        ws, 2, f"序时进度：{report.expected_percent:.1f}%。{report.summary}", columns, size=11
    )
    task_targets = [t for task in report.plan.tasks for t in task.targets]
    headers = _value_header(PROGRESS_HEADERS, task_targets)
    if whole:
        headers[_COL["本月进展"] - 1] = f"{whole_period(report.plan)}进展"
    st.header_row(ws, looks, 3, headers)
    row = 4
    sections: dict[str, list[int]] = {}
    blocks = []
    for item in progress_rows(report, checkins_of):
        first, row = row, row + len(item.row.targets)
        _task_rows(ws, looks, item, first, row - 1, changes)
        sections.setdefault(item.section, []).extend(range(first, row))
        blocks.append((first, row - 1))
    for heading, rows in sections.items():
        st.text(ws.cell(row=rows[0], column=_COL["板块"]), heading)
        _merge_column(ws, _COL["板块"], rows[0], rows[-1])
    widths = _progress_widths(report)
    st.widths(ws, widths)
    ws.freeze_panes = "D4"
    st.page_setup(ws, "3:3", columns, row - 1, 3)
    st.keep_together(ws, blocks, widths, 4, 3)


def _value_header(headers: tuple[str, ...], targets: list[Target]) -> list[str]:
    """累计完成 renamed for the kinds present: 当前总数 / 最新值 when all are such, else 当前值."""
    return [value_label(targets) if h == "累计完成" else h for h in headers]


def _progress_widths(report: Report) -> list[float]:
    """:data:`PROGRESS_WIDTHS`, with 累计完成 and 完成率 wide enough for this month's figures."""
    widths = list(PROGRESS_WIDTHS)
    rows = [t for task in report.tasks for t in task.targets]
    for name, texts in (
        ("累计完成", [st.shown_number(t.value, t.target.unit) for t in rows if t.value is not None]),
        ("完成率", [f"{t.percent:.1f}%" for t in rows if t.percent is not None]),
    ):
        widths[_COL[name] - 1] = st.number_width(texts, PROGRESS_WIDTHS[_COL[name] - 1])
    return widths


def _task_rows(ws: Worksheet, looks: st.Looks, item: ProgressTask, first: int, last: int,
               changes: Changes | None) -> None:
    task = item.row.task
    task_cells = {
        "序号": task.label,
        "重点任务": task.title,
        "主要内容": task.text,
        "本月进展": item.progress,
        "存在问题": item.problems,
        "下一步计划": item.next_steps,
        "牵头处室": "、".join(task.lead_divisions),
        "配合处室": "、".join(task.support_divisions),
    }
    task_looks = {
        _COL[name]: looks.body(_COL[name] in _PROGRESS_CENTRED, st.DATE if name == "最近更新" else "General")
        for name in PROGRESS_HEADERS
        if name not in TARGET_COLUMNS
    }
    for row, target_row in enumerate(item.row.targets, start=first):
        _target_cells(ws, looks, row, target_row)
        since_last_month(ws, looks, row, _COL["较上月"], target_row, changes)
        for column, look in task_looks.items():  # the task's cells, merged below: bordered alike
            st.put(ws, row, column, None, look)
    for name, value in task_cells.items():
        st.text(ws.cell(row=first, column=_COL[name]), value)
    ws.cell(row=first, column=_COL["最近更新"], value=item.row.last_date)
    for name in PROGRESS_HEADERS:
        if name not in TARGET_COLUMNS and name != "板块":
            _merge_column(ws, _COL[name], first, last)
    _fit_heights(ws, first, last, task_cells)


def _merge_column(ws: Worksheet, column: int, first: int, last: int) -> None:
    if last > first:
        st.merge(ws, first, column, last, column)


_PROGRESS_CENTRED = frozenset(
    _COL[name] for name in ("序号", "较上月", "完成率", "序时进度", "进度状态", "牵头处室", "配合处室", "最近更新")
)


def _target_cells(ws: Worksheet, looks: st.Looks, row: int, target_row: TargetRow) -> None:
    """量化目标 (with 期初/节点 on a second line), value, 完成率, the target's own 序时进度, state."""
    target = target_row.target
    st.put_text(ws, row, _COL["量化目标"], target.described(), looks.body())
    st.put(ws, row, _COL["累计完成"], target_row.value,
           looks.body(fmt=st.number_format(target.unit, target_row.value)))
    _percent(ws, looks, row, _COL["完成率"], target_row.percent)
    expected(ws, looks, row, _COL["序时进度"], target_row)
    st.put(ws, row, _COL["进度状态"], target_row.state, looks.state(target_row.state))


def since_last_month(ws: Worksheet, looks: st.Looks, row: int, column: int, target_row: TargetRow,
                     changes: Changes | None) -> None:
    """较上月: the change since the previous month end as a signed number (0 when unchanged), 新填报
    for a first value, empty when there is no value (or no comparison was asked for)."""
    look = looks.body(centred=True)
    if changes is None or target_row.value is None:
        st.put(ws, row, column, None, look)
        return
    change = changes.value_change(target_row.target.id)
    if change is not None and change.delta is None:
        st.put_text(ws, row, column, "新填报", look)
        return
    delta = 0 if change is None else change.delta
    digits = "#,##0" if float(delta).is_integer() else "#,##0.0#"
    st.put(ws, row, column, delta, looks.body(centred=True, fmt=f"+{digits};-{digits};0"))


def expected(ws: Worksheet, looks: st.Looks, row: int, column: int, target_row: TargetRow) -> None:
    """The target's own 序时进度 (its nodes' curve); 不适用 for a level, which is never paced."""
    if target_row.expected_percent is None:
        st.put_text(ws, row, column, "不适用", looks.body(centred=True))
    else:
        _percent(ws, looks, row, column, target_row.expected_percent)


def _percent(ws: Worksheet, looks: st.Looks, row: int, column: int, percent: float | None) -> None:
    """完成率 is stored as a fraction (0.8) shown as 80.0%, so it stays a number."""
    value = None if percent is None else percent / 100
    st.put(ws, row, column, value, looks.body(centred=True, fmt=st.PERCENT))


def _fit_heights(ws: Worksheet, first: int, last: int, task_cells: dict[str, str]) -> None:
    """Row heights for wrapped text (Excel does not grow rows on opening a file).

    Each target row is as tall as its own cells need; if the task's merged cells need more, the
    extra height is shared among the task's rows.
    """
    width = dict(zip(PROGRESS_HEADERS, PROGRESS_WIDTHS))
    own = [
        max(
            st.lines_needed(ws.cell(row=r, column=_COL[name]).value, width[name])
            for name in TARGET_COLUMNS
        )
        for r in range(first, last + 1)
    ]
    needed = {name: st.lines_needed(value, width[name]) for name, value in task_cells.items()}
    extra = max(0, max(needed.values()) - sum(own))
    count = last - first + 1
    heights = []
    for index, r in enumerate(range(first, last + 1)):
        heights.append(st.height_for(own[index] + extra / count))
        ws.row_dimensions[r].height = heights[-1]
    if st.MAX_ROW_POINTS in heights:  # held to Excel's tallest row: show how long texts begin
        for name, lines in needed.items():
            st.show_beginning(ws.cell(row=first, column=_COL[name]), lines, sum(heights))
        for index, r in enumerate(range(first, last + 1)):
            for name in TARGET_COLUMNS:
                cell = ws.cell(row=r, column=_COL[name])
                st.show_beginning(cell, st.lines_needed(cell.value, width[name]), heights[index])


# --- 主要目标 ------------------------------------------------------------------------------------

HEADLINE_HEADERS = ("序号", "指标", "目标值", "单位", "累计完成", "完成率", "序时进度", "状态", "填报编号")
HEADLINE_WIDTHS = [6, 34, 10, 8, 12, 10, 10, 10, 10]


def headline_sheet(ws: Worksheet, looks: st.Looks, report: Report) -> None:
    columns = len(HEADLINE_HEADERS)
    st.title_row(ws, 1, f"{report.plan.short_title}主要目标完成情况（{as_of_text(report)}）", columns)
    st.header_row(ws, looks, 2, _value_header(HEADLINE_HEADERS, [r.target for r in report.headlines]))
    centred = looks.body(centred=True)
    for index, (headline, target_row) in enumerate(zip(report.plan.headlines, report.headlines)):
        row = 3 + index
        target = target_row.target
        st.put(ws, row, 1, index + 1, centred)
        notes = target.notes()
        st.put_text(ws, row, 2, f"{headline.name}\n{notes}" if notes else headline.name, looks.body())
        st.put(ws, row, 3, target.value, looks.body(True, st.number_format("", target.value)))
        st.put(ws, row, 4, target.unit, centred)
        st.put(ws, row, 5, target_row.value, looks.body(True, st.number_format("", target_row.value)))
        _percent(ws, looks, row, 6, target_row.percent)
        expected(ws, looks, row, 7, target_row)
        st.put(ws, row, 8, target_row.state, looks.state(target_row.state))
        st.put(ws, row, 9, target.label, centred)
        ws.row_dimensions[row].height = st.height_for(st.lines_needed(ws.cell(row, 2).value, HEADLINE_WIDTHS[1]))
    last = 2 + len(report.headlines)
    st.widths(ws, HEADLINE_WIDTHS)
    ws.freeze_panes = "A3"
    st.page_setup(ws, "2:2", columns, last, 2)
    _headline_chart(ws, last)


def _headline_chart(ws: Worksheet, last: int) -> None:
    """Clustered bars: each headline's 完成率 beside the 序时进度 it should have reached."""
    chart = BarChart()
    chart.type = "bar"
    chart.title = "主要目标完成率与序时进度"
    chart.add_data(Reference(ws, min_col=6, max_col=7, min_row=2, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=2, min_row=3, max_row=last))
    chart.y_axis.numFmt = "0%"
    chart.y_axis.number_format = "0%"
    chart.y_axis.majorGridlines = None
    chart.x_axis.scaling.orientation = "maxMin"  # first headline at the top, as in the table
    chart.x_axis.delete = False  # openpyxl ≥ 3.1 hides axes unless told otherwise
    chart.y_axis.delete = False
    chart.y_axis.crosses = "max"  # with the categories reversed, keep the percent axis at the bottom
    chart.legend.position = "b"
    chart.height, chart.width = 8, 22  # cm: table and chart print together on one A4 page
    ws.add_chart(chart, f"A{last + 2}")
