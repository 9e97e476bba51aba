"""``kjyd check --source`` against real notices, and ``kjyd schema`` against the checked-in schema."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "source"
NOTICES = [
    (REPO / "data" / "plan2022.yaml", SHARED / "shaanxi-kjt-2022-work-plan.txt"),
    (REPO / "data" / "examples" / "xian2022.yaml", SHARED / "other-plans" / "xian_kjj_2022.txt"),
]


@pytest.mark.parametrize(("plan", "notice"), NOTICES, ids=["shaanxi2022", "xian2022"])
def test_shipped_plans_match_their_notices(run, plan, notice):
    if not notice.exists():
        pytest.skip(f"通知原文不在本机：{notice}")
    result = run("check", str(plan), "--source", str(notice))
    assert result.exit_code == 0, result.stderr
    assert "文字均与通知原文" in result.stdout


NOTICE = """某局2023年工作要点

主要目标：新增企业100家， 投入增长5%左右。
（一）做好工作。举办路演12场次以上，培训200人次。
"""

PLAN = """\
id: src-2023
title: 某局2023年工作要点
period: {start: 2023-01-01, end: 2023-12-31}
goals_text: 新增企业100家,投入增长5%左右。
headlines:
  - name: 投入增长
    quote: 投入增长5%左右
    value: 5
    unit: "%"
    kind: level
tasks:
  - number: 1
    title: 做好工作
    text: 举办路演12场次以上，培训300人次。
    targets:
      - name: 培训
        value: 300
        unit: 人次
        quote: 培训300人次
"""


def test_differences_are_listed_with_both_places(run, tmp_path):
    notice, plan = tmp_path / "通知.txt", tmp_path / "plan.yaml"
    notice.write_text(NOTICE, encoding="gb18030")  # an older office file
    plan.write_text(PLAN, encoding="utf-8")
    result = run("check", str(plan), "--source", str(notice))
    assert result.exit_code == 1
    lines = [line.removeprefix("错误：") for line in result.stderr.splitlines()]
    # goals_text differs only by whitespace and "," vs "，": the same words
    assert not any("goals_text" in line for line in lines)
    assert lines[0] == (f"{plan}:14:5: 任务 1 的 text 与通知原文不一致：前13个字与原文 {notice}:4 处一致，"
                        "之后计划文件是“300人次。”，原文是“200人次。”")
    assert lines[1].startswith(f"{plan}:19:") and "指标 1.1 的 quote 与通知原文不一致" in lines[1]
    assert lines[-1] == f"共 2 处与通知原文 {notice} 不一致"


def test_a_missing_notice_is_one_line(run, tmp_path):
    result = run("check", "--source", str(tmp_path / "无.txt"))
    assert result.exit_code == 1 and "找不到通知文件" in result.stderr


def test_schema_is_generated_from_the_models_and_checked_in(run):
    result = run("schema")
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    target = schema["$defs"]["TargetSpec"]["properties"]
    assert set(target["kind"]["enum"]) == {"flow", "total", "level"}
    assert "总量" in target["kind"]["description"] and "节点目标" in target["milestones"]["description"]
    assert schema["additionalProperties"] is False  # a mistyped field name is flagged by the editor
    shipped = (REPO / "data" / "plan.schema.json").read_text(encoding="utf-8")
    assert json.loads(shipped) == schema, "data/plan.schema.json is stale: run kjyd schema > data/plan.schema.json"
    for plan in ("plan2022.yaml", "examples/xian2022.yaml"):
        first = (REPO / "data" / plan).read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema=")
        assert (REPO / "data" / plan).parent.joinpath(first.split("=", 1)[1]).resolve() == REPO / "data" / "plan.schema.json"
