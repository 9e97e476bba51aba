"""A broken plan file is reported problem by problem, each at file:line:column, in Chinese."""

from __future__ import annotations

import re

import pytest

from kjyd.errors import PlanFileError
from kjyd.plan_schema import parse_plan

VALID = """\
id: demo-2023
title: 某厅2023年工作要点
short_title: 2023年工作要点
issuer: 某厅
document_number: 某发〔2023〕1号
issued: 2023-02-01
published: 2023-02-03
period:
  start: 2023-01-01
  end: 2023-12-31
goals_text: 新增企业100家,投入增长5%左右
headlines:
  - name: 新增企业
    quote: 新增企业100家
    ref: "2.1"
  - name: 投入增长
    quote: 投入增长5%左右
    value: 5
    unit: "%"
    comparator: about
sections:
  - number: 1
    title: 第一部分
  - number: 2
    title: 第二部分
tasks:
  - number: 1
    section: 1
    title: 定性任务
    text: 做好工作。
  - number: 2
    section: 2
    title: 定量任务
    text: 新增企业100家,举办路演12场次以上。
    targets:
      - name: 新增企业
        value: 100
        unit: 家
        comparator: reach
        quote: 新增企业100家
      - name: 举办路演
        value: 12
        unit: 场次
        comparator: at_least
        quote: 举办路演12场次以上
"""


def problems_of(text: str) -> list[str]:
    with pytest.raises(PlanFileError) as info:
        parse_plan(text, "plan.yaml")
    return info.value.problems


def replace_line(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def line_of(text: str, fragment: str) -> int:
    """1-based line of the first line containing fragment — where the error must point."""
    for number, line in enumerate(text.splitlines(), 1):
        if fragment in line:
            return number
    raise AssertionError(fragment)


def test_valid_plan_builds_targets_and_implicit_progress_target():
    plan = parse_plan(VALID, "plan.yaml")
    assert [t.id for t in plan.targets] == ["1.1", "2.1", "2.2", "H2"]
    implicit = plan.task(1).targets[0]
    assert implicit.implicit and implicit.value == 100 and implicit.unit == "%"
    assert plan.headline_targets()[0] is plan.target("2.1")
    assert plan.target("2.1").headline == 1
    assert plan.target("H2").task is None and plan.target("H2").is_rate


@pytest.mark.parametrize(
    ("old", "new", "at", "message"),
    [
        ("    comparator: at_least", "    comparator: more", "comparator: more", "比较方式应为"),
        ("        value: 12\n", "        value: -12\n", "value: -12", "目标值必须大于0"),
        ("        value: 100\n", "        value: 0\n", "value: 0", "目标值必须大于0"),
        ("        value: 100\n", "        value: 很多\n", "value: 很多", '"很多" 不是数字'),
        ("    section: 2\n", "    section: 7\n", "section: 7", "第 7 部分不存在"),
        ("  - number: 2\n    section: 2", "  - number: 1\n    section: 2", "- number: 1\n", "任务编号 1 重复"),
        ("  - number: 2\n    title: 第二部分", "  - number: 1\n    title: 第二部分", "- number: 1\n", "部分编号 1 重复"),
        ('    ref: "2.1"', '    ref: "2.9"', 'ref: "2.9"', '引用的目标 "2.9" 不存在'),
        ("  end: 2023-12-31", "  end: 2022-12-31", "end: 2022-12-31", "早于开始日"),
        ("  end: 2023-12-31", "  end: 2023-13-45", "end: 2023-13-45", "应为日期"),
        ("    title: 定量任务", "    titel: 定量任务", "titel:", "未知字段 titel"),
        ("        quote: 举办路演12场次以上", "        quote: 举办路演20场次", "quote: 举办路演20场次", "不在该任务正文中"),
        # Values YAML reads as something other than a finite number are not silently taken as one.
        ("        value: 12\n", "        value: true\n", "value: true", "应为数字"),
        ("        value: 12\n", "        value: .inf\n", "value: .inf", "应为有限的数字"),
        ("    value: 5\n", "    value: .nan\n", "value: .nan", "应为有限的数字"),
        ("  - number: 2\n    section: 2", "  - number: true\n    section: 2", "number: true", "应为整数"),
        # Numbers are printed as Chinese numerals, which stop at 999 (was a traceback in kjyd plan).
        ("  - number: 2\n    section: 2", "  - number: 1000\n    section: 2", "number: 1000", "不大于 999"),
        ("  - number: 2\n    title: 第二部分", "  - number: 1000\n    title: 第二部分", "number: 1000", "不大于 999"),
        # A ref is looked up by target id, so "02.01" must not pass the check and fail later.
        ('    ref: "2.1"', '    ref: "02.01"', 'ref: "02.01"', '应写作 任务号.序号'),
        ('    ref: "2.1"', '    ref: "2.0"', 'ref: "2.0"', '应写作 任务号.序号'),
    ],
)
def test_each_validation_error_is_located(old, new, at, message):
    broken = replace_line(VALID, old, new)
    problems = [p for p in problems_of(broken) if message in p]
    assert len(problems) == 1, problems_of(broken)
    problem = problems[0]
    # the line of `at` inside the replaced text (for duplicates: the second occurrence)
    position = broken.index(new) + new.index(at)
    expected_line = broken[:position].count("\n") + 1
    assert re.match(rf"plan\.yaml:{expected_line}:\d+: ", problem), problem
    assert message in problem


def test_missing_field_points_at_its_mapping():
    broken = replace_line(VALID, "    title: 定性任务\n", "")
    [problem] = problems_of(broken)
    first_task = line_of(broken, "tasks:") + 1
    assert problem.startswith(f"plan.yaml:{first_task}:")
    assert "缺少必填字段 title" in problem and "tasks[0].title" in problem


def test_every_problem_is_reported_at_once():
    broken = replace_line(VALID, "    comparator: at_least", "    comparator: more")
    broken = replace_line(broken, "        value: 100\n", "        value: abc\n")
    broken = replace_line(broken, "issued: 2023-02-01", "issued: someday")
    problems = problems_of(broken)
    assert len(problems) == 3
    lines = sorted(int(p.split(":")[1]) for p in problems)
    assert lines == sorted(
        [line_of(broken, "comparator: more"), line_of(broken, "value: abc"), line_of(broken, "issued: someday")]
    )


def test_yaml_syntax_error_is_located():
    broken = replace_line(VALID, "  - number: 2\n    title: 第二部分", "  - number: 2\n   title: [第二部分")
    [problem] = problems_of(broken)
    assert re.match(r"plan\.yaml:\d+:\d+: YAML 语法错误", problem)


def test_duplicate_key_is_an_error_not_a_silent_overwrite():
    broken = replace_line(VALID, "    title: 定性任务\n", "    title: 定性任务\n    title: 另一个标题\n")
    [problem] = problems_of(broken)
    assert problem.startswith(f"plan.yaml:{line_of(broken, 'title: 另一个标题')}:")
    assert "字段 title 重复出现" in problem


def test_headline_needs_ref_or_own_figures():
    broken = replace_line(VALID, "    value: 5\n", "")
    [problem] = problems_of(broken)
    assert "ref" in problem and "value" in problem


def test_empty_file():
    assert problems_of("") == ["plan.yaml:1:1: 计划文件是空的"]


def test_top_level_not_a_mapping():
    [problem] = problems_of("- a\n- b\n")
    assert problem.startswith("plan.yaml:1:1:") and "字段映射" in problem


@pytest.mark.parametrize("yaml_text", ["&a [*a]\n", "a: &m {b: *m}\n", "id: x\nsections: &s\n  - number: 1\n    title: *s\n"])
def test_an_alias_inside_its_own_anchor_is_a_located_error_not_a_hang(yaml_text):
    [problem] = problems_of(yaml_text)
    assert re.match(r"plan\.yaml:\d+:\d+: .*循环", problem), problem


def test_an_alias_used_elsewhere_still_works():
    text = replace_line(VALID, "    title: 定性任务", "    title: &t 定性任务")
    text = replace_line(text, "    title: 定量任务", "    title: *t")
    assert parse_plan(text, "plan.yaml").task(2).title == "定性任务"


def test_a_control_character_is_one_located_line():
    text = replace_line(VALID, "title: 某厅2023年工作要点", "title: 某厅\x072023年工作要点")
    [problem] = problems_of(text)
    assert problem.startswith(f"plan.yaml:{line_of(text, '某厅')}:") and "\n" not in problem
    assert "不允许的字符" in problem


def test_a_bad_value_with_a_line_break_is_echoed_on_one_line():
    broken = replace_line(VALID, "    comparator: at_least", '    comparator: "more\\nthan"')
    [problem] = problems_of(broken)
    assert "\n" not in problem and '"more\\nthan"' in problem
