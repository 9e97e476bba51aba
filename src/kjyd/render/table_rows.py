"""The 推进情况 table as plain data: what the xlsx sheet and the CSV both show, computed once.

No openpyxl here (the CSV writer imports this module too). The report supplies the figures; this
module only groups the month's check-ins by task and phrases them the way an office table does
(``6月15日：…``), so the workbook and the CSV can never disagree about a row.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from kjyd.entries import Entry
from kjyd.errors import AddressNotFound
from kjyd.periods import at_end
from kjyd.plan import Plan, Target
from kjyd.report import Report, TaskRow

PROGRESS_HEADERS = (
    "序号", "板块", "重点任务", "主要内容", "量化目标", "累计完成", "较上月", "完成率", "序时进度", "进度状态",
    "本月进展", "存在问题", "下一步计划", "牵头处室", "配合处室", "最近更新",
)
"""Columns of the 推进情况 sheet, in order."""

TARGET_COLUMNS = frozenset({"量化目标", "累计完成", "较上月", "完成率", "序时进度", "进度状态"})
"""Cells that belong to one target (one row each); every other column is the task's and is
merged vertically over the task's rows. 进度状态 is per target so that each figure sits next to
its own state (the task-level state is the worst of them and shows in ``kjyd status``)."""


@dataclass(frozen=True, slots=True)
class ProgressTask:
    """One task of the 推进情况 table: the report's row plus the month's words about it."""

    row: TaskRow
    section: str
    """The section heading as printed in the notice: 五、加快科技成果转化和科技企业孵化."""
    progress: str
    """本月进展: the month's notes, oldest first, one per line, each starting with its date."""
    problems: str
    next_steps: str


def month_day(day: date) -> str:
    """6月15日 — how a progress note is dated inside a cell."""
    return f"{day.month}月{day.day}日"


def target_of(plan: Plan, target_id: str) -> Target | None:
    """The entry's target, or None for a target the current plan no longer has (still listed)."""
    try:
        return plan.target(target_id)
    except AddressNotFound:  # a check-in recorded against an older version of the plan file
        return None


def oldest_first(entries: Iterable[Entry]) -> list[Entry]:
    return sorted(entries, key=lambda e: (e.date, e.id))


def progress_tasks(report: Report, month_entries: Iterable[Entry]) -> list[ProgressTask]:
    """Every task in plan order with the month's notes, problems and next steps.

    ``month_entries`` are the check-ins dated in the chosen month; withdrawn ones count for
    nothing here (they are listed, marked, on the 填报记录 sheet). In the plan's last month the
    table speaks of the whole period: a target without a note that month shows its latest note
    of the period (dated), so a task finished in spring is not blank in December.
    """
    plan = report.plan
    by_task: dict[int, list[tuple[Entry, Target]]] = {}
    for entry in oldest_first(e for e in month_entries if not e.withdrawn):
        target = target_of(plan, entry.target_id)
        if target is not None and target.task is not None:
            by_task.setdefault(target.task, []).append((entry, target))
    rows = []
    whole = at_end(plan, report.as_of)
    for task_row in report.tasks:
        task = task_row.task
        checkins = by_task.get(task.number, [])
        if whole:
            noted = {t.id for e, t in checkins if e.note}
            earlier = [(r.note_entry, r.target) for r in task_row.targets
                       if r.note_entry is not None and r.target.id not in noted]
            checkins = sorted(checkins + earlier, key=lambda pair: (pair[0].date, pair[0].id))
        several = len(task.targets) > 1
        notes = [
            f"{month_day(e.date)}{'（' + t.name + '）' if several else ''}：{e.note}"
            for e, t in checkins
            if e.note
        ]
        rows.append(
            ProgressTask(
                row=task_row,
                section=plan.section_heading(task),
                progress="\n".join(notes),
                problems=_distinct(e.problems for e, _ in checkins),
                next_steps=_distinct(e.next_steps for e, _ in checkins),
            )
        )
    return rows


def _distinct(texts: Iterable[str]) -> str:
    """Join the non-empty texts once each, in order (several targets often carry the same words)."""
    return "\n".join(dict.fromkeys(t for t in texts if t))
