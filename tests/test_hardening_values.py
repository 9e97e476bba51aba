"""Hostile input must never produce a wrong stored value (issue #12, "Wrong values").

Each test builds its hostile input itself: racing processes, an edited hidden sheet, absurd
numbers, a backdated check-in. Everything goes through the real CLI and a real SQLite file.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests import stores
import yaml
from openpyxl import load_workbook

REPO = Path(__file__).resolve().parents[1]
BUNDLED_PLAN = REPO / "data" / "plan2022.yaml"
LEADS = {1: ["平台建设处"], 13: ["成果转化处"], 14: ["成果转化处", "高新技术处"]}


@pytest.fixture(autouse=True)
def august(monkeypatch):
    monkeypatch.setenv("KJYD_TODAY", "2022-08-05")


def _rows(db: Path) -> list[tuple]:
    return stores.query(db, "SELECT target_id, value, who, source FROM checkins ORDER BY id")


@pytest.fixture
def division_plan(tmp_path, monkeypatch) -> Path:
    data = yaml.safe_load(BUNDLED_PLAN.read_text(encoding="utf-8"))
    for task in data["tasks"]:
        task["lead_divisions"] = LEADS.get(task["number"], [])
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    monkeypatch.setenv("KJYD_PLAN", str(path))
    return path


def _template(run, tmp_path: Path, division: str) -> Path:
    folder = tmp_path / "out"
    result = run("template", "--month", "2022-07", "-o", str(folder), "--division", division, "--force")
    assert result.exit_code == 0, result.output
    return next(folder.glob(f"*_{division}.xlsx"))


def _fill_first_row(path: Path, value: object = 5) -> int:
    wb = load_workbook(path)
    ws = wb["填报表"]
    ws["G4"] = value
    wb.save(path)
    return 4


# --- racing collects -----------------------------------------------------------------------------

RACER = textwrap.dedent(
    """
    import sys
    from kjyd.cli import app

    sys.stdout.reconfigure(line_buffering=True)
    print("ready")
    sys.stdin.readline()
    code = app(sys.argv[1:], prog_name="kjyd", standalone_mode=False)
    print(f"code={code}")
    """
)


def test_eight_simultaneous_collects_of_one_file_record_it_exactly_once(run, tmp_path, db_path):
    folder = tmp_path / "out"
    assert run("template", "--month", "2022-07", "-o", str(folder)).exit_code == 0
    path = next(folder.glob("*.xlsx"))
    _fill_first_row(path)
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    procs = [
        subprocess.Popen([sys.executable, "-c", RACER, "collect", str(path)], env=env, text=True,
                         encoding="utf-8", stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(8)
    ]
    for proc in procs:
        assert proc.stdout.readline().strip() == "ready"
    for proc in procs:
        proc.stdin.write("go\n")
        proc.stdin.flush()
    outputs = [proc.communicate(timeout=120) for proc in procs]
    recorded = sum("已记录" in out for out, _ in outputs)
    refused = sum("已收取过" in out for out, _ in outputs)
    assert (recorded, refused) == (1, 7), outputs
    assert all("code=0" in out for out, _ in outputs), outputs
    assert len(_rows(db_path)) == 1


# --- impersonation ---------------------------------------------------------------------------------


def _edit_meta(path: Path, **values: str) -> None:
    wb = load_workbook(path)
    meta = wb["_kjyd"]
    for r in range(2, meta.max_row + 1):
        if meta.cell(r, 1).value in values:
            meta.cell(r, 2).value = values[meta.cell(r, 1).value]
    wb.save(path)


def test_a_file_cannot_name_another_or_an_unknown_division(run, tmp_path, db_path, division_plan):
    path = _template(run, tmp_path, "平台建设处")
    _fill_first_row(path)
    for posing, said in (("成果转化处", "!填报表!K4: 目标 1.1 不属于 成果转化处 牵头的任务"),
                         ("不存在的处", "!_kjyd: 计划中没有牵头处室 “不存在的处”")):
        _edit_meta(path, division=posing)
        result = run("collect", str(path))
        assert result.exit_code == 1
        assert said in result.stderr, result.stderr
        assert _rows(db_path) == []


def test_a_row_for_another_divisions_target_is_refused_where_it_is(run, tmp_path, db_path, division_plan):
    from kjyd.plan_loader import load_plan

    other = load_plan(division_plan).target("13.5")  # 成果转化处's target
    path = _template(run, tmp_path, "平台建设处")
    wb = load_workbook(path)
    ws, meta = wb["填报表"], wb["_kjyd"]
    ws["K4"], ws["A4"], ws["G4"] = other.id, other.label, 9
    for r in range(2, meta.max_row + 1):
        if meta.cell(r, 1).value == "targets":
            meta.cell(r, 2).value += f",{other.id}"
    wb.save(path)

    result = run("collect", str(path))
    assert result.exit_code == 1
    assert "!填报表!K4: 目标 13.5 不属于 平台建设处 牵头的任务" in result.stderr
    assert _rows(db_path) == []
    missing = json.loads(run("status", "--missing", "--month", "2022-07", "--json").stdout)
    by_name = {d["division"]: d["missing"] for d in missing["divisions"]}
    assert by_name["成果转化处"], "成果转化处 must still be missing"


# --- absurd values ---------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["9" * 308, "1e308", "1.7e308", "10000000000000000", "-1" + "0" * 20])
def test_update_refuses_absurd_magnitudes(run, db_path, typed):
    result = run("update", "H2", "--value", typed)
    assert result.exit_code == 1
    assert "inf" not in result.output and len(result.stderr) < 200
    assert _rows(db_path) == []


def test_add_cannot_push_a_value_out_of_range(run, db_path):
    assert run("update", "十三.5", "--value", "900000000000000", "--yes").exit_code == 0
    result = run("update", "十三.5", "--add", "900000000000000", "--yes")
    assert result.exit_code == 1 and "超出可记录的范围" in result.stderr
    assert len(_rows(db_path)) == 1


def test_collect_refuses_a_huge_cell_and_json_stays_standard(run, tmp_path, db_path):
    folder = tmp_path / "out"
    assert run("template", "--month", "2022-07", "-o", str(folder)).exit_code == 0
    path = next(folder.glob("*.xlsx"))
    _fill_first_row(path, 1.7e308)
    result = run("collect", str(path))
    assert result.exit_code == 1 and "G4" in result.stderr and "超出可记录的范围" in result.stderr
    assert _rows(db_path) == []

    # A value already stored by another tool must not turn into non-standard JSON.
    assert run("update", "H2", "--value", "3").exit_code == 0
    stores.execute(db_path, "UPDATE checkins SET value = ?", (float("inf"),))
    for args in (("status", "--json"), ("log", "--json"), ("show", "--json", "主要目标")):
        result = run(*args)
        text = result.stdout
        if result.exit_code == 0:
            json.loads(text, parse_constant=lambda c: pytest.fail(f"{args} wrote {c}"))
        assert "Infinity" not in text and "NaN" not in text


# --- backdated check-ins ---------------------------------------------------------------------------


@pytest.mark.parametrize("change", [["--add", "10"], ["--value", "60"]])
def test_a_backdated_check_in_says_a_later_one_decides_the_current_value(run, change):
    assert run("update", "十三.5", "--value", "50", "--date", "2022-03-31").exit_code == 0
    assert run("update", "十三.5", "--value", "100", "--date", "2022-06-30").exit_code == 0
    result = run("update", "十三.5", *change, "--date", "2022-04-30")
    assert result.exit_code == 0
    assert "2022-06-30 还有一次更晚的填报" in result.stderr and "当前值仍为 100" in result.stderr

    later = run("update", "十三.5", "--value", "120", "--date", "2022-07-31")
    assert "更晚的填报" not in later.stderr
