"""序时进度 and the states: how far along a target *should* be, and what that makes it.

Kept apart from :mod:`kjyd.report` so that the rules the office argues about — the shape of the
expected-progress curve, what "reached" means for a 左右 target, how wide 符合序时 is — each live in
exactly one small function that can be replaced without touching how rows are assembled.

The expected curve of a flow or total target runs from (period start, 0 or its baseline) through
each of its 节点目标 (milestones) to (period end, target value), linear in calendar days between
points. Without milestones that is the plain linear 序时进度 of the whole plan. A *level* (a ratio,
an index, a growth rate) is never paced: it is 已完成 when its comparator is met, else 未达标.
"""

from __future__ import annotations

from datetime import date

from kjyd.plan import Plan, Target

DONE, AHEAD, ON_TRACK, BEHIND, UNREPORTED = "已完成", "快于序时", "符合序时", "慢于序时", "未填报"
NOT_MET = "未达标"
"""A level whose comparator is not met, or a cap (at_most) exceeded."""
UNFINISHED = "未完成"
"""A flow or total still short of its target when the period is over."""

STATE_RANK = {UNREPORTED: 0, UNFINISHED: 1, NOT_MET: 2, BEHIND: 3, ON_TRACK: 4, AHEAD: 5, DONE: 6}
"""Lower is worse. A task takes the state of its worst target, so a single unreported or lagging
target is never hidden behind a finished one."""

ABOUT_TOLERANCE = 0.10
"""A 左右 ("about") target counts as reached at 90 % of its value: 中试基地10个左右 is met by 9.
The notice's own wording allows a shortfall; 10 % is the office's reading of 左右."""

_EPSILON = 1e-9
"""Guards comparisons such as 7.2 ≥ 8 × 0.9 against binary rounding."""


def _day_index(plan: Plan, day: date) -> int:
    """Days of the period elapsed at the *end* of ``day``, clamped to the period."""
    total = (plan.end - plan.start).days + 1
    return min(max((day - plan.start).days + 1, 0), total)


def expected_percent(plan: Plan, as_of: date) -> float:
    """The plan's linear 序时进度: the share of the period elapsed at the end of ``as_of``, in percent.

    Counting ``as_of`` itself: the first day gives 1/365, the last day 100; dates outside the
    period give 0 or 100. A target's own curve is :func:`expected_value`.
    """
    total = (plan.end - plan.start).days + 1
    return 100.0 * _day_index(plan, as_of) / total


def expected_value(plan: Plan, target: Target, as_of: date) -> float | None:
    """Where a flow or total target should stand at the end of ``as_of`` (None for a level)."""
    if not target.paced:
        return None
    points = [(0, float(target.start_value))]
    points += [(_day_index(plan, d), float(v)) for d, v in target.milestones]
    points.append(((plan.end - plan.start).days + 1, float(target.value)))
    x = _day_index(plan, as_of)
    for (x0, y0), (x1, y1) in zip(points, points[1:]):
        if x <= x1:
            return y0 if x1 == x0 else y0 + (y1 - y0) * (x - x0) / (x1 - x0)
    return points[-1][1]


def target_expected_percent(plan: Plan, target: Target, as_of: date) -> float | None:
    """序时进度 of one target, as a share of the way from its start to its target (None: level)."""
    expected = expected_value(plan, target, as_of)
    return None if expected is None else percent_of(target, expected)


def percent_of(target: Target, value: float | None) -> float | None:
    """Progress in percent, uncapped (above 100 when exceeded, negative for a falling value).

    Flow: value / target. Total: (value − baseline) / (target − baseline), the way travelled from
    the stock at the period's start. Level: value / target, for display only (never paced).
    """
    if value is None:
        return None
    start = target.start_value if target.kind == "total" else 0
    return 100.0 * (value - start) / (target.value - start)


def is_reached(target: Target, value: float) -> bool:
    """Whether the value meets the notice's comparator (the five words of the plan format).

    不少于/达到: at or above the target; 超过: above it; 左右: within :data:`ABOUT_TOLERANCE` below it;
    不超过/控制在…以内: at or below it.
    """
    margin = _EPSILON * max(1.0, abs(target.value))
    if target.comparator == "at_most":
        return value <= target.value + margin
    if target.comparator == "more_than":
        return value > target.value + margin
    threshold = target.value * (1 - ABOUT_TOLERANCE) if target.comparator == "about" else target.value
    return value >= threshold - _EPSILON * max(1.0, abs(threshold))


def is_cap(target: Target) -> bool:
    """不超过/控制在…以内 on a flow or a growing stock: a ceiling to stay under, not a goal to pace
    towards. (A total *falling* to at most X — 降至X以下 — is paced like any other.)"""
    return target.comparator == "at_most" and target.value >= target.start_value


def target_state(target: Target, value: float | None, expected: float | None, tolerance: float,
                 *, period_over: bool = False) -> str:
    """The office's word for a target's value against its 序时进度 (``expected``, in percent).

    ``period_over`` (as-of on or after the period's end): a flow or total still short is 未完成.
    A cap (:func:`is_cap`) is 未达标 once exceeded, 已完成 if kept at the period's end, and 符合序时
    while kept during it.
    """
    if value is None:
        return UNREPORTED
    reached = is_reached(target, value)
    if not target.paced:
        return DONE if reached else NOT_MET
    if is_cap(target):
        return NOT_MET if not reached else DONE if period_over else ON_TRACK
    if reached:
        return DONE
    if period_over:
        return UNFINISHED
    percent = percent_of(target, value)
    if expected is None:
        expected = 0.0
    if percent > expected + tolerance:
        return AHEAD
    if percent < expected - tolerance:
        return BEHIND
    return ON_TRACK


def completion(target: Target, value: float | None) -> float:
    """A target's share in its task's percent, 0..100: its progress clamped (unreported is 0).

    A cap (at_most) counts fully while kept and not at all once exceeded: how much of a cap has
    been used is no measure of work done.
    """
    if value is None:
        return 0.0
    if is_cap(target):
        return 100.0 if is_reached(target, value) else 0.0
    return min(max(percent_of(target, value) or 0.0, 0.0), 100.0)


def worst_state(states: list[str]) -> str:
    return min(states, key=STATE_RANK.__getitem__)
