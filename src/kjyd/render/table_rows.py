"""The 推进情况 table as plain data: what the xlsx sheet and the CSV both show, computed once.

No openpyxl here (the CSV writer imports this module too). The report supplies the figures; this
module only groups the month's check-ins by task and phrases them the way an office table does
(``6月15日：…``), so the workbook and the CSV can never disagree about a row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from kjyd.entries import Entry
from kjyd.errors import AddressNotFound
from kjyd.periods import at_end
from kjyd.plan import Plan, Target, Task
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


def progress_rows(report: Report, checkins_of: Callable[[Task], Iterable[Entry]]) -> Iterator[ProgressTask]:
    """Every task in plan order with the month's notes, problems and next steps, one at a time.

    ``checkins_of(task)`` gives the check-ins of the task's targets dated in the chosen month,
    oldest first by (date, id): a list, or a cursor (the CSV export reads each task's month from the
    ledger as it writes, so a month of 17,000 check-ins is never held); withdrawn ones are skipped.
    In the plan's last month the table speaks of the whole period: a target without a note that
    month shows its latest note of the period (dated), so a task finished in spring is not blank
    in December.
    """
    plan = report.plan
    whole = at_end(plan, report.as_of)
    for task_row in report.tasks:
        task = task_row.task
        targets = {t.id: t for t in task.targets}
        month = _Words(several=len(task.targets) > 1)
        for entry in checkins_of(task):
            target = targets.get(entry.target_id)
            if target is not None and not entry.withdrawn:
                month.add(entry, target)
        earlier = _Words(several=month.several)
        if whole:  # older than the month, so listed before it
            for entry, target in sorted(((r.note_entry, r.target) for r in task_row.targets
                                         if r.note_entry is not None and r.target.id not in month.noted),
                                        key=lambda pair: (pair[0].date, pair[0].id)):
                earlier.add(entry, target)
        yield ProgressTask(
            row=task_row,
            section=plan.section_heading(task),
            progress="\n".join(earlier.notes + month.notes),
            problems=_distinct([*earlier.problems, *month.problems]),
            next_steps=_distinct([*earlier.next_steps, *month.next_steps]),
        )


class _Words:
    """What a run of check-ins says, in order: dated notes (``6月15日（目标）：…``), problems, next steps."""

    def __init__(self, several: bool) -> None:
        self.several = several
        self.notes: list[str] = []
        self.problems: dict[str, None] = {}  # each text once, in order (targets often share words)
        self.next_steps: dict[str, None] = {}
        self.noted: set[str] = set()

    def add(self, entry: Entry, target: Target) -> None:
        if entry.note:
            self.notes.append(f"{month_day(entry.date)}{'（' + target.name + '）' if self.several else ''}：{entry.note}")
            self.noted.add(target.id)
        if entry.problems:
            self.problems.setdefault(entry.problems)
        if entry.next_steps:
            self.next_steps.setdefault(entry.next_steps)


def _distinct(texts: Iterable[str]) -> str:
    """Join the non-empty texts once each, in order (several targets often carry the same words)."""
    return "\n".join(dict.fromkeys(t for t in texts if t))
