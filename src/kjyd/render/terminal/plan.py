"""The plan's structure as plain text lines (``kjyd plan``)."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

from kjyd.plan import Plan


def _pad(text: str, width: int) -> str:
    """Left-align to a terminal width, counting a CJK character as two columns."""
    used = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(1, width - used)


def _target_line(target, indent: str) -> str:
    if target.implicit:
        return f"{indent}{_pad(target.label, 12)}{target.name} 100%（定性任务，按工作进度填报）"
    return f"{indent}{_pad(target.label, 12)}{target.name} {_goal(target)}"


def _goal(target) -> str:
    """达到8700家（期初7000家；节点：6月底 300家）; a level says it is judged on its latest value."""
    notes = target.notes()
    return f"{target.goal(reach='达到')}（{notes}）" if notes else target.goal(reach="达到")


def plan_lines(plan: Plan) -> Iterator[str]:
    yield plan.heading
    yield f"计划标识 {plan.id}，计划期 {plan.start} 至 {plan.end}"
    yield ""
    yield "主要目标（与任务目标相同的，填报该任务目标即同时更新主要目标）"
    for headline, target in zip(plan.headlines, plan.headline_targets()):
        yield f"  H{headline.position:<3}{headline.name} {_goal(target)}  → 填报编号 {target.label}"
    for heading, tasks in plan.groups():
        yield ""
        if heading:
            yield heading
        for task in tasks:
            yield f"  {task.heading}{task.title}"
            for target in task.targets:
                yield _target_line(target, "      ")
