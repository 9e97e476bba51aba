"""The workbook's history sheets: 月度走势 (month-end values) and 填报记录 (the month's check-ins).

Split from :mod:`kjyd.render.xlsx.workbook` to keep each module readable; formatting only, like it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from openpyxl.styles import Alignment
from openpyxl.styles.cell_style import StyleArray
from openpyxl.worksheet.worksheet import Worksheet

from kjyd.entries import Entry
from kjyd.plan import Target
from kjyd.render.xlsx import style as st
from kjyd.render.xlsx.streamed_rows import StreamedRows
from kjyd.render.table_rows import target_of
from kjyd.report import Report

# --- 月度走势 ------------------------------------------------------------------------------------


def trend_sheet(
    ws: Worksheet,
    looks: st.Looks,
    report: Report,
    months: list[str],
    values: dict[str, dict[str, float]],
) -> None:
    """Month-end values of every quantitative target, the chosen month (last column) highlighted."""
    headers = ["编号", "指标", "目标值", "单位"] + month_headers(months) + ["本月变化"]
    columns = len(headers)
    st.title_row(ws, 1, f"{report.plan.short_title}量化目标月度走势（月末累计值）", columns)
    st.header_row(ws, looks, 2, headers)
    chosen = 4 + len(months)
    st.put(ws, 2, chosen, headers[chosen - 1], looks.header(st.MONTH_FILL))
    month_fill = st.MONTH_FILL.fgColor.rgb
    targets = [t for t in report.plan.targets if not t.implicit]
    for index, target in enumerate(targets):
        row = 3 + index
        st.put_text(ws, row, 1, target.label, looks.body(centred=True))
        st.put_text(ws, row, 2, target.name, looks.body())
        st.put(ws, row, 3, target.value, looks.body(fmt=st.number_format("", target.value)))
        st.put(ws, row, 4, target.unit, looks.body(centred=True))
        series = [values.get(target.id, {}).get(m) for m in months]
        change = _change(series)
        for column, value in enumerate(series, start=5):
            fmt = st.number_format("", value)
            if column == chosen:  # the chosen month: highlighted, bold when it moved
                look = looks.body(fmt=fmt, fill=month_fill, **({"bold": True} if change else {}))
            else:
                look = looks.body(fmt=fmt)
            st.put(ws, row, column, value, look)
        st.put(ws, row, columns, change, looks.body(fmt=st.number_format("", change)))
        ws.row_dimensions[row].height = st.height_for(1)
    last = 2 + len(targets)
    st.widths(ws, [7, 30, 10, 7] + [9] * len(months) + [10])
    ws.freeze_panes = "C3"
    st.page_setup(ws, "2:2", columns, last, 2)


def month_headers(months: list[str]) -> list[str]:
    """``7月 8月 …``; a period that crosses a new year names the year where it changes.

    For a 2023-07 … 2024-06 plan: ``2023年7月 … 12月 2024年1月 … 6月``, so the two 7月 of a
    longer period, or 1月 after 12月, are never mistaken for each other.
    """
    several_years = len({m[:4] for m in months}) > 1
    headers = []
    for index, month in enumerate(months):
        new_year = index == 0 or month[:4] != months[index - 1][:4]
        year = f"{month[:4]}年" if several_years and new_year else ""
        headers.append(f"{year}{int(month[5:])}月")
    return headers


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
RECORD_WIDTHS = [7, 11, 18, 22, 10, 7, 34, 20, 20, 14, 18, 8]  # 录入时间 18: "2022-06-15 09:30" fits in LibreOffice too


def record_sheet(ws: Worksheet, looks: st.Looks, report: Report, month_checkins: Iterable[Entry]) -> StreamedRows:
    """Title, header and one row per check-in of the month (``month_checkins``: withdrawn included,
    oldest first by (date, id), typically a ledger cursor).

    The body rows are not kept in ``ws``: each is serialised as it is made (see
    :mod:`kjyd.render.xlsx.streamed_rows`) and returned, for :func:`streamed_rows.splice` to put
    into the saved file; a month of 17,000 check-ins is never held.
    """
    columns = len(RECORD_HEADERS)
    day = report.as_of
    st.title_row(ws, 1, f"{report.plan.short_title}{day.year}年{day.month}月填报记录", columns)
    st.header_row(ws, looks, 2, RECORD_HEADERS)
    rows = StreamedRows(ws)
    row_looks: dict[bool, _RecordLooks] = {}
    for row, entry in enumerate(month_checkins, start=3):
        if entry.withdrawn not in row_looks:
            row_looks[entry.withdrawn] = _RecordLooks(looks, entry.withdrawn)
        _record_row(rows, row_looks[entry.withdrawn], row, report, entry)  # type: ignore[arg-type]
        rows.end_row(row)
    last = 2 + rows.count
    if not rows.count:
        st.merge(ws, 3, 1, 3, columns)
        cell = st.text(ws.cell(row=3, column=1), f"{day.year}年{day.month}月没有填报记录")
        cell.font = st.body_font(color="595959")
        cell.alignment = Alignment(horizontal="center")
    st.widths(ws, RECORD_WIDTHS)
    ws.freeze_panes = "A3"
    st.page_setup(ws, "2:2", columns, last, 2)
    return rows


_RECORD_CENTRED = frozenset({1, 2, 6, 10, 11, 12})
_STRUCK = {"strike": True, "color": "808080"}
"""A withdrawn check-in's 日期 … 下一步计划: still listed (nothing is hidden), visibly struck out."""


class _RecordLooks:
    """The looks of one kind of 填报记录 row (valid or withdrawn), looked up once per sheet."""

    def __init__(self, looks: st.Looks, withdrawn: bool) -> None:
        self._looks = looks
        self._struck = _STRUCK if withdrawn else {}
        fixed = {column: "General" for column in (1, 3, 4, 6, 7, 8, 9, 10)} | {2: st.DATE, 11: st.DATETIME}
        self.column = {column: self.of(column, fmt) for column, fmt in fixed.items()}
        state = "已撤销" if withdrawn else "有效"
        self.state, self.column[12] = state, looks.state(state)

    def of(self, column: int, fmt: str) -> StyleArray:
        font = self._struck if 2 <= column <= 9 else {}
        return self._looks.body(column in _RECORD_CENTRED, fmt, **font)


def _record_row(ws: Worksheet, looks: _RecordLooks, row: int, report: Report, entry: Entry) -> None:
    """One check-in; every cell written once with its final look (there can be tens of thousands).

    ``ws``: the sheet, or the :class:`StreamedRows` standing in for it (what the export passes).
    """
    target = target_of(report.plan, entry.target_id)
    look = looks.column
    st.put(ws, row, 1, entry.id, look[1])
    st.put(ws, row, 2, entry.date, look[2])
    texts = {
        3: _task_name(report, target),
        4: _target_name(entry, target),
        7: entry.note,
        8: entry.problems,
        9: entry.next_steps,
    }
    cells = [st.put_text(ws, row, column, value, look[column]) for column, value in texts.items()]
    st.put(ws, row, 5, entry.value, looks.of(5, st.number_format("", entry.value)))
    st.put(ws, row, 6, target.unit if target else "", look[6])
    who = f"{entry.who}\n{entry.contact}" if entry.contact else entry.who  # 填报人 张三；联系电话 …
    cells.append(st.put_text(ws, row, 10, who, look[10]))
    st.put(ws, row, 11, _local(entry.recorded_at), look[11])
    st.put(ws, row, 12, looks.state, look[12])
    needed = [st.lines_needed(cell.value, RECORD_WIDTHS[cell.column - 1]) for cell in cells]
    height = ws.row_dimensions[row].height = st.height_for(max(needed))
    if height == st.MAX_ROW_POINTS:  # a very long note: its beginning stays in view
        for cell, lines in zip(cells, needed):
            st.show_beginning(cell, lines, height)


def _task_name(report: Report, target: Target | None) -> str:
    if target is None:
        return ""
    if target.task is None:
        return "主要目标"
    task = report.plan.task(target.task)
    return f"{task.heading}{task.title}"


def _target_name(entry: Entry, target: Target | None) -> str:
    if target is None:
        return f"{entry.target_id}（计划中已无此目标）"
    return f"{target.label} {target.name}"


def _local(moment: datetime) -> datetime:
    """Excel has no time zones: show the recording time in the computer's local time."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone().replace(tzinfo=None)

