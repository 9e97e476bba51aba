"""Plans shaped unlike the 2022 notice: only 主要目标, tasks without sections, tasks numbered 1. 2.

Each is written as a plan file and driven through the CLI, as a user with their own plan would.
"""

from __future__ import annotations

import json

import pytest

HEADLINE_ONLY = """\
id: city-2024
title: 某市2024年科技创新主要目标
period:
  start: 2024-01-01
  end: 2024-12-31
goals_text: 全社会研发投入强度保持在5%以上，高新技术企业总数达到8700家。
headlines:
  - name: 全社会研发投入强度
    quote: 全社会研发投入强度保持在5%以上
    value: 5
    unit: "%"
    comparator: at_least
    kind: level
  - name: 高新技术企业总数
    quote: 高新技术企业总数达到8700家
    value: 8,700
    unit: 家
    kind: total
    baseline: 7000
"""

ARABIC_NO_SECTIONS = """\
id: province-2022
title: 某省科技厅2022年工作要点
numbering: arabic
period:
  start: 2022-01-01
  end: 2022-12-31
tasks:
  - number: 1
    title: 推进成果转化
    text: 技术合同成交额突破1500亿元。
    targets:
      - name: 技术合同成交额
        value: 1500
        unit: 亿元
        comparator: more_than
        quote: 技术合同成交额突破1500亿元
  - number: 2
    title: 加强机关建设
    text: 做好各项工作。
"""


@pytest.fixture
def plan_file(tmp_path):
    def write(text: str):
        path = tmp_path / "plan.yaml"
        path.write_text(text, encoding="utf-8")
        return str(path)

    return write


def test_headline_only_plan_is_checked_tracked_and_reported(run, plan_file):
    path = plan_file(HEADLINE_ONLY)
    checked = run("--plan", path, "check")
    assert checked.exit_code == 0, checked.stderr
    assert "0项任务" in checked.stdout and "2项主要目标" in checked.stdout
    assert run("--plan", path, "update", "H1", "--value", "5.2", "--date", "2024-03-31").exit_code == 0
    assert run("--plan", path, "update", "H2", "--value", "7600", "--date", "2024-03-31").exit_code == 0
    result = run("--plan", path, "status", "--as-of", "2024-03-31")
    assert result.exit_code == 0, result.stderr
    assert "2项主要目标中，已完成1项" in result.stdout
    assert "不少于5%" not in result.stdout or "5%以上" in result.stdout
    data = json.loads(run("--plan", path, "status", "--as-of", "2024-03-31", "--json").stdout)
    states = {t["id"]: t["state"] for t in data["targets"]}
    # 600 of 1700 by the end of March (35 %) against a linear 24.9 %: ahead
    assert states == {"H1": "已完成", "H2": "快于序时"}
    assert data["tasks"] == []
    missing = run("--plan", path, "show", "一")
    assert missing.exit_code == 1 and "没有任务" in missing.stderr


def test_plan_lists_a_headline_only_plan(run, plan_file):
    result = run("--plan", plan_file(HEADLINE_ONLY), "plan")
    assert result.exit_code == 0
    assert "H1" in result.stdout and "5%以上" in result.stdout


def test_plan_without_sections_and_arabic_numbering(run, plan_file):
    path = plan_file(ARABIC_NO_SECTIONS)
    listed = run("--plan", path, "plan")
    assert listed.exit_code == 0, listed.stderr
    assert "1.推进成果转化" in listed.stdout and "2.加强机关建设" in listed.stdout
    assert "（一）" not in listed.stdout
    assert "突破1500亿元" in listed.stdout
    # addressed either way: 1.1, 一.1, 2, 二
    assert run("--plan", path, "update", "一.1", "--value", "800", "--date", "2022-06-30").exit_code == 0
    assert run("--plan", path, "update", "2.", "--value", "40", "--date", "2022-06-30").exit_code == 0
    shown = run("--plan", path, "show", "1", "--as-of", "2022-06-30")
    assert shown.exit_code == 0, shown.stderr
    assert "1.推进成果转化" in shown.stdout
    status = run("--plan", path, "status", "--as-of", "2022-06-30")
    assert status.exit_code == 0, status.stderr
    assert "1.1" in status.stdout and "一.1" not in status.stdout and "（一）" not in status.stdout
    section = run("--plan", path, "status", "--section", "一")
    assert section.exit_code == 1 and "不分部分" in section.stderr
    exported = run("--plan", path, "export", "--month", "2022-06", "-o", path + ".xlsx")
    assert exported.exit_code == 0, exported.stderr


def test_sections_either_for_every_task_or_for_none(run, plan_file):
    text = ARABIC_NO_SECTIONS.replace("tasks:\n", "sections:\n  - number: 1\n    title: 一部分\ntasks:\n", 1)
    result = run("check", plan_file(text))
    assert result.exit_code == 1
    assert "缺少 section" in result.stderr


def test_a_plan_with_nothing_to_track_is_refused(run, plan_file):
    text = "id: x\ntitle: 空计划\nperiod:\n  start: 2024-01-01\n  end: 2024-12-31\n"
    result = run("check", plan_file(text))
    assert result.exit_code == 1
    assert "至少需要一项主要目标（headlines）或一项任务（tasks）" in result.stderr


def test_metadata_is_optional_and_short_title_defaults_to_title(plan_file):
    from pathlib import Path

    from kjyd.plan_loader import load_plan

    plan = load_plan(Path(plan_file(HEADLINE_ONLY)), use_cache=False)
    assert plan.short_title == plan.title
    assert (plan.issuer, plan.document_number, plan.issued, plan.published) == ("", "", None, None)
    assert plan.heading == plan.title  # no empty （） for a missing 文号


def test_multi_year_plan(run, plan_file):
    text = HEADLINE_ONLY.replace("2024-12-31", "2027-12-31").replace("id: city-2024", "id: city-2024-2027")
    path = plan_file(text)
    assert run("--plan", path, "update", "H2", "--value", "7500", "--date", "2024-12-31").exit_code == 0
    data = json.loads(run("--plan", path, "status", "--as-of", "2024-12-31", "--json").stdout)
    h2 = next(t for t in data["targets"] if t["id"] == "H2")
    assert h2["expected_percent"] == pytest.approx(round(366 / 1461 * 100, 2))
    assert h2["state"] == "符合序时"  # 500 of 1700 (29.4 %) against 25.1 %
