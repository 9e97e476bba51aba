"""History keeps its meaning: check-ins stay attached to what they counted, whatever the plan file says.

A check-in is stored against a target *id* ("13.5"). Ids are positions in the plan file, so editing
the file (a target inserted before 13.5, two tasks swapped, another plan that happens to use the
same plan ``id``) silently gives recorded figures a new meaning: 1200 亿元 of 技术合同成交额 would be
shown as 1200 人次 of 培训技术经理人. So the ledger remembers, per (plan id, target id), the target's
name and unit when check-ins were recorded, and every command that shows or changes check-ins
compares them with the plan in use first (:func:`check_meanings`):

- an id whose meaning changed stops the command with one error listing each id (was → now) and
  the ways out: restore the plan file, or move the history with ``kjyd plan remap OLD NEW``
  (recorded, undoable with ``kjyd plan remap --undo``);
- an id the plan no longer has is *reported* (its check-ins are kept, not counted), never dropped.

Pure functions of (plan, remembered meanings): the ledger only stores and returns them.
"""

from __future__ import annotations

from collections.abc import Mapping

from kjyd.errors import HistoryMeaningChanged
from kjyd.plan import Plan

Meaning = tuple[str, str]


def describe(meaning: Meaning | None) -> str:
    """“技术合同成交额（亿元）”"""
    return "（未记录含义）" if meaning is None else f"“{meaning[0]}（{meaning[1]}）”"


def check_meanings(plan: Plan, recorded: Mapping[str, Meaning | None]) -> list[str]:
    """Raise :class:`HistoryMeaningChanged` if an id with check-ins means something else now;
    return one notice per id that has check-ins but is no longer in the plan."""
    current = plan.meanings()
    changed = {
        target: (was, current[target])
        for target, was in recorded.items()
        if was is not None and target in current and current[target] != was
    }
    if changed:
        raise HistoryMeaningChanged(changed_message(plan, changed))
    return [
        f"计划中已没有目标 {target}{'（原为' + describe(was) + '）' if was else ''}，"
        f"其填报记录仍保存在数据库中、不计入统计；如已改为其他编号，可运行 kjyd plan remap {target} 新编号 转入"
        for target, was in sorted(recorded.items(), key=lambda item: _order(item[0]))
        if target not in current
    ]


def changed_message(plan: Plan, changed: Mapping[str, tuple[Meaning, Meaning]]) -> str:
    """What happened, one line per changed id (was → now, and where its old meaning is now), then
    the ways out — each line short enough to be shown whole."""
    current = plan.meanings()
    where = {meaning: target for target, meaning in current.items()}
    parts, moves = [], []
    for target in sorted(changed, key=_order):
        was, now = changed[target]
        moved_to = where.get(was)
        hint = f"（现为 {moved_to}）" if moved_to else ""
        parts.append(f"{target} 原为{describe(was)}{hint}，现为{describe(now)}")
        if moved_to:
            moves.append(f"{target} {moved_to}")
    example = f"kjyd plan remap {' '.join(moves)}" if moves else "kjyd plan remap 旧编号 新编号"
    source = f"计划文件 {plan.source}" if plan.source else "计划文件"
    first = min(changed, key=_order)
    return "\n".join([
        f"{source}（计划标识 {plan.id}）改变了已有填报记录的目标含义，为免数据张冠李戴，未显示或修改任何记录：",
        *parts,
        f"请改回原来的计划文件；或运行 {example} 把填报记录转到现在的编号（可用 kjyd plan remap --undo 撤销）；"
        f"若只是修改了名称或单位、含义未变，运行 kjyd plan remap {first} {first} 确认",
    ])


def _order(target: str) -> tuple:
    """13.5 after 2.1, H2 after the task targets."""
    head, _, tail = target.partition(".")
    if head.isdigit() and tail.isdigit():
        return (0, int(head), int(tail))
    return (1, target)
