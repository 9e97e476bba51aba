"""A notice read as a plan: metadata, goals paragraph, sections, tasks, and the targets in them.

Work plans share a shape whatever the year or the department: a covering notice (title "…关于印发
《X》的通知", 文号, addressees, signature and date; :mod:`.metadata`), then the plan: an overview, a
goals paragraph (主要目标：… / 主要预期目标：… / "（二）主要目标" / "力争…" closing the overview; here),
then numbered items (:mod:`.structure`), with targets in the goals and the tasks (:mod:`.targets`)
and headlines linked to the task targets that repeat them (:mod:`.link`).

Each guess is recorded as a note for a ``# 请核对：`` comment; nothing here raises on odd input —
a notice cut off mid-sentence or without any numbering still gives what is there."""

from __future__ import annotations

import re

from kjyd.draft.link import link_headlines
from kjyd.draft.metadata import document_number, heading_line, plan_id, read_dates, read_period, read_title
from kjyd.draft.model import Draft, DraftTarget
from kjyd.draft.structure import items_of, marker, opens_plan_item, structure
from kjyd.draft.targets import find_targets, half_width

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


def draft_from_text(text: str) -> Draft:
    """Everything ``kjyd draft`` finds in a notice's text (as :func:`kjyd.draft.read.read_notice` gives it)."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    title, short_title, issuer, title_notes = read_title(lines)
    guessed = any(key == "title" and "第一行" in note for key, note in title_notes)
    heading = -1 if guessed else heading_line(lines, title, short_title)
    goals_text, goals_lines, goals_in_structure, goals_how = _goals(lines, heading)
    # The plan's items start after its own heading (a covering letter may have numbered points of
    # its own) and after the goals, unless the goals are themselves one of its numbered items
    # (二、主要目标：…): then they start at the first "1" and skip the goals' lines.
    body_from = goals_lines[-1] + 1 if goals_lines and not goals_in_structure else heading + 1
    items = items_of(lines, body_from, skip=set(goals_lines))
    sections, tasks, numbering, structure_notes = structure(items)
    start, end, period_note = read_period(title, lines, goals_text)
    draft = Draft(
        id=plan_id(title, start, end),
        title=title,
        short_title=short_title,
        issuer=issuer,
        document_number=document_number(lines),
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
    read_dates(draft, lines)
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


def _goals(lines: list[str], heading: int = -1) -> tuple[str, list[int], bool, str]:
    """(goals paragraph, indexes of its lines, whether it sits inside the numbered structure, how it
    was found as a review note) — or ("", [], False, "") when the notice has none. Searched from
    the plan's heading on when there is one."""
    first_item = next((i for i, line in enumerate(lines) if i > heading and opens_plan_item(line)), len(lines))
    for i, line in enumerate(lines):
        if i <= heading:
            continue
        half = half_width(line)
        if _GOALS_HEADING.match(half) and i + 1 < len(lines):
            body = []
            for follow in lines[i + 1:i + 11]:
                found = marker(follow)
                if found and found[0] in ("chinese", "paren_chinese"):
                    break
                body.append(follow)
            if body and find_targets("".join(body)):
                return "".join(body), list(range(i + 1, i + 1 + len(body))), marker(line) is not None, ""
        m = _GOALS_LABEL.search(half)
        if m and (i <= first_item or m.start() == 0 or marker(line)):
            rest = line[m.end():].strip()
            if find_targets(rest):
                return rest, [i], marker(line) is not None, ""
    # No label: the "力争…" sentence that closes the overview, before the first item.
    for i in range(min(first_item, len(lines)) - 1, heading, -1):
        line = lines[i]
        for m in _STRIVE.finditer(line):
            rest = line[m.start():].strip()
            if len(find_targets(rest)) >= 1:
                return rest, [i], False, "原文没有“主要目标”标题，取概述末尾“力争…”一句作为主要目标"
    return "", [], False, ""
