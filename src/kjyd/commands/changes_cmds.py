"""``kjyd changes``: what moved between the end of last month and the end of this one.

Thin: pick the window, read what both reports and the window's notes need from the ledger, call
:func:`kjyd.changes.compare` (built on the one report function), hand the result to a renderer.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import TYPE_CHECKING, Optional

import typer

from kjyd import output
from kjyd.app import command, state
from kjyd.errors import InputError

if TYPE_CHECKING:
    from kjyd.changes import Changes
    from kjyd.ledger import Ledger
    from kjyd.plan import Plan


def month_window(plan: "Plan", month: str) -> tuple[date, date]:
    """(last day of the previous month, last day of ``month`` held to the plan's end and to today —
    a month still running is compared as of today, never as of a date to come)."""
    from kjyd.changes import previous_month_end
    from kjyd.clock import today
    from kjyd.ledger import month_bounds

    return previous_month_end(month), min(month_bounds(month)[1], plan.end, today())


def window_entries(ledger: "Ledger", plan_id: str, since: date, until: date) -> tuple[list, Iterator]:
    """What :func:`kjyd.changes.compare` needs: both snapshots, and every counting check-in dated
    in between, streamed oldest first (its ``window``).

    Read month by month with the ledger's indexed month filter, so a long history costs only the
    months of the window, and a busy month is never held.
    """
    snapshots = ledger.snapshot(plan_id, since) + ledger.snapshot(plan_id, until)
    first = since + timedelta(days=1)  # check-ins dated on ``since`` itself are before the window

    def window() -> Iterator:
        year, month = first.year, first.month
        while (year, month) <= (until.year, until.month):
            yield from ledger.iter_entries(plan_id, month=f"{year:04d}-{month:02d}", include_withdrawn=False,
                                           oldest_first=True)
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)

    return snapshots, window()


def month_changes(ledger: "Ledger", plan: "Plan", month: str, tolerance: float, *,
                  values_only: bool = False) -> "Changes":
    """The changes of one calendar month (used by ``changes``, ``export`` and ``report``), the
    month's check-ins streamed from the ledger.

    ``values_only``: only the value and state changes and the two reports, the month's check-ins
    not read at all (``noted``, ``progressed`` and ``silent`` then know of no note): what the
    workbook's 较上月 needs, without holding the month's thousands of notes it lists elsewhere.
    """
    from kjyd.changes import compare

    since, until = month_window(plan, month)
    snapshots, window = window_entries(ledger, plan.id, since, until)
    if values_only:
        window = iter(())
    return compare(plan, snapshots, since, until, window=window, month=month, tolerance=tolerance)


@command("changes")
def changes_command(
    ctx: typer.Context,
    month: Optional[str] = typer.Option(
        None, "--month", metavar="年-月", help="哪个月与上月末比较，如 2022-07。默认：正在报送的月份（每月前10天为上月）。"
    ),
    since: Optional[str] = typer.Option(
        None, "--since", metavar="年-月-日", help="改为与该日比较（如 2022-06-15），直到今天（或计划期末日）。"
    ),
    tolerance: Optional[str] = typer.Option(
        None, "--tolerance", metavar="百分点", help="与序时进度相差多少个百分点以内算符合序时，默认 5。"
    ),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON（字段见 README），供脚本使用。"),
) -> None:
    """较上月有什么变化：数值变化（上月末 → 本月末、增量、完成率）、状态变化、有进展说明的任务、无更新的任务，以及一句汇总。

    示例：kjyd changes --month 2022-07 ｜ kjyd changes --since 2022-07-15 --json
    """
    from kjyd.clock import today
    from kjyd.commands.export_cmds import export_month
    from kjyd.values import parse_date, parse_tolerance

    app_state = state(ctx)
    plan = app_state.plan
    tol = parse_tolerance(tolerance)
    if since is not None and month is not None:
        raise InputError("--month 与 --since 只能用一个：按月比较用 --month，从某日起比较用 --since")
    with app_state.ledger(write=False) as ledger:
        if since is None:
            chosen, _ = export_month(plan, month, today(), "变化对比")  # the month being reported
            since, until = month_window(plan, chosen)
            if until <= since:
                raise InputError(f"{chosen} 尚未开始（今天是 {today()}），没有可比较的变化")
            changes = month_changes(ledger, plan, chosen, tol)
        else:
            from kjyd.changes import compare
            from kjyd.commands.status_cmds import resolve_as_of

            start = parse_date(since, what="--since")
            until = resolve_as_of(plan, None)
            if start >= until:
                raise InputError(f"--since {start} 不早于统计截止日 {until}：请给一个更早的日期")
            snapshots, window = window_entries(ledger, plan.id, start, until)
            changes = compare(plan, snapshots, start, until, window=window, tolerance=tol)
    if as_json:
        import sys

        from kjyd.render.json_out import changes_json

        for piece in changes_json(changes):
            sys.stdout.write(piece)
        return
    from kjyd.render.terminal.changes import changes_view

    output.console().print(changes_view(changes, output.console().width))
