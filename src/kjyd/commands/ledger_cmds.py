"""``kjyd update``, ``kjyd undo`` and ``kjyd log``: writing and reading the progress ledger.

Thin on purpose: parsing lives in :mod:`kjyd.values`, storage in :mod:`kjyd.ledger`, the value rule
in :mod:`kjyd.entries`. Everything is validated before the database is opened for writing, so a
mistake never touches stored data. Options are declared as ``str`` and parsed by kjyd so every
error is a Chinese sentence naming the input.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

import typer

from kjyd import output
from kjyd.app import command, state
from kjyd.errors import InputError

if TYPE_CHECKING:
    from kjyd.entries import Entry
    from kjyd.plan import Plan, Target


# --- wording shared by the three commands ------------------------------------------------------


def _amount(target: Optional["Target"], value: float | None) -> str:
    """8 个, 40%, — (no value); without a known target, the bare number."""
    from kjyd.plan import format_number

    if value is None or target is None:
        return format_number(value)
    gap = "" if target.unit == "%" else " "
    return f"{format_number(value)}{gap}{target.unit}"


def _goal(target: "Target") -> str:
    """10个左右, 不少于200个, 2500亿元 — the target amount as the notice phrases it."""
    from kjyd.plan import COMPARATOR_LABELS, format_number

    amount = f"{format_number(target.value)}{target.unit}"
    if target.comparator == "about":
        return f"{amount}{COMPARATOR_LABELS['about']}"
    if target.comparator == "at_least":
        return f"{COMPARATOR_LABELS['at_least']}{amount}"
    return amount


def _where(plan: "Plan", target: "Target") -> str:
    """（十三）促进科技成果转化 · 布局建设科技成果转化中试基地"""
    if target.task is None:
        return f"主要目标 · {target.name}"
    return f"（{plan.task(target.task).label}）{plan.task(target.task).title} · {target.name}"


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
    address: str = typer.Argument(..., metavar="目标", help="任务或目标编号，如 十三、13、十三.2、H2。"),
    value: Optional[str] = typer.Option(None, "--value", metavar="数值", help="截至该日期的累计值，如 8、1200.5、1.3万、2,500。"),
    add: Optional[str] = typer.Option(None, "--add", metavar="增量", help="在该日期已有数值上增加，如 120。"),
    date_text: Optional[str] = typer.Option(None, "--date", metavar="日期", help="数据截至日期 YYYY-MM-DD，默认今天。"),
    note: Optional[str] = typer.Option(None, "--note", metavar="说明", help="进展说明；只写说明也是一次填报（数值不变）。"),
    by: Optional[str] = typer.Option(None, "--by", metavar="填报人", help="填报人，默认环境变量 KJYD_USER 或登录名。"),
    problems: Optional[str] = typer.Option(None, "--problems", metavar="问题", help="存在问题。"),
    next_steps: Optional[str] = typer.Option(None, "--next", metavar="计划", help="下一步计划。"),
) -> None:
    """填报一个目标截至某日的累计值（或只填说明），并显示记录结果。

    日期晚于计划期末的记入期末（如次年1月报送的全年数据）；早于计划期开始或晚于今天的不予记录。
    数值可写 1.3万、2,500；低于此前数值的按更正记录并提示。

    示例：kjyd update 十三 --value 8 --date 2022-06-15
    """
    from kjyd.ledger import Ledger
    from kjyd.plan import format_number
    from kjyd.progress import percent_of
    from kjyd.values import check_value, checkin_date, current_user, one_line, parse_number

    app_state = state(ctx)
    plan = app_state.plan
    target = plan.resolve(address)
    note = (note or "").strip()
    if value is not None and add is not None:
        raise InputError("--value 和 --add 只能用其中一个")
    if value is None and add is None and not note:
        raise InputError(f"请用 --value、--add 或 --note 给出数值或说明，如 kjyd update {target.label} --value 8")
    number = None if value is None else parse_number(value)
    delta = None if add is None else parse_number(add, what="增量")
    if number is not None:
        check_value(target, number)
    day, moved = checkin_date(plan, date_text)
    who = current_user(by)

    def check(final: float) -> None:
        if delta is not None:
            check_value(target, final, added=f"加上 {format_number(delta)} 后")

    with Ledger.open(app_state.db_path, write=True) as ledger:
        entry, previous = ledger.record(
            plan_id=plan.id, target_id=target.id, date=day, value=number, add=delta, note=note, who=who,
            problems=(problems or "").strip(), next_steps=(next_steps or "").strip(), check=check,
        )

    where = _where(plan, target)
    tail = f"日期 {entry.date}，填报人 {one_line(entry.who)}（编号 #{entry.id}）"
    if entry.value is None:
        output.say(f"已记录说明：{where}：“{one_line(note)}”，数值仍为 {_amount(target, previous)}，{tail}")
    else:
        old = "—" if previous is None else format_number(previous)
        percent = percent_of(target, entry.value)
        said = f"，说明“{one_line(note)}”" if note else ""
        output.say(
            f"已记录：{where}：{old} → {_amount(target, entry.value)}"
            f"（目标 {_goal(target)}，完成 {percent:.1f}%）{said}，{tail}"
        )
    if moved:
        output.notice(moved)
    if previous is not None and entry.value is not None and entry.value < previous:
        output.notice(
            f"新数值 {format_number(entry.value)} 低于此前的 {format_number(previous)}，已按更正记录；"
            "如有误可运行 kjyd undo 撤销"
        )


# --- undo -------------------------------------------------------------------------------------


@command("undo")
def undo_command(
    ctx: typer.Context,
    yes: bool = typer.Option(False, "--yes", "-y", help="不询问，直接撤销。"),
    by: Optional[str] = typer.Option(None, "--by", metavar="撤销人", help="撤销人，默认环境变量 KJYD_USER 或登录名。"),
) -> None:
    """撤销最近一次填报：记录仍保留在历史中，标记为“已撤销”，不再计入进度。

    示例：kjyd undo
    """
    from kjyd.errors import LedgerError
    from kjyd.ledger import Ledger
    from kjyd.values import current_user

    app_state = state(ctx)
    plan = app_state.plan
    who = current_user(by)
    with Ledger.open(app_state.db_path, write=False) as ledger:
        last = ledger.last_entry(plan.id)
    if last is None:
        raise LedgerError("没有可撤销的填报记录")
    output.say(f"将撤销：{_describe(plan, last)}")
    if not yes:
        typer.confirm("确定撤销吗？", default=False, abort=True)
    with Ledger.open(app_state.db_path, write=True) as ledger:
        withdrawn = ledger.withdraw_last(plan_id=plan.id, who=who, only_if_id=last.id)
    output.say(f"已撤销：#{withdrawn.id}（记录仍保留在历史中，标记为 已撤销）")


# --- log --------------------------------------------------------------------------------------


@command("log")
def log_command(
    ctx: typer.Context,
    address: Optional[str] = typer.Argument(None, metavar="[目标]", help="任务（十三：其全部目标）或目标（十三.2）；默认全部。"),
    month: Optional[str] = typer.Option(None, "--month", metavar="月份", help="只列数据日期在该月的填报，YYYY-MM。"),
    as_json: bool = typer.Option(False, "--json", help="以 JSON 输出（英文键名），便于其他程序读取。"),
    limit: Optional[str] = typer.Option(None, "--limit", metavar="条数", help="最多列出的条数。"),
) -> None:
    """列出填报记录（最新的在前）：编号、日期、任务、目标、数值、说明、填报人、录入时间、状态。

    示例：kjyd log 十三 --month 2022-06
    """
    from kjyd.errors import KjydError
    from kjyd.ledger import Ledger
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
    count = None if limit is None else parse_count(limit, what="--limit")
    with Ledger.open(app_state.db_path, write=False) as ledger:
        entries = ledger.entries(plan.id, target_ids=target_ids, month=month, limit=count)
    if as_json:
        import json

        output.say(json.dumps([_json_row(plan, e) for e in entries], ensure_ascii=False, indent=2))
    elif not entries:
        output.say("暂无填报记录")
    else:
        _print_table(plan, entries)


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


def _print_table(plan: "Plan", entries: list["Entry"]) -> None:
    from kjyd.render.columns import Lines
    from kjyd.render.terminal import WITHDRAWN, entry_text, log_table
    from kjyd.values import one_line

    rows = []
    for e in entries:
        target = _known(plan, e.target_id)
        # The target's label (十三.1) names its task, so no separate 任务 column.
        name = f"{target.label} {target.name}" if target else e.target_id
        rows.append((
            str(e.id), str(e.date), name, _amount(target, e.value), entry_text(e), one_line(e.who),
            e.recorded_at.astimezone().strftime("%Y-%m-%d %H:%M"), WITHDRAWN if e.withdrawn else "有效",
        ))
    console = output.console()
    console.print(Lines(log_table(rows, console.width)))
