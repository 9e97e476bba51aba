"""The structure of a notice: metadata, goals paragraph, sections, tasks, and the targets in them.

Work plans share a shape whatever the year or the department: a covering notice (title "…关于印发
《X》的通知", 文号, addressees, signature and date), then the plan: an overview, a goals paragraph
(主要目标：… / 主要预期目标：… / "力争…" closing the overview), then numbered items. The numbering
has a fixed hierarchy — 一、 above （一） above 1. above （1） above —— bullets — and a plan uses
one or two of those levels for its structure: with two, the upper is the section and the lower the
task (一、+（一） in Shaanxi 2022, 一、+1. in Xi'an 2023); with one, the items are tasks without
sections (1. in Sichuan 2022). Deeper levels stay inside the task text.

Each guess is recorded as a note for a ``# 请核对：`` comment; nothing here raises on odd input —
a notice cut off mid-sentence or without any numbering still gives what is there.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date

from kjyd.draft.targets import Found, find_targets, half_width

_CN = "一二三四五六七八九十百零〇两"
_LEVELS = [  # (name, pattern on the half-width line); order = hierarchy
    ("chinese", re.compile(rf"^(?P<n>[{_CN}]{{1,4}})\s?[、.,，](?!\d)\s*")),
    ("paren_chinese", re.compile(rf"^[(]\s?(?P<n>[{_CN}]{{1,4}})\s?[)]\s*")),
    ("arabic", re.compile(r"^(?P<n>\d{1,3})\s?[.、,，](?!\d)\s*")),
    ("paren_arabic", re.compile(r"^[(]\s?(?P<n>\d{1,3})\s?[)]\s*")),
    ("dash", re.compile(r"^(?:—{1,2}|-{2})\s*")),
]
_GOALS_LABEL = re.compile(
    r"(?P<label>主要预期目标|主要目标|总体奋斗目标|奋斗目标|发展目标|工作目标|预期目标|总体目标|主要指标|目标任务)"
    r"(?:是|为|如下)?\s*[:：]\s*"
)
_GOALS_HEADING = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.]|[(][一二三四五六七八九十]+[)]|\d+[.、])?\s*"
    r"(?:主要预期目标|主要目标|总体奋斗目标|奋斗目标|发展目标|工作目标|预期目标|总体目标|主要指标|目标任务)"
    r"(?:是|为|如下)?\s*[:：]?\s*$"
)
_STRIVE = re.compile(r"(?:到\s?(?:19|20)\d{2}\s?年(?:底|末)?\s?[,，]?\s?)?力争")
_DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,12}\s?[〔\[［【(（]\s?(?:19|20)\d{2}\s?[〕\]］】)）]\s?\d{1,4}\s?号")
_DATE_LINE = re.compile(r"^(?P<y>(?:19|20)\d{2})\s?年\s?(?P<m>\d{1,2})\s?月\s?(?P<d>\d{1,2})\s?日$")
_CN_DATE_LINE = re.compile(r"^(?P<y>[〇零一二三四五六七八九]{4})年(?P<m>[一二三四五六七八九十]{1,2})月(?P<d>[一二三四五六七八九十]{1,3})日$")
_FIELD_DATE = r"\s?[\]】］]?\s?[:：]?\s?(?P<y>(?:19|20)\d{2})[-/.年](?P<m>\d{1,2})[-/.月](?P<d>\d{1,2})"
_PUBLISHED = re.compile(r"(?:发布日期|发布时间|发文日期|公开日期|时间)" + _FIELD_DATE)
_WRITTEN = re.compile(r"(?:成文日期|印发日期)" + _FIELD_DATE)
_PLAN_NAME = re.compile(r"(?:印发|现将|制定了?|研究制定了?)\s?《(?P<t>[^》]{4,80})》")
_NOTICE_TITLE = re.compile(r"^(?P<issuer>.{0,60}?)关于印发\s?《?(?P<t>.{4,80}?)》?的通知$")
_PLAN_WORDS = re.compile(r"要点|计划|方案|规划|安排|任务")
_YEAR_RANGE = re.compile(r"(?P<a>(?:19|20)\d{2})\s?[-—–~至到]+\s?(?P<b>(?:19|20)\d{2})\s?年")
_YEAR = re.compile(r"(?P<y>(?:19|20)\d{2})\s?年")
_BOILERPLATE = re.compile(r"^(?:附件|抄送|扫一扫|关注|分享|打印|关闭|【|责任编辑|来源|字号|相关|上一篇|下一篇|\[…|\[\.\.\.|…)")


@dataclass
class DraftTarget:
    found: Found
    ref: str | None = None  # headline → task target id
    notes: list[str] = field(default_factory=list)


@dataclass
class DraftTask:
    number: int
    section: int | None
    title: str
    text: str
    label: str  # as numbered in the notice: （十三） / 2. / 二、3.
    targets: list[Found]
    notes: list[str] = field(default_factory=list)


@dataclass
class DraftSection:
    number: int
    title: str
    label: str


@dataclass
class Draft:
    id: str
    title: str
    short_title: str | None
    issuer: str | None
    document_number: str | None
    issued: date | None
    published: date | None
    start: date
    end: date
    numbering: str
    goals_text: str
    headlines: list[DraftTarget]
    sections: list[DraftSection]
    tasks: list[DraftTask]
    notes: dict[str, list[str]] = field(default_factory=dict)

    def note(self, key: str, text: str) -> None:
        self.notes.setdefault(key, []).append(text)


@dataclass
class _Item:
    level: str
    number: int | None
    label: str
    line: int
    head: str  # the line after the marker
    body: list[str] = field(default_factory=list)


def cn_number(text: str) -> int | None:
    """一 → 1, 十三 → 13, 二十 → 20, 一百零五 → 105; ``None`` if not a plain Chinese numeral."""
    digits = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
    total, current = 0, 0
    for c in text:
        if c in digits:
            current = digits[c]
        elif c == "十":
            total += (current or 1) * 10
            current = 0
        elif c == "百":
            total += (current or 1) * 100
            current = 0
        else:
            return None
    return total + current or None


def _marker(line: str) -> tuple[str, int | None, str] | None:
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


def draft_from_text(text: str) -> Draft:
    """Everything ``kjyd draft`` finds in a notice's text (as :func:`kjyd.draft.read.read_notice` gives it)."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    title, short_title, issuer, title_notes = _title(lines)
    guessed = any(key == "title" and "第一行" in note for key, note in title_notes)
    heading = -1 if guessed else _heading_line(lines, title, short_title)
    goals_text, goals_lines, goals_in_structure, goals_how = _goals(lines, heading)
    # The plan's items start after its own heading (a covering letter may have numbered points of
    # its own) and after the goals, unless the goals are themselves one of its numbered items
    # (二、主要目标：…): then they start at the first "1" and skip the goals' lines.
    body_from = goals_lines[-1] + 1 if goals_lines and not goals_in_structure else heading + 1
    items = _items(lines, body_from, skip=set(goals_lines))
    sections, tasks, numbering, structure_notes = _structure(items)
    start, end, period_note = _period(title, lines, goals_text)
    draft = Draft(
        id=_plan_id(title, start, end),
        title=title,
        short_title=short_title,
        issuer=issuer,
        document_number=_document_number(lines),
        issued=None,
        published=None,
        start=start,
        end=end,
        numbering=numbering,
        goals_text=goals_text,
        headlines=[DraftTarget(f) for f in find_targets(goals_text)] if goals_text else [],
        sections=sections,
        tasks=tasks,
    )
    _dates(draft, lines)
    for key, note in title_notes + [("period", period_note)] + structure_notes:
        draft.note(key, note)
    draft.note("id", "计划编号由标题生成；可改为易记的英文名（如 shaanxi-kjt-2023），开始填报后不要再改")
    if goals_how:
        draft.note("goals_text", goals_how)
    link_headlines(draft)
    if end.year > start.year:
        for target in [g for t in tasks for g in t.targets] + [h.found for h in draft.headlines]:
            if re.search(r"每年|年均|全年", target.quote):
                target.notes.append(f"原文是每年的目标，计划期为 {start.year}—{end.year} 年：目标值是否应为全期合计？")
    return draft


def _document_number(lines: list[str]) -> str | None:
    """The 文号 on a line of its own (陕科工发〔2022〕3号), else the first one near the top that is
    not a reference to another document (…意见》（国发〔2021〕5号）)."""
    for line in lines[:80]:
        if m := _DOC_NUMBER.fullmatch(line.strip()):
            return re.sub(r"\s", "", m.group())
    for line in lines[:20]:
        for m in _DOC_NUMBER.finditer(line):
            if not line[: m.start()].rstrip().endswith(("（", "(", "》")):
                return re.sub(r"\s", "", m.group())
    return None


# --- goals --------------------------------------------------------------------------------------


def _heading_line(lines: list[str], title: str, short_title: str | None) -> int:
    """Index of the last line that is the plan's own heading (after the covering letter), or -1."""
    names = {n for n in (title, short_title) if n}
    found = -1
    for i, line in enumerate(lines[:200]):
        if line in names or (len(line) >= 6 and title.endswith(line) and _PLAN_WORDS.search(line)):
            found = i
    return found


def _goals(lines: list[str], heading: int = -1) -> tuple[str, list[int], bool, str]:
    """(goals paragraph, indexes of its lines, whether it sits inside the numbered structure, how it
    was found as a review note) — or ("", [], False, "") when the notice has none. Searched from
    the plan's heading on when there is one."""
    first_item = next((i for i, line in enumerate(lines) if i > heading and _opens_plan_item(line)), len(lines))
    for i, line in enumerate(lines):
        if i <= heading:
            continue
        half = half_width(line)
        if _GOALS_HEADING.match(half) and i + 1 < len(lines):
            body = []
            for follow in lines[i + 1:i + 11]:
                found = _marker(follow)
                if found and found[0] in ("chinese", "paren_chinese"):
                    break
                body.append(follow)
            if body and find_targets("".join(body)):
                return "".join(body), list(range(i + 1, i + 1 + len(body))), _marker(line) is not None, ""
        m = _GOALS_LABEL.search(half)
        if m and (i <= first_item or m.start() == 0 or _marker(line)):
            rest = line[m.end():].strip()
            if find_targets(rest):
                return rest, [i], _marker(line) is not None, ""
    # No label: the "力争…" sentence that closes the overview, before the first item.
    for i in range(min(first_item, len(lines)) - 1, heading, -1):
        line = lines[i]
        for m in _STRIVE.finditer(line):
            rest = line[m.start():].strip()
            if len(find_targets(rest)) >= 1:
                return rest, [i], False, "原文没有“主要目标”标题，取概述末尾“力争…”一句作为主要目标"
    return "", [], False, ""


def _opens_plan_item(line: str) -> bool:
    found = _marker(line)
    return found is not None and found[1] == 1 and found[0] != "dash"


# --- numbered items -----------------------------------------------------------------------------


def _items(lines: list[str], start: int, skip: set[int]) -> list[_Item]:
    """Numbered items from the first "1" of any level on, with the paragraphs that follow them
    (except the lines in ``skip``: the goals paragraph)."""
    first = next((i for i in range(start, len(lines)) if _opens_plan_item(lines[i])), None)
    if first is None:
        first = next((i for i in range(start, len(lines)) if _marker(lines[i])), None)
    if first is None:
        return []
    items: list[_Item] = []
    for i in range(first, len(lines)):
        if i in skip:
            continue
        line = lines[i]
        found = _marker(line)
        if found is not None:
            level, number, rest = found
            items.append(_Item(level, number, line[: len(line) - len(rest)].strip(), i, rest.strip()))
        elif items:
            if _BOILERPLATE.match(line) or _DATE_LINE.match(line):
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


def _structure(items: list[_Item]) -> tuple[list[DraftSection], list[DraftTask], str, list[tuple[str, str]]]:
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


# --- metadata -----------------------------------------------------------------------------------


def _title(lines: list[str]) -> tuple[str, str | None, str | None, list[tuple[str, str]]]:
    """(title, short_title, issuer, notes) from the covering notice or the plan's own heading."""
    notes: list[tuple[str, str]] = []
    head = lines[:60]
    issuer = None
    title = None
    # a centred title may wrap: "…关于印发" / "2022年科技工作要点的通知"
    candidates = [*head, *(a + b for a, b in zip(head, head[1:]) if a.endswith("印发") or b.endswith("的通知"))]
    for line in candidates:
        m = _NOTICE_TITLE.match(line.strip())
        if m:
            issuer = m.group("issuer").strip() or None
            title = title or m.group("t").strip("《》 ")
            break
    for line in head:
        m = _PLAN_NAME.search(line)
        if m:
            title = m.group("t").strip()
            break
    if title is None:
        for i, line in enumerate(head):
            if len(line) <= 50 and _PLAN_WORDS.search(line) and not re.search(r"[。，,；;]", line):
                # a heading split over two lines ("中共…科技工委 陕西省科学技术厅" / "2022年科技工作要点")
                previous = head[i - 1] if i else ""
                title = line
                if previous and len(previous) <= 30 and not re.search(r"[。，,；;:：\d]", previous):
                    title = f"{previous}{line}" if not previous.endswith(" ") else previous + line
                notes.append(("title", "标题取自正文抬头"))
                break
    if title is None:
        title = (lines[0][:50] if lines else "工作要点").strip()
        notes.append(("title", "没有找到计划名称，暂取第一行"))
    if issuer is None:
        issuer = _issuer_from_lines(lines)
        if issuer:
            notes.append(("issuer", "发文单位取自“发布机构”或落款"))
    short = None
    year = re.search(r"(?:19|20)\d{2}(?:\s?[-—–~至到]+\s?(?:19|20)\d{2})?\s?年", title)
    if year and year.start() > 0 and title[year.start() - 1] not in "（(":
        short = title[year.start():].strip()
        notes.append(("short_title", "简称取标题中年份起的部分，用于文件名和表名"))
    return title, short, issuer, notes


def _issuer_from_lines(lines: list[str]) -> str | None:
    for line in lines[:40]:
        m = re.search(r"发布机构\s?[\]】］]?\s?[:：]?\s?(?P<v>[^\[\]【】]{2,30}?)\s*(?:\[|【|$)", line)
        if m:
            return m.group("v").strip()
    for i, line in enumerate(lines[:80]):
        if _DATE_LINE.match(half_width(line)) or _CN_DATE_LINE.match(line):
            signers = []
            for back in lines[max(0, i - 3):i][::-1]:
                if len(back) <= 30 and not re.search(r"[。，,；;:：]", back):
                    signers.insert(0, back)
                else:
                    break
            if signers:
                return " ".join(signers)
    return None


def _dates(draft: Draft, lines: list[str]) -> None:
    head = [half_width(line) for line in lines[:80]]
    signed = None
    for line, original in zip(head, lines[:80]):
        m = _DATE_LINE.match(line) or _CN_DATE_LINE.match(original)
        if m:
            signed = _date(m)
            if signed:
                break
    written = published = None
    for line in head:
        if written is None and (m := _WRITTEN.search(line)):
            written = _date(m)
        if published is None and (m := _PUBLISHED.search(line)):
            published = _date(m)
    draft.issued = signed or written
    draft.published = published
    if signed and written and signed != written:
        draft.note("issued", f"印发日期取落款 {signed}（网页“成文日期”为 {written}）")
    elif draft.issued and not signed:
        draft.note("issued", "印发日期取网页“成文日期”")
    if draft.issued and draft.issued > draft.end:
        draft.note("issued", f"印发日期 {draft.issued} 晚于计划期结束日 {draft.end}，请对照原件")


def _date(m: re.Match) -> date | None:
    parts = [m.group("y"), m.group("m"), m.group("d")]
    try:
        if parts[0].isdigit():
            return date(int(parts[0]), int(parts[1]), int(parts[2]))
        year = int("".join(str("〇一二三四五六七八九".index(c) if c != "零" else 0) for c in parts[0]))
        month, day = cn_number(parts[1]), cn_number(parts[2])
        return date(year, month or 0, day or 0)
    except (ValueError, TypeError):
        return None


def _period(title: str, lines: list[str], goals_text: str) -> tuple[date, date, str]:
    half = half_width(title)
    if m := _YEAR_RANGE.search(half):
        a, b = int(m.group("a")), int(m.group("b"))
        if a <= b:
            return date(a, 1, 1), date(b, 12, 31), f"计划期按标题中的“{m.group()}”定为 {a} 年初至 {b} 年底"
    if m := _YEAR.search(half):
        y = int(m.group("y"))
        end = y
        if goals := re.search(r"到\s?((?:19|20)\d{2})\s?年", half_width(goals_text)):
            end = max(y, int(goals.group(1)))
        return date(y, 1, 1), date(end, 12, 31), f"计划期按标题中的 {y} 年定为 {y}-01-01 至 {end}-12-31"
    for line in lines[:40]:
        if m := _YEAR.search(half_width(line)):
            y = int(m.group("y"))
            return date(y, 1, 1), date(y, 12, 31), f"标题中没有年份，计划期按原文中的 {y} 年暂定"
    y = date.today().year
    return date(y, 1, 1), date(y, 12, 31), f"原文中没有年份，计划期暂定为今年（{y} 年）"


def _plan_id(title: str, start: date, end: date) -> str:
    digest = hashlib.sha256(title.encode("utf-8")).hexdigest()[:6]
    years = str(start.year) if start.year == end.year else f"{start.year}-{end.year}"
    return f"plan-{years}-{digest}"


# --- headline ↔ task target --------------------------------------------------------------------


# Words every target name may share (verbs, 企业, 科技…): sharing only these is not shared wording.
_GENERIC = set("""企业 科技 创新 技术 新增 新建 培育 建设 认定 推进 实施 开展 全省 全市 省级 市级 国家 项目 完成 达到
    实现 年度 全年 重点 引进 支持 推动 工作 发展 服务 建成 打造 组织 举办""".split())


def _bigrams(text: str) -> set[str]:
    han = re.sub(r"[^\u4e00-\u9fff]", "", text)
    return {han[i:i + 2] for i in range(len(han) - 1)} - _GENERIC


_MONEY_SCALE = {"万亿元": 10 ** 12, "亿元": 10 ** 8, "万元": 10 ** 4, "千元": 1000, "元": 1}


def _amount(target: Found) -> tuple[object, str]:
    """Value and unit comparable across 2500亿元 / 0.25万亿元 (counts are already scaled: 1.3万家)."""
    if target.unit in _MONEY_SCALE:
        return target.value * _MONEY_SCALE[target.unit], "元"
    return target.value, target.unit


def link_headlines(draft: Draft) -> None:
    """Point each headline at the task target with the same value and unit (and shared wording).

    A headline is usually repeated in a task (技术合同成交额达到2500亿元 in both places); then one
    check-in should move both, so the headline refers to the task target. Same value and unit is
    required; among several, the one sharing most wording wins; with none sharing any wording, the
    headline keeps its own value.
    """
    pool = [(f"{task.number}.{j}", target) for task in draft.tasks for j, target in enumerate(task.targets, 1)]
    taken: set[str] = set()
    for headline in draft.headlines:
        h = headline.found
        same = [(ref, t) for ref, t in pool
                if _amount(t) == _amount(h) and ref not in taken and (t.kind == "level") == (h.kind == "level")]
        scored = sorted(((len(_bigrams(h.name) & _bigrams(t.name)), ref, t) for ref, t in same),
                        key=lambda s: -s[0])
        if not scored or scored[0][0] == 0:
            if same:
                headline.notes.append(f"与任务目标 {'、'.join(r for r, _ in same)} 数值单位相同但表述不同，未关联")
            continue
        score, ref, target = scored[0]
        headline.ref = ref
        taken.add(ref)
        why = f"与任务目标 {ref}“{target.quote}”数值和单位相同（{h.number:g}{h.unit}）"
        if target.comparator != h.comparator:
            why += f"；比较方式不同（主要目标 {h.comparator}，任务 {target.comparator}），按任务目标计"
        headline.notes.append(why + "，视为同一指标")
