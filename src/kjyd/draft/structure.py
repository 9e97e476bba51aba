"""Sections and tasks from a notice's numbering.

The numbering has a fixed hierarchy — 一、 above （一） above 1. above （1） above —— bullets — and
a plan uses one or two of those levels for its structure: with two, the upper is the section and
the lower the task (一、+（一） in Shaanxi 2022, 一、+1. in Xi'an 2023); with one, the items are
tasks without sections (1. in Sichuan 2022). Deeper levels stay inside the task text. A framing
level above them (一、总体要求 / 二、重点任务 / 三、保障措施) only groups the sections.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kjyd.draft.metadata import DATE_LINE
from kjyd.draft.model import DraftSection, DraftTask
from kjyd.draft.targets import find_targets, half_width
from kjyd.numerals import NumeralError, parse_int

_CN = "一二三四五六七八九十百零〇两"
_LEVELS = [  # (name, pattern on the half-width line); order = hierarchy
    ("chinese", re.compile(rf"^(?P<n>[{_CN}]{{1,4}})\s?[、.,，](?!\d)\s*")),
    ("paren_chinese", re.compile(rf"^[(]\s?(?P<n>[{_CN}]{{1,4}})\s?[)]\s*")),
    ("arabic", re.compile(r"^(?P<n>\d{1,3})\s?[.、,，](?!\d)\s*")),
    ("paren_arabic", re.compile(r"^[(]\s?(?P<n>\d{1,3})\s?[)]\s*")),
    ("dash", re.compile(r"^(?:—{1,2}|-{2})\s*")),
]
_BOILERPLATE = re.compile(r"^(?:附件|抄送|扫一扫|关注|分享|打印|关闭|【|责任编辑|来源|字号|相关|上一篇|下一篇|\[…|\[\.\.\.|…)")


@dataclass
class _Item:
    level: str
    number: int | None
    label: str
    line: int
    head: str  # the line after the marker
    body: list[str] = field(default_factory=list)


def cn_number(text: str) -> int | None:
    """一 → 1, 十三 → 13, 一百零五 → 105 (kjyd's own strict numeral reader); ``None`` if not one."""
    try:
        return parse_int(text)
    except NumeralError:
        return None


def marker(line: str) -> tuple[str, int | None, str] | None:
    """(level, number, rest) when the line opens a numbered item."""
    half = half_width(line)
    for level, pattern in _LEVELS:
        m = pattern.match(half)
        if m:
            number = None
            if "n" in pattern.groupindex:
                raw = m.group("n")
                number = int(raw) if raw.isdigit() else cn_number(raw)
                if number is None:
                    continue
            return level, number, line[m.end():]
    return None


def opens_plan_item(line: str) -> bool:
    found = marker(line)
    return found is not None and found[1] == 1 and found[0] != "dash"


def items_of(lines: list[str], start: int, skip: set[int]) -> list[_Item]:
    """Numbered items from the first "1" of any level on, with the paragraphs that follow them
    (except the lines in ``skip``: the goals paragraph)."""
    first = next((i for i in range(start, len(lines)) if opens_plan_item(lines[i])), None)
    if first is None:
        first = next((i for i in range(start, len(lines)) if marker(lines[i])), None)
    if first is None:
        return []
    items: list[_Item] = []
    for i in range(first, len(lines)):
        if i in skip:
            continue
        line = lines[i]
        found = marker(line)
        if found is not None:
            level, number, rest = found
            items.append(_Item(level, number, line[: len(line) - len(rest)].strip(), i, rest.strip()))
        elif items:
            if _BOILERPLATE.match(line) or DATE_LINE.match(line):
                items[-1].body.append(None)  # type: ignore[arg-type]  # end of the plan's text
            else:
                items[-1].body.append(line)
    for item in items:  # text after an end marker (a footer, a signature) belongs to no item
        if None in item.body:
            item.body = item.body[: item.body.index(None)]  # type: ignore[arg-type]
        while item.body and _looks_like_trailer(item.body[-1], item):
            item.body.pop()
    return items


def _looks_like_trailer(line: str, item: _Item) -> bool:
    """A short line without closing punctuation after a finished paragraph: a page footer, a signature."""
    previous = item.body[-2] if len(item.body) >= 2 else item.head
    return len(line) < 25 and not re.search(r"[。；;！？!?，,：:]$", line) and bool(
        re.search(r"[。；;！？!?]$", previous)
    )


_FRAMING = re.compile(
    r"(?:总体要求|指导思想|总体思路|基本原则|主要目标|主要预期目标|工作目标|发展目标|目标任务|预期目标|重点任务|"
    r"主要任务|重点工作|工作任务|保障措施|组织实施|工作要求|组织保障|实施步骤|工作措施|推进措施)[。：:]?"
)
_FRAMING_DROP = re.compile(
    r"(?:总体要求|指导思想|总体思路|基本原则|主要目标|主要预期目标|工作目标|发展目标|目标任务|预期目标|实施步骤|"
    r"工作要求)[。：:]?"
)


class _Builder:
    """Sections and tasks in document order; a section is created when its first task appears."""

    def __init__(self) -> None:
        self.sections: list[DraftSection] = []
        self.tasks: list[DraftTask] = []
        self.dropped: list[str] = []
        self.restarted = False
        self.last_number = 0
        self.section_ids: dict[int, int] = {}  # id(item or part title) → section number

    def section(self, key: int, title: str, label: str) -> int:
        if key not in self.section_ids:
            self.sections.append(DraftSection(len(self.sections) + 1, title, label))
            self.section_ids[key] = len(self.sections)
        return self.section_ids[key]

    def task(self, item: _Item, section: int | None, section_label: str, counted: bool = True) -> DraftTask:
        if counted:  # only items of the task level tell whether the numbering restarts per section
            if item.number is not None and item.number <= self.last_number:
                self.restarted = True
            self.last_number = item.number or self.last_number + 1
        title, rest = _lead_phrase(item.head)
        task = DraftTask(
            number=len(self.tasks) + 1, section=section, title=title, text="",
            label=f"{section_label}{item.label}" if (self.restarted or not counted) and section_label else item.label,
            targets=[],
        )
        if not title:
            task.title = _short_title(item.head)
            task.notes.append("原文没有小标题，标题取自首句，请精简")
            rest = item.head
        task.text = "".join([rest, *item.body]).strip()
        self.tasks.append(task)
        return task


def _title_of(item: _Item) -> str:
    title, _ = _lead_phrase(item.head, limit=40)
    return title or item.head[:40] or "（无标题）"


def structure(items: list[_Item]) -> tuple[list[DraftSection], list[DraftTask], str, list[tuple[str, str]]]:
    """Sections and tasks from the numbered items: the two upper levels in use, below any framing level.

    A framing level (一、总体要求 / 二、重点任务 / 三、保障措施) is not a section level when two more
    levels follow: its items only group the sections. Items under 总体要求/指导思想/主要目标 are not
    tasks. A section with no tasks of its own but with text is itself a task (保障措施（一）加强组织领导。…).
    """
    notes: list[tuple[str, str]] = []
    order = [name for name, _ in _LEVELS]
    for item in items:
        if not item.head and item.body:  # "七、" alone on a line, its title on the next
            item.head = item.body.pop(0)
    counts: dict[str, int] = {}
    for i in items:
        counts[i.level] = counts.get(i.level, 0) + 1
    present = sorted(
        {i.level for i in items if i.number == 1 or i.level == "dash" or counts[i.level] >= 2}, key=order.index
    )
    if not present:
        return [], [], "chinese", [("tasks", "没有找到编号的任务（如 （一）、1.）；请手工补充任务")]
    part_level = None
    top = [i for i in items if i.level == present[0]]
    framing = len(present) >= 2 and len(top) <= 6 and any(_FRAMING.fullmatch(_title_of(i)) for i in top)
    if framing and len(present) >= 3:
        part_level = present.pop(0)
    section_level, task_level = (present[0], present[1]) if len(present) >= 2 else (None, present[0])
    if section_level is not None and not framing:
        # A section is a heading over its tasks; items that carry their own text (1.加快…。落实…,
        # with (1)(2) details below) are tasks, and the level below is part of their text.
        upper = [i for i in items if i.level == section_level]
        if sum(1 for i in upper if _lead_phrase(i.head, limit=40)[1] or i.body) * 2 > len(upper):
            section_level, task_level = None, section_level
    deeper = set(order[order.index(task_level) + 1:])

    out = _Builder()
    part: _Item | None = None
    pending: _Item | None = None  # the current section item
    pending_tasks = 0
    current: DraftTask | None = None

    def framing_drop(*titles: str) -> bool:
        return any(_FRAMING_DROP.fullmatch(t) for t in titles if t)

    def flush() -> None:
        """A section item that had no tasks: its text becomes a task, or it is dropped."""
        nonlocal pending
        if pending is None or pending_tasks:
            pending = None
            return
        item, pending = pending, None
        title = _title_of(item)
        _, rest = _lead_phrase(item.head, limit=40)
        if framing_drop(title, _title_of(part) if part else "") or not (rest or item.body):
            out.dropped.append(title)
            return
        if part is not None:  # 保障措施 （一）加强组织领导。…: a task in a section named after the part
            number = out.section(id(part), _title_of(part), part.label)
            task = out.task(item, number, part.label, counted=False)
        else:
            number = out.section(id(item), title, item.label)
            task = out.task(item, number, "", counted=False)
            task.notes.append("原文这一部分没有分项任务，整部分作为一项任务")

    for item in items:
        if item.level == part_level:
            flush()
            part, current = item, None
            continue
        if item.level == section_level:
            flush()
            pending, pending_tasks, current = item, 0, None
            continue
        if item.level == task_level:
            section_title = _title_of(pending) if pending else ""
            if framing_drop(_title_of(item), section_title, _title_of(part) if part else ""):
                out.dropped.append(_title_of(item))
                current = None
                continue
            number = out.section(id(pending), section_title, pending.label) if pending is not None else None
            if pending is not None:
                pending_tasks += 1
            current = out.task(item, number, pending.label if pending else "")
            continue
        if item.level in deeper:  # 1. inside （一）: part of the task text
            if current is not None:
                current.text += item.label + item.head + "".join(item.body)
            elif pending is not None and not pending_tasks:
                pending.body.append(item.label + item.head + "".join(item.body))
    flush()

    if out.sections and any(t.section is None for t in out.tasks):
        # tasks before the first section heading: a plan with sections needs every task in one
        out.sections = [DraftSection(1, "其他任务", "")] + [
            DraftSection(s.number + 1, s.title, s.label) for s in out.sections
        ]
        for task in out.tasks:
            task.section = 1 if task.section is None else task.section + 1
        notes.append(("sections", "第一个部分标题之前的任务放在“其他任务”部分中"))
    for task in out.tasks:
        if not task.text:
            task.text = task.title
            task.notes.append("原文在小标题后没有正文（原文可能不完整）")
        task.targets = find_targets(task.text)
    if out.restarted:
        notes.append(("tasks", "原文各部分的任务编号各自从 1 开始；这里按出现顺序连续编号为 1、2、3…"))
    if out.dropped:
        notes.append(("tasks", "以下条目不是任务（总体要求、主要目标等）或没有内容，未列入：" + "、".join(out.dropped)))
    numbering = "arabic" if task_level in ("arabic", "paren_arabic", "dash") else "chinese"
    return out.sections, out.tasks, numbering, notes


def _lead_phrase(head: str, limit: int = 30) -> tuple[str, str]:
    """("突出抓示范抓引领", "加快…") for "突出抓示范抓引领。加快…"; ("", head) when there is no lead phrase."""
    m = re.search(r"[。：:]", head)
    if m and 0 < m.start() <= limit and not re.search(r"[，,；;]", head[: m.start()]):
        return head[: m.start()].strip(), head[m.end():].strip()
    if not m and len(head) <= limit and not re.search(r"[，,；;]", head):
        return head.rstrip("。").strip(), ""
    return "", head


def _short_title(head: str) -> str:
    first = re.split(r"[，,；;。：:]", head, maxsplit=1)[0].strip()
    return (first[:20] or head[:20]).strip() or "（无标题）"
