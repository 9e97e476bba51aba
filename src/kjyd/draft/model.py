"""What ``kjyd draft`` found in a notice, before it is written as plan YAML.

Each guess carries its reason as a note (``notes`` on the object, or ``Draft.notes`` by field
name); the writer turns every note into a ``# 请核对：`` comment.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from kjyd.draft.targets import Found


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
