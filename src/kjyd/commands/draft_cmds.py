"""``kjyd draft``: write a plan file from a notice, ready for ``kjyd check`` and ``kjyd status``.

Thin: :mod:`kjyd.draft` reads and extracts (its libraries — python-docx, beautifulsoup4, pypdf,
charset-normalizer — are imported only there, so ``kjyd --help`` does not pay for them); the draft
is validated with the same code as ``kjyd check`` before it is written, so what the user gets
passes the check as written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from kjyd import output
from kjyd.app import command
from kjyd.errors import InputError, PlanFileError


@command("draft")
def draft_command(
    notice: Path = typer.Argument(..., metavar="通知文件", help="通知原文：.txt（UTF-8 或 GBK）、.docx、.html 或 .pdf。"),
    out: Optional[Path] = typer.Option(
        None, "-o", "--output", metavar="文件", help="保存计划草稿的 YAML 文件。默认：当前文件夹下与通知同名的 .yaml。",
    ),
    force: bool = typer.Option(False, "--force", help="文件已存在时覆盖。"),
) -> None:
    """根据通知原文生成计划文件草稿：部分、任务、量化目标、主要目标；程序推断之处标“# 请核对”。

    示例：kjyd draft 2023年科技工作要点.docx -o plan2023.yaml
    """
    from kjyd.commands.export_cmds import write_atomically
    from kjyd.draft import counts, draft_notice
    from kjyd.plan_schema import parse_plan

    path = out if out is not None else Path.cwd() / f"{notice.stem}.yaml"
    if path.is_dir():
        raise InputError(f"{path} 是一个文件夹；请用 -o 给出文件名，如 -o {path / 'plan.yaml'}")
    if not path.parent.is_dir():
        raise InputError(f"无法保存到 {path}：文件夹 {path.parent} 不存在")
    if path.exists() and not force:
        raise InputError(f"文件 {path} 已存在，未覆盖；如需覆盖请加 --force")
    if path.resolve() == notice.resolve():
        raise InputError(f"输出文件 {path} 就是通知文件本身；请用 -o 指定另一个文件")

    result = draft_notice(notice)
    problems: list[str] = []
    try:
        parse_plan(result.yaml_text, str(path))
    except PlanFileError as err:  # a bug in the draft, never the user's doing: still save the work
        problems = err.problems
    write_atomically(path, lambda f: f.write(result.yaml_text.encode("utf-8")))

    draft, n = result.draft, counts(result.draft)
    number = f"（{draft.document_number}）" if draft.document_number else ""
    structure = f"{n['sections']}个部分、" if n["sections"] else "无部分、"
    output.say(f"已生成计划草稿：{path}" + ("（检查通过）" if not problems else ""))
    output.say(f"  {draft.title}{number}，计划期 {draft.start} 至 {draft.end}")
    output.say(
        f"  {structure}{n['tasks']}项任务、{n['targets']}个量化目标、{n['headlines']}项主要目标"
        f"（其中{n['linked']}项引用任务目标）"
    )
    output.say(f"  需核对 {result.reviews} 处：文件中标有“# 请核对”的地方")
    for warning in result.warnings:
        output.notice(warning)
    if problems:
        output.error(f"草稿未通过检查（请手工修正后再运行 kjyd check {path}）：")
        for problem in problems:
            output.error(problem)
        raise typer.Exit(1)
    output.say(f"下一步：核对后运行 kjyd check {path}，再运行 kjyd --plan {path} status")
