"""``kjyd update``, ``kjyd undo`` and ``kjyd log``: writing and reading the progress ledger.

Thin on purpose: parsing lives in :mod:`kjyd.values`, storage in :mod:`kjyd.ledger`, the value rule
in :mod:`kjyd.entries`. Everything is validated before the database is opened for writing, so a
mistake never touches stored data. Options are declared as ``str`` and parsed by kjyd so every
error is a Chinese sentence naming the input.
"""

from __future__ import annotations

import itertools
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer

from kjyd import output
from kjyd.app import command, state
from kjyd.completion import complete_address
from kjyd.errors import InputError

if TYPE_CHECKING:
    from kjyd.entries import Entry
    from kjyd.plan import Plan, Target


# --- wording shared by the three commands ------------------------------------------------------


def _amount(target: Optional["Target"], value: float | None) -> str:
    """8个, 40%, 12,500家, — (no value): written as status writes it; without a known target, the bare number."""
    from kjyd.plan import format_number

    if value is None or target is None:
        return format_number(value)
    return f"{format_number(value)}{target.unit}"


def _goal(target: "Target") -> str:
    """10个左右, 不少于200个, 2500亿元 — the target amount as the notice phrases it."""
    return target.goal()


def _where(plan: "Plan", target: "Target") -> str:
    """（十三）促进科技成果转化 · 布局建设科技成果转化中试基地"""
    if target.task is None:
        return f"主要目标 · {target.name}"
    return f"{plan.task(target.task).heading}{plan.task(target.task).title} · {target.name}"


def _describe(plan: "Plan", entry: "Entry") -> str:
    """One check-in in a sentence, for undo."""
    from kjyd.values import one_line

    target = _known(plan, entry.target_id)
    where = _where(plan, target) if target else entry.target_id
    text = f"#{entry.id} {entry.date} {where}：{_amount(target, entry.value)}"
    if entry.note:
        text += f"，说明“{one_line(entry.note)}”"
    return text + f"，填报人 {one_line(entry.who)}"


# --- update -----------------------------------------------------------------------------------


@command("update")
def update_command(
    ctx: typer.Context,
    address: str = typer.Argument(..., metavar="目标", help="任务或目标编号，如 十三、13、十三.2、H2。",
                                 autocompletion=complete_address),
    value: Optional[str] = typer.Option(None, "--value", metavar="数值", help="截至该日期的累计值，如 8、1200.5、1.3万、2,500，可带目标的单位：80人次、25场。"),
    add: Optional[str] = typer.Option(None, "--add", metavar="增量", help="在该日期已有数值上增加，如 120。"),
    date_text: Optional[str] = typer.Option(None, "--date", metavar="年-月-日", help="数据截至日期，如 2022-06-15；默认今天。"),
    note: Optional[str] = typer.Option(None, "--note", metavar="说明", help="进展说明；只写说明也是一次填报（数值不变）。"),
    by: Optional[str] = typer.Option(None, "--by", metavar="填报人", help="填报人，默认环境变量 KJYD_USER 或登录名。"),
    problems: Optional[str] = typer.Option(None, "--problems", metavar="问题", help="存在问题。"),
    next_steps: Optional[str] = typer.Option(None, "--next", metavar="计划", help="下一步计划。"),
    yes: bool = typer.Option(False, "--yes", "-y", help="数值超过目标10倍或上次100倍时不询问，照常记录。"),
) -> None:
    """填报一个目标截至某日的累计值（或只填说明），并显示记录结果。

    日期晚于计划期末的记入期末（如次年1月报送的全年数据）；早于计划期开始或晚于今天的不予记录。
    数值可写 1.3万、2,500，可带目标的单位（80人次、25场）；低于此前数值的按更正记录并提示。
    数值超过目标的10倍或上次的100倍（多半是单位错了）时先询问；非交互运行时须加 --yes 才记录。

    示例：kjyd update 十三 --value 8 --date 2022-06-15
    """
    from kjyd.commands.export_cmds import exported_warning
    from kjyd.plan import format_number
    from kjyd.progress import is_reached, percent_of
    from kjyd.values import check_text_length, check_value, checkin_date, current_user, one_line, parse_number

    app_state = state(ctx)
    plan = app_state.plan
    target = plan.resolve(address)
    note = check_text_length((note or "").strip(), "--note 说明")
    problems = check_text_length((problems or "").strip(), "--problems 存在问题")
    next_steps = check_text_length((next_steps or "").strip(), "--next 下一步计划")
    if value is not None and add is not None:
        raise InputError("--value 和 --add 只能用其中一个")
    if value is None and add is None and not note:
        raise InputError(f"请用 --value、--add 或 --note 给出数值或说明，如 kjyd update {target.label} --value 8")
    number = None if value is None else parse_number(value, unit=target.unit)
    delta = None if add is None else parse_number(add, what="增量", unit=target.unit)
    if number is not None:
        check_value(target, number)
    day, moved = checkin_date(plan, date_text)
    who = current_user(by, app_state.user)

    def check(final: float) -> None:
        if delta is not None:
            check_value(target, final, added=f"加上 {format_number(delta)} 后")

    with app_state.ledger(write=True) as ledger:  # one connection for the question and the write
        if number is not None or delta is not None:
            _confirm_magnitude(ledger, plan.id, target, day, number, delta, yes)
        entry, previous = ledger.record(
            plan_id=plan.id, target_id=target.id, date=day, value=number, add=delta, note=note, who=who,
            problems=problems, next_steps=next_steps, check=check,
        )
        current = _current_entry(ledger, plan, target.id) if entry.value is not None else None
        exported = exported_warning(ledger, plan.id, day, "本次填报")

    where = _where(plan, target)
    tail = f"日期 {entry.date}，填报人 {one_line(entry.who)}（编号 #{entry.id}）"
    if entry.value is None:
        output.say(f"已记录说明：{where}：“{one_line(note)}”，数值仍为 {_amount(target, previous)}，{tail}")
    else:
        old = "—" if previous is None else format_number(previous)
        if target.kind == "level":  # a ratio or rate is met or not; "完成 90%" of a rate means nothing
            progress = "已达标" if is_reached(target, entry.value) else "未达标"
        else:
            progress = f"完成 {percent_of(target, entry.value):.1f}%"
        said = f"，说明“{one_line(note)}”" if note else ""
        output.say(
            f"已记录：{where}：{old} → {_amount(target, entry.value)}"
            f"（目标 {_goal(target)}，{progress}）{said}，{tail}"
        )
    if moved:
        output.notice(moved)
    if current is not None and current.id != entry.id:
        output.notice(
            f"{current.date} 还有一次更晚的填报（{_amount(target, current.value)}，编号 #{current.id}），"
            f"当前值仍为 {_amount(target, current.value)}；本次记录只影响 {entry.date} 至 {current.date} 之前的进度"
        )
    if exported:
        output.notice(exported)
    if previous is not None and entry.value is not None and entry.value < previous:
        output.notice(
            f"新数值 {format_number(entry.value)} 低于此前的 {format_number(previous)}，已按更正记录；"
            "如有误可运行 kjyd undo 撤销"
        )


def _current_entry(ledger, plan: "Plan", target_id: str) -> Optional["Entry"]:
    """The check-in that gives the target's value now (a later-dated one beats a backdated one)."""
    from kjyd.clock import today
    from kjyd.entries import value_entry_as_of

    as_of = max(today(), plan.end)
    return value_entry_as_of(ledger.snapshot(plan.id, as_of, [target_id]), as_of)


def _confirm_magnitude(ledger, plan_id: str, target: "Target", day, number: float | None,
                       delta: float | None, yes: bool) -> None:
    """The magnitude rule (:mod:`kjyd.magnitude`): ask in a terminal, refuse when not interactive.

    Asked before the write transaction opens, so nobody waits on the write lock while the user
    thinks; the previous value is read once for the question (and for ``--add``'s figure), on
    the connection the write then uses (a server connection per command, not two).
    """
    import sys

    from kjyd.entries import value_as_of
    from kjyd.magnitude import implausible

    candidates = ledger.snapshot(plan_id, day, [target.id])  # three indexed seeks
    previous = value_as_of(candidates, day)
    final = number if number is not None else (previous or 0.0) + delta
    reason = implausible(target, final, previous)
    if reason is None:
        return
    if yes:
        output.notice(f"{reason}（已按 --yes 记录）")
        return
    if not sys.stdin.isatty():
        raise InputError(f"未记录：{reason}；确认无误请加 --yes")
    output.notice(reason)
    typer.confirm("确定按此数值记录吗？", default=False, abort=True)


# --- undo -------------------------------------------------------------------------------------


@command("undo")
def undo_command(
    ctx: typer.Context,
    number: Optional[str] = typer.Argument(None, metavar="[编号]", help="要撤销的填报编号（kjyd log 第一列），如 4；默认最近一次。"),
    file: Optional[Path] = typer.Option(None, "--file", metavar="文件", help="撤销收取该填报表时记录的全部填报，如 交回/科技成果转化处.xlsx。"),
    yes: bool = typer.Option(False, "--yes", "-y", help="不询问，直接撤销。"),
    by: Optional[str] = typer.Option(None, "--by", metavar="撤销人", help="撤销人，默认环境变量 KJYD_USER 或登录名。"),
) -> None:
    """撤销填报：记录仍保留在历史中，标记为“已撤销”，不再计入进度。

    不带参数撤销最近一次；给出编号撤销任意一条；--file 撤销某个收取的填报表记录的全部填报
    （撤销后可重新收取该文件）。撤销前先显示将撤销的内容并询问。

    示例：kjyd undo 4 ｜ kjyd undo --file 交回/科技成果转化处.xlsx
    """
    from kjyd.errors import LedgerError
    from kjyd.values import current_user, parse_entry_number

    app_state = state(ctx)
    plan = app_state.plan
    who = current_user(by, app_state.user)
    if number is not None and file is not None:
        raise InputError("编号和 --file 只能用其中一个")
    wanted = None if number is None else parse_entry_number(number)
    with app_state.ledger(write=False) as ledger:
        if file is not None:
            entries, heading = _file_entries(ledger, plan, file)
        elif wanted is not None:
            entries, heading = [_numbered_entry(ledger, plan, wanted)], "将撤销："
        else:
            last = ledger.last_entry(plan.id)
            if last is None:
                raise LedgerError("没有可撤销的填报记录")
            entries, heading = [last], "将撤销："
        effects = _effects(ledger, plan, entries)
    if len(entries) == 1 and file is None:
        output.say(f"{heading}{_describe(plan, entries[0])}")
    else:
        output.say(heading)
        for entry in entries:
            output.say(f"  {_describe(plan, entry)}")
    for line in effects:
        output.say(line)
    if not yes:
        typer.confirm("确定撤销吗？" if len(entries) == 1 else f"确定撤销这 {len(entries)} 条吗？", default=False, abort=True)
    with app_state.ledger(write=True) as ledger:
        if file is None and wanted is None:
            done = [ledger.withdraw_last(plan_id=plan.id, who=who, only_if_id=entries[0].id)]
        else:
            done = ledger.withdraw(plan_id=plan.id, ids=[e.id for e in entries], who=who)
    numbers = "、".join(f"#{e.id}" for e in done)
    output.say(f"已撤销：{numbers}（记录仍保留在历史中，标记为 已撤销）")
    if file is not None:
        output.say(f"如需重新记录，可再次收取：kjyd collect {file}")


def _numbered_entry(ledger, plan: "Plan", number: int) -> "Entry":
    """The check-in ``kjyd undo 编号`` names, if it can be withdrawn."""
    from kjyd.errors import LedgerError

    entry = ledger.entry(number)
    if entry is None or entry.plan_id != plan.id:
        where = "" if entry is None else f"（它属于计划 {entry.plan_id}，不是当前计划 {plan.id}）"
        raise LedgerError(f"没有编号为 #{number} 的填报记录{where}；编号见 kjyd log 第一列")
    if entry.withdrawn:
        when = entry.withdrawn_at.astimezone().strftime("%Y-%m-%d %H:%M")
        raise LedgerError(f"编号 #{number} 已于 {when} 撤销，无需再撤销")
    return entry


def _file_entries(ledger, plan: "Plan", file: Path) -> tuple[list["Entry"], str]:
    """The check-ins one collected workbook made, found by its content (or, failing that, its name)."""
    from kjyd.collect import sources_of_file
    from kjyd.errors import LedgerError

    found, unreadable = sources_of_file(file, plan, ledger.sources(plan.id))
    if not found:
        reasons = "".join(f"\n{problem}" for problem in unreadable)
        raise LedgerError(f"没有收取 {file.name} 记录的有效填报（未收取过，或已全部撤销）；收取记录见 kjyd log"
                          + (f"；该文件本身也无法读取：{reasons}" if reasons else ""))
    if len(found) > 1:
        raise LedgerError(
            f"有 {len(found)} 次收取的文件都叫 {file.name}，内容不同；请给出交回的那个文件本身，"
            "或用 kjyd undo 编号 逐条撤销"
        )
    entries = ledger.source_entries(plan.id, found[0])
    return entries, f"将撤销收取 {file.name} 时记录的 {len(entries)} 条填报："


def _effects(ledger, plan: "Plan", entries: list["Entry"]) -> list[str]:
    """Per target with a withdrawn figure, its current value after: 撤销后 十三.5 当前值 1200 → 800 亿元,
    or that it does not change (an older figure under a later one)."""
    from datetime import date

    from kjyd.entries import value_as_of
    from kjyd.plan import format_number

    gone = {e.id for e in entries}
    lines = []
    for target_id in dict.fromkeys(e.target_id for e in entries if e.value is not None):
        # Newest first, only as far as the figure that stays: not the target's whole history.
        history = []
        for entry in ledger.iter_history(plan.id, target_id, date.max):
            history.append(entry)
            if not entry.withdrawn and entry.value is not None and entry.id not in gone:
                break
        before = value_as_of(history, date.max)
        after = value_as_of([e for e in history if e.id not in gone], date.max)
        target = _known(plan, target_id)
        label = target.label if target else target_id
        if before != after:
            lines.append(f"撤销后 {label} 的当前值：{format_number(before)} → {_amount(target, after)}")
        else:  # a withdrawn older figure: say so, or the clerk expects the report to move
            lines.append(f"撤销后 {label} 的当前值不变（仍为 {_amount(target, after)}，由更晚的填报决定）")
    return lines


# --- log --------------------------------------------------------------------------------------


LOG_DEFAULT_LIMIT = 50
"""Check-ins ``kjyd log`` lists unless told otherwise (``--limit``, ``--all``)."""


@command("log")
def log_command(
    ctx: typer.Context,
    address: Optional[str] = typer.Argument(None, metavar="[目标]", help="任务（十三：其全部目标）或目标（十三.2）；默认全部。",
                                           autocompletion=complete_address),
    month: Optional[str] = typer.Option(None, "--month", metavar="年-月", help="只列数据日期在该月的填报，如 2022-06。"),
    as_json: bool = typer.Option(False, "--json", help="以 JSON 输出（英文键名），便于其他程序读取。"),
    limit: Optional[str] = typer.Option(None, "--limit", metavar="条数", help=f"最多列出的条数，默认 {LOG_DEFAULT_LIMIT}。"),
    show_all: bool = typer.Option(False, "--all", help="列出全部记录（不限条数）。"),
) -> None:
    """列出填报记录（最新的在前）：编号、日期、任务、目标、数值、说明、填报人、录入时间、状态。

    示例：kjyd log 十三 --month 2022-06
    """
    from kjyd.errors import KjydError
    from kjyd.values import parse_count, parse_month

    app_state = state(ctx)
    plan = app_state.plan
    target_ids = None
    if address is not None:
        try:
            target_ids = [t.id for t in plan.find_task(address).targets]
        except KjydError:
            target_ids = [plan.resolve(address).id]
    month = None if month is None else parse_month(month)
    if show_all and limit is not None:
        raise InputError("--all 和 --limit 只能用其中一个")
    count = None if show_all else LOG_DEFAULT_LIMIT if limit is None else parse_count(limit, what="--limit")
    with app_state.ledger(write=False) as ledger:
        # One row more than asked tells whether older ones exist; rows are streamed, never all held.
        rows = ledger.iter_entries(plan.id, target_ids=target_ids, month=month,
                                   limit=None if count is None else count + 1)
        entries = itertools.islice(rows, count)
        shown = _print_json(plan, entries) if as_json else _print_table(plan, entries)
        more = next(rows, None) is not None
    if not shown and not as_json:
        output.say("暂无填报记录")
    if more:
        output.notice(f"只列出了最新的 {count} 条；更早的记录请用 --limit 条数 或 --all 查看")


def _known(plan: "Plan", target_id: str) -> Optional["Target"]:
    """The plan's target, or None for a check-in of a target the plan file no longer has."""
    from kjyd.errors import KjydError

    try:
        return plan.target(target_id)
    except KjydError:
        return None


def _json_row(plan: "Plan", entry: "Entry") -> dict:
    """One check-in, written like ``show --json``'s history (8, not 8.0; time to the second)."""
    from kjyd.render.json_out import number

    target = _known(plan, entry.target_id)
    return {
        "id": entry.id,
        "date": entry.date.isoformat(),
        "task": target.task if target else None,
        "target": entry.target_id,
        "target_name": target.name if target else "",
        "value": number(entry.value),
        "note": entry.note,
        "who": entry.who,
        "recorded_at": entry.recorded_at.isoformat(timespec="seconds"),
        "withdrawn": entry.withdrawn,
        "problems": entry.problems,
        "next_steps": entry.next_steps,
        "source": entry.source,
    }


def _print_json(plan: "Plan", entries: Iterable["Entry"]) -> int:
    """The JSON array ``json.dumps(rows, indent=2)`` would give, written one check-in at a time."""
    from kjyd.render.json_out import array

    count = 0

    def rows() -> Iterator[dict]:
        nonlocal count
        for count, entry in enumerate(entries, start=1):
            yield _json_row(plan, entry)

    for piece in array(rows()):
        sys.stdout.write(piece)
    sys.stdout.write("\n")
    return count


def _print_table(plan: "Plan", entries: Iterable["Entry"]) -> int:
    from kjyd.render.terminal.columns import print_lines
    from kjyd.render.terminal.progress import WITHDRAWN, entry_text, log_table
    from kjyd.values import one_line

    console = output.console()
    printed = 0

    def rows() -> Iterator[tuple[str, ...]]:
        nonlocal printed
        for e in entries:
            printed += 1
            target = _known(plan, e.target_id)
            # The target's label (十三.1) names its task, so no separate 任务 column.
            name = f"{target.label} {target.name}" if target else e.target_id
            yield (
                str(e.id), str(e.date), name, _amount(target, e.value), entry_text(e), one_line(e.who),
                e.recorded_at.astimezone().strftime("%Y-%m-%d %H:%M"), WITHDRAWN if e.withdrawn else "有效",
            )

    for lines in log_table(rows(), console.width):  # streamed: the header once, over the first chunk
        print_lines(console, lines)
    return printed
