"""``kjyd db init | grant | copy``: setting up a shared PostgreSQL database and moving history in and out.

Thin: the rights (roles, row-level policies) live in :mod:`kjyd.ledger.postgres`, the copying in the
ledger's ``dump``/``load``. Each command opens the store(s) it names and nothing else.
"""

from __future__ import annotations

import typer

from kjyd import output
from kjyd.app import KjydCommand, KjydGroup, app, state
from kjyd.errors import InputError

db_app = typer.Typer(
    cls=KjydGroup,
    name="db",
    help="共用数据库（PostgreSQL）：建立角色和权限、为登录名授权、在 SQLite 文件和服务器之间复制历史记录。\n\n"
    "示例：kjyd db init ｜ kjyd db grant zhangsan office ｜ "
    "kjyd db copy --from kjyd.db --to postgresql://kjyd@db.example/kjyd",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)
app.add_typer(db_app, name="db")


def _server(setting) -> str:
    from kjyd.ledger import is_server_url

    if not is_server_url(setting):
        raise InputError(
            f"kjyd db init/grant 只用于 PostgreSQL 数据库；当前 --db 是文件 {setting}。"
            "请用 --db postgresql://用户@主机/库名 或环境变量 KJYD_DB 指定服务器"
        )
    return str(setting)


@db_app.command("init", cls=KjydCommand)
def init_command(ctx: typer.Context) -> None:
    """由数据库所有者运行：建立表、办公室/只读角色和每个牵头处室的角色，并由服务器强制权限。

    办公室（office）可填报、撤销全部目标；各牵头处室只能填报本处室牵头任务的目标，只能撤销本处室登录名填报的记录；
    所有角色都能查看。计划中新增处室后可再次运行。

    示例：kjyd --db postgresql://kjyd@db.example/kjyd --plan plan2023.yaml db init
    """
    from kjyd.ledger import open_ledger
    from kjyd.ledger.postgres import OFFICE, READER, init_rights

    app_state = state(ctx)
    url = _server(app_state.db_path)
    plan = app_state.plan
    with open_ledger(url, write=True) as ledger:
        names = init_rights(ledger, plan)
    output.say(f"已在 {ledger.location} 建立 kjyd 的表和权限（计划 {plan.id}）：")
    output.say(f"  {names[OFFICE]}：办公室，填报和撤销全部目标")
    output.say(f"  {names[READER]}：只读")
    divisions = [d for d in names if d not in (OFFICE, READER)]
    for division in divisions:
        output.say(f"  {names[division]}：{division}，只填报本处室牵头的目标，只撤销本处室的填报")
    if not divisions:
        output.notice("计划中没有牵头处室（lead_divisions），只建立了办公室和只读角色")
    output.say("下一步：为每个登录名授权，如 kjyd db grant zhangsan office")


@db_app.command("grant", cls=KjydCommand)
def grant_command(
    ctx: typer.Context,
    login: str = typer.Argument(..., metavar="登录名", help="数据库服务器上的登录名。"),
    role: str = typer.Argument(..., metavar="角色", help="office（办公室）、reader（只读）或牵头处室名称。"),
) -> None:
    """由数据库所有者运行：让一个登录名取得某个角色的权限（先运行 kjyd db init）。

    示例：kjyd db grant zhangsan 成果转化处
    """
    from kjyd.ledger import open_ledger
    from kjyd.ledger.postgres import grant

    url = _server(state(ctx).db_path)
    aliases = {"办公室": "office", "只读": "reader"}
    with open_ledger(url, write=True) as ledger:
        granted = grant(ledger, login.strip(), aliases.get(role.strip(), role.strip()))
    output.say(f"已授权：登录名 {login.strip()} 取得角色 {granted}")


@db_app.command("copy", cls=KjydCommand)
def copy_command(
    source: str = typer.Option(..., "--from", metavar="来源", help="复制自：SQLite 文件或 postgresql:// 地址。"),
    target: str = typer.Option(..., "--to", metavar="目标", help="复制到：SQLite 文件或 postgresql:// 地址。"),
    force: bool = typer.Option(False, "--force", help="目标已有记录时仍然合并（编号相同而内容不同的记录仍拒绝）。"),
) -> None:
    """把全部填报记录（含编号、撤销标记、来源文件、问题和下一步）及导出记录从一个数据库复制到另一个，并逐条核对。

    目标已有记录时不复制，除非加 --force。复制到服务器须由数据库所有者运行。

    示例：kjyd db copy --from kjyd.db --to postgresql://kjyd@db.example/kjyd
    """
    from kjyd.ledger import display_setting, open_ledger
    from kjyd.paths import db_setting

    src, dst = db_setting(source), db_setting(target)
    if display_setting(src) == display_setting(dst):
        raise InputError("--from 和 --to 是同一个数据库")
    with open_ledger(src, write=False) as ledger:
        tables = ledger.dump()
    checkins = tables["checkins"]
    if not any(tables.values()):
        raise InputError(f"{display_setting(src)} 中没有任何填报记录，未复制")
    with open_ledger(dst, write=True) as ledger:
        copied, skipped = ledger.load(tables, force=force)
        stored = ledger.dump()
    for table, rows in tables.items():
        if not set(rows) <= set(stored[table]):
            raise InputError(f"复制后核对不一致：{display_setting(dst)} 中的 {table} 记录与来源不同，请检查后重试")
    ids = [row[0] for row in checkins]
    withdrawn = sum(1 for row in checkins if row[8])
    collected = sum(1 for row in checkins if row[12])
    reports = sum(1 for row in checkins if row[10] or row[11])
    output.say(
        f"已复制 {copied} 条填报到 {display_setting(dst)}，核对一致：填报 {len(checkins)} 条"
        + (f"（编号 #{min(ids)}–#{max(ids)}，已撤销 {withdrawn} 条，来自收取文件 {collected} 条，"
           f"含存在问题或下一步 {reports} 条）" if ids else "")
        + f"，导出记录 {len(tables['exports'])} 条，目标含义 {len(tables['target_meanings'])} 条，"
        f"目标重编号 {len(tables['remaps'])} 次"
    )
    if skipped:
        output.notice(f"目标中已有且内容相同的 {skipped} 条记录未重复复制")
