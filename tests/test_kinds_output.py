"""Every output speaks the kinds: status, show, plan, export, template, collect and --json.

Driven through the CLI with real plan files (the Xi'an example in data/examples and small plans
written here), a real SQLite file and real workbooks read back with openpyxl.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

REPO = Path(__file__).resolve().parents[1]
XIAN = REPO / "data" / "examples" / "xian2022.yaml"

NODES = """\
id: nodes-2022
title: 某厅2022年工作要点
period:
  start: 2022-01-01
  end: 2022-12-31
sections:
  - number: 1
    title: 企业培育
tasks:
  - number: 1
    section: 1
    title: 培育企业
    text: 新增高新技术企业1500家，高新技术企业总数达到8700家。
    lead_divisions: [高新处]
    targets:
      - name: 新增高新技术企业
        value: 1500
        unit: 家
        quote: 新增高新技术企业1500家
        milestones:
          2022-06-30: 300
          2022-09-30: 800
      - name: 高新技术企业总数
        value: 8700
        unit: 家
        kind: total
        baseline: 7000
        quote: 高新技术企业总数达到8700家
  - number: 2
    section: 1
    title: 统计总数
    text: 科技型中小企业总数达到2万家。
    lead_divisions: [统计处]
    targets:
      - name: 科技型中小企业总数
        value: 2万
        unit: 家
        kind: total
        baseline: 15000
        quote: 科技型中小企业总数达到2万家
"""


@pytest.fixture
def nodes(tmp_path, monkeypatch):
    monkeypatch.setenv("KJYD_TODAY", "2022-08-05")
    path = tmp_path / "nodes.yaml"
    path.write_text(NODES, encoding="utf-8")
    return str(path)


def test_xian_example_passes_check_and_tracks_its_kinds(run, monkeypatch):
    monkeypatch.setenv("KJYD_TODAY", "2022-07-05")
    plan = str(XIAN)
    assert run("check", plan).exit_code == 0
    for target, value in (("H1", "7600"), ("H3", "5.2"), ("H4", "1.2"), ("H5", "1300")):
        assert run("--plan", plan, "update", target, "--value", value, "--date", "2022-06-30").exit_code == 0
    data = json.loads(run("--plan", plan, "status", "--as-of", "2022-06-30", "--json").stdout)
    by_id = {t["id"]: t for t in data["targets"]}
    # 600 of 1700 from the start stock (35.3 %) against 49.6 %: behind — not "87 %, ahead"
    assert (by_id["H1"]["kind"], by_id["H1"]["baseline"], by_id["H1"]["state"]) == ("total", 7000, "慢于序时")
    assert by_id["H1"]["percent"] == pytest.approx(35.29, abs=0.01)
    assert (by_id["H3"]["state"], by_id["H4"]["state"]) == ("已完成", "未达标")
    assert by_id["H3"]["expected_percent"] is None
    assert by_id["H2"]["target"] == 10000 and by_id["H2"]["comparator"] == "more_than"
    status = run("--plan", plan, "status", "--as-of", "2022-06-30").stdout
    assert "7项主要目标中" in status and "未达标1项" in status
    assert "期初7000家" in status and "超过2200亿元" in status and "5%以上" in status
    assert "当前值" in status  # the value column of flows, a total and levels together


def test_status_and_show_give_the_node_and_the_targets_own_pacing(run, nodes, monkeypatch):
    monkeypatch.setenv("COLUMNS", "160")
    assert run("--plan", nodes, "update", "1.1", "--value", "400", "--date", "2022-06-30").exit_code == 0
    status = run("--plan", nodes, "status", "--as-of", "2022-06-30").stdout
    assert "节点：6月底 300家，9月底 800家（序时 20.0%）" in status
    show = run("--plan", nodes, "show", "1", "--as-of", "2022-06-30").stdout
    assert "序时" in show and "20%" in show  # 1.1's own curve
    assert "快于序时" in show               # 400 against the node 300, not against 744
    assert "期初7000家" in show


def test_export_has_each_targets_own_pacing_and_the_node_text(run, nodes, tmp_path):
    assert run("--plan", nodes, "update", "1.1", "--value", "400", "--date", "2022-06-30").exit_code == 0
    out = tmp_path / "out.xlsx"
    assert run("--plan", nodes, "export", "--month", "2022-06", "-o", str(out)).exit_code == 0
    ws = load_workbook(out)["推进情况"]
    headers = [c.value for c in ws[3]]
    goal, pacing = headers.index("量化目标") + 1, headers.index("序时进度") + 1
    assert "当前值" in headers  # flows and totals together
    assert ws.cell(4, goal).value == "新增高新技术企业1500家\n节点：6月底 300家，9月底 800家"
    assert ws.cell(4, pacing).value == pytest.approx(0.2)
    assert ws.cell(5, goal).value == "高新技术企业总数8700家\n期初7000家"
    assert ws.cell(5, pacing).value == pytest.approx(181 / 365, abs=1e-4)


def test_template_asks_for_the_current_total_and_collect_reads_it(run, nodes, tmp_path, db_path):
    folder = tmp_path / "out"
    assert run("--plan", nodes, "template", "--month", "2022-07", "-o", str(folder)).exit_code == 0
    totals = next(folder.glob("*统计处.xlsx"))
    wb = load_workbook(totals)
    ws = wb["填报表"]
    assert ws["G3"].value == "本月当前总数（请填写）"
    assert "当前总数" in ws["A2"].value
    assert ws["C4"].value == "科技型中小企业总数20,000家\n填当前总数；期初15,000家"
    mixed = load_workbook(next(folder.glob("*高新处.xlsx")))["填报表"]
    assert mixed["G3"].value == "本月数值（请填写）"
    ws["G4"] = "1.7万"
    filled = tmp_path / "filled.xlsx"
    wb.save(filled)
    result = run("--plan", nodes, "collect", str(filled))
    assert result.exit_code == 0, result.stderr
    data = json.loads(run("--plan", nodes, "status", "--as-of", "2022-07-31", "--json").stdout)
    row = next(t for t in data["targets"] if t["id"] == "2.1")
    assert row["value"] == 17000 and row["percent"] == pytest.approx(40.0)
