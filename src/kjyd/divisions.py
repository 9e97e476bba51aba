"""Who answers for which task: divisions (处室) from the plan, and who has not reported in a month.

Pure functions over :class:`~kjyd.plan.Plan` and check-ins — no SQLite, no printing — so the
template writer, ``kjyd collect``, ``kjyd plan --by-division`` and ``kjyd status --missing`` all
group tasks the same way. A task belongs to each of its *lead* divisions (牵头处室); a task without
one is listed under :data:`UNASSIGNED` (未分配), so nothing falls out of the reminder list while
the plan file has no 分工 filled in yet (the case of plan2022.yaml).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from datetime import date, timedelta

from kjyd.entries import Entry
from kjyd.errors import InputError
from kjyd.plan import Plan, Target, Task

UNASSIGNED = "未分配"


def tasks_by_division(plan: Plan) -> dict[str, list[Task]]:
    """Lead division → its tasks in plan order; divisions in order of first mention, 未分配 last.

    A task with two lead divisions appears under both: each reports it.
    """
    groups: dict[str, list[Task]] = {}
    unassigned: list[Task] = []
    for task in plan.tasks:
        for division in task.lead_divisions or ():
            groups.setdefault(division, []).append(task)
        if not task.lead_divisions:
            unassigned.append(task)
    if unassigned:
        groups[UNASSIGNED] = unassigned
    return groups


def support_tasks(plan: Plan) -> dict[str, list[Task]]:
    """Supporting division (配合处室) → tasks it supports, for the overview only (it files no report)."""
    groups: dict[str, list[Task]] = {}
    for task in plan.tasks:
        for division in task.support_divisions:
            groups.setdefault(division, []).append(task)
    return groups


def division_targets(plan: Plan, division: str) -> list[Target]:
    """The rows of a division's fill-in workbook: every target of its tasks.

    Headline-only targets (H2 全社会研发经费投入增长) belong to no task; they go with 未分配 so that
    somebody's workbook carries them.
    """
    groups = tasks_by_division(plan)
    if division not in groups and not (division == UNASSIGNED and plan.extra_targets):
        names = "、".join(groups) or "（无）"
        raise InputError(f"计划中没有牵头处室 “{division}”；可选：{names}")
    targets = [t for task in groups.get(division, []) for t in task.targets]
    if division == UNASSIGNED:
        targets += list(plan.extra_targets)
    return targets


def template_divisions(plan: Plan) -> list[str]:
    """Every division that gets a workbook (including 未分配 when anything is unassigned)."""
    names = list(tasks_by_division(plan))
    if plan.extra_targets and UNASSIGNED not in names:
        names.append(UNASSIGNED)
    return names


_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f\u200e\u200f\u202a-\u202e\u2066-\u2069\u061c]+')
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{n}" for n in range(10)), *(f"LPT{n}" for n in range(10))}
PART_BYTES = 100
"""Longest part (UTF-8 bytes) of a generated file name: two parts and the rest stay under the
255 bytes file systems allow."""


def safe_filename(name: str) -> str:
    """Text from the plan (a division name, a short title) made safe as part of a file name.

    Path separators and characters Windows forbids become ``_`` (so ``../../x`` cannot leave the
    chosen folder), as do bidi controls that would show the name reversed; a Windows device name
    (CON, NUL…) gets a ``_`` in front, leading/trailing dots and spaces go, and the part is cut to
    :data:`PART_BYTES`.
    """
    cleaned = _UNSAFE.sub("_", name).strip(" .")
    if cleaned.split(".")[0].upper() in _RESERVED:
        cleaned = "_" + cleaned
    while len(cleaned.encode("utf-8")) > PART_BYTES:
        cleaned = cleaned[:-1]
    cleaned = cleaned.strip(" .")
    return cleaned or "_"


def month_in_plan(plan: Plan, text: str, option: str = "--month") -> str:
    """A user-typed month, normalised to ``YYYY-MM``, rejected when it lies outside the plan period."""
    from kjyd.ledger import month_bounds
    from kjyd.values import parse_month

    month = parse_month(text)
    first, last = month_bounds(month)
    if last < plan.start or first > plan.end:
        raise InputError(f"{option} {month} 不在计划期内（{plan.start} 至 {plan.end}）")
    return month


def default_month(plan: Plan, today: date) -> str:
    """The current month, held inside the plan period (a past plan defaults to its last month)."""
    day = min(max(today, plan.start), plan.end)
    return f"{day.year:04d}-{day.month:02d}"


REPORTING_DAYS = 10
"""In the first this-many days of a month the office is still reporting the month before: on 5 July
the June report is being collected and exported, and 7月 has barely begun."""


def reporting_month(plan: Plan, today: date) -> tuple[str, bool]:
    """The month being reported today, and whether that is the previous month (say so when it is).

    In the first :data:`REPORTING_DAYS` days of a month, the last complete month; otherwise the
    current one. Held inside the plan period like :func:`default_month`.
    """
    if today.day <= REPORTING_DAYS:
        month = default_month(plan, today.replace(day=1) - timedelta(days=1))
        return month, month != default_month(plan, today)
    return default_month(plan, today), False


def missing_report(
    plan: Plan, entries_in_month: Iterable[Entry], done: Collection[int] = ()
) -> dict[str, list[Task]]:
    """Lead division → its tasks with no check-in of its own in the month (the reminder list).

    ``entries_in_month`` are the check-ins dated in the month; withdrawn ones count for nothing. A
    task counts as reported when any of its targets has a check-in (a value or a note) — *for the
    division that sent it*: a task with two lead divisions is chased from each separately, so one
    division's workbook does not clear the other. A check-in typed by a person (``who`` is no
    division of the plan: the office entering figures by hand) counts for every lead division.
    Tasks in ``done`` (task numbers already 已完成) are not chased. Every division is present, with
    an empty list when it has nothing left to report.
    """
    divisions = set(tasks_by_division(plan)) | set(support_tasks(plan))
    senders: dict[str, set[str | None]] = {}
    for e in entries_in_month:
        if not e.withdrawn:
            senders.setdefault(e.target_id, set()).add(e.who if e.who in divisions else None)

    def reported(task: Task, division: str) -> bool:
        sent = set().union(*(senders.get(t.id, set()) for t in task.targets))
        return None in sent or division in sent

    return {
        division: [task for task in tasks if task.number not in done and not reported(task, division)]
        for division, tasks in tasks_by_division(plan).items()
    }


def missing_lines(plan: Plan, report: dict[str, list[Task]], month: str,
                  skipped: Iterable[Task] = ()) -> list[str]:
    """``kjyd status --missing`` as text: per division, the tasks still to report; then the
    completed tasks left off the list (``skipped``), so a shorter list is never a mystery."""
    year, mon = (int(part) for part in month.split("-"))
    total = sum(len(tasks) for tasks in tasks_by_division(plan).values())
    missing = sum(len(tasks) for tasks in report.values())
    skipped = list(skipped)
    lines = [f"{plan.short_title} {year}年{mon}月 未填报任务（按牵头处室）"]
    if missing == 0:
        lines.append("各处室本月均已填报。")
    else:
        for division, tasks in report.items():
            lines.append("")
            if not tasks:
                lines.append(f"{division}：已全部填报")
                continue
            lines.append(f"{division}：{len(tasks)}项未填报")
            lines.extend(f"  {task.heading}{task.title}" for task in tasks)
        lines.append("")
        lines.append(f"合计：{missing}项（次）未填报，共{total}项（次）。")
    if skipped:
        names = "、".join(f"{task.heading}{task.title}" for task in skipped)
        lines.append(f"已完成、不再催报的{len(skipped)}项：{names}")
    return lines


def missing_json(report: dict[str, list[Task]], month: str, skipped: Iterable[Task] = ()) -> dict:
    """``kjyd status --missing --json``: stable keys for scripts."""
    return {
        "month": month,
        "completed_not_chased": [
            {"task": task.label, "number": task.number, "title": task.title} for task in skipped
        ],
        "divisions": [
            {
                "division": division,
                "missing": [
                    {"task": task.label, "number": task.number, "title": task.title}
                    for task in tasks
                ],
            }
            for division, tasks in report.items()
        ],
    }


def by_division_lines(plan: Plan) -> list[str]:
    """``kjyd plan --by-division``: each lead division with its tasks and their target labels."""
    groups = tasks_by_division(plan)
    support = support_tasks(plan)
    lines = [f"{plan.short_title} 任务分工（按牵头处室）"]
    for division, tasks in groups.items():
        lines.append("")
        lines.append(f"{division}（牵头{len(tasks)}项）")
        for task in tasks:
            labels = "、".join(t.label for t in task.targets)
            helpers = "、".join(task.support_divisions)
            extra = f"；配合：{helpers}" if helpers else ""
            lines.append(f"  {task.heading}{task.title}  [{labels}{extra}]")
    if plan.extra_targets:
        if UNASSIGNED not in groups:
            lines += ["", f"{UNASSIGNED}（牵头0项）"]
        labels = "、".join(t.label for t in plan.extra_targets)
        lines.append(f"  主要目标 {labels} 不属于任何任务，随“{UNASSIGNED}”填报表填报")
    for division in [d for d in support if d not in groups]:
        lines.append("")
        tasks = "、".join(f"{t.heading}" for t in support[division])
        lines.append(f"{division}（仅配合）：{tasks}")
    return lines
