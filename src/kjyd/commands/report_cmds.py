"""``kjyd report``: the monthly 推进情况报告 as a Word document in 公文 form.

Thin: read the month's check-ins, take the month's changes (whose ``after`` is the same report
``status --as-of`` and ``export`` show), let :mod:`kjyd.written_report` word it and
:mod:`kjyd.render.docx.report` lay it out. python-docx is imported inside the command only.
"""

from __future__ import annotations

from typing import Optional

import typer

from kjyd import output
from kjyd.app import command, state


@command("report")
def report_command(
    ctx: typer.Context,
    month: Optional[str] = typer.Option(
        None, "--month", metavar="年-月",
        help="报告哪个月，如 2022-06；数值截至该月最后一天（本月截至今天）。默认：本月，每月前10天为上月。",
    ),
    out: Optional[str] = typer.Option(
        None, "-o", "--output", metavar="文件或文件夹",
        help="保存到的 .docx 文件（无扩展名时自动加 .docx），或已存在的文件夹（文件名自动生成）。默认：当前文件夹。",
    ),
    force: bool = typer.Option(False, "--force", help="目标文件已存在时覆盖。"),
    tolerance: Optional[str] = typer.Option(
        None, "--tolerance", metavar="百分点", help="与序时进度相差不超过多少个百分点算“符合序时”，默认 5。",
    ),
) -> None:
    """生成推进情况报告（Word 公文格式）：总体进展、重点任务推进情况、存在的问题、下一步工作安排，附主要目标表。

    数字与同月的 kjyd status --as-of、kjyd export 相同；“较上月”与 kjyd changes 相同。

    示例：kjyd report --month 2022-06 ｜ kjyd report --month 2022-06 -o 上半年报告.docx --force
    """
    from kjyd.clock import today
    from kjyd.commands.changes_cmds import month_changes
    from kjyd.commands.export_cmds import destination, export_month, write_atomically
    from kjyd.divisions import safe_filename
    from kjyd.values import parse_tolerance
    from kjyd.written_report import written_report

    app_state = state(ctx)
    plan = app_state.plan
    month, _ = export_month(plan, month, today(), "推进情况报告")  # never a date after today, as export
    tol = parse_tolerance(tolerance)
    path = destination(out, f"{safe_filename(plan.short_title)}推进情况报告_{month}.docx", force, suffix=".docx")
    with app_state.ledger(write=False) as ledger:
        changes = month_changes(ledger, plan, month, tol)  # the month streamed; its notes come with it
        # Of the month's other check-ins only the words the report quotes (存在问题, 下一步计划).
        quoted = [e for e in ledger.iter_entries(plan.id, month=month, include_withdrawn=False)
                  if e.problems or e.next_steps]
    words = written_report(changes, quoted)

    from kjyd.render.docx.report import write_docx

    write_atomically(path, lambda stream: write_docx(stream, words))
    output.say(f"已生成：{path}")
