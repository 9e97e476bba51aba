"""``kjyd init`` and ``kjyd info``: write a workspace file, and say which settings are in use.

``init`` records the plan and database a folder works with in ``kjyd.toml`` (see
:mod:`kjyd.workspace`), so they no longer depend on remembering an option or an environment
variable. ``info`` answers "which plan and which database did that command use, and why".
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

import typer

from kjyd import output
from kjyd.app import AppState, command, state
from kjyd.errors import InputError, KjydError

FILE_NAME = "kjyd.toml"  # kjyd.workspace.FILE_NAME, not imported so `kjyd --help` stays light


@command("init")
def init_command(
    ctx: typer.Context,
    plan: Optional[Path] = typer.Option(None, "--plan", metavar="文件", help="本工作区使用的计划文件（YAML）。"),
    db: Optional[str] = typer.Option(
        None, "--db", metavar="文件", help="本工作区的进度数据库，默认为本文件夹中的 kjyd.db。"
    ),
    user: Optional[str] = typer.Option(None, "--user", metavar="姓名", help="默认填报人（--by 仍可临时指定）。"),
    force: bool = typer.Option(False, "--force", help="覆盖本文件夹中已有的 kjyd.toml。"),
) -> None:
    """在当前文件夹创建设置文件 kjyd.toml，记下本工作区的计划、数据库和填报人。

    之后在本文件夹及其子文件夹中运行 kjyd，都自动使用这些设置（命令行选项和环境变量仍然优先）。
    不写 --plan 时，记下当前正在使用的计划（KJYD_PLAN 或 --plan 指定的）；都没有则用随程序安装的计划。

    示例：kjyd init --plan plan2023.yaml
    """
    from kjyd.plan_loader import load_plan
    from kjyd.workspace import SOURCE_DEFAULT

    app_state = state(ctx)
    folder = Path.cwd()
    target = folder / FILE_NAME
    if target.exists() and not force:
        raise InputError(f"{target} 已存在，未覆盖；修改请直接编辑该文件，或加 --force 重新生成")
    if user is not None and not user.strip():
        raise InputError("--user 不能为空")

    chosen = app_state.settings["plan"]
    plan_path = plan if plan is not None else (None if chosen.source == SOURCE_DEFAULT else Path(chosen.value))
    loaded = load_plan(plan_path or app_state.plan_path)  # a plan that does not load is not written down

    db_setting = db if db is not None else (
        None if app_state.settings["db"].source == SOURCE_DEFAULT else str(app_state.settings["db"].value)
    )
    lines = [
        "# kjyd 工作区设置：在本文件夹及其子文件夹中运行 kjyd 时使用。",
        "# 相对路径从本文件所在的文件夹算起；命令行选项和环境变量（KJYD_PLAN、KJYD_DB、KJYD_USER）优先。",
        "",
        f"plan = {_toml(_relative(plan_path, folder))}" if plan_path
        else "# plan = \"plan2023.yaml\"   # 未设置：使用随程序安装的 2022 年科技工作要点",
        f"db = {_toml(_relative(Path(db_setting), folder) if '://' not in db_setting else db_setting)}"
        if db_setting else 'db = "kjyd.db"',
        f"user = {_toml(user.strip())}" if user else "# user = \"张三\"   # 默认填报人；未设置时用 KJYD_USER 或登录名",
    ]
    try:
        target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    except OSError as err:
        raise KjydError(f"无法写入 {target}：{err.strerror or err}") from None
    output.note_change(f"文件已保存（{target.name}）")

    output.say(f"已创建 {target}")
    output.say(f"  计划    {plan_path or app_state.plan_path}（{loaded.title}）")
    output.say(f"  数据库  {_shown_db(db_setting or folder / 'kjyd.db')}")
    if user:
        output.say(f"  填报人  {user.strip()}")
    output.say("在本文件夹及其子文件夹中运行 kjyd 即使用这些设置；kjyd info 可随时查看。")
    old = app_state.settings["db"]
    if db_setting is None and isinstance(old.value, Path) and old.value.is_file():
        output.notice(
            f"原来使用的数据库 {old.value} 中已有填报；本工作区改用 {folder / 'kjyd.db'}。"
            f"如需继续使用原数据库，请把 {FILE_NAME} 中的 db 改为该路径"
        )
    parent = app_state.workspace
    if parent is not None and parent != target:
        output.notice(f"上级文件夹已有 {parent}；在本文件夹中以新建的 {FILE_NAME} 为准")


def _relative(path: Path, folder: Path) -> str:
    """A path as written in kjyd.toml: relative when inside the workspace folder, else absolute."""
    absolute = path.expanduser().absolute()
    try:
        return absolute.relative_to(folder).as_posix()
    except ValueError:
        return str(absolute)


def _toml(text: str) -> str:
    """A TOML basic string (JSON string escapes are valid TOML)."""
    import json

    return json.dumps(text, ensure_ascii=False)


@command("info")
def info_command(ctx: typer.Context) -> None:
    """显示当前使用的设置：版本、计划文件、进度数据库（路径、大小、填报条数）、填报人，以及每项设置的来源。

    来源依次为：命令行选项、环境变量、kjyd.toml、默认。也给出备份数据库的方法。

    示例：kjyd info
    """
    import sys

    from kjyd import __version__

    app_state = state(ctx)
    settings = app_state.settings
    problems = 0
    _row("版本", f"kjyd {__version__}（Python {sys.version.split()[0]}）")
    _row("设置文件", str(app_state.workspace) if app_state.workspace else f"未找到 {FILE_NAME}（可用 kjyd init 创建）")

    _row("计划", f"{app_state.plan_path}", settings["plan"].source)
    try:
        plan = app_state.plan
        _row("", f"{plan.title}（计划标识 {plan.id}，计划期 {plan.start} 至 {plan.end}）")
    except KjydError as err:
        plan = None
        problems += 1
        _row("", f"无法使用：{str(err).splitlines()[0]}")

    _row("数据库", _shown_db(app_state.db_path), settings["db"].source)
    try:
        _row("", _db_facts(app_state, plan))
    except KjydError as err:
        problems += 1
        _row("", f"无法读取：{str(err).splitlines()[0]}")

    user = settings["user"]
    if user.value:
        _row("填报人", str(user.value), user.source)
    else:
        from kjyd.values import current_user

        _row("填报人", current_user(None), "登录名")
    _row("备份", _backup_advice(app_state.db_path))
    if problems:
        raise typer.Exit(1)


def _row(label: str, text: str, source: str | None = None) -> None:
    from rich.cells import cell_len

    pad = " " * (10 - cell_len(label))
    output.say(f"{label}{pad}{text}" + (f"（来自 {source}）" if source else ""))


def _shown_db(setting: str | Path) -> str:
    """The --db setting as shown: a server URL without its password (also one given as ?password=)."""
    from kjyd.ledger import display_setting

    return display_setting(setting)


def _db_facts(app_state: AppState, plan) -> str:
    from kjyd.ledger import Ledger, is_server_url

    db = app_state.db_path
    if not is_server_url(db) and not Path(db).exists():
        return "尚未创建（第一次填报时自动创建）"
    size = "" if is_server_url(db) else _size(Path(db)) + "，"
    if plan is None:
        return size.rstrip("，")
    with Ledger.open(db, write=False) as ledger:
        entries = ledger.entries(plan.id, include_withdrawn=True)
    withdrawn = sum(1 for e in entries if e.withdrawn)
    text = f"{size}本计划填报 {len(entries)} 条"
    if withdrawn:
        text += f"（其中已撤销 {withdrawn} 条）"
    if entries:
        latest = max(entries, key=lambda e: e.recorded_at)
        text += f"，最近一次录入 {latest.recorded_at.astimezone().strftime('%Y-%m-%d %H:%M')}"
    return text


def _size(path: Path) -> str:
    total = sum(p.stat().st_size for p in (path, Path(f"{path}-wal")) if p.exists())
    for unit in ("字节", "KB", "MB", "GB"):
        if total < 1024 or unit == "GB":
            return f"{total:.0f} {unit}" if unit == "字节" else f"{total:.1f} {unit}"
        total /= 1024
    return ""


def _backup_advice(db: str | Path) -> str:
    from kjyd.clock import today
    from kjyd.ledger import is_server_url

    if is_server_url(db):
        return "数据库在服务器上，请按服务器的备份制度备份（如 pg_dump）"
    path = Path(db)
    copy = path.with_name(f"{path.stem}-备份-{today():%Y%m%d}{path.suffix}")
    command = "copy" if os.name == "nt" else "cp"
    return (f"建议每月导出报送后备份一次：没有 kjyd 命令在运行时复制该文件即可，"
            f"如 {command} {path} {copy}")
