"""The fill-in workbook as a division meets it: A4 paper, and a value check that accepts what
``collect`` accepts (1.3万, 1,200, 2500亿元), evaluated by a real spreadsheet (LibreOffice)."""

from __future__ import annotations

import csv
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from kjyd.collect import cell_number
from kjyd.errors import InputError


@pytest.fixture
def workbook(run, tmp_path):
    result = run("template", "--month", "2022-07", "-o", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    return next((tmp_path / "out").glob("*.xlsx"))


def _row(ws, target_id: str) -> int:
    return next(r for r in range(4, ws.max_row + 1) if ws[f"K{r}"].value == target_id)


def test_template_prints_on_a4(workbook):
    ws = load_workbook(workbook)["填报表"]
    assert int(ws.page_setup.paperSize) == 9  # A4 (1 would be Letter)
    assert ws.page_setup.orientation == "landscape"


INPUTS = ["1.3万", "1,200", "2500亿元", "2500亿", "8", "abc", "-5", "1.3万元", "12家"]


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_value_check_agrees_with_collect(workbook, plan, tmp_path):
    """Each row's validation formula, evaluated by LibreOffice on typical entries, says yes exactly
    where collect reads a number for that target."""
    ws = load_workbook(workbook)["填报表"]
    rules = {str(cell): dv for dv in ws.data_validations.dataValidation for cell in dv.sqref.ranges}
    cases = []
    for target_id in ("13.5", "14.2", "3.1", "H2"):
        cell = f"G{_row(ws, target_id)}"
        formula = rules[cell].formula1
        for text in INPUTS:
            cases.append((target_id, text, formula.replace(cell, f"A{len(cases) + 1}")))
    sheet = Workbook()
    for row, (_, text, formula) in enumerate(cases, 1):
        sheet.active.cell(row, 1, text)
        sheet.active.cell(row, 2, f"={formula}")
    path = tmp_path / "check.xlsx"
    sheet.save(path)
    subprocess.run(["soffice", "--headless", "--convert-to", "csv", "--outdir", str(tmp_path), str(path)],
                   check=True, capture_output=True, timeout=120)
    with open(tmp_path / "check.csv", encoding="utf-8", errors="replace") as f:
        verdicts = [row[1] == "TRUE" for row in csv.reader(f)]
    assert len(verdicts) == len(cases)
    for (target_id, text, _), sheet_says in zip(cases, verdicts):
        try:
            cell_number(text, plan.target(target_id))
            collect_says = True
        except InputError:
            collect_says = False
        assert sheet_says == collect_says, (target_id, text)
