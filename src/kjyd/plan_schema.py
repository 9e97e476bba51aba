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
from pydantic import (
    AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, WithJsonSchema, field_validator,
    model_validator,
)

from kjyd.errors import PlanFileError
from kjyd.numerals import MAX
from kjyd.plan import IMPLICIT_NAME, IMPLICIT_UNIT, Headline, Plan, Section, Target, Task
from kjyd.plan_yaml import MISSING_DASH, cut_at_comment, quote_difference, syntax_problem
from kjyd.values import HIDDEN, escaped, quoted

Comparator = Literal["at_least", "more_than", "about", "reach", "at_most"]
Kind = Literal["flow", "total", "level"]


def _no_hidden(value: str) -> str:
    """Refuse a character no plan text needs and every document would hide or choke on
    (:data:`kjyd.values.HIDDEN`: ``"\\x01"`` in a unit failed the template with a traceback; U+202E
    in a division name shows it reversed)."""
    found = HIDDEN.search(value)
    if found:
        raise ValueError(
            f"第 {found.start() + 1} 个字符是看不见的控制字符 {escaped(found.group())}（可能是从别处复制带来的），请删去"
        )
    return value


Plain = Annotated[str, AfterValidator(_no_hidden)]
Text = Annotated[str, Field(min_length=1), AfterValidator(_no_hidden)]
Number = Annotated[int, Field(strict=True, ge=1, le=MAX)]
"""Task and section numbers: printed as Chinese numerals (十三), which go up to MAX. Strict, so
``number: true`` or ``number: 3.0`` is reported instead of being read as 1 or 3."""


def _number_text(value: Any) -> Any:
    """A value written as text is read as ``kjyd update`` reads it: 1.3万, 8,700, ２５００."""
    if isinstance(value, str):
        from kjyd.errors import InputError
        from kjyd.values import parse_number

        try:
            return parse_number(value, what="目标值")
        except InputError as err:
            raise ValueError(f"{err}（可写 200、1.3万、8,700）") from None
    return value


def _values_with_unit(data: Any) -> Any:
    """``value: 1500家`` / ``baseline: 7000家``: text values may carry the target's own unit (or its
    short form), read by the same parser as ``update``; another unit is refused naming the right one."""
    if not isinstance(data, dict) or not isinstance(data.get("unit"), str):
        return data
    from kjyd.errors import InputError, UnitError
    from kjyd.values import parse_number

    data = dict(data)
    for key in ("value", "baseline"):
        if isinstance(data.get(key), str):
            try:
                data[key] = parse_number(data[key], what="目标值", unit=data["unit"])
            except UnitError as err:
                raise ValueError(f"{key}: {err}") from None
            except InputError:
                pass  # not a number at all: the field's own validator says so, at the field
    return data


Amount = Annotated[
    float,
    BeforeValidator(_number_text),
    Field(strict=True, allow_inf_nan=False),
    WithJsonSchema({"anyOf": [{"type": "number"}, {"type": "string"}]}),
]
"""A target value: a finite number, or text as ``update`` accepts it (``value: true`` is not 1,
``.inf`` is no target)."""
_REF = re.compile(r"([1-9][0-9]*)\.([1-9][0-9]*)")
Loc = tuple[str | int, ...]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _positive(value: float | None) -> float | None:
    if value is not None and value <= 0:
        raise ValueError(f"目标值必须大于0，而不是 {value:g}")
    return value


def _not_negative(value: float | None) -> float | None:
    if value is not None and value < 0:
        raise ValueError(f"基数不能为负数，而不是 {value:g}")
    return value


_D = {
    "name": "指标名称，如 新增高新技术企业",
    "value": "目标值：数字，或写作 1.3万、8,700",
    "unit": "单位，如 家、亿元、%",
    "comparator": "比较方式：at_least 不少于/以上，more_than 超过/突破，about 左右，"
    "reach 达到（默认），at_most 不超过/控制在…以内",
    "kind": "指标类型：flow 本期新增量（默认，从0累计），total 总量（需 baseline），"
    "level 水平值（比率、强度、指数、增长率，填最新值，不按序时进度评价）",
    "baseline": "总量指标（kind: total）在计划期开始时的基数",
    "milestones": "节点目标（flow/total）：日期: 截至该日应达到的累计值，如 2022-06-30: 300",
    "quote": "通知原文中写这一指标的一段话（须逐字出现在任务正文或 goals_text 中）",
}


class TargetSpec(_Strict):
    """任务中的一个量化指标。"""

    name: Text = Field(description=_D["name"])
    value: Amount = Field(description=_D["value"])
    unit: Text = Field(description=_D["unit"])
    comparator: Comparator = Field("reach", description=_D["comparator"])
    kind: Kind = Field("flow", description=_D["kind"])
    baseline: Amount | None = Field(None, description=_D["baseline"])
    milestones: dict[date, Amount] = Field({}, description=_D["milestones"])
    quote: Text = Field(description=_D["quote"])

    _check_value = field_validator("value")(_positive)
    _check_baseline = field_validator("baseline")(_not_negative)
    _with_unit = model_validator(mode="before")(_values_with_unit)


class TaskSpec(_Strict):
    """一项任务：编号、小标题、正文和其中的量化指标。"""

    number: Number = Field(description="任务编号 1、2、3…（显示为（一）或 1.，见 numbering）")
    section: Number | None = Field(None, description="所属部分的编号；计划不分部分时省略")
    title: Text = Field(description="任务小标题")
    text: Text = Field(description="小标题之后的任务正文，逐字照录通知")
    lead_divisions: list[Text] = Field([], description="牵头处室")
    support_divisions: list[Text] = Field([], description="配合处室")
    targets: list[TargetSpec] = Field([], description="量化指标；没有的任务按工作进度%填报")


class HeadlineSpec(_Strict):
    """主要目标：引用任务指标（ref），或自带目标值。"""

    name: Text = Field(description=_D["name"])
    quote: Text = Field(description="goals_text 中写这一目标的一段话（逐字）")
    ref: Plain | None = Field(None, description='同一指标在任务中的编号，如 "13.5"；有 ref 时不写 value 等')
    value: Amount | None = Field(None, description=_D["value"])
    unit: Plain | None = Field(None, description=_D["unit"])
    comparator: Comparator | None = Field(None, description=_D["comparator"])
    kind: Kind | None = Field(None, description=_D["kind"])
    baseline: Amount | None = Field(None, description=_D["baseline"])
    milestones: dict[date, Amount] = Field({}, description=_D["milestones"])

    _check_value = field_validator("value")(_positive)
    _check_baseline = field_validator("baseline")(_not_negative)
    _with_unit = model_validator(mode="before")(_values_with_unit)


class SectionSpec(_Strict):
    """通知的一个部分（一、二、……）。"""

    number: Number = Field(description="部分编号 1、2、3…（显示为 一、二、三、）")
    title: Text = Field(description="部分标题")


PERIOD_YEARS = (1900, 2199)
"""Years a plan period may lie in: any real plan, with room for date arithmetic around it."""


class PeriodSpec(_Strict):
    """计划期，任意长度（可跨年，如 2023-01-01 至 2027-12-31）。"""

    start: date = Field(description="计划期开始日 YYYY-MM-DD")
    end: date = Field(description="计划期结束日 YYYY-MM-DD")


class PlanSpec(_Strict):
    """kjyd 计划文件：一份工作要点（或规划）的数据化版本。"""

    id: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")] = Field(
        description="计划标识（英文字母、数字和 _ . -），进度数据按它归属，如 shaanxi-kjt-2022"
    )
    title: Text = Field(description="通知标题")
    short_title: Text | None = Field(None, description="简称，用于文件名和表名；默认同 title")
    issuer: Text | None = Field(None, description="发文机关")
    document_number: Text | None = Field(None, description="文号，如 陕科工发〔2022〕3号")
    issued: date | None = Field(None, description="成文/印发日期 YYYY-MM-DD")
    published: date | None = Field(None, description="发布日期 YYYY-MM-DD")
    period: PeriodSpec = Field(description="计划期")
    numbering: Literal["chinese", "arabic"] = Field(
        "chinese", description="任务编号的显示方式：chinese 显示为（十三），arabic 显示为 13.；两种写法都可输入"
    )
    goals_text: Plain = Field("", description="“主要目标”一段原文，逐字照录")
    headlines: list[HeadlineSpec] = Field([], description="主要目标，按原文顺序")
    sections: list[SectionSpec] = Field([], description="部分（一、二、……）；不分部分的计划省略")
    tasks: list[TaskSpec] = Field([], description="任务；只有主要目标的计划可省略")


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
    "literal_error": "应为 {expected} 之一",
    "greater_than_equal": "应为不小于 {ge} 的数",
    "less_than_equal": "应为不大于 {le} 的数",
    "finite_number": "应为有限的数字",
    "too_short": "至少需要 {min_length} 项",
    "string_pattern_mismatch": "只能包含英文字母、数字和 _ . -",
}


_CHOICES = {
    "comparator": "比较方式应为 at_least（不少于/以上）、more_than（超过/突破）、about（左右）、"
    "reach（达到）或 at_most（不超过/控制在…以内）",
    "kind": "指标类型应为 flow（本期新增量）、total（总量，需 baseline）或 level（水平值：比率、强度、指数、增长率）",
    "numbering": "编号方式应为 chinese（（十三））或 arabic（13.）",
}


def _message(error: dict[str, Any]) -> str:
    kind = error["type"]
    if kind == "value_error":
        return str(error["ctx"]["error"])
    field = error["loc"][-1] if error["loc"] else ""
    template = _MESSAGES.get(kind)
    if kind == "literal_error" and field in _CHOICES:
        template = _CHOICES[field]
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
            first = node.value[0][0].value if node.value else None
            for key, value in node.value:
                m = key.start_mark
                if key.value == first and key.value in seen:
                    # the item's first field again: a new list item whose "- " is missing; one
                    # problem for the item, not one per field it repeats
                    problems.append(f"{path}:{m.line + 1}:{m.column + 1}: {MISSING_DASH.format(key=key.value)}")
                    seen = {key.value}
                elif key.value in seen:
                    problems.append(f"{path}:{m.line + 1}:{m.column + 1}: 字段 {key.value} 重复出现")
                seen.add(key.value)
                stack.append((value, False))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((child, False) for child in node.value)
    return problems


def _target_checks(target: TargetSpec | HeadlineSpec, loc: Loc, period: PeriodSpec) -> list[tuple[Loc, str]]:
    """A target's kind, baseline and milestones agree with each other and with the plan period."""
    problems: list[tuple[Loc, str]] = []
    kind = target.kind or "flow"
    if kind == "total":
        if target.baseline is None:
            problems.append((loc, "总量指标（kind: total）需要 baseline：计划期开始时的基数，如 baseline: 7000"))
        elif target.value is not None and target.baseline == target.value:
            problems.append((loc + ("baseline",), "基数 baseline 与目标值相同，无从计算进度"))
        elif target.value is not None and target.value < target.baseline and target.comparator != "at_most":
            problems.append(
                (loc, "目标值低于基数（压减类总量指标）时 comparator 应为 at_most（降至/控制在…以内）")
            )
    elif target.baseline is not None:
        problems.append(
            (loc + ("baseline",), f"只有总量指标（kind: total）才有 baseline；本指标是 {kind}")
        )
    if not target.milestones:
        return problems
    if kind == "level":
        problems.append(
            (loc + ("milestones",), "水平值指标（kind: level）不按序时进度评价，不能设节点目标 milestones")
        )
        return problems
    if target.value is None:
        return problems
    start = target.baseline if kind == "total" and target.baseline is not None else 0.0
    rising = target.value >= start
    previous = start
    for day, value in sorted(target.milestones.items()):
        where = loc + ("milestones", day.isoformat())
        if not period.start <= day <= period.end:
            problems.append((where, f"节点日期 {day} 不在计划期（{period.start} 至 {period.end}）内"))
        between = (previous <= value <= target.value) if rising else (target.value <= value <= previous)
        if not between:
            problems.append(
                (where, f"节点 {day} 的累计值 {value:g} 应介于前一节点（或起点）{previous:g} 与目标值 "
                 f"{target.value:g} 之间")
            )
        previous = value
    return problems


def _structure_checks(spec: PlanSpec) -> list[tuple[Loc, str]]:
    """At least something to track; sections either used by every task or by none."""
    problems: list[tuple[Loc, str]] = []
    if not spec.headlines and not spec.tasks:
        problems.append(((), "计划至少需要一项主要目标（headlines）或一项任务（tasks）"))
    section_numbers: set[int] = set()
    for i, section in enumerate(spec.sections):
        if section.number in section_numbers:
            problems.append((("sections", i, "number"), f"部分编号 {section.number} 重复"))
        section_numbers.add(section.number)
    for i, task in enumerate(spec.tasks):
        if task.section is None and spec.sections:
            problems.append((("tasks", i), f"任务 {task.number} 缺少 section（所属部分的编号）"))
        elif task.section is not None and task.section not in section_numbers:
            problems.append(
                (("tasks", i, "section"), f"任务 {task.number} 所属的第 {task.section} 部分不存在")
            )
    return problems


EXPANSION_LIMIT = 200_000
"""Most nodes (mappings, lists, values, counting a value's every 1,000 characters) the plan may
expand to once its aliases are followed. The bundled plan has about 1,000; nine levels of aliases
in a 35 KB file (``title: *j``) would expand to billions, which took 102 s and 3 GB before failing."""


def _alias_budget(root: yaml.Node, path: str) -> None:
    """Refuse aliases that expand the plan beyond :data:`EXPANSION_LIMIT`, naming the anchor.

    Sizes are computed once per node (an alias is the same node object at several places), so the
    check itself costs no more than the file. Runs after :func:`_duplicate_keys` has refused cycles.
    """
    size: dict[int, int] = {}
    uses: dict[int, int] = {}
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        if done:
            children = _children(node)
            size[id(node)] = 1 + sum(size[id(child)] for child in children)
            if size[id(node)] > EXPANSION_LIMIT:
                anchor = max((c for c in children if uses.get(id(c), 0) > 1), key=lambda c: size[id(c)], default=None)
                if anchor is None and not any(n > 1 for n in uses.values()):  # big as written, no alias
                    raise PlanFileError([
                        f"{path}: 计划文件内容过多（超过 {EXPANSION_LIMIT:,} 项），不像是一份工作计划"
                    ])
                m = (anchor or node).start_mark
                raise PlanFileError([
                    f"{path}:{m.line + 1}:{m.column + 1}: 别名（*）展开后内容过多（超过 {EXPANSION_LIMIT:,} 项），"
                    "请直接写出内容，不要层层引用锚点（&）"
                ])
            continue
        if id(node) in size:
            continue
        if isinstance(node, yaml.ScalarNode):
            size[id(node)] = 1 + len(node.value) // 1000
            continue
        stack.append((node, True))
        for child in _children(node):
            uses[id(child)] = uses.get(id(child), 0) + 1
            if id(child) not in size:
                stack.append((child, False))


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _cross_checks(spec: PlanSpec) -> list[tuple[Loc, str]]:
    """Problems that span several entries and so are invisible to a single model's validators."""
    problems: list[tuple[Loc, str]] = []
    if spec.period.end < spec.period.start:
        problems.append(
            (("period", "end"), f"计划期结束日 {spec.period.end} 早于开始日 {spec.period.start}")
        )
    for field in ("start", "end"):  # 0001…9999 passed, then date arithmetic overflowed in show/export
        day = getattr(spec.period, field)
        if not PERIOD_YEARS[0] <= day.year <= PERIOD_YEARS[1]:
            problems.append((("period", field), f"计划期日期 {day} 不在 {PERIOD_YEARS[0]} 至 {PERIOD_YEARS[1]} 年之间"))
    problems += _structure_checks(spec)

    task_numbers: dict[int, TaskSpec] = {}
    for i, task in enumerate(spec.tasks):
        if task.number in task_numbers:
            problems.append((("tasks", i, "number"), f"任务编号 {task.number} 重复"))
        task_numbers.setdefault(task.number, task)
        for j, target in enumerate(task.targets):
            problems += _target_checks(target, ("tasks", i, "targets", j), spec.period)
            if target.quote not in task.text:
                problems.append(
                    (("tasks", i, "targets", j, "quote"),
                     f'引文 "{target.quote}" 不在该任务正文中：{quote_difference(target.quote, task.text)}')
                )

    for i, headline in enumerate(spec.headlines):
        if headline.quote not in spec.goals_text:
            problems.append((
                ("headlines", i, "quote"),
                f'引文 "{headline.quote}" 不在 goals_text 中：{quote_difference(headline.quote, spec.goals_text)}',
            ))
        own = {
            "value": headline.value, "unit": headline.unit, "comparator": headline.comparator,
            "kind": headline.kind, "baseline": headline.baseline,
            "milestones": headline.milestones or None,
        }
        if headline.ref is None:
            if headline.value is None or headline.unit is None:
                problems.append(
                    (("headlines", i), "主要目标需要 ref（引用任务目标，如 \"13.5\"），或给出 value 和 unit")
                )
            else:
                problems += _target_checks(headline, ("headlines", i), spec.period)
            continue
        written = [name for name, v in own.items() if v is not None]
        if written:
            problems.append(
                (("headlines", i, "ref"),
                 f"有 ref 的主要目标不能再写 {'、'.join(written)}（引用即可，这些写在被引用的任务目标上）")
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


def _number(v: float | None) -> float | int | None:
    if v is None:
        return None
    return int(v) if float(v).is_integer() else v


def _target(spec: TargetSpec | HeadlineSpec, numbering: str, **where: Any) -> Target:
    return Target(
        name=spec.name,
        value=_number(spec.value),
        unit=spec.unit,
        comparator=spec.comparator or "reach",
        quote=spec.quote,
        kind=spec.kind or "flow",
        baseline=_number(spec.baseline),
        milestones=tuple((d, _number(v)) for d, v in sorted(spec.milestones.items())),
        numbering=numbering,
        **where,
    )


def _build(spec: PlanSpec, source: Path | None) -> Plan:
    numbering = spec.numbering
    headline_of = {h.ref: i for i, h in enumerate(spec.headlines, 1) if h.ref}
    tasks = []
    for t in sorted(spec.tasks, key=lambda t: t.number):
        targets = tuple(
            _target(g, numbering, id=f"{t.number}.{j}", task=t.number, position=j,
                    headline=headline_of.get(f"{t.number}.{j}"))
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
                numbering=numbering,
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
                numbering=numbering,
            )
        )
    extra = []
    headlines = []
    for i, h in enumerate(spec.headlines, 1):
        if h.ref is None:
            extra.append(_target(h, numbering, id=f"H{i}", task=None, position=None, headline=i))
        headlines.append(Headline(i, h.name, h.quote, h.ref or f"H{i}"))
    sections = tuple(
        Section(s.number, s.title, tuple(t.number for t in tasks if t.section == s.number))
        for s in sorted(spec.sections, key=lambda s: s.number)
    )
    return Plan(
        id=spec.id,
        title=spec.title,
        short_title=spec.short_title or spec.title,
        issuer=spec.issuer or "",
        document_number=spec.document_number or "",
        issued=spec.issued,
        published=spec.published,
        numbering=numbering,
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
        problems = _duplicate_keys(root, path) + cut_at_comment(root, text, path)
        _alias_budget(root, path)
        data = loader.construct_document(root)
    except yaml.MarkedYAMLError as err:
        raise PlanFileError([syntax_problem(err, text, path)]) from None
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


def json_schema() -> str:
    """The plan format as JSON Schema, from the models above (their Chinese descriptions), so the
    editor's completion and checks can never disagree with ``kjyd check``."""
    import json

    schema = PlanSpec.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "kjyd 计划文件"
    return json.dumps(schema, ensure_ascii=False, indent=2)
