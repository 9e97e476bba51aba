"""The 推进情况报告 as words: title, headings and paragraphs built from the report and its changes.

What goes up the chain with the monthly table is a written report in 公文 form. This module
decides its *content* — pure, no python-docx, so it is tested as text and any renderer (Word
today) only lays it out. Every figure comes from :func:`kjyd.report.build_report` (through the
month's :class:`kjyd.changes.Changes`, whose ``after`` is the report ``status --as-of`` shows),
and 较上月 facts from the same :class:`~kjyd.changes.Changes`.

Structure (the office's habit): title; an opening sentence; 一、总体进展情况 (序时进度, the
status summary sentence verbatim, the month's changes, one sentence per 主要目标); 二、重点任务推进情况
(by section, only tasks with something to say — no empty heading); 三、存在的问题 (慢于序时 /
未达标 / 未完成 / 未填报 targets and the problems divisions recorded); 四、下一步工作安排 (the next
steps divisions recorded); an attached table of the 主要目标.

At the plan's end the report speaks of the whole period: 全年完成情况, the year's latest progress of
each target rather than only the last month's notes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from kjyd.changes import Changes
from kjyd.entries import Entry
from kjyd.periods import at_end, long_date, period_name, target_word, whole_period
from kjyd.plan import Plan, Target, format_number
from kjyd.progress import BEHIND, NOT_MET as UNMET, UNFINISHED, UNREPORTED
from kjyd.report import Report, TargetRow, TaskRow

PROBLEM_STATES = (BEHIND, UNMET, UNFINISHED, UNREPORTED)

HEADINGS = ("一、总体进展情况", "二、重点任务推进情况", "三、存在的问题", "四、下一步工作安排")

TABLE_HEADER = ("序号", "指标", "目标", "累计完成", "完成率", "较上月", "状态")



@dataclass(frozen=True, slots=True)
class Subpart:
    heading: str
    """（一）秦创原创新驱动平台建设 — a section of the plan."""
    paragraphs: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Part:
    heading: str
    """一、总体进展情况."""
    paragraphs: tuple[str, ...]
    subparts: tuple[Subpart, ...] = ()


@dataclass(frozen=True, slots=True)
class WrittenReport:
    title: str
    title_lines: tuple[str, ...]
    """The title as printed: broken after the plan's name when it is too long for one line."""
    opening: str
    parts: tuple[Part, ...]
    table_title: tuple[str, ...]
    """Its lines: 主要目标完成情况 / （截至2022年6月30日）."""
    table_rows: tuple[tuple[str, ...], ...]
    """One row per 主要目标, cells as :data:`TABLE_HEADER` names them."""
    summary: str
    """The status summary sentence, verbatim (also inside 一、)."""


def _clean(text: str) -> str:
    """A note as a clause: on one line, without its own closing punctuation."""
    return " ".join(text.split()).rstrip("。；;，,. ")


def _amount(value: float | None, unit: str) -> str:
    return f"{format_number(value)}{unit}"


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%"


def _delta(changes: Changes, row: TargetRow) -> str:
    """较上月 as a table cell: +281, 0, 新填报, — (no value)."""
    if row.value is None:
        return "—"
    change = changes.value_change(row.target.id)
    if change is None:
        return "0"
    if change.delta is None:
        return "新填报"
    return f"+{format_number(change.delta)}" if change.delta > 0 else format_number(change.delta)


def _name(plan: Plan, target: Target) -> str:
    """A target's name in prose; a qualitative task's progress target is named by its task."""
    if target.implicit and target.task is not None:
        return plan.task(target.task).title
    return target.name


def headline_sentence(plan: Plan, name: str, row: TargetRow, changes: Changes) -> str:
    """技术合同成交额完成1315.7亿元，完成年度目标的52.6%，符合序时进度，较上月增加281亿元."""
    target, whole = row.target, at_end(plan, changes.until)
    if row.value is None:
        return f"{name}尚未填报数据"
    if target.kind == "level":
        met = "已达到" if row.state == "已完成" else "未达到"
        text = f"{name}为{_amount(row.value, target.unit)}，{met}{target.goal(reach='')}的目标"
    else:
        verb = "达到" if target.kind == "total" else "完成"  # a stock stands at, a flow is done
        text = (f"{name}{verb}{_amount(row.value, target.unit)}，"
                f"完成{'全年目标' if whole and target_word(plan) == '年度目标' else target_word(plan)}"
                f"的{_percent(row.percent)}")
        text += f"，{state_phrase(plan, row.state, whole)}"
    change = changes.value_change(target.id)
    if change is not None and change.delta and target.kind != "level":
        word = "增加" if change.delta > 0 else "减少"
        text += f"，较上月{word}{_amount(abs(change.delta), target.unit)}"
    return text


def state_phrase(plan: Plan, state: str, whole: bool) -> str:
    if state == "已完成":
        return f"已完成{'全年' if whole else ''}目标" if target_word(plan) == "年度目标" else "已完成目标"
    if state in ("快于序时", "符合序时", "慢于序时"):
        return f"{state}进度"
    if state == UNFINISHED:
        return f"未完成{whole_period(plan)}目标"
    if state == UNMET:
        return "未达到目标"
    return state


def _overview(report: Report, changes: Changes) -> Part:
    plan, whole = report.plan, at_end(report.plan, report.as_of)
    if whole:
        opening = f"截至{long_date(report.as_of)}，{whole_period(plan)}工作已完成。{report.summary}"
    else:
        opening = (f"截至{long_date(report.as_of)}，序时进度为{report.expected_percent:.1f}%。"
                   f"{report.summary}{changes.summary}")
    sentences = [headline_sentence(plan, headline.name, row, changes)
                 for headline, row in zip(plan.headlines, report.headlines)]
    if not sentences:
        return Part(HEADINGS[0], (opening,))
    return Part(HEADINGS[0], (opening, "主要目标方面，" + "；".join(sentences) + "。"))


def _task_words(row: TaskRow, notes: list[str]) -> str:
    """The notes, or — for a task whose figures moved without a word — its figures.

    Divisions write their figures into their notes (上半年技术合同成交额1186亿元); repeating them
    from the ledger doubled the report's length. The 主要目标 figures are in 一、 and the 附表,
    every target's in the xlsx.
    """
    if notes:
        return "，".join(notes)
    return "，".join(
        f"{t.target.name}{_amount(t.value, t.target.unit)}（完成{_percent(t.percent)}）"
        for t in row.targets if not t.target.implicit and t.value is not None
    )


def _progress(report: Report, changes: Changes) -> Part:
    """二、: per section, each task's latest progress — its latest note of the month; at the
    plan's end its latest note of the whole period, so a task finished in spring is not silent in
    the year-end report. Tasks with neither a note nor a changed figure are left out, and so is a
    section left with no task (no empty heading)."""
    plan, whole = report.plan, at_end(report.plan, report.as_of)
    notes: dict[int, list[str]] = {
        item.row.task.number: [_clean(item.notes[-1][0].note)] for item in changes.noted
    }
    if whole:
        notes = {row.task.number: [_clean(row.last_note)] for row in report.tasks if row.last_note}
    moved = {c.target.task for c in changes.values if c.target.task is not None}
    rows = {row.task.number: row for row in report.tasks}

    def paragraph(numbers: Iterable[int]) -> str:
        """One narrative paragraph per section, the tasks' latest progress in plan order, as an
        office writes it (两个国家重点实验室通过重组评估；首批省实验室启动建设。). Task titles are
        left out: the notes name what they report, the section heading names the field, and
        with the titles the demo's June report ran to six pages instead of five."""
        clauses = []
        for number in numbers:
            said = list(dict.fromkeys(n for n in notes.get(number, []) if n))
            if said or number in moved:
                clauses.append(_task_words(rows[number], said))
        return "；".join(clauses) + "。" if clauses else ""

    if not plan.sections:  # a plan without sections: the tasks straight under 二、
        text = paragraph(rows)
        return Part(HEADINGS[1], (text or _NOTHING_SAID,))
    subparts = []
    for index, section in enumerate(plan.sections, 1):
        text = paragraph(section.tasks)
        if text:
            subparts.append(Subpart(f"（{_ordinal(index)}）{section.title}", (text,)))
    if not subparts:
        return Part(HEADINGS[1], (_NOTHING_SAID,))
    return Part(HEADINGS[1], (), tuple(subparts))


_NOTHING_SAID = "本期各项任务均未报送进展情况。"


def _lead(n: int) -> str:
    """一是, 二是 … — how a report enumerates within a paragraph."""
    return f"{_ordinal(n)}是"


def _ordinal(n: int) -> str:
    from kjyd.numerals import format_task

    return format_task(n)


def _problems(report: Report, month_entries: Iterable[Entry]) -> Part:
    plan, whole = report.plan, at_end(report.plan, report.as_of)
    by_state: dict[str, list[TargetRow]] = {}
    for row in report.targets:
        if row.state in PROBLEM_STATES:
            by_state.setdefault(row.state, []).append(row)
    paragraphs = []

    def lead() -> str:
        return _lead(len(paragraphs) + 1)

    for state, sentence in (
        (BEHIND, "部分目标慢于序时进度"),
        (UNFINISHED, f"部分目标未完成{whole_period(plan)}任务"),
        (UNMET, "部分目标未达到要求"),
    ):
        rows = by_state.get(state, [])
        if rows:
            items = "、".join(_name(plan, r.target) for r in rows)
            paragraphs.append(f"{lead()}{sentence}。共{len(rows)}项（{_span(rows)}"
                              f"{f'，序时进度{report.expected_percent:.1f}%' if state == BEHIND else ''}）"
                              f"：{items}。")
    unreported = by_state.get("未填报", [])
    if unreported:
        items = "、".join(_name(plan, r.target) for r in unreported)
        paragraphs.append(f"{lead()}部分目标尚未填报数据。共{len(unreported)}项：{items}。")
    raised = _recorded(plan, month_entries, "problems", report if whole else None)
    if raised:
        paragraphs.append(f"{lead()}各处室报告的困难和问题：" + "；".join(raised) + "。")
    if not paragraphs:
        paragraphs.append("各项目标均已完成或符合、快于序时进度，暂无突出问题。")
    return Part(HEADINGS[2], tuple(paragraphs))


def _span(rows: list[TargetRow]) -> str:
    """完成率30.0%—43.0% (or 完成率40.0% when all are alike): the spread of a list of targets."""
    shown = sorted({_percent(r.percent) for r in rows if r.percent is not None}, key=lambda t: float(t[:-1]))
    if not shown:
        return "均未填报"
    return f"完成率{shown[0]}" if len(shown) == 1 else f"完成率{shown[0]}—{shown[-1]}"


def _recorded(plan: Plan, month_entries: Iterable[Entry], field: str, report: Report | None) -> list[str]:
    """Distinct 存在问题 / 下一步计划 per task, as "任务：内容" clauses, in plan order.

    From the period's check-ins; at the plan's end (``report`` given) also from each target's latest
    noted check-in, so the year's last words count even without a check-in in December.
    """
    targets = {t.id: t for t in plan.targets}
    by_subject: dict[str, list[str]] = {}
    """Keyed by what the words are about: a task's title, or a headline-only target's name."""
    entries = [e for e in month_entries if not e.withdrawn]
    if report is not None:
        entries += [t.note_entry for t in report.targets if t.note_entry is not None]
    for entry in sorted(entries, key=lambda e: (e.date, e.id)):
        target = targets.get(entry.target_id)
        text = _clean(getattr(entry, field))
        if target is not None and text:
            subject = plan.task(target.task).title if target.task is not None else target.name
            by_subject.setdefault(subject, []).append(text)
    order = [task.title for task in plan.tasks] + [t.name for t in plan.extra_targets]
    return [
        f"{subject}方面，{'，'.join(dict.fromkeys(by_subject[subject]))}"
        for subject in dict.fromkeys(order) if subject in by_subject
    ]


def _next_steps(report: Report, month_entries: Iterable[Entry]) -> Part:
    plan, whole = report.plan, at_end(report.plan, report.as_of)
    planned = _recorded(plan, month_entries, "next_steps", report if whole else None)
    if planned:
        paragraphs = ("；".join(f"{_lead(n)}{text}" for n, text in enumerate(planned, 1)) + "。",)
    elif whole:
        paragraphs = ("认真总结全年工作，对未完成的目标逐项分析原因，研究提出下一年度工作要点。",)
    else:
        paragraphs = ("对照年度目标和序时进度，重点督促慢于序时和尚未填报的任务加快推进，按月调度、跟踪问效。",)
    return Part(HEADINGS[3], paragraphs)


def title(plan: Plan, report: Report) -> str:
    period = period_name(plan, report.as_of)
    what = "完成情况" if at_end(plan, report.as_of) else "推进情况"
    return f"关于{plan.short_title}{period}{what}的报告"


TITLE_LINE = 19.5
"""Characters of 2号 type on one line of the 156 mm 版心: 20 汉字 fit, but a Latin digit is a
little wider than half of one (LibreOffice wrapped a 20-character title with 2022 in it)."""


def width(text: str) -> float:
    return sum(0.5 if ch.isascii() else 1 for ch in text)


def title_lines(plan: Plan, report: Report) -> tuple[str, ...]:
    """关于2022年科技工作要点 / 上半年推进情况的报告: a long title breaks after the plan's name, so
    no line ends in the middle of a phrase (the office sets titles as a 梯形, not a wrapped block)."""
    text = title(plan, report)
    if width(text) <= TITLE_LINE:
        return (text,)
    first = f"关于{plan.short_title}"
    rest = text[len(first):]
    if width(first) > TITLE_LINE or width(rest) > TITLE_LINE:
        return (text,)  # a plan name too long to keep whole: let the line wrap where it must
    return first, rest


def written_report(changes: Changes, month_entries: Iterable[Entry]) -> WrittenReport:
    """The whole report for the month ending at ``changes.until`` (``month_entries``: that month's
    check-ins, withdrawn ones allowed — they count for nothing; only their 存在问题 and 下一步计划
    are read here, so those without any may be left out)."""
    report = changes.after
    plan = report.plan
    month_entries = list(month_entries)
    period = period_name(plan, report.as_of)
    number = f"（{plan.document_number}）" if plan.document_number else ""
    opening = (f"按照《{plan.title}》{number}部署，"
               f"现将{period}{'完成' if at_end(plan, report.as_of) else '推进'}情况报告如下。")
    parts = [_overview(report, changes)]
    parts += [_progress(report, changes), _problems(report, month_entries), _next_steps(report, month_entries)]
    rows = tuple(
        (str(position), headline.name, row.target.goal(reach="达到"), _amount(row.value, row.target.unit)
         if row.value is not None else "—", _percent(row.percent), _delta(changes, row), row.state)
        for position, (headline, row) in enumerate(zip(plan.headlines, report.headlines), 1)
    )
    return WrittenReport(
        title=title(plan, report),
        title_lines=title_lines(plan, report),
        opening=opening,
        parts=tuple(parts),
        table_title=("主要目标完成情况", f"（截至{long_date(report.as_of)}）"),
        table_rows=rows,
        summary=report.summary,
    )
