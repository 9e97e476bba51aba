"""A :class:`~kjyd.draft.extract.Draft` as plan YAML, every guess marked ``# 请核对：…``.

The YAML is written by hand rather than dumped: a clerk reads and edits this file, so it keeps the
field order of ``data/plan2022.yaml``, long texts as folded blocks, a comment with the notice's own
numbering beside each task, and the review comments on the line above what they are about. Each
scalar is written plain only when YAML reads it back as the same string; otherwise it is
double-quoted (a JSON string is a valid YAML double-quoted scalar), so `` #``, ``: ``, ``%`` or a
leading quotation mark in a name can never cut or retype a value.
"""

from __future__ import annotations

import json

import yaml

from kjyd.draft.model import Draft, DraftTarget
from kjyd.draft.targets import Found

REVIEW = "# 请核对："


def scalar(value: str) -> str:
    """``value`` as a YAML scalar that reads back as exactly this string."""
    if value and value == value.strip() and "\n" not in value and value.isprintable():
        try:
            if yaml.safe_load(f"k: {value}") == {"k": value} and " #" not in value:
                return value
        except yaml.YAMLError:
            pass
    return json.dumps(value, ensure_ascii=False)


def _block(value: str, indent: str) -> str:
    """A long text as a folded block (one line, so nothing is folded), or quoted if it cannot be."""
    if value and value == value.strip() and "\n" not in value and value.isprintable():
        return f">-\n{indent}  {value}"
    return json.dumps(value, ensure_ascii=False)


def _number(found: Found) -> str:
    return repr(found.number) if isinstance(found.number, float) else str(found.number)


class _Out:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.reviews = 0

    def review(self, indent: str, notes: list[str]) -> None:
        for note in notes:
            self.lines.append(f"{indent}{REVIEW}{note}")
            self.reviews += 1

    def add(self, line: str) -> None:
        self.lines.append(line)


def render(draft: Draft, source_name: str) -> tuple[str, int]:
    """(YAML text, number of review comments)."""
    out = _Out()
    out.add(f"# 计划草稿：由 kjyd draft 根据 {source_name} 生成。")
    out.add("# 标有“请核对”的地方是程序的推断：请对照原文逐条核对，改好后删去该注释。")
    out.add("# 核对完成后运行 kjyd check 本文件，再用 kjyd --plan 本文件 status 查看推进情况。")
    out.add("")
    out.review("", draft.notes.get("source", []))
    out.review("", draft.notes.get("id", []))
    out.add(f"id: {draft.id}")
    out.review("", draft.notes.get("title", []))
    out.add(f"title: {scalar(draft.title)}")
    if draft.short_title:
        out.review("", draft.notes.get("short_title", []))
        out.add(f"short_title: {scalar(draft.short_title)}")
    _metadata(out, draft)
    out.review("", draft.notes.get("period", []))
    out.add("period:")
    out.add(f"  start: {draft.start.isoformat()}")
    out.add(f"  end: {draft.end.isoformat()}")
    out.add(f"numbering: {draft.numbering}   # 任务编号显示为 {'（十三）' if draft.numbering == 'chinese' else '13.'}")
    out.add("")
    if draft.goals_text:
        out.review("", draft.notes.get("goals_text", []))
        out.add("# 主要目标：原文目标段落，逐字照录。")
        out.add(f"goals_text: {_block(draft.goals_text, '')}")
        out.add("")
    if draft.headlines:
        out.add("# 主要目标的量化指标。有 ref 的引用同一数字的任务目标（任务号.序号），进度取自该任务目标。")
        out.add("headlines:")
        for headline in draft.headlines:
            _headline(out, headline)
        out.add("")
    if draft.sections:
        out.add("sections:")
        for section in draft.sections:
            out.add(f"  - number: {section.number}   # {section.label}")
            out.add(f"    title: {scalar(section.title)}")
        out.add("")
    if draft.tasks:
        out.review("", draft.notes.get("tasks", []))
        out.add("# 任务：title 为小标题，text 为原文；targets 为量化目标，行末注释为目标编号（任务号.序号）。")
        out.add("# lead_divisions / support_divisions：牵头处室 / 配合处室，原文未列明，待填。")
        out.add("tasks:")
        for task in draft.tasks:
            out.add("")
            out.review("  ", task.notes)
            out.add(f"  - number: {task.number}   # {task.label}")
            if task.section is not None:
                out.add(f"    section: {task.section}")
            out.add(f"    title: {scalar(task.title)}")
            out.add(f"    text: {_block(task.text, '    ')}")
            out.add("    lead_divisions: []")
            out.add("    support_divisions: []")
            if not task.targets:
                out.add("    targets: []   # 没有找到量化目标；程序会补一个“完成度100%”的隐含目标")
                continue
            out.add("    targets:")
            for j, target in enumerate(task.targets, 1):
                _target(out, target, f"{task.number}.{j}", "      ")
    return "\n".join(out.lines) + "\n", out.reviews


def _metadata(out: _Out, draft: Draft) -> None:
    values = {
        "issuer": draft.issuer and scalar(draft.issuer),
        "document_number": draft.document_number and scalar(draft.document_number),
        "issued": draft.issued and draft.issued.isoformat(),
        "published": draft.published and draft.published.isoformat(),
    }
    missing = {
        "issuer": "原文中没有找到发文单位",
        "document_number": "原文中没有找到文号",
        "issued": "原文中没有找到印发（落款）日期",
        "published": "原文中没有找到发布日期",
    }
    for key, value in values.items():
        if value:
            out.review("", draft.notes.get(key, []))
            out.add(f"{key}: {value}")
        else:
            out.add(f"# {key}: {missing[key]}，可补填")


def _target_fields(out: _Out, found: Found, indent: str) -> None:
    out.add(f"{indent}value: {_number(found)}")
    out.add(f"{indent}unit: {scalar(found.unit)}")
    out.add(f"{indent}comparator: {found.comparator}")
    if found.kind != "flow":
        out.add(f"{indent}kind: {found.kind}")
    if found.kind == "total":
        out.add(f"{indent}baseline: 0   {REVIEW}期初（计划期开始时）的总数，原文未给出，请填写")
        out.reviews += 1


def _target(out: _Out, found: Found, target_id: str, indent: str) -> None:
    out.review(indent, found.notes)
    out.add(f"{indent}- name: {scalar(found.name)}   # {target_id}")
    _target_fields(out, found, indent + "  ")
    out.add(f"{indent}  quote: {scalar(found.quote)}")


def _headline(out: _Out, headline: DraftTarget) -> None:
    found = headline.found
    if headline.ref:
        out.review("  ", headline.notes + [n for n in found.notes if n.startswith("原文“")])
        out.add(f"  - name: {scalar(found.name)}")
        out.add(f"    quote: {scalar(found.quote)}")
        out.add(f'    ref: "{headline.ref}"')
        return
    out.review("  ", headline.notes + found.notes)
    out.add(f"  - name: {scalar(found.name)}")
    out.add(f"    quote: {scalar(found.quote)}")
    _target_fields(out, found, "    ")


def counts(draft: Draft) -> dict[str, int]:
    return {
        "sections": len(draft.sections),
        "tasks": len(draft.tasks),
        "targets": sum(len(t.targets) for t in draft.tasks),
        "headlines": len(draft.headlines),
        "linked": sum(1 for h in draft.headlines if h.ref),
    }

