"""Text from the plan file or a division never becomes a formula or a path (issue #12, "Injection").

The hostile plan here puts formula-like text in every place the plan feeds into a file: the short
title (also a file name), section and task titles, target names and units, division names.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook

from kjyd.render.cell_text import CELL_LIMIT, FORMULA_STARTS, csv_text
from tests import stores

REPO = Path(__file__).resolve().parents[1]
BUNDLED_PLAN = REPO / "data" / "plan2022.yaml"
EVIL = '=HYPERLINK("http://x.invalid","点我")'


@pytest.fixture(autouse=True)
def august(monkeypatch):
    monkeypatch.setenv("KJYD_TODAY", "2022-08-05")


@pytest.fixture
def hostile_plan(tmp_path, monkeypatch) -> Path:
    data = yaml.safe_load(BUNDLED_PLAN.read_text(encoding="utf-8"))
    data["short_title"] = "../../=1+1_"
    data["sections"][0]["title"] = "=SUM(1,2)"
    task = data["tasks"][12]  # 十三: quantitative targets
    task["lead_divisions"] = [EVIL]
    task["title"] = "+cmd|' /C calc'!A0"
    task["targets"][0]["name"] = "=1+2"
    task["targets"][0]["unit"] = "-个"
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    monkeypatch.setenv("KJYD_PLAN", str(path))
    return path


def _formula_cells(path: Path) -> list[str]:
    wb = load_workbook(path)
    return [f"{ws.title}!{c.coordinate}={c.value!r}" for ws in wb.worksheets
            for row in ws.iter_rows() for c in row if c.data_type == "f"]


def test_plan_text_never_becomes_a_formula_in_export_or_template(run, tmp_path, hostile_plan):
    assert run("update", "十三.1", "--value", "3", "--date", "2022-07-15", "--note", "=1+1 进展", "--by", "@SUM(A1)").exit_code == 0
    out = tmp_path / "out"
    out.mkdir()
    export = run("export", "--month", "2022-07", "-o", str(out))
    assert export.exit_code == 0, export.output
    template = run("template", "--month", "2022-07", "-o", str(out))
    assert template.exit_code == 0, template.output

    files = sorted(out.iterdir())
    assert len(files) >= 3 and all(f.parent == out for f in files)  # nothing written elsewhere
    assert not (tmp_path / "=1+1_推进情况表_2022-07.xlsx").exists()
    for path in files:
        assert "/" not in path.name and "\\" not in path.name and not path.name.startswith(".")
        assert _formula_cells(path) == [], path.name
    texts = {c.value for f in files for ws in load_workbook(f).worksheets for row in ws.iter_rows() for c in row}
    assert "=1+2" in texts and "-个" in texts and EVIL in texts  # shown as typed

    mine = next(f for f in files if "填报表" in f.name and "HYPERLINK" in f.name)
    wb = load_workbook(mine)
    ws = wb["填报表"]
    ws["G4"] = 5
    wb.save(mine)
    result = run("collect", str(mine))  # the division's name survives the round trip as text
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_csv_text_fields_are_never_evaluated(run, tmp_path, db_path, start):
    assert run("update", "十三.1", "--value", "3", "--date", "2022-07-15").exit_code == 0
    # kjyd strips; collect or other tools may not
    stores.execute(db_path, "UPDATE checkins SET note = ?, problems = ?, next_steps = '@计划'",
                   (f"{start}2+5 进展", f"{start}x"))
    out = tmp_path / "t.csv"
    assert run("export", "--month", "2022-07", "-o", str(out)).exit_code == 0
    rows = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"), newline="")))
    fields = [field for row in rows[1:] for field in row]
    assert f"'{start}x" in fields and "'@计划" in fields
    # only our own numbers may start with "-", never text
    assert all(not f.startswith(FORMULA_STARTS) or f.lstrip("-").replace(".", "").isdigit() for f in fields)


def test_csv_field_is_held_to_excels_cell_limit():
    assert len(csv_text("进" * 40_018)) == CELL_LIMIT
    assert "共40018字" in csv_text("进" * 40_018)
    assert csv_text("普通文字") == "普通文字"


def test_export_of_a_long_note_stays_within_excels_limit_in_csv(run, tmp_path, db_path):
    assert run("update", "十三.1", "--value", "3", "--date", "2022-07-15").exit_code == 0
    stores.execute(db_path, "UPDATE checkins SET note = ?", ("长" * 40_018,))  # as another tool left it
    out = tmp_path / "t.csv"
    assert run("export", "--month", "2022-07", "-o", str(out)).exit_code == 0
    rows = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"), newline="")))
    assert max(len(f) for row in rows for f in row) == CELL_LIMIT


# A bidi control ("\u202egnp.exe") no longer gets this far: the plan is refused at its line
# (test_hardening_documents.test_hidden_characters_in_a_plan_are_refused_at_their_line).
@pytest.mark.parametrize("title", ["../../x_", "..\\..\\x", "CON", "a/b", "长" * 200])
def test_generated_file_names_stay_in_the_chosen_folder(run, tmp_path, monkeypatch, title):
    data = yaml.safe_load(BUNDLED_PLAN.read_text(encoding="utf-8"))
    data["short_title"] = title
    plan = tmp_path / "p.yaml"
    plan.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("KJYD_PLAN", str(plan))
    out = tmp_path / "a" / "b"
    out.mkdir(parents=True)
    assert run("export", "--month", "2022-07", "-o", str(out)).exit_code == 0
    assert run("template", "--month", "2022-07", "-o", str(out)).exit_code == 0
    made = [p for p in tmp_path.rglob("*") if p.is_file() and p.suffix in (".xlsx", ".csv")]
    assert len(made) == 2 and all(p.parent == out for p in made), made
    for path in made:
        assert len(path.name.encode()) <= 255 and "\u202e" not in path.name
        assert path.stem.split("_")[0].upper() != "CON"
