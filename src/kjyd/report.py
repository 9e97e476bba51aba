"""The progress report: a pure function of (plan, check-ins, as-of date) → rows.

No printing, no SQLite, no clock: renderers (terminal, JSON, xlsx, CSV) only format what is built
here, so every view of the plan agrees.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from kjyd.plan import Plan, Target, Task

STATES = ("已完成", "快于序时", "符合序时", "慢于序时", "未填报")
DEFAULT_TOLERANCE = 5.0
"""Percentage points around 序时进度 that still count as 符合序时."""


@dataclass(frozen=True, slots=True)
class TargetRow:
    target: Target
    value: float | None
    percent: float | None
    """value / target × 100, not capped (above 100 when exceeded); None when nothing reported."""
    state: str
    last_date: date | None
    """Date of the latest counting check-in of any kind (value or note) on or before as_of."""
    last_note: str


@dataclass(frozen=True, slots=True)
class TaskRow:
    task: Task
    targets: tuple[TargetRow, ...]
    percent: float | None
    """Mean of the targets' percents, each capped at 100."""
    state: str
    """The worst state among the targets."""
    last_date: date | None
    last_note: str


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
    """E.g. 32项任务中，已完成3项，快于序时5项，符合序时10项，慢于序时8项，未填报6项。"""
