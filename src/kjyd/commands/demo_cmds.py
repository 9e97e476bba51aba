"""``kjyd demo``: the demo half-year shown, or written to a new database file for other commands.

Never touches the user's database or plan setting: without ``--db`` the demo ledger lives in a
temporary folder that is removed afterwards; with ``--db`` it goes to a *new* file only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from kjyd import output
from kjyd.app import command, state
from kjyd.errors import InputError


@command("demo")
def demo_command(
    ctx: typer.Context,
    db_text: Optional[str] = typer.Option(
        None, "--db", metavar="文件",
        help="把演示数据写入这个新的数据库文件（文件须不存在），供其他命令用 --db 查看。",
    ),
) -> None:
    """演示：显示 2022 年科技工作要点上半年（截至 6 月 30 日）的示例推进情况，不改动您自己的数据库。

    示例数据由多个处室填报，有数值、进展说明、存在问题、下一步计划，也有一条填错后撤销的记录。
    加 --db 则把演示数据保存为一个新的数据库文件，然后可用其他命令查看或导出。

    示例：kjyd demo ｜ kjyd demo --db 演示.db
    """
    from kjyd.demo import load_demo, write_demo
    from kjyd.paths import bundled_plan
    from kjyd.plan_loader import load_plan

    plan_path = bundled_plan()
    plan = load_plan(plan_path)
    demo = load_demo(plan)
    if db_text is not None:
        from kjyd.ledger import is_server_url

        if is_server_url(db_text):
            raise InputError("演示数据只写入新的 SQLite 文件，不写入数据库服务器")
        db = Path(db_text)
        if db.exists():
            raise InputError(f"{db} 已存在；演示数据只写入新文件，以免混入真实填报，请换一个文件名")
        write_demo(db, demo)
        month = demo.as_of.strftime("%Y-%m")
        output.say(f"已写入演示数据：{db}（{demo.count} 条填报，截至 {demo.as_of}）")
        output.say("接着可以试试：")
        # The demo belongs to the bundled plan: name it only when the user's setting is another plan.
        same = state(ctx).plan_path.resolve() == plan_path.resolve()
        prefix = f"kjyd --db {db}" if same else f"kjyd --plan {plan_path} --db {db}"
        for example in (
            f"status --as-of {demo.as_of}",
            f"show 十三 --as-of {demo.as_of}",
            f"log --month {month}",
            f"export --month {month}",
        ):
            output.say(f"  {prefix} {example}")
        return

    import tempfile

    from kjyd.ledger import Ledger
    from kjyd.render.terminal.progress import status_view
    from kjyd.report import build_report
    from kjyd.values import parse_tolerance

    with tempfile.TemporaryDirectory(prefix="kjyd-demo-") as folder:
        path = Path(folder) / "demo.db"
        write_demo(path, demo)
        with Ledger.open(path, write=False) as ledger:
            entries = ledger.snapshot(plan.id, demo.as_of)
    report = build_report(plan, entries, demo.as_of, parse_tolerance(None))
    console = output.console()
    output.say(f"【演示数据】以下为编造的示例填报（{demo.count} 条），未改动您的数据库。")
    output.say()
    console.print(status_view(report, report.tasks, list(enumerate(report.headlines, 1)), console.width))
    output.say()
    output.say("用 kjyd demo --db 演示.db 可把演示数据存为文件，再用 show、log、export 等命令查看。")
