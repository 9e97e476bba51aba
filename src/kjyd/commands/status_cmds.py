"""``kjyd status`` and ``kjyd show``: where the plan stands against 序时进度.

Thin commands: parse options, read the ledger, call the pure report, hand the rows to a renderer.
Everything heavy (the plan loader, sqlite3, rich) is imported inside the functions.
"""

from __future__ import annotations

import sys
from datetime import date
from typing import TYPE_CHECKING, Optional

import typer

from kjyd import output
from kjyd.app import command, state
from kjyd.completion import complete_address
from kjyd.errors import InputError

if TYPE_CHECKING:
    from kjyd.plan import Plan

STATE_CHOICES = ("已完成", "快于序时", "符合序时", "慢于序时", "未达标", "未完成", "未填报")
BEHIND_STATES = ("慢于序时", "未达标", "未完成", "未填报")

_AS_OF_HELP = "统计截止日期，如 2022-06-30；默认今天；超出计划期时按计划期首日或末日计算。"
_JSON_HELP = "输出 JSON（字段见 README），供脚本使用。"


def resolve_as_of(plan: "Plan", text: str | None) -> date:
    """The as-of date the user asked for (default today), clamped to the plan period with a notice."""
    from kjyd.clock import today
    from kjyd.values import parse_date

    day = today() if text is None else parse_date(text, what="--as-of")
    if day < plan.start:
        output.notice(f"{day} 早于计划期（{plan.start} 至 {plan.end}），按计划期首日 {plan.start} 统计")
        return plan.start
    if day > plan.end:
        output.notice(f"{day} 晚于计划期（{plan.start} 至 {plan.end}），按计划期末日 {plan.end} 统计")
        return plan.end
    return day


def _section_number(plan: "Plan", text: str) -> int:
    from kjyd.numerals import NumeralError, parse_int

    if not plan.sections:
        raise InputError("本计划不分部分，不能用 --section")
    valid = "、".join(s.label for s in plan.sections)
    raw = text.strip().removesuffix("部分")
    try:
        number = parse_int(raw)
    except NumeralError:
        number = None
    if number is None or number not in {s.number for s in plan.sections}:
        raise InputError(f"--section “{text}” 不是计划中的部分：可选 {valid}")
    return number


def _wanted_states(states: list[str], behind: bool) -> set[str] | None:
    wanted = set(BEHIND_STATES) if behind else set()
    for name in states:
        if name not in STATE_CHOICES:
            raise InputError(f"--state “{name}” 不是有效状态：可选 {'、'.join(STATE_CHOICES)}")
        wanted.add(name)
    return wanted or None


def _print(renderable) -> None:
    console = output.console()
    console.print(renderable)


_TOLERANCE_HELP = "与序时进度相差多少个百分点以内算符合序时，默认 5。"


@command("status")
def status_command(
    ctx: typer.Context,
    as_of: Optional[str] = typer.Option(None, "--as-of", metavar="年-月-日", help=_AS_OF_HELP),
    section: Optional[str] = typer.Option(None, "--section", metavar="部分", help="只看某一部分，如 五。"),
    states: Optional[list[str]] = typer.Option(
        None, "--state", metavar="状态", help="只看某种状态的任务，可重复：已完成、快于序时、符合序时、慢于序时、未达标、未完成、未填报。"
    ),
    behind: bool = typer.Option(False, "--behind", help="只看慢于序时、未达标、未完成和未填报的任务。"),
    tolerance: Optional[str] = typer.Option(
        None, "--tolerance", metavar="百分点", help=_TOLERANCE_HELP
    ),
    as_json: bool = typer.Option(False, "--json", help=_JSON_HELP),
    missing: bool = typer.Option(
        False, "--missing", help="改为列出各牵头处室在某月（--month）尚未填报的任务，用于催报。"
    ),
    month: Optional[str] = typer.Option(
        None, "--month", metavar="年-月", help="与 --missing 一起用：查看哪个月，默认本月。"
    ),
) -> None:
    """查看推进情况：主要目标和各项任务的完成率、对照序时进度的状态、最近进展，以及一句可直接引用的汇总。

    加 --missing 则按牵头处室列出该月还没有填报的任务（催报名单）。

    示例：kjyd status --as-of 2022-06-30 --behind ｜ kjyd status --missing --month 2022-07
    """
    if missing:
        from kjyd.commands.division_cmds import show_missing

        return show_missing(ctx, month, as_json)
    if month is not None:
        raise InputError("--month 只能与 --missing 一起使用；查看某日的推进情况请用 --as-of")
    from kjyd.report import build_report
    from kjyd.values import parse_tolerance

    app_state = state(ctx)
    plan = app_state.plan
    wanted_section = None if section is None else _section_number(plan, section)
    wanted_states = _wanted_states(states or [], behind)
    tol = parse_tolerance(tolerance)
    day = resolve_as_of(plan, as_of)
    with app_state.ledger(write=False) as ledger:
        entries = ledger.snapshot(plan.id, day)
    report = build_report(plan, entries, day, tol)

    tasks = [
        row for row in report.tasks
        if (wanted_section is None or row.task.section == wanted_section)
        and (wanted_states is None or row.state in wanted_states)
    ]
    if as_json:
        from kjyd.render.json_out import dumps, report_data

        filtered = wanted_section is not None or wanted_states is not None
        output.say(dumps(report_data(report, tasks if filtered else None)))
        return
    headlines = [] if wanted_section is not None else [
        (position, row) for position, row in enumerate(report.headlines, 1)
        if wanted_states is None or row.state in wanted_states
    ]
    from kjyd.render.terminal.progress import status_view

    _print(status_view(report, tasks, headlines, output.console().width))


SHOW_HISTORY = 20
"""Check-ins ``kjyd show`` lists by default: a screenful; ``--all``, ``--json`` and ``kjyd log`` give every one."""


@command("show")
def show_command(
    ctx: typer.Context,
    task: str = typer.Argument(..., metavar="任务", help="任务编号，如 十三、（十三）或 13；也可写其目标，如 十三.2。",
                              autocompletion=complete_address),
    as_of: Optional[str] = typer.Option(None, "--as-of", metavar="年-月-日", help=_AS_OF_HELP),
    tolerance: Optional[str] = typer.Option(None, "--tolerance", metavar="百分点", help=_TOLERANCE_HELP),
    as_json: bool = typer.Option(False, "--json", help=_JSON_HELP),
    show_all: bool = typer.Option(
        False, "--all", help=f"列出全部填报记录（默认只列最近 {SHOW_HISTORY} 条；--json 总是输出全部）。"
    ),
) -> None:
    """查看一项任务：通知原文、各目标的完成情况、逐月走势和最近的填报记录（含已撤销的；--all 列出全部）。

    示例：kjyd show 十三 --as-of 2022-06-30
    """
    from kjyd.report import build_task_detail, report_months
    from kjyd.values import parse_tolerance

    app_state = state(ctx)
    plan = app_state.plan
    # 十三.2 names a target of 十三: show that task (the target must exist: 十三.9 is an error).
    target = plan.resolve(task)
    if target.task is None:
        raise InputError(f"{target.label} 是主要目标，不属于任何任务：请用 kjyd status 查看")
    found = plan.task(target.task)
    day = resolve_as_of(plan, as_of)
    ids = [t.id for t in found.targets]
    limit = None if as_json or show_all else SHOW_HISTORY
    total = histories = None
    with app_state.ledger(write=False) as ledger:
        if limit is None:  # every check-in: streamed from one cursor per target as it is printed
            entries = ledger.snapshot(plan.id, day)
            histories = {i: ledger.iter_history(plan.id, i, day) for i in ids}
        else:  # a task can have thousands of check-ins: read only the newest and what they need
            entries, total = ledger.recent(plan.id, ids, day, limit)
        month_ends = ledger.month_end_values(plan.id, report_months(plan, day), ids)
        detail = build_task_detail(plan, found, entries, day, month_ends, parse_tolerance(tolerance),
                                   histories=histories, history_limit=limit, history_total=total)
        if as_json:
            from kjyd.render.json_out import task_json

            for piece in task_json(detail):
                sys.stdout.write(piece)
            return
        from kjyd.render.terminal.columns import print_lines
        from kjyd.render.terminal.progress import history_view, task_view

        console = output.console()
        console.print(task_view(detail, console.width))
        for lines in history_view(detail, console.width):
            print_lines(console, lines)
