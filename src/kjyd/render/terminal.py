"""Reports as rich renderables for the terminal (``kjyd status``, ``kjyd show``).

Formatting only: every number and state comes from :mod:`kjyd.report`. Progress bars are plain
text (█ and ░) rather than rich progress widgets so they survive piping, pasting into a chat or a
document, and ``NO_COLOR``; colour (from :data:`kjyd.output.STATE_STYLES`) only adds emphasis.
Tables keep fixed-width columns for bars, states and dates and let text columns wrap or shorten,
so the layout stays correct on narrow terminals (rich measures CJK characters as two cells).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, timedelta

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from kjyd.output import STATE_STYLES
from kjyd.plan import Plan, Target, format_number
from kjyd.report import WITHDRAWN, Report, TargetRow, TaskDetail, TaskRow

NARROW = 80
"""Below this many columns, bars and dates are shortened to leave room for text."""

SPARKS = "▁▂▃▄▅▆▇█"


def bar(percent: float | None, width: int = 8) -> str:
    """``████░░░░  50%``: filled share clamped to 0..100, the number itself unclamped."""
    if percent is None:
        return "—"
    filled = round(min(max(percent, 0.0), 100.0) / 100 * width)
    return f"{'█' * filled}{'░' * (width - filled)} {percent:>3.0f}%"


def spark(values: Sequence[float | None], target: float) -> str:
    """One character per month, scaled so that █ means the target is reached; · for no value."""
    chars = []
    for value in values:
        if value is None:
            chars.append("·")
        else:
            share = min(max(value / target, 0.0), 1.0)
            chars.append(SPARKS[round(share * (len(SPARKS) - 1))])
    return "".join(chars)


def amount(target: Target) -> str:
    """The target as the notice words it, without the name: 不少于200个, 10个左右, 达到2500亿元."""
    return target.goal(reach="达到")


def _state(state: str) -> Text:
    return Text(state, style=STATE_STYLES.get(state, ""))


def _bar(percent: float | None, state: str, narrow: bool) -> Text:
    return Text(bar(percent, 5 if narrow else 8), style=STATE_STYLES.get(state, ""))


def _date(day: date | None) -> str:
    return "—" if day is None else day.isoformat()


def _note(text: str) -> str:
    return " ".join(text.split())


def entry_text(entry) -> str:
    """A check-in's words for a table cell: the note, then 存在问题 and 下一步计划 when given."""
    parts = [_note(entry.note)]
    if entry.problems:
        parts.append(f"存在问题：{_note(entry.problems)}")
    if entry.next_steps:
        parts.append(f"下一步计划：{_note(entry.next_steps)}")
    return "\n".join(p for p in parts if p)


def _table(**kwargs) -> Table:
    """Full-width tables: text columns share the space by ratio, so every section's table has
    the same columns at the same places whatever its content."""
    return Table(box=box.SIMPLE_HEAD, pad_edge=False, padding=(0, 1), show_edge=False,
                 collapse_padding=True, expand=True, **kwargs)


def header(plan: Plan, as_of: date, expected: float) -> Text:
    return Text(f"{plan.title}\n截至 {as_of.isoformat()}　序时进度 {expected:.1f}%")


def headline_table(report: Report, rows: Sequence[tuple[int, TargetRow]], narrow: bool) -> Table:
    """主要目标: name, target wording, value so far, bar, state; ``rows`` are (position, row).

    Narrow terminals get the target wording inside the name cell instead of its own column.
    """
    table = _table(title="主要目标", title_justify="left", title_style="bold")
    table.add_column("", no_wrap=True)
    table.add_column("主要目标", ratio=3, overflow="fold")
    if not narrow:
        table.add_column("目标", ratio=1, overflow="fold")
    table.add_column("累计完成", justify="right", no_wrap=True)
    _fixed_columns(table, narrow, updated=False)
    for position, row in rows:
        name = report.plan.headlines[position - 1].name
        value = "—" if row.value is None else f"{format_number(row.value)}{row.target.unit}"
        cells = [name, amount(row.target)] if not narrow else [f"{name}\n{amount(row.target)}"]
        table.add_row(f"H{position}", *cells, value,
                      _bar(row.percent, row.state, narrow), _state(row.state))
    return table


def _fixed_columns(table: Table, narrow: bool, *, updated: bool = True) -> None:
    """完成率, 状态 (and 最近更新) at fixed widths, so all tables line up and never squeeze them."""
    table.add_column("完成率", no_wrap=True, width=len(bar(100, 5 if narrow else 8)))
    table.add_column("状态", no_wrap=True, width=8)
    if updated:
        table.add_column("最近更新", no_wrap=True, width=10)


def _label_width(plan: Plan) -> int:
    """编号 wide enough for an indented target label (  十三.1) in every section's table."""
    from rich.cells import cell_len

    labels = [t.label for t in plan.targets if t.task is not None and not t.implicit]
    return max([4] + [cell_len(label) + 2 for label in labels])


def _task_table(narrow: bool, label_width: int) -> Table:
    """Wide: 编号 任务 完成率 状态 最近更新 最新进展. Narrow: the last two go on a line of their own."""
    table = _table()
    table.add_column("编号", no_wrap=True, width=label_width)
    table.add_column("任务", ratio=5, overflow="fold")
    _fixed_columns(table, narrow, updated=not narrow)
    if not narrow:
        table.add_column("最新进展", ratio=2, no_wrap=True, overflow="ellipsis")
    return table


def _target_cell(row: TargetRow) -> Text:
    t = row.target
    value = "—" if row.value is None else format_number(row.value)
    return Text(f"{t.name} {value}/{format_number(t.value)}{t.unit}", overflow="fold")


def _add(table: Table, narrow: bool, label: str, cell, percent: float | None, state: str,
         last_date: date | None, note: str) -> None:
    cells = [label, cell, _bar(percent, state, narrow), _state(state)]
    if not narrow:
        table.add_row(*cells, _date(last_date), _note(note))
        return
    table.add_row(*cells)
    if last_date is not None:
        update = Text(f"{_date(last_date)} {_note(note)}".rstrip(), style="dim", overflow="fold")
        table.add_row("", update, "", "")


def section_tables(report: Report, tasks: Sequence[TaskRow], narrow: bool) -> Iterator[RenderableType]:
    """Tasks grouped by section, each quantitative target indented under its task."""
    wanted = {row.task.number: row for row in tasks}
    label_width = _label_width(report.plan)
    for section in report.plan.sections:
        rows = [wanted[n] for n in section.tasks if n in wanted]
        if not rows:
            continue
        table = _task_table(narrow, label_width)
        table.title = f"{section.label}、{section.title}"
        table.title_justify = "left"
        table.title_style = "bold"
        for row in rows:
            _add(table, narrow, row.task.label, Text(row.task.title, style="bold", overflow="fold"),
                 row.percent, row.state, row.last_date, row.last_note)
            if row.task.qualitative:
                continue
            for target in row.targets:
                # On narrow screens a target's update line only when it says something new.
                same = narrow and (target.last_date, target.last_note) == (row.last_date, row.last_note)
                _add(table, narrow, f"  {target.target.label}", _target_cell(target), target.percent, target.state,
                     None if same else target.last_date, target.last_note)
        yield table


def status_view(report: Report, tasks: Sequence[TaskRow], headlines: Sequence[tuple[int, TargetRow]],
                width: int) -> Group:
    """The whole ``kjyd status`` screen: header, summary, 主要目标, then the tasks by section."""
    narrow = width < NARROW
    parts: list[RenderableType] = [
        header(report.plan, report.as_of, report.expected_percent),
        Text(report.summary),
    ]
    if headlines:
        parts += [Text(""), headline_table(report, headlines, narrow)]
    for table in section_tables(report, tasks, narrow):
        parts += [Text(""), table]
    if not tasks and not headlines:
        parts += [Text(""), Text("没有符合筛选条件的任务。")]
    return Group(*parts)


def _targets_table(detail: TaskDetail, narrow: bool) -> Table:
    table = _table(title="目标", title_justify="left", title_style="bold")
    table.add_column("编号", no_wrap=True)
    table.add_column("目标", ratio=1, overflow="fold")
    table.add_column("累计完成", justify="right", no_wrap=True)
    _fixed_columns(table, narrow, updated=not narrow)
    for row in detail.row.targets:
        t = row.target
        value = "—" if row.value is None else f"{format_number(row.value)}{t.unit}"
        cells = [t.label, f"{t.name} {amount(t)}", value, _bar(row.percent, row.state, narrow),
                 _state(row.state)]
        table.add_row(*cells, *([] if narrow else [_date(row.last_date)]))
    return table


def _month_label(month: str, same_year: bool) -> str:
    return f"{int(month[5:])}月" if same_year else month


def _months_table(detail: TaskDetail) -> Table:
    title = "月末累计值"
    if detail.as_of.month == (detail.as_of + timedelta(days=1)).month:
        title += f"（{_month_label(detail.months[-1], True)}为截至 {detail.as_of} 的值）"
    table = _table(title=title, title_justify="left", title_style="bold")
    table.add_column("编号", no_wrap=True)
    table.add_column("走势", no_wrap=True)
    table.add_column("各月末数值", ratio=1)
    same_year = detail.plan.start.year == detail.as_of.year
    for row in detail.row.targets:
        values = detail.month_values[row.target.id]
        listed = "  ".join(
            f"{_month_label(m, same_year)} {format_number(v)}" for m, v in zip(detail.months, values)
        )
        table.add_row(row.target.label, spark(values, row.target.value), listed)
    return table


def _change(change: float | None) -> str:
    if change is None:
        return ""
    return f"+{format_number(change)}" if change > 0 else format_number(change)


def _history_table(detail: TaskDetail, narrow: bool) -> Table:
    table = _table(title="填报记录", title_justify="left", title_style="bold")
    table.add_column("日期", no_wrap=True)
    table.add_column("目标", no_wrap=True)
    table.add_column("数值", justify="right")
    table.add_column("变化", justify="right")
    table.add_column("说明", ratio=1, min_width=6, overflow="fold")
    table.add_column("填报人", overflow="fold")
    table.add_column("状态", no_wrap=True)
    for row in detail.history:
        e = row.entry
        style = "dim strike" if row.status == WITHDRAWN else ""
        table.add_row(e.date.isoformat(), row.target.label, format_number(e.value) if e.value is not None else "",
                      _change(row.change), entry_text(e), e.who, row.status, style=style)
    return table


def task_view(detail: TaskDetail, width: int) -> Group:
    """``kjyd show``: the task's full text, its targets, month-end trend and check-in history."""
    narrow = width < NARROW
    task = detail.row.task
    section = detail.plan.section(task.section)
    lines = [Text(f"（{task.label}）{task.title}", style="bold"),
             Text(f"{section.label}、{section.title}")]
    if task.lead_divisions:
        divisions = f"牵头：{'、'.join(task.lead_divisions)}"
        if task.support_divisions:
            divisions += f"　配合：{'、'.join(task.support_divisions)}"
        lines.append(Text(divisions))
    lines += [Text(""), Text(task.text.strip()), Text("")]
    percent = "—" if detail.row.percent is None else f"{detail.row.percent:.0f}%"
    lines.append(Text.assemble(
        f"截至 {detail.as_of.isoformat()}　序时进度 {detail.expected_percent:.1f}%　完成率 {percent}　状态 ",
        _state(detail.row.state),
    ))
    parts: list[RenderableType] = [*lines, Text(""), _targets_table(detail, narrow), Text(""),
                                   _months_table(detail), Text("")]
    if detail.history:
        parts.append(_history_table(detail, narrow))
        total = detail.history_total or 0
        if total > len(detail.history):
            parts.append(Text(f"共 {total} 条填报记录，以上为最近 {len(detail.history)} 条；"
                              f"列出全部：kjyd show {task.label} --all", style="dim"))
    else:
        parts.append(Text("尚无填报记录。"))
    return Group(*parts)
