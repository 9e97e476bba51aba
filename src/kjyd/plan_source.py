"""``kjyd check --source 通知.txt``: is every text of the plan file really in the notice?

A plan file is typed or pasted from the notice, and its texts (task texts, quotes, the goals
paragraph) are what every report quotes back to leadership, so a dropped clause or a changed
figure must be caught. Compared after normalising what copying from a web page or a Word file
changes without changing the words: all whitespace is ignored and half-/full-width forms are made
equal (NFKC: （一）＝(一), ，＝, ; and “”＝""); invisible marks (U+200E, U+202A, a BOM) are ignored. Each difference is listed with its place in both
files and the first character that differs.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

from kjyd.errors import PlanFileError

_SAME = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "〔": "[", "〕": "]", "—": "-", "－": "-"})


def normalised(text: str) -> tuple[str, list[int]]:
    """``text`` without whitespace and with one form per character, and for each character kept
    its index in ``text`` (to give a line number in the notice)."""
    chars, where = [], []
    for index, char in enumerate(text):
        for c in unicodedata.normalize("NFKC", char).translate(_SAME):
            if not c.isspace() and unicodedata.category(c) not in ("Cc", "Cf", "Cs"):  # LRM, ZWSP, BOM…
                chars.append(c)
                where.append(index)
    return "".join(chars), where


def read_source(path: Path) -> str:
    """The notice as text: UTF-8 (with or without BOM), else GB18030 as older office files are."""
    from kjyd.draft.read import TEXT_LIMIT
    from kjyd.file_read import NOTICE, Unreadable, read_once

    try:
        data = read_once(path, NOTICE)  # a regular file (a FIFO hung check), at most 20 MB
    except Unreadable as err:
        raise PlanFileError([f"{path}: {err}"]) from None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if len(text) > TEXT_LIMIT:
            raise PlanFileError([f"{path}: 通知原文过长（{len(text):,} 字，上限 {TEXT_LIMIT:,} 字）"])
        return text
    raise PlanFileError([f"{path}: 通知原文不是 UTF-8 或 GB18030 编码的文本（请另存为 .txt）"])


def _fields(plan_text: str) -> list[tuple[tuple, str, str]]:
    """(place in the YAML, what it is, the text) for every text that must be in the notice."""
    from kjyd.plan_schema import _Loader

    loader = _Loader(plan_text)
    try:
        data = loader.get_data() or {}
    finally:
        loader.dispose()
    fields = []
    if data.get("goals_text"):
        fields.append((("goals_text",), "goals_text（主要目标）", data["goals_text"]))
    for i, headline in enumerate(data.get("headlines") or []):
        fields.append((("headlines", i, "quote"), f"主要目标 {i + 1} 的 quote", headline.get("quote", "")))
    for i, task in enumerate(data.get("tasks") or []):
        number = task.get("number", i + 1)
        fields.append((("tasks", i, "text"), f"任务 {number} 的 text", task.get("text", "")))
        for j, target in enumerate(task.get("targets") or [], 1):
            fields.append((("tasks", i, "targets", j - 1, "quote"), f"指标 {number}.{j} 的 quote", target.get("quote", "")))
    return [f for f in fields if isinstance(f[2], str) and f[2].strip()]


def source_differences(plan_text: str, plan_path: str, source_text: str, source_path: str) -> list[str]:
    """One line per text of the plan that is not in the notice, with both places and the difference."""
    from kjyd.plan_schema import _Loader, _place

    source, where = normalised(source_text)
    loader = _Loader(plan_text)
    try:
        root = loader.get_single_node()
    finally:
        loader.dispose()
    problems = []
    for loc, label, text in _fields(plan_text):
        wanted, _ = normalised(text)
        if wanted in source:
            continue
        low, high = 0, len(wanted)
        while low < high:  # the longest start of the text found in the notice
            middle = (low + high + 1) // 2
            if wanted[:middle] in source:
                low = middle
            else:
                high = middle - 1
        place = _place(plan_path, root, loc)
        if low == 0:
            problems.append(f"{place}: {label} 在通知原文中找不到（开头“{wanted[:12]}”）")
            continue
        at = source.find(wanted[:low]) + low
        line = source_text.count("\n", 0, where[min(at, len(where) - 1)]) + 1
        theirs = source[at:at + 8] or "（原文到此结束）"
        problems.append(
            f"{place}: {label} 与通知原文不一致：前{low}个字与原文 {source_path}:{line} 处一致，"
            f"之后计划文件是“{wanted[low:low + 8]}”，原文是“{theirs}”"
        )
    return problems
