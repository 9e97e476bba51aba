"""The 推进情况 table as CSV: one row per target, for people who load it into other tools.

UTF-8 with a BOM (``utf-8-sig``) because Excel on Chinese Windows otherwise opens UTF-8 CSV as
GBK and shows mojibake. Figures are plain numbers (完成率 in percent, as the header says); the
task's cells are repeated on each of its target rows, since CSV has no merged cells.

Every text field goes through :func:`~kjyd.render.cell_text.csv_text`: one that a spreadsheet would
evaluate (``=…``, ``+…``, ``-…``, ``@…``, ``＝…``, a leading tab or CR) gets a leading apostrophe,
and none is longer than Excel's cell limit. Divisions' notes reach these fields through collect.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from typing import BinaryIO

from kjyd.entries import Entry
from kjyd.render.cell_text import csv_text
from kjyd.plan import Task
from kjyd.render.table_rows import progress_rows
from kjyd.report import Report

CSV_HEADERS = (
    "序号", "目标编号", "板块", "重点任务", "主要内容", "量化目标", "累计完成", "单位", "完成率（%）",
    "序时进度（%）", "进度状态", "本月进展", "存在问题", "下一步计划", "牵头处室", "配合处室", "最近更新",
)


def _number(value: float | None, digits: int = 4) -> str:
    """1200.0 → 1200, 0.123456 → 0.1235, None → empty (never 1.2e+03)."""
    if value is None:
        return ""
    value = round(value, digits)
    return str(int(value)) if float(value).is_integer() else f"{value:.{digits}f}".rstrip("0")


def write_csv(stream: BinaryIO, report: Report, checkins_of: Callable[[Task], Iterable[Entry]]) -> None:
    """The table, a task at a time; ``checkins_of(task)``: its month's check-ins oldest first (see
    :func:`kjyd.render.table_rows.progress_rows`), typically read from the ledger as it is called."""
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    writer = csv.writer(text)
    writer.writerow(CSV_HEADERS)
    for item in progress_rows(report, checkins_of):
        task = item.row.task
        for target_row in item.row.targets:
            target = target_row.target
            texts = [
                task.label, target.label, item.section, task.title, task.text, target.described(),
            ]
            writer.writerow([
                *map(csv_text, texts),
                _number(target_row.value), csv_text(target.unit), _number(target_row.percent, 1),
                _number(target_row.expected_percent, 1),
                *map(csv_text, (target_row.state, item.progress, item.problems, item.next_steps,
                                "、".join(task.lead_divisions), "、".join(task.support_divisions))),
                item.row.last_date.isoformat() if item.row.last_date else "",
            ])
    text.flush()
    text.detach()  # leave the caller's stream open (it fsyncs and renames it)
