"""``kjyd template`` and ``kjyd collect``: fill-in workbooks out to divisions, filled ones back in.

Thin on purpose: grouping lives in :mod:`kjyd.divisions`, the workbook layout in
:mod:`kjyd.render.xlsx.template`, reading and checking filled workbooks in :mod:`kjyd.collect`.
:func:`show_missing` is the body of ``kjyd status --missing`` (the reminder list), kept here so
the status command only has to call it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer

from kjyd import output
from kjyd.app import command, state
from kjyd.errors import InputError, KjydError

if TYPE_CHECKING:
    from datetime import date

    from kjyd.entries import Entry
    from kjyd.plan import Plan


def _resolve_month(plan: "Plan", month: Optional[str]) -> str:
    """--month, or the month being reported: in a month's first days the office still collects
    the month before (the same rule as export and ``status --missing``), and says so."""
    from kjyd.clock import today
    from kjyd.divisions import month_in_plan, reporting_month

    if month:
        return month_in_plan(plan, month)
    chosen, previous = reporting_month(plan, today())
    if previous:
        output.notice(f"今天是 {today()}，本月刚开始，默认用上月 {chosen}；本月的请加 --month")
    return chosen


def _value_entries(ledger, plan_id: str, as_of: "date") -> dict[str, "Entry"]:
    """Target id → the check-in giving its value as of ``as_of`` (targets without one are absent)."""
    from kjyd.entries import value_entry_as_of

    by_target: dict[str, list] = {}
    for entry in ledger.snapshot(plan_id, as_of):
        by_target.setdefault(entry.target_id, []).append(entry)
    found = {tid: value_entry_as_of(entries, as_of) for tid, entries in by_target.items()}
    return {tid: entry for tid, entry in found.items() if entry is not None}


@command("template")
def template_command(
    ctx: typer.Context,
    month: Optional[str] = typer.Option(
        None, "--month", metavar="年-月", help="填报月份，如 2022-07。默认：正在报送的月份（每月前10天为上月）。"
    ),
    folder: Path = typer.Option(
        Path("."), "-o", "--output", metavar="文件夹", show_default=False,
        help="填报表保存到的文件夹，默认为当前文件夹。",
    ),
    division: Optional[str] = typer.Option(
        None, "--division", metavar="处室", help="只生成该牵头处室的填报表（未分配的任务用“未分配”）。"
    ),
    force: bool = typer.Option(False, "--force", help="覆盖已存在的同名文件（默认不覆盖）。"),
) -> None:
    """生成各牵头处室的月度填报表（xlsx），每个处室一个文件；未分配处室的任务归入“未分配”。

    表中列出该处室任务的各项目标及上次填报值，处室只需填写黄色列（本月累计完成、本月进展、
    存在问题、下一步计划），填好后交回，用 kjyd collect 收取。

    示例：kjyd template --month 2022-07 -o 填报表/
    """
    from kjyd.commands.export_cmds import reason, write_atomically
    from kjyd.divisions import division_targets, template_divisions
    from kjyd.ledger import month_bounds
    from kjyd.render.xlsx.template import TemplateRow, file_name, write_template

    app_state = state(ctx)
    plan = app_state.plan
    month = _resolve_month(plan, month)
    names = [division.strip()] if division else template_divisions(plan)
    targets = {name: division_targets(plan, name) for name in names}  # rejects an unknown division

    paths: dict[str, Path] = {}
    for name in names:
        path = folder / file_name(plan.short_title, month, name)
        clash = next((other for other, p in paths.items() if p == path), None)
        if clash:
            raise InputError(f"处室 “{clash}” 和 “{name}” 的文件名相同（{path.name}），请修改计划中的处室名称")
        paths[name] = path
    existing = [str(p) for p in paths.values() if p.exists()]
    if existing and not force:
        raise InputError(f"文件已存在，未覆盖：{'、'.join(existing)}（确需覆盖请加 --force）")
    if folder.exists() and not folder.is_dir():
        raise InputError(f"{folder} 不是文件夹")

    with app_state.ledger(write=False) as ledger:
        last = _value_entries(ledger, plan.id, min(month_bounds(month)[1], plan.end))
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise KjydError(f"无法创建文件夹 {folder}：{reason(err)}") from None
    year, mon = month.split("-")
    for name in names:
        rows = [
            TemplateRow(
                task=plan.task(t.task) if t.task is not None else None,
                target=t,
                last_value=last[t.id].value if t.id in last else None,
                last_date=last[t.id].date if t.id in last else None,
            )
            for t in targets[name]
        ]
        title = f"{plan.short_title} {int(year)}年{int(mon)}月推进情况填报表（{name}）"
        write_atomically(  # a failure half-way leaves no half-written workbook behind
            paths[name],
            lambda stream: write_template(
                stream, plan_id=plan.id, title=title, month=month, division=name, rows=rows
            ),
        )
        output.say(f"已生成 {paths[name]}（{name}，{len(rows)}个目标）")


@command("collect")
def collect_command(
    ctx: typer.Context,
    files: list[Path] = typer.Argument(..., metavar="文件...", help="处室交回的填报表（xlsx），可一次给多个。"),
    dry_run: bool = typer.Option(False, "--dry-run", help="只显示将要记录的内容，不做任何更改。"),
    day: Optional[str] = typer.Option(
        None, "--date", metavar="年-月-日", help="填报日期，默认为填报表所属月份的最后一天。"
    ),
    month: Optional[str] = typer.Option(
        None, "--month", metavar="年-月", help="只接受该月的填报表（防止收错月份）。"
    ),
    yes: bool = typer.Option(False, "--yes", "-y", help="数值超过目标10倍或上次100倍时照常收取。"),
) -> None:
    """收取处室填好的填报表，把填写的行记为填报（填报人为处室，日期为该月最后一天）。

    先检查每个文件的全部内容：有任何问题的文件整个不记录，并逐条指出位置（文件名!工作表!单元格）；
    其他文件照常记录。同一内容重复收取时不会重复记录；同一处室同一月份的两个文件数值不同时，
    两个都不记录。数值超过目标10倍或上次100倍的，视为该文件的问题（确认无误加 --yes）。

    示例：kjyd collect 填报表/*.xlsx --dry-run
    """
    from kjyd.batch import magnitude_problems, sort_batch
    from kjyd.clock import today
    from kjyd.collect import already_collected, check_in_date, ledger_rows, read_workbook
    from kjyd.divisions import reporting_month
    from kjyd.values import parse_date

    app_state = state(ctx)
    plan = app_state.plan
    expected_month = _resolve_month(plan, month) if month else None
    now = today()
    explicit = _date_option(plan, parse_date(day, what="--date"), now) if day else None

    # Read and check every file before the ledger is opened: a bad file never costs a write.
    failed: list[str] = []      # the division's file has problems
    misdated: list[str] = []    # the office's --date does not fit the file
    clean = []
    for path in files:
        collected = read_workbook(path, plan, expected_month)
        if collected.problems:
            _report_problems(collected.name, collected.problems)
            failed.append(collected.name)
        elif not collected.rows:
            output.say(f"{collected.name}：没有填写任何内容，未记录")
        else:
            clean.append(collected)
    batch = sort_batch(clean)
    copies: dict[int, list] = {}
    for copy, original in batch.copies:
        copies.setdefault(id(original), []).append(copy)
    for line in batch.conflicts:
        output.error(line)
    held = [c.name for c in batch.held]

    ready = []
    for collected in batch.record:
        try:
            ready.append((collected, *check_in_date(plan, collected.month, explicit, now)))
        except InputError as err:
            if explicit is None:  # the file's own month has not begun: the file is wrong
                _report_problems(collected.name, [f"{collected.name}: {err}"])
                failed.append(collected.name)
            else:
                output.error(f"{err}（{collected.name}），该文件未记录")
                misdated.append(collected.name)

    reporting, _ = reporting_month(plan, now)
    with app_state.ledger(write=bool(ready) and not dry_run) as ledger:
        sources = ledger.sources(plan.id)
        for collected, when, moved in ready:
            twins = "、".join(c.name for c in copies.pop(id(collected), []))
            if already_collected(collected, sources):
                output.say(f"{collected.name}：已收取过，未重复记录")
                if twins:
                    output.say(f"{twins}：已收取过，未重复记录（与本批的 {collected.name} 内容相同）")
                continue
            before = _value_entries(ledger, plan.id, when)
            if not yes and (problems := magnitude_problems(collected, before)):
                _report_problems(collected.name, problems)
                failed.append(collected.name)
                if twins:
                    output.say(f"{twins}：与 {collected.name} 内容相同，同样未记录")
                continue
            if twins:
                output.say(f"{twins}：与本批的 {collected.name} 内容相同，只记录一次")
            if moved:
                output.notice(moved)
            lines, warnings = _describe(plan, before, collected, when, dry_run)
            warnings += _backdating(ledger, plan, collected, when, reporting, dry_run)
            if not dry_run:
                # One transaction per file; the digest is checked again under the write lock, so
                # of several collects of the same file running at once exactly one records it.
                stored = ledger.record_many(
                    ledger_rows(collected, when), unless_source_suffix=f"#{collected.digest}"
                )
                if stored is None:
                    output.say(f"{collected.name}：已收取过，未重复记录")
                    continue
            for line in lines:
                output.say(line)
            for warning in warnings:
                output.notice(warning)
    for original_copies in copies.values():  # copies of files held back: held back with them
        for copy in original_copies:
            output.say(f"{copy.name}：与本批中未记录的文件内容相同，同样未记录")
    if dry_run:
        output.say("（试运行，未做任何更改）")
    reasons = []
    if failed:
        reasons.append(f"{len(failed)} 个文件有问题、未记录：{'、'.join(failed)}；请处室改正后重新收取")
    if held:
        reasons.append(f"{len(held)} 个文件互相矛盾、未记录：{'、'.join(held)}")
    if misdated:
        reasons.append(f"{len(misdated)} 个文件因 --date 不在其所属月份内未记录：{'、'.join(misdated)}；请改正 --date 或去掉它")
    if reasons:
        raise KjydError("；".join(reasons) if len(reasons) > 1 else reasons[0])


def _date_option(plan: "Plan", explicit: "date", now: "date") -> "date":
    """``collect --date`` on its own: a date no file could take is the office's mistake, said first."""
    if explicit > now:
        raise InputError(f"--date {explicit} 晚于今天（{now}），不能按将来的日期收取；未收取任何文件，请改正 --date")
    if not plan.start <= explicit <= plan.end:
        raise InputError(f"--date {explicit} 不在计划期内（{plan.start} 至 {plan.end}）；未收取任何文件，请改正 --date")
    return explicit


def _report_problems(name: str, problems: list[str]) -> None:
    for problem in problems:
        output.error(problem)
    output.say(f"{name}：有 {len(problems)} 处问题，整个文件未记录")


def _backdating(ledger, plan: "Plan", collected, when: "date", reporting: str, dry_run: bool) -> list[str]:
    """Notices for a file recorded into an earlier month than the one being reported.

    An old template filled late is recorded into the month printed on it (the division's figures
    are as of then); say so, and which template the current month takes. If that month's report was
    already exported, the exported report no longer matches the ledger: say that too.
    """
    notices = []
    if collected.month < reporting:
        notices.append(
            f"{collected.name} 是 {collected.month} 的填报表，{'将' if dry_run else '已'}记入 {collected.month}"
            f"（日期 {when}）；{reporting} 的进展请用 kjyd template --month {reporting} 生成的填报表填报"
        )
    from kjyd.commands.export_cmds import exported_warning

    warning = exported_warning(ledger, plan.id, when, f"{collected.name} ", dry_run)
    return notices + ([warning] if warning else [])


def _describe(
    plan: "Plan", before: dict, collected, when: "date", dry_run: bool
) -> tuple[list[str], list[str]]:
    """Lines saying, per filled row, task, target and old → new; a notice when a cumulative value fell.

    Built before recording and printed after, so "已记录" is only ever said of what is stored.
    """
    from kjyd.plan import format_number

    verb = "将记录" if dry_run else "已记录"
    warnings: list[str] = []
    lines = [
        f"{collected.name}：{verb} {len(collected.rows)} 条（{collected.division}，{collected.month}，日期 {when}）"
    ]
    for row in collected.rows:
        target = row.target
        old_entry = before.get(target.id)
        old = old_entry.value if old_entry else None
        task = f"{plan.task(target.task).heading}{plan.task(target.task).title}" if target.task else "主要目标"
        change = "仅文字说明" if row.value is None else f"{format_number(old)} → {format_number(row.value)}{target.unit}"
        lines.append(f"  {target.label}  {task}｜{target.wording()}：{change}")
        if row.value is not None and old is not None and not target.is_rate and row.value < old:
            warnings.append(
                f"{collected.name} {target.label}：累计数 {format_number(row.value)} "
                f"低于上次填报值 {format_number(old)}，请核对"
            )
    return lines, warnings


def show_missing(ctx: typer.Context, month: Optional[str], as_json: bool = False) -> None:
    """Body of ``kjyd status --missing``: per lead division, the tasks with no check-in in ``month``.

    Default month: the month being reported (on 2 April, March — said in a notice). Tasks already
    已完成 as of the month's end (or today) are left off and listed once at the end.
    """
    from kjyd.clock import today
    from kjyd.divisions import missing_json, missing_lines, missing_report, month_in_plan, reporting_month
    from kjyd.ledger import month_bounds
    from kjyd.progress import DONE
    from kjyd.report import build_report

    app_state = state(ctx)
    plan = app_state.plan
    now = today()
    if month:
        month = month_in_plan(plan, month)
    else:
        month, previous = reporting_month(plan, now)
        if previous and not as_json:
            output.notice(f"今天是 {now}，默认查看上月 {month} 的填报情况；查看本月请加 --month {now:%Y-%m}")
    as_of = min(month_bounds(month)[1], plan.end, max(now, plan.start))
    with app_state.ledger(write=False) as ledger:
        # Only who reported which target matters: one check-in per (target, sender) is kept, so a
        # month of 200,000 check-ins is streamed through, never held.
        distinct: dict[tuple[str, str], "Entry"] = {}
        for entry in ledger.iter_entries(plan.id, month=month, include_withdrawn=False):
            distinct.setdefault((entry.target_id, entry.who), entry)
        entries = list(distinct.values())
        progress = build_report(plan, ledger.snapshot(plan.id, as_of), as_of)
    done = {row.task.number for row in progress.tasks if row.state == DONE}
    report = missing_report(plan, entries, done)
    chased = {task.number for tasks in missing_report(plan, entries).values() for task in tasks}
    skipped = [task for task in plan.tasks if task.number in done and task.number in chased]
    if as_json:
        import json

        text = json.dumps(missing_json(report, month, skipped), ensure_ascii=False, indent=2, allow_nan=False)
        output.say(text)
        return
    for line in missing_lines(plan, report, month, skipped):
        output.say(line)
