"""The work plan as the rest of kjyd sees it: sections, tasks, targets and headline targets.

These are plain frozen dataclasses, not pydantic models. The plan *file* is validated by the
pydantic schema in :mod:`kjyd.plan_schema`; once valid it is turned into these objects. Keeping
pydantic out of the objects every command passes around keeps pydantic (≈100 ms of imports and
schema building) off the hot path of ``kjyd status`` and ``kjyd update`` — see
:func:`kjyd.plan_loader.load_plan` for how a validated plan is reused.

Identifiers: a task target is ``"<task>.<position>"`` (``"13.5"``); a headline target that no task
carries is ``"H<position>"`` (``"H2"``). A task without quantitative targets gets an *implicit*
progress target ``"<task>.1"`` of 100 %.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from kjyd.errors import AddressNotFound
from kjyd.numerals import AddressError, format_task, parse_address

COMPARATORS = ("at_least", "about", "reach")
COMPARATOR_LABELS = {"at_least": "不少于", "about": "左右", "reach": "达到"}

IMPLICIT_NAME = "工作进度"
IMPLICIT_UNIT = "%"


def format_number(value: float | int | None) -> str:
    """Numbers as an office writes them: 200, 1200.5, 1.3万 (for round ten-thousands)."""
    if value is None:
        return "—"
    if float(value).is_integer():
        value = int(value)
        if value >= 10000 and value % 1000 == 0:
            return f"{value / 10000:g}万"
        return str(value)
    return f"{value:.4f}".rstrip("0").rstrip(".")


@dataclass(frozen=True, slots=True)
class Target:
    """One thing to count: its goal value, unit and how the notice phrases the comparison."""

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

    @property
    def is_rate(self) -> bool:
        """A growth rate (增长8%) may fall; a count or a progress percentage may not go below 0."""
        return self.unit == "%" and not self.implicit

    @property
    def label(self) -> str:
        """How a user addresses the target: 十三.5, or H2 for a headline-only target."""
        if self.task is None:
            return self.id
        return f"{format_task(self.task)}.{self.position}"

    def wording(self) -> str:
        """The target as an office writes it: 科技成果转化中试基地10个左右, 不少于200个."""
        if self.implicit:
            return "定性任务（按工作进度%填报）"
        return f"{self.name}{self.goal()}"

    def goal(self, reach: str = "") -> str:
        """The figure as the notice words it: 不少于200个, 10个左右, 2500亿元 (``reach`` + figure)."""
        amount = f"{format_number(self.value)}{self.unit}"
        if self.comparator == "at_least":
            return f"不少于{amount}"
        if self.comparator == "about":
            return f"{amount}左右"
        return f"{reach}{amount}"


@dataclass(frozen=True, slots=True)
class Task:
    number: int
    section: int
    title: str
    text: str
    targets: tuple[Target, ...]
    lead_divisions: tuple[str, ...] = ()
    support_divisions: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """十三 — how the notice numbers its tasks."""
        return format_task(self.number)

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
        return format_task(self.number)


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
    issuer: str
    document_number: str
    issued: date
    published: date
    start: date
    end: date
    goals_text: str
    sections: tuple[Section, ...]
    tasks: tuple[Task, ...]
    headlines: tuple[Headline, ...]
    extra_targets: tuple[Target, ...]
    """Headline-only targets (no task carries them)."""
    source: Path | None = None
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

    def section(self, number: int) -> Section:
        for section in self.sections:
            if section.number == number:
                return section
        raise AddressNotFound(f"计划中没有第{format_task(number)}部分（共{len(self.sections)}部分）")

    def task(self, number: int) -> Task:
        try:
            return self._by_task[number]
        except KeyError:
            raise AddressNotFound(
                f"计划中没有任务（{format_task(number)}）：任务编号为 一 至 "
                f"{format_task(max(self._by_task))}"
            ) from None

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
                f"任务（{task.label}）只有{len(task.targets)}个目标，没有 {task.label}.{position}"
            )
        return task.targets[position - 1]

    @staticmethod
    def _parse(text: str):
        try:
            return parse_address(text)
        except AddressError as err:
            raise AddressNotFound(str(err)) from None
