"""序时进度 and the five states: how far along a target *should* be, and what that makes it.

Kept apart from :mod:`kjyd.report` so that the rules the office argues about — the shape of the
expected-progress curve, what "reached" means for a 左右 target, how wide 符合序时 is — each live in
exactly one small function that can be replaced without touching how rows are assembled.
"""

from __future__ import annotations

from datetime import date

from kjyd.plan import Plan, Target

DONE, AHEAD, ON_TRACK, BEHIND, UNREPORTED = "已完成", "快于序时", "符合序时", "慢于序时", "未填报"

STATE_RANK = {UNREPORTED: 0, BEHIND: 1, ON_TRACK: 2, AHEAD: 3, DONE: 4}
"""Lower is worse. A task takes the state of its worst target, so a single unreported or lagging
target is never hidden behind a finished one."""

ABOUT_TOLERANCE = 0.10
"""A 左右 ("about") target counts as reached at 90 % of its value: 中试基地10个左右 is met by 9.
The notice's own wording allows a shortfall; 10 % is the office's reading of 左右."""

_EPSILON = 1e-9
"""Guards comparisons such as 7.2 ≥ 8 × 0.9 against binary rounding."""


def expected_percent(plan: Plan, as_of: date) -> float:
    """序时进度: the share of the plan period elapsed at the end of ``as_of``, in percent.

    Linear in calendar days, counting ``as_of`` itself: the first day gives 1/365, the last day
    100. Dates outside the period give 0 or 100. This is the single place to replace with a
    per-target curve (e.g. seasonal 技术合同成交额) later.
    """
    total = (plan.end - plan.start).days + 1
    elapsed = (as_of - plan.start).days + 1
    return 100.0 * min(max(elapsed, 0), total) / total


def percent_of(target: Target, value: float | None) -> float | None:
    """value / target × 100, uncapped (above 100 when exceeded, negative for a falling rate)."""
    if value is None:
        return None
    return 100.0 * value / target.value


def is_reached(target: Target, value: float) -> bool:
    """不少于/达到 are reached at the target value; 左右 within :data:`ABOUT_TOLERANCE` below it."""
    threshold = target.value * (1 - ABOUT_TOLERANCE) if target.comparator == "about" else target.value
    return value >= threshold - _EPSILON * max(1.0, abs(threshold))


def target_state(target: Target, value: float | None, expected: float, tolerance: float) -> str:
    """The office's word for a target's value against 序时进度 (``expected``, in percent)."""
    if value is None:
        return UNREPORTED
    if is_reached(target, value):
        return DONE
    percent = percent_of(target, value)
    if percent > expected + tolerance:
        return AHEAD
    if percent < expected - tolerance:
        return BEHIND
    return ON_TRACK


def worst_state(states: list[str]) -> str:
    return min(states, key=STATE_RANK.__getitem__)
