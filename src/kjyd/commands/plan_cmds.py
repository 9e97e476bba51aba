"""``kjyd plan`` and ``kjyd check``: what the plan contains, and whether a plan file is valid."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from kjyd import output
from kjyd.app import command, state
from kjyd.errors import InputError
from kjyd.values import quoted


@command("plan")
def plan_command(
    ctx: typer.Context,
    action: Optional[str] = typer.Argument(
        None, metavar="[remap]",
        help="remap：计划文件改动了目标编号后，把旧编号的填报记录转到新编号（可一次写多对，如互换）。",
    ),
    ids: Optional[list[str]] = typer.Argument(
        None, metavar="[旧编号 新编号]", show_default=False, help="成对写出，如 13.5 13.6；十三.5 亦可。"
    ),
    by_division: bool = typer.Option(
        False, "--by-division", help="按牵头处室列出任务；未指定牵头处室的任务列在“未分配”下。"
    ),
    undo: bool = typer.Option(False, "--undo", help="与 remap 一起用：撤销最近一次编号转移。"),
    by: Optional[str] = typer.Option(None, "--by", metavar="操作人", help="操作人，默认环境变量 KJYD_USER 或登录名。"),
) -> None:
    """列出计划结构：各部分、各项任务及其目标编号、目标值和单位，便于填报时查找编号。

    plan remap 旧编号 新编号：计划文件插入、删除或调换了目标后，把填报记录转到现在的编号
    （记录在案，可用 kjyd plan remap --undo 撤销）。

    示例：kjyd plan ｜ kjyd plan --by-division ｜ kjyd plan remap 13.5 13.6 ｜ kjyd plan remap --undo
    """
    if action is not None or ids or undo:
        if action != "remap":
            raise InputError(f"kjyd plan 后面只能跟 remap（转移填报记录），而不是 {quoted(action or '')}")
        return remap(ctx, ids or [], undo=undo, by=by)
    if by_division:
        from kjyd.divisions import by_division_lines

        for line in by_division_lines(state(ctx).plan):
            output.say(line)
        return
    from kjyd.render.terminal.plan import plan_lines

    for line in plan_lines(state(ctx).plan):
        output.say(line)


@command("check")
def check_command(
    ctx: typer.Context,
    file: Optional[Path] = typer.Argument(None, metavar="[文件]", help="要检查的计划文件，默认为当前计划。"),
    source: Optional[Path] = typer.Option(
        None, "--source", metavar="通知.txt",
        help="同时核对通知原文：每项任务正文、引文和主要目标段落都须在原文中（忽略空白和全角/半角差别）。",
    ),
) -> None:
    """检查计划文件：通过则显示概要，否则逐条列出问题（文件:行:列）。

    加 --source 通知.txt 则逐项核对计划文件中的文字与通知原文是否一致，列出不一致之处及其在两个文件中的位置。

    示例：kjyd check data/plan2023.yaml ｜ kjyd check data/plan2023.yaml --source 通知.txt
    """
    from kjyd.errors import PlanFileError
    from kjyd.plan_loader import load_plan, read_plan_bytes

    path = file or state(ctx).plan_path
    plan = load_plan(path, use_cache=False)  # checking means validating, every time
    if source is not None:
        from kjyd.plan_source import read_source, source_differences

        text = read_plan_bytes(path).decode("utf-8-sig")
        differences = source_differences(text, str(path), read_source(source), str(source))
        if differences:
            raise PlanFileError([*differences, f"共 {len(differences)} 处与通知原文 {source} 不一致"])
    quantitative = sum(1 for t in plan.targets if not t.implicit and t.task is not None)
    output.say(
        f"检查通过：{path}" + (f"（文字均与通知原文 {source} 一致）" if source else "") + "\n"
        f"{plan.heading}，计划期 {plan.start} 至 {plan.end}；"
        + (f"{len(plan.sections)}个部分、" if plan.sections else "")
        + f"{len(plan.tasks)}项任务、{quantitative}个量化目标、{len(plan.headlines)}项主要目标。"
    )


def _target_id(text: str) -> str:
    """The id an address names, whether or not the plan still has it: 十三.5 → 13.5, H2 → H2."""
    from kjyd.numerals import AddressError, parse_address

    try:
        address = parse_address(text)
    except AddressError as err:
        raise InputError(str(err)) from None
    if address.headline is not None:
        return f"H{address.headline}"
    return f"{address.task}.{address.position or 1}"


def remap(ctx: typer.Context, ids: list[str], *, undo: bool, by: str | None) -> None:
    """``kjyd plan remap OLD NEW [OLD NEW …]`` / ``--undo``: move history between target ids."""
    from kjyd.history import describe
    from kjyd.ledger import Ledger
    from kjyd.values import current_user

    app_state = state(ctx)
    plan = app_state.plan
    who = current_user(by, app_state.user)
    if undo:
        if ids:
            raise InputError("--undo 撤销最近一次编号转移，不需要写编号")
        with Ledger.open(app_state.db_path, write=True) as ledger:
            moves = ledger.undo_remap(plan.id, who)
        for old, new, count in moves:
            output.say(f"已撤销编号转移：{count} 条填报记录从 {new} 回到 {old}")
        return
    if not ids or len(ids) % 2:
        raise InputError("请成对写出编号：kjyd plan remap 旧编号 新编号 [旧编号 新编号 …]，如 kjyd plan remap 13.5 13.6")
    pairs = [(_target_id(ids[i]), plan.resolve(ids[i + 1]).id) for i in range(0, len(ids), 2)]
    olds, news = [old for old, _ in pairs], [new for _, new in pairs]
    for label, group in (("旧编号", olds), ("新编号", news)):
        if len(set(group)) < len(group):
            raise InputError(f"{label}重复：{'、'.join(group)}")
    with Ledger.open(app_state.db_path, write=False) as ledger:
        recorded = ledger.meanings(plan.id)
    for old in olds:
        if old not in recorded:
            raise InputError(f"目标 {old} 没有填报记录，无需转移")
    for new in news:
        if new in recorded and new not in olds:
            raise InputError(
                f"目标 {new} 已有填报记录（{describe(recorded[new])}）；请同时把它转走，"
                f"如 kjyd plan remap … {new} 另一编号"
            )
    meanings = plan.meanings()
    with Ledger.open(app_state.db_path, write=True) as ledger:
        counts = ledger.remap(plan.id, pairs, meanings, who)
    for old, new in pairs:
        output.say(
            f"已将 {old}{describe(recorded[old])} 的 {counts[old]} 条填报记录转到 {new}{describe(meanings[new])}"
        )
    output.say("（已记录；撤销请运行 kjyd plan remap --undo）")


@command("schema")
def schema_command() -> None:
    """输出计划文件格式的 JSON Schema（字段说明为中文），供编辑器自动补全和检查字段名。

    在计划文件第一行写 # yaml-language-server: $schema=plan.schema.json 即可在 VS Code（YAML 插件）中使用。

    示例：kjyd schema > plan.schema.json
    """
    from kjyd.plan_schema import json_schema

    output.say(json_schema())
