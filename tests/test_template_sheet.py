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


def test_contact_fields_are_asked_collected_and_shown_in_the_export(run, workbook, tmp_path, db_path, monkeypatch):
    from kjyd.render.xlsx.template import CONTACT_FIELDS
    from tests import stores

    monkeypatch.setenv("KJYD_TODAY", "2022-08-05")
    wb = load_workbook(workbook)
    ws = wb["填报表"]
    last = max(r for r in range(4, ws.max_row + 1) if ws[f"K{r}"].value)
    labels = [ws[f"A{r}"].value for r in range(last + 2, last + 5)]
    assert labels == list(CONTACT_FIELDS)
    for r in range(last + 2, last + 5):
        assert ws[f"B{r}"].protection.locked is False and ws[f"A{r}"].protection.locked is not False
    assert "填报人、联系电话和处室负责人" in ws["A2"].value
    ws[f"G{_row(ws, '13.5')}"] = "1,200"
    ws[f"B{last + 2}"] = "张三"
    ws[f"B{last + 3}"] = "029-88886666"
    ws[f"B{last + 4}"] = "李四"
    filled = tmp_path / "交回.xlsx"
    wb.save(filled)

    result = run("collect", str(filled))
    assert result.exit_code == 0, result.output
    contact = "填报人 张三；联系电话 029-88886666；处室负责人 李四"
    assert stores.query(db_path, "SELECT who, contact FROM checkins") == [("未分配", contact)]
    out = tmp_path / "七月.xlsx"
    assert run("export", "--month", "2022-07", "-o", str(out)).exit_code == 0
    record = load_workbook(out)["填报记录"]
    shown = [c.value for row in record.iter_rows() for c in row if isinstance(c.value, str)]
    assert f"未分配\n{contact}" in shown


def test_a_workbook_from_before_the_contact_fields_is_still_collected(run, workbook, tmp_path, db_path):
    """A template sent out by an earlier kjyd (no contact rows, no 'contact' key) reads as before."""
    from tests import stores

    wb = load_workbook(workbook)
    ws, meta = wb["填报表"], wb["_kjyd"]
    last = max(r for r in range(4, ws.max_row + 1) if ws[f"K{r}"].value)
    for r in range(last + 2, last + 5):
        ws[f"A{r}"] = None
    key_row = next(r for r in range(2, meta.max_row + 1) if meta[f"A{r}"].value == "contact")
    meta[f"A{key_row}"] = meta[f"B{key_row}"] = None
    ws[f"G{_row(ws, '13.5')}"] = 1200
    old = tmp_path / "旧表.xlsx"
    wb.save(old)
    result = run("collect", str(old), "--date", "2022-07-31")
    assert result.exit_code == 0, result.output
    assert stores.query(db_path, "SELECT value, contact FROM checkins") == [(1200, "")]
