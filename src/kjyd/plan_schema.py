"""The plan file format: pydantic models, cross-checks, and errors located at ``file:line:column``.

This is the single definition of what a valid plan YAML file is. ``extra="forbid"`` everywhere, so a
mistyped key is an error rather than silently ignored. Problems are collected, never raised one at a
time, so a user fixes a broken file in one pass: first every structural problem pydantic finds,
then (once the structure is sound) every cross-reference problem (duplicates, a task in no section,
a headline pointing at no target, a quote that is not in the text).

Locations come from the YAML node tree (``yaml.compose`` keeps each node's start mark): a pydantic
error's ``loc`` is followed through mapping keys and sequence indexes down to the node that caused it.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from kjyd.errors import PlanFileError
from kjyd.numerals import MAX
from kjyd.plan import IMPLICIT_NAME, IMPLICIT_UNIT, Headline, Plan, Section, Target, Task
from kjyd.values import quoted

Comparator = Literal["at_least", "about", "reach"]
Text = Annotated[str, Field(min_length=1)]
Number = Annotated[int, Field(strict=True, ge=1, le=MAX)]
"""Task and section numbers: printed as Chinese numerals (十三), which go up to MAX. Strict, so
``number: true`` or ``number: 3.0`` is reported instead of being read as 1 or 3."""
Amount = Annotated[float, Field(strict=True, allow_inf_nan=False)]
"""A target value: a finite number as written (``value: true`` is not 1, ``.inf`` is no target)."""
_REF = re.compile(r"([1-9][0-9]*)\.([1-9][0-9]*)")
Loc = tuple[str | int, ...]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _positive(value: float | None) -> float | None:
    if value is not None and value <= 0:
        raise ValueError(f"目标值必须大于0，而不是 {value:g}")
    return value


class TargetSpec(_Strict):
    name: Text
    value: Amount
    unit: Text
    comparator: Comparator
    quote: Text

    _check_value = field_validator("value")(_positive)


class TaskSpec(_Strict):
    number: Number
    section: Number
    title: Text
    text: Text
    lead_divisions: list[Text] = []
    support_divisions: list[Text] = []
    targets: list[TargetSpec] = []


class HeadlineSpec(_Strict):
    name: Text
    quote: Text
    ref: str | None = None
    value: Amount | None = None
    unit: str | None = None
    comparator: Comparator | None = None

    _check_value = field_validator("value")(_positive)


class SectionSpec(_Strict):
    number: Number
    title: Text


class PeriodSpec(_Strict):
    start: date
    end: date


class PlanSpec(_Strict):
    id: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")]
    title: Text
    short_title: Text
    issuer: Text
    document_number: Text
    issued: date
    published: date
    period: PeriodSpec
    goals_text: str = ""
    headlines: list[HeadlineSpec] = []
    sections: list[SectionSpec] = Field(min_length=1)
    tasks: list[TaskSpec] = Field(min_length=1)


# Chinese messages per pydantic error *type* (never by matching English text).
_MESSAGES = {
    "missing": "缺少必填字段 {field}",
    "extra_forbidden": "未知字段 {field}（字段名拼写错误？）",
    "string_type": "应为文本",
    "string_too_short": "不能为空",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数",
    "float_type": "应为数字",
    "float_parsing": "应为数字",
    "bool_type": "应为 true 或 false",
    "list_type": "应为列表（每项以 - 开头）",
    "model_type": "应为字段映射（键: 值）",
    "model_attributes_type": "应为字段映射（键: 值）",
    "dict_type": "应为字段映射（键: 值）",
    "date_type": "应为日期，格式 YYYY-MM-DD",
    "date_parsing": "应为日期，格式 YYYY-MM-DD",
    "date_from_datetime_parsing": "应为日期，格式 YYYY-MM-DD",
    "date_from_datetime_inexact": "应为日期，不含时间",
    "literal_error": "比较方式应为 at_least（不少于/以上）、about（左右）或 reach（达到）",
    "greater_than_equal": "应为不小于 {ge} 的数",
    "less_than_equal": "应为不大于 {le} 的数",
    "finite_number": "应为有限的数字",
    "too_short": "至少需要 {min_length} 项",
    "string_pattern_mismatch": "只能包含英文字母、数字和 _ . -",
}


def _message(error: dict[str, Any]) -> str:
    kind = error["type"]
    if kind == "value_error":
        return str(error["ctx"]["error"])
    field = error["loc"][-1] if error["loc"] else ""
    template = _MESSAGES.get(kind)
    if template is None:
        return error["msg"]
    message = template.format(field=field, **error.get("ctx", {}))
    if kind not in {"missing", "extra_forbidden"} and "input" in error:
        message += f"，而不是 {quoted(error['input'])}"
    return message


def _node_at(root: yaml.Node, loc: Loc) -> yaml.Node:
    """The node a pydantic ``loc`` points at, or its nearest existing ancestor.

    When the last step is a mapping key, the key node is returned: a message about field ``x``
    belongs on the line that says ``x:`` (for a block scalar the value starts a line later).
    """
    node, key_node = root, None
    for step in loc:
        key_node = None
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if key.value == step:
                    node, key_node = value, key
                    break
            else:
                return node
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
            node = node.value[step]
        else:
            return node
    return key_node or node


def _place(path: str, root: yaml.Node | None, loc: Loc) -> str:
    if root is None:
        return f"{path}:1:1"
    node = _node_at(root, loc)
    mark = node.start_mark
    return f"{path}:{mark.line + 1}:{mark.column + 1}"


def _duplicate_keys(root: yaml.Node, path: str) -> list[str]:
    """PyYAML keeps the last of two equal keys silently; a plan file must not lose a line that way.

    A YAML alias (``*name``) makes a node appear at several places. Each node is checked once, and
    an alias inside the very thing it names (``&a [*a]``) is refused: it describes an endless
    structure, and walking or validating it would never finish.
    """
    problems = []
    on_path: set[int] = set()  # the nodes between the root and the one being looked at
    checked: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, leaving = stack.pop()
        if leaving:
            on_path.discard(id(node))
            checked.add(id(node))
            continue
        if id(node) in on_path:
            m = node.start_mark
            raise PlanFileError(
                [f"{path}:{m.line + 1}:{m.column + 1}: 此处的锚点（&）在其自身内部被别名（*）引用，形成循环，无法读取"]
            )
        if id(node) in checked:
            continue
        on_path.add(id(node))
        stack.append((node, True))
        if isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            for key, value in node.value:
                if key.value in seen:
                    m = key.start_mark
                    problems.append(f"{path}:{m.line + 1}:{m.column + 1}: 字段 {key.value} 重复出现")
                seen.add(key.value)
                stack.append((value, False))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((child, False) for child in node.value)
    return problems


def _cross_checks(spec: PlanSpec) -> list[tuple[Loc, str]]:
    """Problems that span several entries and so are invisible to a single model's validators."""
    problems: list[tuple[Loc, str]] = []
    if spec.period.end < spec.period.start:
        problems.append(
            (("period", "end"), f"计划期结束日 {spec.period.end} 早于开始日 {spec.period.start}")
        )

    section_numbers: set[int] = set()
    for i, section in enumerate(spec.sections):
        if section.number in section_numbers:
            problems.append((("sections", i, "number"), f"部分编号 {section.number} 重复"))
        section_numbers.add(section.number)

    task_numbers: dict[int, TaskSpec] = {}
    for i, task in enumerate(spec.tasks):
        if task.number in task_numbers:
            problems.append((("tasks", i, "number"), f"任务编号 {task.number} 重复"))
        task_numbers.setdefault(task.number, task)
        if task.section not in section_numbers:
            problems.append(
                (("tasks", i, "section"), f"任务 {task.number} 所属的第 {task.section} 部分不存在")
            )
        for j, target in enumerate(task.targets):
            if target.quote not in task.text:
                problems.append(
                    (("tasks", i, "targets", j, "quote"), f'引文 "{target.quote}" 不在该任务正文中')
                )

    for i, headline in enumerate(spec.headlines):
        if headline.quote not in spec.goals_text:
            problems.append((("headlines", i, "quote"), f'引文 "{headline.quote}" 不在 goals_text 中'))
        own = (headline.value, headline.unit, headline.comparator)
        if headline.ref is None:
            if None in own:
                problems.append(
                    (("headlines", i), "主要目标需要 ref（引用任务目标，如 \"13.5\"），或同时给出 value、unit、comparator")
                )
            continue
        if any(v is not None for v in own):
            problems.append(
                (("headlines", i, "ref"), "有 ref 的主要目标不能再写 value、unit、comparator（引用即可）")
            )
        # Written exactly as the target's id ("13.5", not "13.05"): it is looked up by that id.
        ref = _REF.fullmatch(headline.ref)
        task = task_numbers.get(int(ref.group(1))) if ref else None
        if ref is None:
            problems.append(
                (("headlines", i, "ref"), f'引用 "{headline.ref}" 应写作 任务号.序号，如 "13.5"')
            )
        elif task is None or not int(ref.group(2)) <= len(task.targets):
            problems.append((("headlines", i, "ref"), f'引用的目标 "{headline.ref}" 不存在'))
    return problems


def _build(spec: PlanSpec, source: Path | None) -> Plan:
    def number(v: float) -> float | int:
        return int(v) if float(v).is_integer() else v

    headline_of = {h.ref: i for i, h in enumerate(spec.headlines, 1) if h.ref}
    tasks = []
    for t in sorted(spec.tasks, key=lambda t: t.number):
        targets = tuple(
            Target(
                id=f"{t.number}.{j}",
                task=t.number,
                position=j,
                name=g.name,
                value=number(g.value),
                unit=g.unit,
                comparator=g.comparator,
                quote=g.quote,
                headline=headline_of.get(f"{t.number}.{j}"),
            )
            for j, g in enumerate(t.targets, 1)
        ) or (
            Target(
                id=f"{t.number}.1",
                task=t.number,
                position=1,
                name=IMPLICIT_NAME,
                value=100,
                unit=IMPLICIT_UNIT,
                comparator="reach",
                implicit=True,
            ),
        )
        tasks.append(
            Task(
                number=t.number,
                section=t.section,
                title=t.title,
                text=t.text,
                targets=targets,
                lead_divisions=tuple(t.lead_divisions),
                support_divisions=tuple(t.support_divisions),
            )
        )
    extra = []
    headlines = []
    for i, h in enumerate(spec.headlines, 1):
        if h.ref is None:
            extra.append(
                Target(
                    id=f"H{i}",
                    task=None,
                    position=None,
                    name=h.name,
                    value=number(h.value),
                    unit=h.unit,
                    comparator=h.comparator,
                    quote=h.quote,
                    headline=i,
                )
            )
        headlines.append(Headline(i, h.name, h.quote, h.ref or f"H{i}"))
    sections = tuple(
        Section(s.number, s.title, tuple(t.number for t in tasks if t.section == s.number))
        for s in sorted(spec.sections, key=lambda s: s.number)
    )
    return Plan(
        id=spec.id,
        title=spec.title,
        short_title=spec.short_title,
        issuer=spec.issuer,
        document_number=spec.document_number,
        issued=spec.issued,
        published=spec.published,
        start=spec.period.start,
        end=spec.period.end,
        goals_text=spec.goals_text,
        sections=sections,
        tasks=tuple(tasks),
        headlines=tuple(headlines),
        extra_targets=tuple(extra),
        source=source,
    )


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """Safe loader (libyaml when available) that leaves dates as text.

    PyYAML's own date constructor raises a bare ValueError on 2023-13-45; handing the text to
    pydantic instead gives a located, Chinese "应为日期" like every other field.
    """


_Loader.add_constructor("tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node))


def parse_plan(text: str, path: str, source: Path | None = None) -> Plan:
    """Validate plan YAML ``text`` (named ``path`` in messages) and build the :class:`Plan`.

    Raises :class:`PlanFileError` listing every problem as ``path:line:column: 说明``.
    """
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            raise PlanFileError([f"{path}:1:1: 计划文件是空的"])
        problems = _duplicate_keys(root, path)
        data = loader.construct_document(root)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else f"{path}:1:1"
        raise PlanFileError([f"{where}: YAML 语法错误：{err.problem or err}"]) from None
    except yaml.reader.ReaderError as err:  # a character YAML does not allow, e.g. NUL
        line = text.count("\n", 0, err.position) + 1
        column = err.position - text.rfind("\n", 0, err.position)
        raise PlanFileError(
            [f"{path}:{line}:{column}: 计划文件中有不允许的字符 {ascii(chr(err.character))}（控制字符）"]
        ) from None
    except yaml.YAMLError as err:
        first_line = str(err).splitlines()[0] if str(err) else type(err).__name__
        raise PlanFileError([f"{path}:1:1: YAML 语法错误：{first_line}"]) from None
    finally:
        loader.dispose()

    try:
        spec = PlanSpec.model_validate(data)
    except ValidationError as err:
        problems += [
            f"{_place(path, root, e['loc'])}: {_describe_loc(e['loc'])}{_message(e)}"
            for e in err.errors(include_url=False)
        ]
        raise PlanFileError(problems) from None
    problems += [f"{_place(path, root, loc)}: {message}" for loc, message in _cross_checks(spec)]
    if problems:
        raise PlanFileError(problems)
    return _build(spec, source)


def _describe_loc(loc: Loc) -> str:
    """``tasks[3].targets[0].value`` — so the message is clear even without opening the file."""
    if not loc:
        return ""
    out = ""
    for step in loc:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else step)
    return out + "："
