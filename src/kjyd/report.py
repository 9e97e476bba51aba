"""The progress report: a pure function of (plan, check-ins, as-of date) → rows.

No printing, no SQLite, no clock: renderers (terminal, JSON, xlsx, CSV) only format what is built
here, so every view of the plan agrees. Which check-in gives a value is decided by
:mod:`kjyd.entries`; what 序时进度 is and which state a value earns, by :mod:`kjyd.progress`.

Decisions worth knowing when reading a report:

- A task's percent is the mean of its targets' percents, each clamped to 0..100; a target nobody
  has reported counts as 0 (a half-reported task is not "100 % done"). When *no* target of a task
  has a value the task's percent is None (shown as —), not 0, so "not reported" and "reported as
  nothing done" stay distinguishable.
- 最新进展 (``last_note``) is the note of the latest counting check-in that has one, so a later
  value-only check-in does not blank out what the division last wrote; 最近更新 (``last_date``) is
  the date of the latest counting check-in of any kind. For a task, both are the latest among its
  targets.
"""

from __future__ import annotations

import heapq
import itertools
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date

from kjyd.entries import Entry, latest_entry_as_of, value_entry_as_of
from kjyd.plan import Plan, Target, Task
from kjyd.progress import (
    AHEAD, BEHIND, DONE, NOT_MET, ON_TRACK, UNFINISHED, UNREPORTED, completion, expected_percent,
    expected_value, percent_of, target_state, worst_state,
)

STATES = (DONE, AHEAD, ON_TRACK, BEHIND, NOT_MET, UNFINISHED, UNREPORTED)
ALWAYS_COUNTED = (DONE, AHEAD, ON_TRACK, BEHIND, UNREPORTED)
"""States the summary sentence names even at 0; 未达标 and 未完成 only when some task has them."""
DEFAULT_TOLERANCE = 5.0
"""Percentage points around 序时进度 that still count as 符合序时."""

WITHDRAWN = "已撤销"
CURRENT = "当前值"


@dataclass(frozen=True, slots=True)
class TargetRow:
    target: Target
    value: float | None
    percent: float | None
    """Progress in percent (see :func:`kjyd.progress.percent_of`), not capped; None when nothing
    reported."""
    state: str
    last_date: date | None
    """Date of the latest counting check-in of any kind (value or note) on or before as_of."""
    last_note: str
    """Note of the latest counting check-in that has a note ("" if none)."""
    value_entry: Entry | None = None
    """The check-in that gives ``value`` (see :func:`kjyd.entries.value_entry_as_of`)."""
    last_entry: Entry | None = None
    """The latest counting check-in of any kind (gives ``last_date``)."""
    note_entry: Entry | None = None
    """The latest counting check-in with a note (gives ``last_note``)."""
    expected_percent: float | None = None
    """This target's own 序时进度 at as_of (its milestones' curve); None for a level."""
    expected_value: float | None = None
    """Where the target should stand at as_of on that curve; None for a level."""


@dataclass(frozen=True, slots=True)
class TaskRow:
    task: Task
    targets: tuple[TargetRow, ...]
    percent: float | None
    """Mean of the targets' completions (:func:`kjyd.progress.completion`, 0..100)."""
    state: str
    """The worst state among the targets."""
    last_date: date | None
    last_note: str
    note_date: date | None = None
    """Date of the check-in ``last_note`` comes from: older than ``last_date`` when later check-ins
    carried only figures (status then says which date the note belongs to)."""


@dataclass(frozen=True, slots=True)
class Report:
    plan: Plan
    as_of: date
    expected_percent: float
    """序时进度: share of the plan period elapsed at as_of, in percent."""
    tolerance: float
    targets: tuple[TargetRow, ...]
    """Every target once, in plan order (task targets, then headline-only targets)."""
    headlines: tuple[TargetRow, ...]
    """The 主要目标, in the notice's order."""
    tasks: tuple[TaskRow, ...]
    task_counts: dict[str, int]
    """Number of tasks in each state, keyed by the STATES in order."""
    summary: str
    """E.g. 32项任务中，已完成3项，快于序时5项，符合序时10项，慢于序时8项，未填报6项。 (A plan
    without tasks counts its 主要目标 instead.)"""

    def task_row(self, number: int) -> TaskRow:
        return next(row for row in self.tasks if row.task.number == number)


@dataclass(frozen=True, slots=True)
class HistoryRow:
    """One line of a task's check-in history, as ``kjyd show`` lists it."""

    entry: Entry
    target: Target
    change: float | None
    """Value minus the previous valued, non-withdrawn check-in of the same target (None if none)."""
    status: str
    """已撤销, 当前值 (the check-in that gives the value as of the date), or empty."""


@dataclass(frozen=True, slots=True)
class TaskDetail:
    """Everything ``kjyd show TASK`` displays, for one task as of a date."""

    plan: Plan
    as_of: date
    expected_percent: float
    tolerance: float
    row: TaskRow
    history: Iterable[HistoryRow]
    """Newest first, withdrawn check-ins included, none dated after as_of: a tuple, or — when built
    from the ledger's cursors (``show --all``, ``--json``) — an iterator that reads the history as it
    is consumed, once (so a task with 100,000 check-ins is never held in memory)."""
    months: tuple[str, ...]
    """"YYYY-MM" from the plan's first month to as_of's month."""
    month_values: dict[str, tuple[float | None, ...]]
    """Per target id, its value at the end of each of ``months`` (as_of for the last one)."""
    history_total: int | None = None
    """How many check-ins there are up to as_of in all, when ``history`` lists only the newest."""


def _by_target(plan: Plan, entries: Iterable[Entry]) -> dict[str, list[Entry]]:
    grouped: dict[str, list[Entry]] = defaultdict(list)
    for entry in entries:
        if entry.plan_id == plan.id:
            grouped[entry.target_id].append(entry)
    return grouped


def target_row(plan: Plan, target: Target, entries: list[Entry], as_of: date,
               tolerance: float) -> TargetRow:
    """One target's row from its check-ins (any history; the value rule picks what counts)."""
    valued = value_entry_as_of(entries, as_of)
    latest = latest_entry_as_of(entries, as_of)
    noted = latest_entry_as_of([e for e in entries if e.note], as_of)
    value = None if valued is None else valued.value
    expected = expected_value(plan, target, as_of)
    expected_pct = percent_of(target, expected)
    return TargetRow(
        target=target,
        value=value,
        percent=percent_of(target, value),
        state=target_state(target, value, expected_pct, tolerance, period_over=as_of >= plan.end),
        last_date=None if latest is None else latest.date,
        last_note="" if noted is None else noted.note,
        value_entry=valued,
        last_entry=latest,
        note_entry=noted,
        expected_percent=expected_pct,
        expected_value=expected,
    )


def dated_note(note: str, note_date: date | None, last_date: date | None) -> str:
    """A note older than the row's latest check-in, with its own date: ``10月31日：评价入库8200家``.

    The latest note and the latest figure often come from different check-ins (a December figure
    without words); shown side by side without a date, October's words read as December's.
    """
    if not note or note_date is None or last_date is None or note_date >= last_date:
        return note
    year = f"{note_date.year}年" if note_date.year != last_date.year else ""
    return f"{year}{note_date.month}月{note_date.day}日：{note}"


def task_row(task: Task, rows: tuple[TargetRow, ...]) -> TaskRow:
    """Combine a task's target rows: mean of clamped percents, worst state, latest update."""
    if all(row.percent is None for row in rows):
        percent = None
    else:
        percent = sum(completion(row.target, row.value) for row in rows) / len(rows)
    latest = [row.last_entry for row in rows if row.last_entry is not None]
    noted = [row.note_entry for row in rows if row.note_entry is not None]
    order = lambda e: (e.date, e.id)  # noqa: E731
    return TaskRow(
        task=task,
        targets=rows,
        percent=percent,
        state=worst_state([row.state for row in rows]),
        last_date=max(latest, key=order).date if latest else None,
        last_note=max(noted, key=order).note if noted else "",
        note_date=max(noted, key=order).date if noted else None,
    )


def summary_sentence(counts: Mapping[str, int], what: str = "任务") -> str:
    """The sentence the office pastes into its report: the five usual states always, in this
    order, and 未达标/未完成 where there are any."""
    parts = "，".join(
        f"{state}{counts.get(state, 0)}项" for state in STATES
        if state in ALWAYS_COUNTED or counts.get(state, 0)
    )
    return f"{sum(counts.values())}项{what}中，{parts}。"


def build_report(plan: Plan, entries: Iterable[Entry], as_of: date,
                 tolerance: float = DEFAULT_TOLERANCE) -> Report:
    """The whole plan as of ``as_of`` from any superset of the check-ins that matter.

    ``entries`` may be the full history or the ledger's pre-selected snapshot; the value rule in
    :mod:`kjyd.entries` is applied per target either way. ``as_of`` is taken as given: clamping
    it to the plan period (with a notice) is the command's business.
    """
    grouped = _by_target(plan, entries)
    rows = {t.id: target_row(plan, t, grouped.get(t.id, []), as_of, tolerance) for t in plan.targets}
    tasks = tuple(task_row(task, tuple(rows[t.id] for t in task.targets)) for task in plan.tasks)
    headlines = tuple(rows[t.id] for t in plan.headline_targets())
    counted, what = (tasks, "任务") if tasks else (headlines, "主要目标")
    counts = {state: sum(1 for row in counted if row.state == state) for state in STATES}
    return Report(
        plan=plan,
        as_of=as_of,
        expected_percent=expected_percent(plan, as_of),
        tolerance=tolerance,
        targets=tuple(rows.values()),
        headlines=headlines,
        tasks=tasks,
        task_counts=counts,
        summary=summary_sentence(counts, what),
    )


def report_months(plan: Plan, as_of: date) -> list[str]:
    """"YYYY-MM" for each month from the plan's start to ``as_of`` (at least the first month)."""
    months = []
    year, month = plan.start.year, plan.start.month
    while (year, month) <= (as_of.year, as_of.month) or not months:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _target_history(target: Target, entries: Iterable[Entry], current_ids: set[int]) -> Iterator[HistoryRow]:
    """One target's history rows from its check-ins newest first (by date, id).

    变化 of a counting check-in with a value is its value minus the next older such check-in's, so
    its row waits until that one is read, and the rows read meanwhile (notes, withdrawn) wait
    behind it: what is held is one such run, never the history.
    """
    def row(entry: Entry, change: float | None = None) -> HistoryRow:
        status = WITHDRAWN if entry.withdrawn else CURRENT if entry.id in current_ids else ""
        return HistoryRow(entry, target, change, status)

    waiting: list[Entry] = []  # a valued check-in, then the older rows read after it
    for entry in entries:
        if not entry.withdrawn and entry.value is not None:
            if waiting:
                yield row(waiting[0], waiting[0].value - entry.value)
                yield from map(row, waiting[1:])
            waiting = [entry]
        elif waiting:
            waiting.append(entry)
        else:
            yield row(entry)
    if waiting:
        yield row(waiting[0])
        yield from map(row, waiting[1:])


def task_history(task: Task, histories: Mapping[str, Iterable[Entry]],
                 current_ids: set[int]) -> Iterator[HistoryRow]:
    """The task's history rows, newest first by (date, id), merged from each target's check-ins
    (``histories[target_id]``, newest first, none after the as-of date), lazily."""
    streams = [_target_history(t, histories.get(t.id, ()), current_ids) for t in task.targets]
    return heapq.merge(*streams, key=lambda r: (r.entry.date, r.entry.id), reverse=True)


def build_task_detail(plan: Plan, task: Task, entries: Iterable[Entry], as_of: date,
                      month_end_values: Mapping[str, Mapping[str, float | None]],
                      tolerance: float = DEFAULT_TOLERANCE, *,
                      histories: Mapping[str, Iterable[Entry]] | None = None,
                      history_limit: int | None = None,
                      history_total: int | None = None) -> TaskDetail:
    """One task for ``kjyd show``: its row, history and month-end values.

    The history comes from ``histories`` when given — per target id its check-ins newest first by
    (date, id), none after ``as_of`` (:meth:`kjyd.ledger.Ledger.iter_history`) — and is then an
    iterator read as it is rendered; ``entries`` need then only be what the targets' rows need
    (:meth:`kjyd.ledger.Ledger.snapshot`). Without it the history is a tuple built from
    ``entries``, which must then hold the task's history (withdrawn included) so that 变化 can be
    computed against the previous check-in: the whole of it, or :meth:`kjyd.ledger.Ledger.recent`
    with ``history_limit`` (only the newest that many rows are kept) and ``history_total`` (its
    count, passed through for the renderer to say how many are not listed).

    ``month_end_values`` is ``{target_id: {"2022-01": value}}`` as
    :meth:`kjyd.ledger.Ledger.month_end_values` returns it. The last month is shown as of
    ``as_of`` rather than its month end, so a mid-month as-of date never shows later check-ins.
    """
    grouped = _by_target(plan, entries)
    rows = tuple(target_row(plan, t, grouped.get(t.id, []), as_of, tolerance) for t in task.targets)
    current = {row.value_entry.id for row in rows if row.value_entry is not None}
    months = report_months(plan, as_of)
    values = {}
    for row in rows:
        ends = month_end_values.get(row.target.id, {})
        series = [ends.get(month) for month in months[:-1]] + [row.value]
        values[row.target.id] = tuple(series)
    if histories is None:
        newest_first = {
            target_id: sorted((e for e in found if e.date <= as_of), key=lambda e: (e.date, e.id), reverse=True)
            for target_id, found in grouped.items()
        }
        history: Iterable[HistoryRow] = tuple(itertools.islice(task_history(task, newest_first, current), history_limit))
    else:
        history = itertools.islice(task_history(task, histories, current), history_limit)
    return TaskDetail(
        plan=plan,
        as_of=as_of,
        expected_percent=expected_percent(plan, as_of),
        tolerance=tolerance,
        row=task_row(task, rows),
        history=history,
        months=tuple(months),
        month_values=values,
        history_total=history_total,
    )
