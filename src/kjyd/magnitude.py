"""The magnitude rule: a figure far out of proportion is probably a unit slip, so ask before keeping it.

The case that prompted it: 技术合同成交额 is counted in 亿元; a clerk typed 8100000 (万元) and the
leadership report said 完成 324000.0%. Numbers alone cannot tell a slip from a breakthrough, so
this rule only *stops and asks*: ``update`` asks in a terminal and refuses without ``--yes`` when not
interactive; ``collect`` makes it a located problem of the file (``--yes`` accepts it).

The rule, per kind of target (see FORMAT.md):

* a value more than :data:`TARGET_FACTOR` × the target's value — for a ``flow`` (新增1500家) and a
  ``total`` (总数达到8700家, compared as the stock it is, not as the increase over the baseline:
  87000 is the slip, 8800 is not) alike; for a ``level`` (强度2.5%, 增长8%) by absolute size,
  since a growth rate may be negative;
* a value more than :data:`PREVIOUS_FACTOR` × the previous value (for a ``total`` without a check-in
  yet, its baseline) — not for a ``level``: rates hover near zero and change sign, so a ratio between
  two of them says nothing.

Qualitative tasks (工作进度 %) are already held to 0..100 and are left out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kjyd.plan import Target

TARGET_FACTOR = 10
PREVIOUS_FACTOR = 100


def kind_of(target: "Target") -> str:
    """``flow``, ``total`` or ``level``; a growth rate in % counts as a level whatever the file says."""
    return "level" if target.is_rate else target.kind


def _plain(value: float) -> str:
    """8100000, not 810万: the figure as typed, so the slip is visible."""
    return f"{value:.4f}".rstrip("0").rstrip(".") if not float(value).is_integer() else str(int(value))


def _times(value: float, base: float) -> str:
    ratio = abs(value / base)
    return f"{ratio:.0f}" if ratio >= 10 else f"{ratio:.1f}"


def implausible(target: "Target", value: float, previous: float | None) -> str | None:
    """Why ``value`` looks like a unit slip for ``target`` (one Chinese clause), or None."""
    if target.implicit:
        return None
    kind = kind_of(target)
    goal = float(target.value)
    shown = f"{_plain(value)}{target.unit}"
    if goal and abs(value) > TARGET_FACTOR * abs(goal):
        return (
            f"{shown} 是目标 {_plain(goal)}{target.unit} 的 {_times(value, goal)} 倍"
            f"（超过 {TARGET_FACTOR} 倍），单位是否有误？该目标以 {target.unit} 计"
        )
    if kind == "level":
        return None
    if previous is None and kind == "total":
        previous = target.baseline
    if previous and previous > 0 and value > PREVIOUS_FACTOR * previous:
        return (
            f"{shown} 是上次 {_plain(previous)}{target.unit} 的 {_times(value, previous)} 倍"
            f"（超过 {PREVIOUS_FACTOR} 倍），单位是否有误？该目标以 {target.unit} 计"
        )
    return None
