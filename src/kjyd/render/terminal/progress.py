"""Progress as text for the terminal (``kjyd status``, ``kjyd show``, ``kjyd log``).

Formatting only: every number and state comes from :mod:`kjyd.report`. Progress bars are plain
text (█ and ░) rather than rich progress widgets so they survive piping, pasting into a chat or a
document, and ``NO_COLOR``; colour (from :data:`kjyd.output.STATE_STYLES`) only adds emphasis.
Tables keep fixed-width columns for bars, states and dates and let text columns wrap or shorten,
so the layout stays correct on narrow terminals (CJK characters count as two cells). They are laid
out by :mod:`kjyd.render.terminal.columns`, not ``rich.table`` (see there why).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date, timedelta

from rich.console import Group
from rich.text import Text

from kjyd.output import STATE_STYLES, can_show
from kjyd.plan import Plan, Target, format_number, value_label
from kjyd.render.terminal.columns import Cell, Column, Lines, column_widths, fixed, layout, layout_stream
from kjyd.report import WITHDRAWN, Report, TargetRow, TaskDetail, TaskRow, dated_note
from kjyd.values import one_line

NARROW = 80
"""Below this many columns, bars and dates are shortened to leave room for text."""

NOTES_ON_ROW = 96
"""From this many columns 最新进展 has a column of its own (≥ 14 characters at 96); below, a task's
date and latest note take a line of their own under it, the whole width of the table, rather than
a column cut to three or four characters."""

WHO_WIDE = 120
"""From this many columns 填报人 is never folded (政策法规与监督处 takes 16 cells)."""


def who_column(width: int) -> Column:
    """填报人 (log, show): whole on wide screens, folded at 8 cells on narrow ones."""
    return Column("填报人", overflow="fold", max_width=16 if width >= WHO_WIDE else 8)

SPARKS = "▁▂▃▄▅▆▇█"
ASCII_SPARKS = "_.-:=+*#"
"""Bars and sparks where stdout cannot show block characters (``status > 文件.txt`` on a GBK
Windows console, an ASCII or latin-1 locale): the same shape in ASCII, never an encoding error."""


def bar(percent: float | None, width: int = 8) -> str:
    """``████░░░░  50%``: filled share clamped to 0..100, the number itself unclamped."""
    if percent is None:
        return "—"
    full, empty = ("█", "░") if can_show("█░") else ("#", "-")
    filled = round(min(max(percent, 0.0), 100.0) / 100 * width)
    return f"{full * filled}{empty * (width - filled)} {percent:>3.0f}%"


def spark(values: Sequence[float | None], target: float) -> str:
    """One character per month, scaled so that █ means the target is reached; · for no value."""
    sparks, dot = (SPARKS, "·") if can_show(SPARKS + "·") else (ASCII_SPARKS, ".")
    chars = []
    for value in values:
        if value is None:
            chars.append(dot)
        else:
            share = min(max(value / target, 0.0), 1.0)
            chars.append(sparks[round(share * (len(sparks) - 1))])
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
    return one_line(text)


def entry_text(entry) -> str:
    """A check-in's words for a table cell: the note, then 存在问题 and 下一步计划 when given."""
    parts = [_note(entry.note)]
    if entry.problems:
        parts.append(f"存在问题：{_note(entry.problems)}")
    if entry.next_steps:
        parts.append(f"下一步计划：{_note(entry.next_steps)}")
    return "\n".join(p for p in parts if p)


def clauses(sentence: str, width: int) -> list[str]:
    """Break a Chinese sentence after its commas so no line starts with "，" (rich would)."""
    from rich.cells import cell_len

    lines = [""]
    for clause in sentence.replace("，", "，\n").splitlines():
        if lines[-1] and cell_len(lines[-1] + clause) > width:
            lines.append("")
        lines[-1] += clause
    return lines


def header(plan: Plan, as_of: date, expected: float) -> Text:
    return Text(f"{plan.title}\n截至 {as_of.isoformat()}　序时进度 {expected:.1f}%")


def headline_table(report: Report, rows: Sequence[tuple[int, TargetRow]], width: int) -> list[Text]:
    """主要目标: name, target wording, value so far, bar, state; ``rows`` are (position, row).

    Narrow terminals get the target wording inside the name cell instead of its own column.
    """
    narrow = width < NARROW
    columns = [Column(), Column("主要目标", ratio=3, overflow="fold")]
    if not narrow:
        columns.append(Column("目标", overflow="fold", max_width=18))  # 达到13,000家 whole
    columns += [Column(value_label(row.target for _, row in rows), align="right"),
                *_fixed_columns(narrow, updated=False)]
    cells = []
    for position, row in rows:
        name = report.plan.headlines[position - 1].name
        value = "—" if row.value is None else f"{format_number(row.value)}{row.target.unit}"
        goal = "\n".join(filter(None, (amount(row.target), _notes(row))))
        text = [name, goal] if not narrow else [f"{name}\n{goal}"]
        cells.append([f"H{position}", *text, value, _bar(row.percent, row.state, narrow), _state(row.state)])
    return layout(columns, cells, width, title="主要目标")


def _fixed_columns(narrow: bool, *, updated: bool = True) -> list[Column]:
    """完成率, 状态 (and 最近更新) at fixed widths, so all tables line up and never squeeze them."""
    columns = [Column("完成率", width=len(bar(100, 5 if narrow else 8))), Column("状态", width=8)]
    return columns + [Column("最近更新", width=10)] if updated else columns


def _label_width(plan: Plan) -> int:
    """编号 wide enough for an indented target label (  十三.1) in every section's table."""
    from rich.cells import cell_len

    labels = [t.label for t in plan.targets if t.task is not None and not t.implicit]
    return max([4] + [cell_len(label) + 2 for label in labels])


def _task_columns(narrow: bool, below: bool, label_width: int) -> list[Column]:
    """Wide: 编号 任务 完成率 状态 最近更新 最新进展, the task names taking only what they need (at most
    half the shared width) and 最新进展 the rest. ``below``: the last two go on a line of their own."""
    task = Column("任务", ratio=1, overflow="fold", fit=True, min_width=20) if not below else \
        Column("任务", ratio=1, overflow="fold")
    columns = [Column("编号", width=label_width), task, *_fixed_columns(narrow, updated=not below)]
    return columns if below else columns + [Column("最新进展", ratio=1, min_width=16)]


def _target_cell(row: TargetRow) -> str:
    """新增高新技术企业 400/1500家, with a second line for a total's start, a level or the nodes."""
    t = row.target
    value = "—" if row.value is None else format_number(row.value)
    return "\n".join(filter(None, (f"{t.name} {value}/{format_number(t.value)}{t.unit}", _notes(row))))


def _notes(row: TargetRow) -> str:
    """The target's notes (期初…；节点：…) and, where it has nodes, its own 序时进度 today."""
    notes = row.target.notes(level=False)  # the state (已完成/未达标) already says it is not paced
    if row.target.milestones and row.expected_percent is not None:
        notes += f"（序时 {row.expected_percent:.1f}%）"
    return notes


def _add(rows: list[list[Cell]], narrow: bool, below: bool, label: str, cell: Cell, percent: float | None,
         state: str, last_date: date | None, note: str) -> None:
    cells = [label, cell, _bar(percent, state, narrow), _state(state)]
    if not below:
        rows.append([*cells, _date(last_date), _note(note)])
        return
    rows.append(cells)
    if last_date is not None:  # one line across the rest of the row, shortened like 最新进展 when wide
        rows.append(["", Text(f"{_date(last_date)} {_note(note)}".rstrip(), style="dim", overflow="ellipsis")])


def section_tables(report: Report, tasks: Sequence[TaskRow], width: int) -> Iterator[list[Text]]:
    """Tasks grouped by section, each quantitative target indented under its task.

    Column widths are worked out once over all sections, so every section's table lines up.
    """
    narrow, below = width < NARROW, width < NOTES_ON_ROW
    wanted = {row.task.number: row for row in tasks}
    columns = _task_columns(narrow, below, _label_width(report.plan))
    tables: list[tuple[str, list[list[Cell]]]] = []
    for heading, group in report.plan.groups():
        tasks_here = [wanted[t.number] for t in group if t.number in wanted]
        if not tasks_here:
            continue
        rows: list[list[Cell]] = []
        for row in tasks_here:
            _add(rows, narrow, below, row.task.label, Text(row.task.title, style="bold"),
                 row.percent, row.state, row.last_date, dated_note(row.last_note, row.note_date, row.last_date))
            if row.task.qualitative:
                continue
            for target in row.targets:
                # On narrow screens a target's update line only when it says something new.
                same = below and (target.last_date, target.last_note) == (row.last_date, row.last_note)
                note_date = target.note_entry.date if target.note_entry else None
                _add(rows, narrow, below, f"  {target.target.label}", _target_cell(target), target.percent, target.state,
                     None if same else target.last_date, dated_note(target.last_note, note_date, target.last_date))
        tables.append((heading or "任务", rows))
    columns = fixed(columns, column_widths(columns, [r for _, rows in tables for r in rows], width))
    for title, rows in tables:
        yield layout(columns, rows, width, title=title)


def status_view(report: Report, tasks: Sequence[TaskRow], headlines: Sequence[tuple[int, TargetRow]],
                width: int) -> Group:
    """The whole ``kjyd status`` screen: header, summary, 主要目标, then the tasks by section."""
    parts = [header(report.plan, report.as_of, report.expected_percent),
             Text("\n".join(clauses(report.summary, width)))]
    if headlines:
        parts += [Text(""), Lines(headline_table(report, headlines, width))]
    for table in section_tables(report, tasks, width):
        parts += [Text(""), Lines(table)]
    if not tasks and not headlines:
        parts += [Text(""), Text("没有符合筛选条件的任务。")]
    return Group(*parts)


def _targets_table(detail: TaskDetail, width: int) -> list[Text]:
    narrow = width < NARROW
    targets = detail.row.targets
    columns = [Column("编号"), Column("目标", ratio=1, overflow="fold"),
               Column(value_label(row.target for row in targets), align="right"),
               Column("序时", align="right"), *_fixed_columns(narrow, updated=not narrow)]
    rows = []
    for row in targets:
        t = row.target
        value = "—" if row.value is None else f"{format_number(row.value)}{t.unit}"
        expected = "—" if row.expected_percent is None else f"{row.expected_percent:.0f}%"
        goal = "\n".join(filter(None, (f"{t.name} {amount(t)}", _notes(row))))
        cells = [t.label, goal, value, expected, _bar(row.percent, row.state, narrow), _state(row.state)]
        rows.append(cells if narrow else [*cells, _date(row.last_date)])
    return layout(columns, rows, width, title="目标")


def _month_label(month: str, same_year: bool) -> str:
    return f"{int(month[5:])}月" if same_year else month


def _months_table(detail: TaskDetail, width: int) -> list[Text]:
    title = "月末累计值"
    if detail.as_of.month == (detail.as_of + timedelta(days=1)).month:
        title += f"（{_month_label(detail.months[-1], True)}为截至 {detail.as_of} 的值）"
    same_year = detail.plan.start.year == detail.as_of.year
    rows = []
    for row in detail.row.targets:
        values = detail.month_values[row.target.id]
        listed = "  ".join(
            f"{_month_label(m, same_year)} {format_number(v)}" for m, v in zip(detail.months, values)
        )
        rows.append([row.target.label, spark(values, row.target.value), listed])
    columns = [Column("编号"), Column("走势"), Column("各月末数值", ratio=1, overflow="fold")]
    return layout(columns, rows, width, title=title)


def _change(change: float | None) -> str:
    if change is None:
        return ""
    return f"+{format_number(change)}" if change > 0 else format_number(change)


def _plain_or_struck(cells: Sequence[str], struck: bool) -> list[Cell]:
    """A row's cells: dimmed and struck through when withdrawn, plain strings otherwise (a ``Text``
    per cell cost more than laying the row out, in histories of 200,000 rows)."""
    return [Text(c, style="dim strike") for c in cells] if struck else list(cells)


def history_view(detail: TaskDetail, width: int) -> Iterator[list[Text]]:
    """``kjyd show``'s 填报记录, newest first, laid out a chunk at a time as the history is read
    (it may be the ledger's cursors: ``show --all`` of 100,000 check-ins), then what is not shown."""
    columns = [Column("日期"), Column("目标"), Column("数值", align="right"), Column("变化", align="right"),
               Column("说明", ratio=1, overflow="fold"), who_column(width), Column("状态")]
    shown = 0

    def rows() -> Iterator[list[Cell]]:
        nonlocal shown
        for row in detail.history:
            shown += 1
            e = row.entry
            cells = [e.date.isoformat(), row.target.label, format_number(e.value) if e.value is not None else "",
                     _change(row.change), entry_text(e), one_line(e.who), row.status]
            yield _plain_or_struck(cells, row.status == WITHDRAWN)

    yield from layout_stream(columns, rows(), width, title="填报记录")
    total = detail.history_total or 0
    if not shown:
        yield [Text("尚无填报记录。")]
    elif total > shown:
        yield [Text(f"共 {total} 条填报记录，以上为最近 {shown} 条；"
                    f"列出全部：kjyd show {detail.row.task.label} --all", style="dim")]


def log_table(rows: Iterable[tuple[str, ...]], width: int) -> Iterator[list[Text]]:
    """``kjyd log``: one check-in per row, newest first; withdrawn rows dimmed and struck through.

    ``rows`` hold the check-in's 编号, 日期, 任务·目标, 数值, 说明, 填报人, 录入时间 and 状态 as text.
    Below :data:`NARROW` columns a row keeps 编号, 任务·目标, 数值 and 状态 on its first line and puts
    日期, 说明, 填报人 and 录入时间 on a line spanning under it, so 状态 (有效/已撤销) is never cut off.
    Laid out as the rows come, a chunk of lines at a time (:func:`layout_stream`).
    """
    if width < NARROW:
        columns = [Column("编号", align="right"), Column("任务·目标", ratio=1, overflow="fold"),
                   Column("数值", align="right"), Column("状态")]
    else:
        columns = [Column("编号", align="right"), Column("日期"),
                   Column("任务·目标", ratio=3, overflow="fold", fit=True, min_width=12),
                   Column("数值", align="right"), Column("说明", ratio=3, overflow="fold"), who_column(width),
                   Column("录入时间", width=16 if width >= 100 else 10, overflow="fold"), Column("状态")]
    def lines() -> Iterator[list[Cell]]:
        for number, day, target, value, text, who, recorded, status in rows:
            withdrawn = status == WITHDRAWN
            if width < NARROW:
                yield _plain_or_struck((number, target, value, status), withdrawn)
                detail = "  ".join(part for part in (day, text.replace("\n", " "), who, f"录入 {recorded}") if part)
                yield ["", Text(detail, style="dim strike" if withdrawn else "dim", overflow="fold")]
            else:
                yield _plain_or_struck((number, day, target, value, text, who, recorded, status), withdrawn)

    return layout_stream(columns, lines(), width)


def task_view(detail: TaskDetail, width: int) -> Group:
    """``kjyd show`` down to its history: the task's full text, its targets and month-end trend
    (the history follows, from :func:`history_view`)."""
    task = detail.row.task
    parts = [Text(f"{task.heading}{task.title}", style="bold")]
    if heading := detail.plan.section_heading(task):
        parts.append(Text(heading))
    if task.lead_divisions:
        divisions = f"牵头：{'、'.join(task.lead_divisions)}"
        if task.support_divisions:
            divisions += f"　配合：{'、'.join(task.support_divisions)}"
        parts.append(Text(divisions))
    parts += [Text(""), Text(task.text.strip()), Text("")]
    percent = "—" if detail.row.percent is None else f"{detail.row.percent:.0f}%"
    parts.append(Text.assemble(
        f"截至 {detail.as_of.isoformat()}　序时进度 {detail.expected_percent:.1f}%　完成率 {percent}　状态 ",
        _state(detail.row.state),
    ))
    parts += [Text(""), Lines(_targets_table(detail, width)), Text(""), Lines(_months_table(detail, width)),
              Text("")]
    return Group(*parts)
