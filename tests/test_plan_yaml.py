"""Every usual YAML mistake is one Chinese problem at the line where it was made, with what to change.

Each case edits one line of a valid plan the way a clerk would get it wrong, and checks the line
the problem names and the hint it gives (not PyYAML's English, not a line late).
"""

from __future__ import annotations

import re

import pytest

from kjyd.errors import PlanFileError
from kjyd.plan_schema import PlanSpec, parse_plan
from kjyd.plan_yaml import FIELDS, quote_difference
from tests.test_plan_schema import VALID, line_of, replace_line


def problems_of(text: str) -> list[str]:
    with pytest.raises(PlanFileError) as info:
        parse_plan(text, "plan.yaml")
    return info.value.problems


@pytest.mark.parametrize(("old", "new", "hint"), [
    ("        unit: 家\n", "        unit： 家\n", "字段 unit 后面用了全角冒号“：”，应为半角冒号加空格“: ”"),
    ("        unit: 家\n", "        unit:　家\n", "字段 unit 的冒号后面是全角空格"),
    ("        unit: 家\n", "　      unit: 家\n", "行首有全角空格"),
    ("        unit: 家\n", "\t      unit: 家\n", "制表符（Tab）"),
    ('    unit: "%"\n', "    unit: %\n", '须加引号，如 unit: "%"'),
    ("    title: 定量任务\n", "    title: 定量任务: 第二项\n", "值中有“: ”"),
])
def test_syntax_mistake_is_reported_at_its_own_line_with_a_hint(old, new, hint):
    broken = replace_line(VALID, old, new)
    problems = problems_of(broken)
    assert len(problems) == 1, problems
    assert hint in problems[0]
    assert problems[0].startswith(f"plan.yaml:{line_of(broken, new.strip())}:")
    assert "YAML 语法错误" in problems[0] and not re.search(r"[a-z]{4,} [a-z]{4,}", problems[0])


def test_missing_dash_is_one_problem_not_one_per_field():
    broken = replace_line(VALID, "      - name: 举办路演\n", "        name: 举办路演\n")
    problems = problems_of(broken)
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"plan.yaml:{line_of(broken, 'name: 举办路演')}:")
    assert "行首缺少“- ”" in problems[0]


@pytest.mark.parametrize(("old", "new", "field"), [
    ("    text: 新增企业100家,举办路演12场次以上。\n", "    text: 新增企业100家 #举办路演12场次以上。\n", "text"),
    ("        quote: 新增企业100家\n", "        quote: 新增企业 #100家\n", "quote"),
])
def test_text_cut_at_a_comment_is_an_error(old, new, field):
    broken = replace_line(VALID, old, new)
    problems = [p for p in problems_of(broken) if "被截断" in p]
    assert len(problems) == 1
    assert problems[0].startswith(f"plan.yaml:{line_of(broken, new.strip())}:")
    assert f"{field} 在“ #”处被截断" in problems[0] and "加引号" in problems[0]


def test_hash_inside_quotes_or_a_block_is_text():
    quoted = replace_line(VALID, "    text: 新增企业100家,举办路演12场次以上。\n",
                          '    text: "新增企业100家,举办路演12场次以上。 #1"\n')
    assert parse_plan(quoted, "plan.yaml").task(2).text.endswith(" #1")
    # an end-of-line comment after a name or a number stays a comment, as in plan2022.yaml
    commented = replace_line(VALID, "      - name: 新增企业\n", "      - name: 新增企业   # 2.1\n")
    assert parse_plan(commented, "plan.yaml").target("2.1").name == "新增企业"


def test_quote_that_differs_shows_the_first_different_character():
    broken = replace_line(VALID, "        quote: 举办路演12场次以上\n", "        quote: 举办路演12场次以上，\n")
    problem = next(p for p in problems_of(broken) if "不在该任务正文中" in p)
    assert "前10个字“举办路演12场次以上”与正文一致，第11个字不同：引文是“，（全角）”，正文是“。（全角）”" in problem
    half = replace_line(VALID, "    text: 新增企业100家,举办路演12场次以上。\n", "    text: 新增企业100家，举办路演12场次以上。\n")
    half = replace_line(half, "        quote: 新增企业100家\n", "        quote: 新增企业100家,举办路演\n")
    problem = next(p for p in problems_of(half) if "不在该任务正文中" in p)
    assert "引文是“,（半角）”，正文是“，（全角）”" in problem


def test_quote_difference_at_the_start_and_at_the_end():
    assert quote_difference("乙", "甲") == "引文的第1个字“乙”就不在正文中"
    assert quote_difference("甲乙丙", "甲乙") == "前2个字“甲乙”与正文一致，第3个字不同：引文是“丙”，正文是“（正文到此结束）”"


def test_every_field_of_the_format_is_known_to_the_hints():
    from kjyd.plan_schema import HeadlineSpec, PeriodSpec, SectionSpec, TargetSpec, TaskSpec

    names = {n for model in (PlanSpec, HeadlineSpec, PeriodSpec, SectionSpec, TargetSpec, TaskSpec)
             for n in model.model_fields}
    assert names == set(FIELDS)


def test_check_prints_the_chinese_problem(run, tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text(replace_line(VALID, "        unit: 家\n", "        unit： 家\n"), encoding="utf-8")
    result = run("check", str(path))
    assert result.exit_code == 1
    assert "全角冒号" in result.stderr and "could not" not in result.stderr
