"""Headline targets pointing at the task targets that carry the same figure."""

from __future__ import annotations

import re

from kjyd.draft.model import Draft
from kjyd.draft.targets import Found

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
