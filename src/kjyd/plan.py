"""The work plan as the rest of kjyd sees it: sections, tasks, targets and headline targets.

These are plain frozen dataclasses, not pydantic models. The plan *file* is validated by the
pydantic schema in :mod:`kjyd.plan_schema`; once valid it is turned into these objects. Keeping
pydantic out of the objects every command passes around keeps pydantic (≈100 ms of imports and
schema building) off the hot path of ``kjyd status`` and ``kjyd update`` — see
:func:`kjyd.plan_loader.load_plan` for how a validated plan is reused.

Identifiers: a task target is ``"<task>.<position>"`` (``"13.5"``); a headline target that no task
carries is ``"H<position>"`` (``"H2"``). A task without quantitative targets gets an *implicit*
progress target ``"<task>.1"`` of 100 %.

The vocabulary (kinds, comparators, milestones, numbering) is the lead's plan format
(coord FORMAT.md, README "计划文件格式"): a target is a *flow* (amount achieved in the period,
cumulative from 0), a *total* (a stock that starts at ``baseline``) or a *level* (a ratio, index or
growth rate: its latest estimate, never paced).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from kjyd.errors import AddressNotFound
from kjyd.numerals import AddressError, format_task, parse_address

COMPARATORS = ("at_least", "more_than", "about", "reach", "at_most")
COMPARATOR_LABELS = {
    "at_least": "不少于", "more_than": "超过", "about": "左右", "reach": "达到", "at_most": "不超过",
}
"""The default word of each comparator; :func:`goal_words` prefers the notice's own word."""

KINDS = ("flow", "total", "level")
KIND_LABELS = {"flow": "累计完成", "total": "当前总数", "level": "最新值"}
"""What a check-in of each kind is: the word for the value column (status, template, collect)."""

NUMBERINGS = ("chinese", "arabic")


def value_label(targets: Iterable["Target"]) -> str:
    """The value column's word for these targets: their kind's (累计完成…) if all share one, else 当前值."""
    labels = {t.value_label for t in targets}
    return labels.pop() if len(labels) == 1 else "当前值"

# For each comparator, (word in the quote, how the goal is then written): the first word found in
# the quote wins, so 培训200人次以上 is shown 200人次以上 and 控制在5%以内 is shown 控制在5%以内.
_NOTICE_WORDS: dict[str, tuple[tuple[str, str], ...]] = {
    "at_least": (("以上", "{a}以上"), ("不少于", "不少于{a}"), ("不低于", "不低于{a}"), ("", "不少于{a}")),
    "more_than": (("突破", "突破{a}"), ("超过", "超过{a}"), ("超", "超{a}"), ("", "超过{a}")),
    "about": (("", "{a}左右"),),
    "at_most": (("以内", "控制在{a}以内"), ("以下", "{a}以下"), ("不高于", "不高于{a}"), ("", "不超过{a}")),
}
IMPLICIT_NAME = "工作进度"
IMPLICIT_UNIT = "%"


def format_number(value: float | int | None) -> str:
    """Every number one way: all its digits, grouped by thousands from 10,000 up (2500, 12,500, 8,100,000).

    Not 1.3万: a table that shows 1.3万 next to 12500 (万 only for round values) reads as two
    scales, and 810万亿元 stacks two magnitudes. Four-digit numbers stay ungrouped (2500亿元),
    as the notices write them. Typed input may still use 万 and commas (:func:`kjyd.values.parse_number`).
    """
    if value is None:
        return "—"
    number = float(value)
    grouped = abs(number) >= 10000
    if number.is_integer():
        return f"{int(number):,}" if grouped else str(int(number))
    return (f"{number:,.4f}" if grouped else f"{number:.4f}").rstrip("0").rstrip(".")


def task_label(number: int, numbering: str = "chinese") -> str:
    """A task or section number as the plan prints it: 十三 (``chinese``) or 13 (``arabic``)."""
    return str(number) if numbering == "arabic" else format_task(number)


@dataclass(frozen=True, slots=True)
class Target:
    """One thing to count: its goal value, unit, kind and how the notice phrases the comparison."""

    id: str
    task: int | None
    position: int | None
    name: str
    value: float | int
    unit: str
    comparator: str
    quote: str = ""
    headline: int | None = None
    implicit: bool = False
    kind: str = "flow"
    baseline: float | int | None = None
    """Stock at the start of the period (``total`` only)."""
    milestones: tuple[tuple[date, float | int], ...] = ()
    """节点目标: (date, expected cumulative value), in date order (``flow``/``total`` only)."""
    numbering: str = "chinese"

    @property
    def is_rate(self) -> bool:
        """A level (增长8%, a ratio) may fall below 0; a count or a progress percentage may not."""
        return self.kind == "level" or (self.unit == "%" and not self.implicit)

    @property
    def paced(self) -> bool:
        """Judged against 序时进度 (flows and totals); a level is judged by its comparator only."""
        return self.kind != "level"

    @property
    def start_value(self) -> float | int:
        """Where the expected curve starts: 0 for a flow, the baseline for a total."""
        return self.baseline if self.kind == "total" and self.baseline is not None else 0

    @property
    def value_label(self) -> str:
        """累计完成 / 当前总数 / 最新值: what a check-in of this target reports."""
        return KIND_LABELS.get(self.kind, KIND_LABELS["flow"])

    @property
    def label(self) -> str:
        """How a user addresses the target: 十三.5 (13.5 in an arabic-numbered plan), or H2."""
        if self.task is None:
            return self.id
        return f"{task_label(self.task, self.numbering)}.{self.position}"

    def wording(self) -> str:
        """The target as an office writes it: 科技成果转化中试基地10个左右, 不少于200个."""
        if self.implicit:
            return "定性任务（按工作进度%填报）"
        return f"{self.name}{self.goal()}"

    def goal(self, reach: str = "") -> str:
        """The figure as the notice words it: 不少于200个, 超过2200亿元, 10个左右, 控制在5%以内,
        2500亿元 (``reach`` + figure for 达到)."""
        return goal_words(self.comparator, f"{format_number(self.value)}{self.unit}", self.quote, reach)

    def notes(self, *, level: bool = True) -> str:
        """What a reader needs besides the wording: 期初7000家 (total), 填最新值 (a level, unless
        ``level=False``), the nodes. Empty for a plain flow."""
        parts = []
        if self.kind == "total" and self.baseline is not None:
            parts.append(f"期初{format_number(self.baseline)}{self.unit}")
        if self.kind == "level" and level:
            parts.append("填最新值，不按序时进度评价")
        if self.milestones:
            parts.append(self.milestone_text())
        return "；".join(parts)

    def described(self) -> str:
        """The wording, and on a second line its :meth:`notes` — for spreadsheet cells."""
        notes = self.notes()
        return f"{self.wording()}\n{notes}" if notes else self.wording()

    def milestone_text(self) -> str:
        """节点：6月底 300家，9月底 800家 — empty without milestones."""
        if not self.milestones:
            return ""
        parts = [f"{_month_end(d)} {format_number(v)}{self.unit}" for d, v in self.milestones]
        return "节点：" + "，".join(parts)


def _month_end(day: date) -> str:
    """6月底 for a month's last day, else 6月15日 (the year only where it is not obvious is left out)."""
    import calendar

    if day.day == calendar.monthrange(day.year, day.month)[1]:
        return f"{day.month}月底"
    return f"{day.month}月{day.day}日"


def goal_words(comparator: str, amount: str, quote: str = "", reach: str = "") -> str:
    """``amount`` with the comparator in the notice's own word (see :data:`_NOTICE_WORDS`)."""
    for word, shape in _NOTICE_WORDS.get(comparator, ()):
        if word in quote:
            return shape.format(a=amount)
    return f"{reach}{amount}"


@dataclass(frozen=True, slots=True)
class Task:
    number: int
    section: int | None
    """None in a plan without sections (tasks numbered 1. 2. … straight through)."""
    title: str
    text: str
    targets: tuple[Target, ...]
    lead_divisions: tuple[str, ...] = ()
    support_divisions: tuple[str, ...] = ()
    numbering: str = "chinese"

    @property
    def label(self) -> str:
        """十三 — how the notice numbers its tasks (13 in an arabic-numbered plan)."""
        return task_label(self.number, self.numbering)

    @property
    def heading(self) -> str:
        """（十三） or 13. — the number as it stands before the task's title in the notice."""
        return f"{self.number}." if self.numbering == "arabic" else f"（{self.label}）"

    @property
    def qualitative(self) -> bool:
        return self.targets[0].implicit


@dataclass(frozen=True, slots=True)
class Section:
    number: int
    title: str
    tasks: tuple[int, ...]

    @property
    def label(self) -> str:
        """Sections are 一、二、 in both numberings (Xi'an 2023: 一、 + 1.)."""
        return format_task(self.number)

    @property
    def heading(self) -> str:
        """五、加快科技成果转化和科技企业孵化 — as the notice prints it."""
        return f"{self.label}、{self.title}"


@dataclass(frozen=True, slots=True)
class Headline:
    """One of the 主要目标; ``target_id`` points at a task target or at its own ``H<n>`` target."""

    position: int
    name: str
    quote: str
    target_id: str


@dataclass(frozen=True)
class Plan:
    id: str
    title: str
    short_title: str
    start: date
    end: date
    goals_text: str
    sections: tuple[Section, ...]
    tasks: tuple[Task, ...]
    headlines: tuple[Headline, ...]
    extra_targets: tuple[Target, ...]
    """Headline-only targets (no task carries them)."""
    source: Path | None = None
    issuer: str = ""
    document_number: str = ""
    """文号 (陕科工发〔2022〕3号); "" when the notice has none."""
    issued: date | None = None
    published: date | None = None
    numbering: str = "chinese"
    _by_task: dict[int, Task] = field(init=False, repr=False, compare=False)
    _by_id: dict[str, Target] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_task", {t.number: t for t in self.tasks})
        object.__setattr__(
            self, "_by_id", {target.id: target for target in self.targets}
        )

    @property
    def targets(self) -> tuple[Target, ...]:
        """Every target once: task targets in plan order, then headline-only targets."""
        return tuple(t for task in self.tasks for t in task.targets) + self.extra_targets

    def headline_targets(self) -> list[Target]:
        """The eight 主要目标 in the notice's order, each resolved to the target that carries it."""
        return [self._by_id[h.target_id] for h in self.headlines]

    def meanings(self) -> dict[str, tuple[str, str]]:
        """``{target id: (name, unit)}`` — what a check-in of each id means (the ledger keeps it)."""
        return {t.id: (t.name, t.unit) for t in self.targets}

    @property
    def heading(self) -> str:
        """Title with 文号 when the notice has one: 某某工作要点（陕科工发〔2022〕3号）."""
        return f"{self.title}（{self.document_number}）" if self.document_number else self.title

    def groups(self) -> list[tuple[str, tuple[Task, ...]]]:
        """Tasks as the notice groups them: ("五、加快…", its tasks) per section, or one untitled
        group when the plan has no sections (tasks numbered straight through)."""
        if not self.sections:
            return [("", self.tasks)] if self.tasks else []
        return [(s.heading, tuple(self._by_task[n] for n in s.tasks)) for s in self.sections]

    def section_heading(self, task: Task) -> str:
        """五、加快科技成果转化和科技企业孵化 — or "" for a task in a plan without sections."""
        return "" if task.section is None else self.section(task.section).heading

    def section(self, number: int) -> Section:
        for section in self.sections:
            if section.number == number:
                return section
        raise AddressNotFound(f"计划中没有第{format_task(number)}部分（共{len(self.sections)}部分）")

    def task(self, number: int) -> Task:
        try:
            return self._by_task[number]
        except KeyError:
            if not self._by_task:
                raise AddressNotFound("本计划没有任务，只有主要目标：请用 H1、H2… 填报") from None
            first, last = (self._by_task[n].heading for n in (min(self._by_task), max(self._by_task)))
            missing = f"{number}." if self.numbering == "arabic" else f"（{format_task(number)}）"
            raise AddressNotFound(f"计划中没有任务{missing}：任务编号为 {first} 至 {last}") from None

    def target(self, target_id: str) -> Target:
        try:
            return self._by_id[target_id]
        except KeyError:
            raise AddressNotFound(f"计划中没有目标 {target_id}") from None

    def find_task(self, text: str) -> Task:
        """A task named as users write it: 十三, （十三）, 第十三, 13."""
        address = self._parse(text)
        if address.task is None or address.position is not None:
            raise AddressNotFound(f'"{text}" 不是任务编号：应写作 十三、（十三）或 13')
        return self.task(address.task)

    def resolve(self, text: str) -> Target:
        """A target named as users write it: 十三 (its first target), 十三.2, 13.2, H2."""
        address = self._parse(text)
        if address.headline is not None:
            if not 1 <= address.headline <= len(self.headlines):
                raise AddressNotFound(
                    f"主要目标只有{len(self.headlines)}项，没有 H{address.headline}"
                )
            return self._by_id[self.headlines[address.headline - 1].target_id]
        task = self.task(address.task)
        position = address.position or 1
        if position > len(task.targets):
            raise AddressNotFound(
                f"任务{task.heading}只有{len(task.targets)}个目标，没有 {task.label}.{position}"
            )
        return task.targets[position - 1]

    @staticmethod
    def _parse(text: str):
        try:
            return parse_address(text)
        except AddressError as err:
            raise AddressNotFound(str(err)) from None
