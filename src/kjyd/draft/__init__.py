"""``kjyd draft``: from a notice (通知) to a plan file that passes ``kjyd check``.

Three steps, one module each: :mod:`.read` turns .txt/.docx/.html/.pdf into paragraphs;
:mod:`.extract` (with :mod:`.targets`) finds the metadata, goals, sections, tasks and targets;
:mod:`.write` renders plan YAML with a ``# 请核对：`` comment on every guess. All of it is rule-based
and deterministic — the same notice always gives the same file, with no network and no model.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from kjyd.draft.extract import draft_from_text
from kjyd.draft.model import Draft
from kjyd.draft.read import read_with_warnings
from kjyd.draft.targets import QUANTITY, half_width
from kjyd.draft.write import counts, render
from kjyd.errors import NoticeError


@dataclass
class DraftResult:
    draft: Draft
    yaml_text: str
    reviews: int

    @property
    def warnings(self) -> list[str]:
        """Doubts about the reading itself (not about one field), for the terminal too."""
        return self.draft.notes.get("source", [])


def draft_notice(path: Path) -> DraftResult:
    """Read the notice at ``path`` and draft its plan; raises :class:`NoticeError` when it has neither
    tasks nor goals to track."""
    text, warnings = read_with_warnings(path)
    return draft_text(text, path.name, warnings)


QUANTITY_LIMIT = 3000
"""Most numbers with a unit a notice may contain (the 2022 notice has about 60, a five-year plan a
few hundred). Each becomes a target with its review comments; 200,000 of them (a 2.4 MB line of
``新增1000家、``) took 91 s and 1.4 GB and gave a plan too large to check."""


def draft_text(text: str, source_name: str, warnings: list[str] | None = None) -> DraftResult:
    found = sum(1 for _ in islice(QUANTITY.finditer(half_width(text)), QUANTITY_LIMIT + 1))
    if found > QUANTITY_LIMIT:
        raise NoticeError(
            f"{source_name}: 带单位的数字超过 {QUANTITY_LIMIT:,} 处，不像是一份工作要点；"
            "请只保留通知和计划正文后再试"
        )
    draft = draft_from_text(text)
    for warning in warnings or []:
        draft.note("source", warning)
    if not draft.tasks and not draft.headlines:
        raise NoticeError(
            f"{source_name}: 没有找到编号的任务（如 （一）、1.）或带数字的主要目标，无法生成计划草稿"
        )
    yaml_text, reviews = render(draft, source_name)
    return DraftResult(draft, yaml_text, reviews)


__all__ = ["DraftResult", "counts", "draft_notice", "draft_text"]
