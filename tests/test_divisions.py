"""Divisions (处室): grouping tasks, per-division workbooks, and the monthly reminder list.

The bundled plan names no division (the notice lists none), so most tests here use a copy of
plan2022.yaml with lead divisions filled in for a few tasks, the way an office would after the
分工方案 is issued.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest

from tests import stores
import yaml
from hypothesis import given
from hypothesis import strategies as st

from kjyd.divisions import (
    UNASSIGNED,
    division_targets,
    missing_report,
    safe_filename,
    tasks_by_division,
    template_divisions,
)
from kjyd.entries import Entry
BUNDLED_PLAN = Path(__file__).resolve().parents[1] / "data" / "plan2022.yaml"

LEADS = {1: ["平台建设处"], 13: ["成果转化处"], 14: ["成果转化处", "高新技术处"]}
SUPPORT = {13: ["政策法规处"]}


@pytest.fixture
def division_plan_file(tmp_path) -> Path:
    data = yaml.safe_load(BUNDLED_PLAN.read_text(encoding="utf-8"))
    for task in data["tasks"]:
        task["lead_divisions"] = LEADS.get(task["number"], [])
        task["support_divisions"] = SUPPORT.get(task["number"], [])
    path = tmp_path / "plan_divisions.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture
def division_plan(division_plan_file):
    from kjyd.plan_loader import load_plan

    return load_plan(division_plan_file)


def _entry(target_id: str, day: date, *, value=1.0, withdrawn=False, n=[0]) -> Entry:
    n[0] += 1
    stamp = datetime(2022, 8, 1)
    return Entry(
        id=n[0], plan_id="shaanxi-kjt-2022", target_id=target_id, date=day, value=value,
        note="", who="某处", recorded_at=stamp, withdrawn_at=stamp if withdrawn else None,
    )


# --- grouping ---------------------------------------------------------------------------------


def test_bundled_plan_has_every_task_unassigned(plan):
    groups = tasks_by_division(plan)
    assert list(groups) == [UNASSIGNED]
    assert len(groups[UNASSIGNED]) == 32
    assert template_divisions(plan) == [UNASSIGNED]


def test_lead_divisions_group_tasks_in_plan_order(division_plan):
    groups = tasks_by_division(division_plan)
    assert list(groups) == ["平台建设处", "成果转化处", "高新技术处", UNASSIGNED]
    assert [t.number for t in groups["成果转化处"]] == [13, 14]
    assert [t.number for t in groups["高新技术处"]] == [14]  # two lead divisions: both report it
    assert len(groups[UNASSIGNED]) == 29
    assert 13 not in {t.number for t in groups[UNASSIGNED]}


def test_headline_only_target_goes_with_unassigned(division_plan):
    assert "H2" in [t.id for t in division_targets(division_plan, UNASSIGNED)]
    assert [t.id for t in division_targets(division_plan, "成果转化处")][:5] == [
        "13.1", "13.2", "13.3", "13.4", "13.5"
    ]


def test_unknown_division_is_refused_with_the_choices(division_plan):
    from kjyd.errors import InputError

    with pytest.raises(InputError, match="成果转化处"):
        division_targets(division_plan, "不存在处")


@given(st.text(min_size=0, max_size=30))
def test_safe_filename_never_contains_path_or_windows_forbidden_characters(name):
    cleaned = safe_filename(name)
    assert cleaned
    assert not set(cleaned) & set('\\/:*?"<>|')
    assert all(ord(c) >= 32 for c in cleaned)
    assert not cleaned.startswith(" ") and not cleaned.endswith((".", " "))


def test_safe_filename_keeps_chinese_names():
    assert safe_filename("成果转化处") == "成果转化处"
    assert safe_filename("产学研/合作处") == "产学研_合作处"


# --- missing report ---------------------------------------------------------------------------


def test_missing_report_counts_any_target_and_ignores_withdrawn(division_plan):
    july = date(2022, 7, 15)
    entries = [
        _entry("13.2", july),               # one target of task 13 is enough
        _entry("1.1", july, withdrawn=True),  # withdrawn: counts for nothing
        _entry("14.3", july, value=None),    # a note-only check-in is a report too
    ]
    report = missing_report(division_plan, entries)
    assert [t.number for t in report["平台建设处"]] == [1]
    assert report["成果转化处"] == []
    assert report["高新技术处"] == []
    assert len(report[UNASSIGNED]) == 29


# --- CLI --------------------------------------------------------------------------------------


def test_plan_by_division_lists_unassigned_for_the_bundled_plan(run):
    result = run("plan", "--by-division")
    assert result.exit_code == 0
    assert f"{UNASSIGNED}（牵头32项）" in result.stdout
    assert "（十三）促进科技成果转化" in result.stdout


def test_plan_by_division_lists_each_division(run, division_plan_file):
    result = run("--plan", str(division_plan_file), "plan", "--by-division")
    assert result.exit_code == 0
    out = result.stdout
    assert "成果转化处（牵头2项）" in out
    assert "高新技术处（牵头1项）" in out
    assert "配合：政策法规处" in out
    assert f"{UNASSIGNED}（牵头29项）" in out
    assert out.index("成果转化处") < out.index(UNASSIGNED)


def test_template_writes_one_workbook_per_lead_division(run, division_plan_file, tmp_path):
    out = tmp_path / "out"
    result = run("--plan", str(division_plan_file), "template", "--month", "2022-07", "-o", str(out))
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(
        f"2022年科技工作要点_2022-07_填报表_{d}.xlsx"
        for d in ["平台建设处", "成果转化处", "高新技术处", UNASSIGNED]
    )


def test_template_rows_are_the_divisions_targets(run, division_plan_file, tmp_path):
    from openpyxl import load_workbook

    result = run(
        "--plan", str(division_plan_file), "template", "--month", "2022-07",
        "--division", "成果转化处", "-o", str(tmp_path),
    )
    assert result.exit_code == 0, result.output
    wb = load_workbook(tmp_path / "2022年科技工作要点_2022-07_填报表_成果转化处.xlsx")
    ws = wb["填报表"]
    # target rows only (填报人/联系电话/处室负责人 follow the table, with no target id in K)
    labels = [ws.cell(r, 1).value for r in range(4, ws.max_row + 1) if ws.cell(r, 11).value]
    assert labels[:5] == ["十三.1", "十三.2", "十三.3", "十三.4", "十三.5"]
    assert labels[5:] == [f"十四.{i}" for i in range(1, len(labels) - 4)]
    row = labels.index("十三.1") + 4
    assert ws.cell(row, 3).value == "布局建设科技成果转化中试基地10个左右"
    meta = {wb["_kjyd"].cell(r, 1).value: wb["_kjyd"].cell(r, 2).value for r in range(2, 7)}
    assert meta["division"] == "成果转化处"
    assert meta["month"] == "2022-07"
    assert meta["plan_id"] == "shaanxi-kjt-2022"


def test_template_unknown_division_is_an_error(run, tmp_path):
    result = run("template", "--month", "2022-07", "--division", "科技处", "-o", str(tmp_path))
    assert result.exit_code == 1
    assert "没有牵头处室 “科技处”" in result.stderr
    assert UNASSIGNED in result.stderr
    assert list(tmp_path.glob("*.xlsx")) == []


def test_template_shows_the_last_recorded_value(run, tmp_path, monkeypatch):
    monkeypatch.setenv("KJYD_TODAY", "2022-08-05")
    assert run("update", "十三.5", "--value", "800", "--date", "2022-06-30").exit_code == 0
    assert run("template", "--month", "2022-07", "-o", str(tmp_path)).exit_code == 0
    from openpyxl import load_workbook

    ws = load_workbook(next(tmp_path.glob("*.xlsx")))["填报表"]
    row = next(r for r in range(4, ws.max_row + 1) if ws.cell(r, 11).value == "13.5")
    assert ws.cell(row, 5).value == 800
    assert ws.cell(row, 6).value.date() == date(2022, 6, 30)
    # Excel shows an integer under "#,##0.####" as "800." — a stray point in a figure
    assert ws.cell(row, 5).number_format == "#,##0"
    assert ws.cell(row, 7).number_format == "General"


def test_template_rows_show_the_whole_given_text(run, tmp_path, monkeypatch):
    """Neither Excel nor LibreOffice grows a row on opening: wrapped text needs a row height."""
    from openpyxl import load_workbook

    from kjyd.render.xlsx.template import COLUMNS, HEADER_ROW
    from kjyd.render.xlsx.style import LINE_POINTS, lines_needed

    monkeypatch.setenv("KJYD_TODAY", "2022-08-05")
    assert run("template", "--month", "2022-07", "-o", str(tmp_path)).exit_code == 0
    ws = load_workbook(next(tmp_path.glob("*.xlsx")))["填报表"]
    assert ws.row_dimensions[HEADER_ROW].height >= 2 * LINE_POINTS  # 本月累计完成（请填写）
    for r in range(HEADER_ROW + 1, ws.max_row + 1):
        lines = max(lines_needed(ws.cell(r, c).value, COLUMNS[c - 1][1]) for c in range(1, 7))
        height = ws.row_dimensions[r].height
        if lines > 1:  # e.g. （七）实施产业共性技术和“卡脖子”技术攻关
            assert height is not None and height >= lines * LINE_POINTS, r
        else:  # left to Excel, which grows the row as a long note is typed
            assert height is None, r


def test_status_missing_before_and_after_reports(run, division_plan_file, monkeypatch):
    monkeypatch.setenv("KJYD_TODAY", "2022-08-05")
    plan_args = ("--plan", str(division_plan_file))
    before = run(*plan_args, "status", "--missing", "--month", "2022-07")
    assert before.exit_code == 0, before.output
    assert "成果转化处：2项未填报" in before.stdout
    assert "（十三）促进科技成果转化" in before.stdout

    # A June check-in does not count for July; a July one does.
    assert run(*plan_args, "update", "十三.5", "--value", "800", "--date", "2022-06-30").exit_code == 0
    assert run(*plan_args, "update", "十三.2", "--value", "5", "--date", "2022-07-20").exit_code == 0
    after = run(*plan_args, "status", "--missing", "--month", "2022-07")
    assert "成果转化处：1项未填报" in after.stdout
    section = after.stdout.split("成果转化处：")[1].split("\n\n")[0]
    assert "（十三）" not in section and "（十四）" in section

    data = json.loads(run(*plan_args, "status", "--missing", "--month", "2022-06", "--json").stdout)
    by_division = {d["division"]: d["missing"] for d in data["divisions"]}
    assert data["month"] == "2022-06"
    assert [t["task"] for t in by_division["成果转化处"]] == ["十四"]


def test_status_missing_rejects_a_month_outside_the_plan(run):
    result = run("status", "--missing", "--month", "2023-01")
    assert result.exit_code == 1
    assert "不在计划期内" in result.stderr


def test_division_round_trip_template_collect_missing(run, division_plan_file, tmp_path, monkeypatch, db_path):
    """The office's month: send workbooks, collect one division's, see who is still to report."""
    from openpyxl import load_workbook

    monkeypatch.setenv("KJYD_TODAY", "2022-08-05")
    plan_args = ("--plan", str(division_plan_file))
    assert run(*plan_args, "template", "--month", "2022-07", "-o", str(tmp_path)).exit_code == 0
    path = tmp_path / "2022年科技工作要点_2022-07_填报表_成果转化处.xlsx"
    wb = load_workbook(path)
    ws = wb["填报表"]
    row = next(r for r in range(4, ws.max_row + 1) if ws[f"K{r}"].value == "14.3")
    ws[f"G{row}"], ws[f"H{row}"] = 620, "新增高企620家"
    wb.save(path)

    result = run(*plan_args, "collect", str(path))
    assert result.exit_code == 0, result.output
    assert stores.query(db_path, "SELECT target_id, value, who FROM checkins") == [("14.3", 620.0, "成果转化处")]
    missing = run(*plan_args, "status", "--missing", "--month", "2022-07").stdout
    assert "成果转化处：1项未填报\n  （十三）促进科技成果转化" in missing
    # task 14 has two lead divisions: 成果转化处's workbook does not clear 高新技术处 (issue #13)
    assert "高新技术处：1项未填报\n  （十四）" in missing
    assert "平台建设处：1项未填报" in missing
