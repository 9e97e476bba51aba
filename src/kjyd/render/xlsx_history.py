"""The workbook's history sheets: 月度走势 (month-end values) and 填报记录 (the month's check-ins).

Split from :mod:`kjyd.render.xlsx` to keep each module readable; formatting only, like it.
"""

from __future__ import annotations

from datetime import datetime

from openpyxl.styles import Alignment
from openpyxl.worksheet.worksheet import Worksheet

from kjyd.entries import Entry
from kjyd.plan import Target
from kjyd.render import xlsx_style as st
from kjyd.render.xlsx_rows import oldest_first, target_of
from kjyd.report import Report

# --- 月度走势 ------------------------------------------------------------------------------------


def trend_sheet(
    ws: Worksheet, report: Report, months: list[str], values: dict[str, dict[str, float]]
) -> None:
    """Month-end values of every quantitative target, the chosen month (last column) highlighted."""
    headers = ["编号", "指标", "目标值", "单位"] + [f"{int(m[5:])}月" for m in months] + ["本月变化"]
    columns = len(headers)
    st.title_row(ws, 1, f"{report.plan.short_title}量化目标月度走势（月末累计值）", columns)
    st.header_row(ws, 2, headers)
    chosen = 4 + len(months)
    ws.cell(row=2, column=chosen).fill = st.MONTH_FILL
    targets = [t for t in report.plan.targets if not t.implicit]
    for index, target in enumerate(targets):
        row = 3 + index
        st.text(ws.cell(row=row, column=1), target.label)
        st.text(ws.cell(row=row, column=2), target.name)
        ws.cell(row=row, column=3, value=target.value).number_format = st.number_format("", target.value)
        ws.cell(row=row, column=4, value=target.unit)
        series = [values.get(target.id, {}).get(m) for m in months]
        for offset, value in enumerate(series):
            cell = ws.cell(row=row, column=5 + offset, value=value)
            cell.number_format = st.number_format("", value)
        change = _change(series)
        cell = ws.cell(row=row, column=columns, value=change)
        cell.number_format = st.number_format("", change)
        ws.row_dimensions[row].height = st.height_for(1)
    last = 2 + len(targets)
    st.body_cells(ws, 3, last, columns, centred=frozenset({1, 4}))
    for row in range(3, last + 1):
        cell = ws.cell(row=row, column=chosen)
        cell.fill = st.MONTH_FILL
        if ws.cell(row=row, column=columns).value:
            cell.font = st.body_font(bold=True)
    st.widths(ws, [7, 30, 10, 7] + [9] * len(months) + [10])
    ws.freeze_panes = "C3"
    st.page_setup(ws, "2:2", columns, last, 2)


def _change(series: list[float | None]) -> float | None:
    """The chosen month's value minus the previous month's (None when nothing reported yet)."""
    if not series or series[-1] is None:
        return None
    previous = series[-2] if len(series) > 1 and series[-2] is not None else 0
    return series[-1] - previous


# --- 填报记录 ------------------------------------------------------------------------------------

RECORD_HEADERS = (
    "记录号", "日期", "任务", "目标", "数值", "单位", "说明", "存在问题", "下一步计划", "填报人", "录入时间",
    "状态",
)
RECORD_WIDTHS = [7, 11, 18, 22, 10, 7, 36, 20, 20, 9, 16, 8]


def record_sheet(ws: Worksheet, report: Report, month_entries: list[Entry]) -> None:
    columns = len(RECORD_HEADERS)
    day = report.as_of
    st.title_row(ws, 1, f"{report.plan.short_title}{day.year}年{day.month}月填报记录", columns)
    st.header_row(ws, 2, RECORD_HEADERS)
    entries = oldest_first(month_entries)
    for index, entry in enumerate(entries):
        row = 3 + index
        target = target_of(report.plan, entry.target_id)
        ws.cell(row=row, column=1, value=entry.id)
        ws.cell(row=row, column=2, value=entry.date).number_format = st.DATE
        st.text(ws.cell(row=row, column=3), _task_name(report, target))
        st.text(ws.cell(row=row, column=4), _target_name(entry, target))
        ws.cell(row=row, column=5, value=entry.value).number_format = st.number_format("", entry.value)
        ws.cell(row=row, column=6, value=target.unit if target else "")
        for column, value in ((7, entry.note), (8, entry.problems), (9, entry.next_steps)):
            st.text(ws.cell(row=row, column=column), value)
        st.text(ws.cell(row=row, column=10), entry.who)
        ws.cell(row=row, column=11, value=_local(entry.recorded_at)).number_format = st.DATETIME
        lines = max(
            st.lines_needed(ws.cell(row=row, column=column).value, RECORD_WIDTHS[column - 1])
            for column in (3, 4, 7, 8, 9)
        )
        ws.row_dimensions[row].height = st.height_for(lines)
    last = 2 + len(entries)
    st.body_cells(ws, 3, last, columns, centred=frozenset({1, 2, 6, 10, 11, 12}))
    for index, entry in enumerate(entries):
        row = 3 + index
        st.state_cell(ws.cell(row=row, column=12), "已撤销" if entry.withdrawn else "有效")
        if entry.withdrawn:  # still listed (nothing is hidden), visibly struck out
            for column in range(2, 10):
                ws.cell(row=row, column=column).font = st.body_font(strike=True, color="808080")
    if not entries:
        ws.merge_cells(start_row=3, start_column=1, end_row=3, end_column=columns)
        cell = ws.cell(row=3, column=1, value=f"{day.year}年{day.month}月没有填报记录")
        cell.font = st.body_font(color="595959")
        cell.alignment = Alignment(horizontal="center")
    st.widths(ws, RECORD_WIDTHS)
    ws.freeze_panes = "A3"
    st.page_setup(ws, "2:2", columns, last, 2)


def _task_name(report: Report, target: Target | None) -> str:
    if target is None:
        return ""
    if target.task is None:
        return "主要目标"
    task = report.plan.task(target.task)
    return f"（{task.label}）{task.title}"


def _target_name(entry: Entry, target: Target | None) -> str:
    if target is None:
        return f"{entry.target_id}（计划中已无此目标）"
    return f"{target.label} {target.name}"


def _local(moment: datetime) -> datetime:
    """Excel has no time zones: show the recording time in the computer's local time."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone().replace(tzinfo=None)

