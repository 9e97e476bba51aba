"""``kjyd changes`` for the terminal: the summary line, then what moved, as fixed-column tables.

Formatting only (see :mod:`kjyd.changes` for what counts as a change). Laid out with
:mod:`kjyd.render.terminal.columns` like ``status`` so it reads the same at 80 and 160 columns.
"""

from __future__ import annotations

from rich.console import Group
from rich.text import Text

from kjyd.changes import Changes, window_label
from kjyd.output import STATE_STYLES
from kjyd.plan import format_number
from kjyd.render.terminal.columns import Column, Lines, layout
from kjyd.render.table_rows import month_day
from kjyd.values import one_line


NOTES_SHOWN = 3
"""Newest notes listed per task on screen: a busy month can hold hundreds (--json lists all)."""


def signed(delta: float | None) -> str:
    """+120, -3.5, or 新填报 when the target had no value before."""
    if delta is None:
        return "新填报"
    return f"+{format_number(delta)}" if delta > 0 else format_number(delta)


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%"


def _state(state: str) -> Text:
    return Text(state, style=STATE_STYLES.get(state, ""))


def changes_view(changes: Changes, width: int) -> Group:
    plan, before, after = changes.plan, changes.before, changes.after
    window = window_label(changes.since, changes.month)
    parts: list = [
        Text(f"{plan.title}\n推进变化：{changes.since.isoformat()} → {changes.until.isoformat()}　"
             f"序时进度 {before.expected_percent:.1f}% → {after.expected_percent:.1f}%"),
        Text(changes.summary),
    ]
    if changes.values:
        rows = []
        for change in changes.values:
            t = change.target
            name = f"{plan.task(t.task).title}（工作进度）" if t.implicit and t.task else t.name
            rows.append([t.label, name, format_number(change.before.value), format_number(change.after.value),
                         signed(change.delta), _percent(change.after.percent), _state(change.after.state)])
        old, new = ("上月末", "本月末") if changes.month else ("起始", "截止")
        columns = [Column("编号"), Column("目标", ratio=1, overflow="fold"), Column(old, align="right"),
                   Column(new, align="right"), Column("变化", align="right"),
                   Column("完成率", align="right"), Column("状态", width=8)]
        parts += [Text(""), Lines(layout(columns, rows, width, title=f"数值变化（{len(rows)}项）"))]
    if changes.states:
        rows = [[c.after.task.label, c.after.task.title, _state(c.before.state), "→", _state(c.after.state)]
                for c in changes.states]
        columns = [Column("编号"), Column("任务", ratio=1, overflow="fold"), Column("原状态", width=8),
                   Column(""), Column("现状态", width=8)]
        parts += [Text(""), Lines(layout(columns, rows, width, title=f"状态变化（{len(rows)}项）"))]
    if changes.noted:
        rows = []
        for item in changes.noted:
            several = len(item.row.task.targets) > 1
            shown = item.notes[-NOTES_SHOWN:]
            text = "\n".join(
                f"{month_day(e.date)}{'（' + t.name + '）' if several else ''}：{one_line(e.note)}"
                for e, t in shown
            )
            if len(item.notes) > len(shown):
                text += f"\n（另有{len(item.notes) - len(shown)}条，见 --json 或 kjyd log）"
            rows.append([item.row.task.label, item.row.task.title, text])
        columns = [Column("编号"), Column("任务", ratio=1, overflow="fold"), Column("进展说明", ratio=2, overflow="fold")]
        parts += [Text(""), Lines(layout(columns, rows, width, title=f"{window}有进展说明的任务（{len(rows)}项）"))]
    title = f"{window}无更新的任务（{len(changes.silent)}项）"
    if changes.silent:
        rows = [[row.task.label, row.task.title, "、".join(row.task.lead_divisions)] for row in changes.silent]
        columns = [Column("编号"), Column("任务", ratio=2, overflow="fold"), Column("牵头处室", ratio=1, overflow="fold")]
        if not any(row[2] for row in rows):  # a plan without divisions: no empty column
            rows, columns = [row[:2] for row in rows], columns[:2]
        parts += [Text(""), Lines(layout(columns, rows, width, title=title))]
    else:
        parts += [Text(""), Text(f"{title}：无")]
    return Group(*parts)
