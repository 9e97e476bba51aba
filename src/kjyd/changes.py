"""What moved since last time: two reports, one at each end of a window, and their differences.

Leadership's first question is "what changed since last month?". The answer is computed from
:func:`kjyd.report.build_report` alone — the report at the end of the previous month against the
report at the end of this one — so every figure here is one that ``kjyd status --as-of`` shows for
either date; nothing is recounted a second way.

Decisions worth knowing:

- Both reports read the ledger as it stands now: a check-in withdrawn since last month no longer
  counts on either side, so a withdrawal shows as the value it leaves behind, not as a change.
- 有新进展 means a task whose value changed or which got a note dated in the window; 无更新 means
  no counting (non-withdrawn) check-in of the task is dated in the window at all. A check-in that
  repeats last month's value without a note is an update but not progress.
- A state may change without any check-in: 序时进度 moves on every day, so a task left alone can
  turn 慢于序时. That is exactly what a leader should hear about.
- 状态改善 / 转为…: compared by :data:`kjyd.progress.STATE_RANK` (worse states rank lower), task by
  task (a task takes its worst target's state, as in ``status``). A task leaving 未填报 is no
  improvement: it was simply not known before. It counts as 首次填报 when it arrives in a good state
  and as 转为… when it arrives 慢于序时, 未达标 or 未完成 — the news a leader needs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from kjyd.entries import Entry
from kjyd.plan import Plan, Target
from kjyd.progress import BEHIND, ON_TRACK, STATE_RANK, UNREPORTED
from kjyd.report import DEFAULT_TOLERANCE, Report, TargetRow, TaskRow, build_report


@dataclass(frozen=True, slots=True)
class ValueChange:
    """A target whose value differs between the two reports."""

    before: TargetRow
    after: TargetRow

    @property
    def target(self) -> Target:
        return self.after.target

    @property
    def delta(self) -> float | None:
        """after − before; None when there was no value before (first report) or none now."""
        if self.before.value is None or self.after.value is None:
            return None
        return self.after.value - self.before.value


@dataclass(frozen=True, slots=True)
class StateChange:
    """A task whose state differs between the two reports."""

    before: TaskRow
    after: TaskRow

    @property
    def first_report(self) -> bool:
        """The task had no check-in before the window: its state is news, not a change."""
        return self.before.state == UNREPORTED

    @property
    def improved(self) -> bool:
        return not self.first_report and STATE_RANK[self.after.state] > STATE_RANK[self.before.state]

    @property
    def declined(self) -> bool:
        """Worse than before, or first reported in a state worse than 符合序时."""
        if self.first_report:
            return STATE_RANK[self.after.state] < STATE_RANK[ON_TRACK]
        return STATE_RANK[self.after.state] < STATE_RANK[self.before.state]


@dataclass(frozen=True, slots=True)
class TaskNotes:
    """A task's notes dated in the window, oldest first, each with the target it was given for."""

    row: TaskRow
    notes: tuple[tuple[Entry, Target], ...]


@dataclass(frozen=True, slots=True)
class Changes:
    plan: Plan
    since: date
    """The earlier report's as-of date (the last day of the previous month for ``--month``)."""
    until: date
    """The later report's as-of date; check-ins dated after ``since`` up to it are "new"."""
    month: str | None
    """"YYYY-MM" when the window is a calendar month (wording 本月), else None."""
    before: Report
    after: Report
    values: tuple[ValueChange, ...]
    """Targets whose value changed, in plan order (headline-only targets last)."""
    states: tuple[StateChange, ...]
    """Tasks whose state changed, in plan order."""
    noted: tuple[TaskNotes, ...]
    """Tasks with at least one note dated in the window, in plan order."""
    progressed: tuple[int, ...]
    """Numbers of tasks with a changed value or a new note."""
    silent: tuple[TaskRow, ...]
    """Tasks with no counting check-in dated in the window."""
    summary: str

    def value_change(self, target_id: str) -> ValueChange | None:
        return next((c for c in self.values if c.target.id == target_id), None)


def previous_month_end(month: str) -> date:
    """The last day before ``month`` ("2022-07" → 2022-06-30)."""
    year, number = (int(part) for part in month.split("-"))
    return date(year, number, 1) - timedelta(days=1)


def window_label(since: date, month: str | None) -> str:
    """本月, or 2022年7月15日以来 for a window that is not a calendar month."""
    if month is not None:
        return "本月"
    day = since
    return f"{day.year}年{day.month}月{day.day}日以来"


def compare(plan: Plan, entries: Iterable[Entry], since: date, until: date, *,
            window: Iterable[Entry] | None = None,
            month: str | None = None, tolerance: float = DEFAULT_TOLERANCE) -> Changes:
    """The changes from the report as of ``since`` to the report as of ``until``.

    ``entries`` may be any superset of what both reports need plus every check-in dated in
    (since, until]; withdrawn check-ins are allowed and count for nothing (the value rule of
    :mod:`kjyd.entries` decides both reports). With ``window`` — the check-ins dated in
    (since, until], oldest first by (date, id), read once as they come (a cursor) — ``entries``
    need only be what the two reports need (both snapshots): of a month of 17,000 check-ins only
    the ones with a note are kept, since they are listed.
    """
    entries = list(entries)
    before = build_report(plan, entries, since, tolerance)
    after = build_report(plan, entries, until, tolerance)
    values = tuple(
        ValueChange(old, new) for old, new in zip(before.targets, after.targets)
        if old.value != new.value
    )
    states = tuple(
        StateChange(old, new) for old, new in zip(before.tasks, after.tasks) if old.state != new.state
    )
    if window is None:
        in_window: Iterable[Entry] = sorted(
            {e.id: e for e in entries}.values(),  # the caller may pass overlapping sets
            key=lambda e: (e.date, e.id),
        )
    else:
        in_window = window
    in_window = (e for e in in_window if e.plan_id == plan.id and not e.withdrawn and since < e.date <= until)
    targets = {t.id: t for t in plan.targets}
    touched: set[int] = set()
    notes: dict[int, list[tuple[Entry, Target]]] = {}
    for entry in in_window:
        target = targets.get(entry.target_id)
        if target is None or target.task is None:
            continue
        touched.add(target.task)
        if entry.note:
            notes.setdefault(target.task, []).append((entry, target))
    changed_tasks = {c.target.task for c in values if c.target.task is not None}
    progressed = tuple(row.task.number for row in after.tasks
                       if row.task.number in changed_tasks or row.task.number in notes)
    return Changes(
        plan=plan, since=since, until=until, month=month, before=before, after=after,
        values=values, states=states,
        noted=tuple(TaskNotes(row, tuple(notes[row.task.number]))
                    for row in after.tasks if row.task.number in notes),
        progressed=progressed,
        silent=tuple(row for row in after.tasks if row.task.number not in touched),
        summary=summary_sentence(window_label(since, month), len(progressed), states),
    )


def summary_sentence(window: str, progressed: int, states: Iterable[StateChange]) -> str:
    """本月14项任务有新进展，3项状态改善，2项转为慢于序时 — the line a report opens with.

    Always the three parts of that sentence (0 included, so the line reads the same every
    month); other declines (转为未完成, 转为未填报 …) are added when they happen.
    """
    states = list(states)
    improved = sum(1 for c in states if c.improved)
    first = sum(1 for c in states if c.first_report and not c.declined)
    declined: dict[str, int] = {}
    for change in states:
        if change.declined:
            declined[change.after.state] = declined.get(change.after.state, 0) + 1
    parts = [f"{window}{progressed}项任务有新进展",
             f"{improved}项状态改善", f"{declined.pop(BEHIND, 0)}项转为{BEHIND}"]
    parts += [f"{count}项转为{state}" for state, count in
              sorted(declined.items(), key=lambda item: STATE_RANK[item[0]])]
    if first:
        parts.append(f"{first}项首次填报")
    return "，".join(parts) + "。"
