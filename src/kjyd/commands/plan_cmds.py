"""``kjyd plan`` and ``kjyd check``: what the plan contains, and whether a plan file is valid."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from kjyd import output
from kjyd.app import command, state


@command("plan")
def plan_command(
    ctx: typer.Context,
    by_division: bool = typer.Option(
        False, "--by-division", help="按牵头处室列出任务；未指定牵头处室的任务列在“未分配”下。"
    ),
) -> None:
    """列出计划结构：各部分、各项任务及其目标编号、目标值和单位，便于填报时查找编号。

    示例：kjyd plan ｜ kjyd plan --by-division
    """
    if by_division:
        from kjyd.divisions import by_division_lines

        for line in by_division_lines(state(ctx).plan):
            output.say(line)
        return
    from kjyd.render.plan_text import plan_lines

    for line in plan_lines(state(ctx).plan):
        output.say(line)


@command("check")
def check_command(
    ctx: typer.Context,
    file: Optional[Path] = typer.Argument(None, metavar="[文件]", help="要检查的计划文件，默认为当前计划。"),
) -> None:
    """检查计划文件：通过则显示概要，否则逐条列出问题（文件:行:列）。

    示例：kjyd check data/plan2023.yaml
    """
    from kjyd.plan_loader import load_plan

    path = file or state(ctx).plan_path
    plan = load_plan(path, use_cache=False)  # checking means validating, every time
    quantitative = sum(1 for t in plan.targets if not t.implicit and t.task is not None)
    output.say(
        f"检查通过：{path}\n"
        f"{plan.heading}，计划期 {plan.start} 至 {plan.end}；"
        + (f"{len(plan.sections)}个部分、" if plan.sections else "")
        + f"{len(plan.tasks)}项任务、{quantitative}个量化目标、{len(plan.headlines)}项主要目标。"
    )
