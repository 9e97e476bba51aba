"""``kjyd template`` → a division fills cells (openpyxl, as Excel would) → ``kjyd collect``.

Every test goes through real files and the real SQLite ledger: what a division typed must arrive
in the ledger exactly once, and a file with any problem must change nothing.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from tests import stores
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

TEMPLATE = "2022年科技工作要点_2022-07_填报表_未分配.xlsx"


@pytest.fixture(autouse=True)
def august(monkeypatch):
    """July's reports are collected in early August."""
    monkeypatch.setenv("KJYD_TODAY", "2022-08-05")


@pytest.fixture
def template(run, tmp_path) -> Path:
    folder = tmp_path / "out"
    result = run("template", "--month", "2022-07", "-o", str(folder))
    assert result.exit_code == 0, result.output
    return folder / TEMPLATE


def fill(template: Path, dest: Path, cells: dict[str, dict[str, object]]) -> Path:
    """Fill ``{target_id: {column letter: value}}`` into a copy of the template, as a user would."""
    wb = load_workbook(template)
    ws = wb["填报表"]
    rows = {ws[f"K{r}"].value: r for r in range(4, ws.max_row + 1)}
    for target_id, values in cells.items():
        for letter, value in values.items():
            ws[f"{letter}{rows[target_id]}"] = value
    wb.save(dest)
    return dest


def row_of(template: Path, target_id: str) -> int:
    ws = load_workbook(template)["填报表"]
    return next(r for r in range(4, ws.max_row + 1) if ws[f"K{r}"].value == target_id)


def checkins(db: Path) -> list[tuple]:
    return stores.query(
        db, "SELECT target_id, date, value, note, who, problems, next_steps, source FROM checkins ORDER BY id"
    )


GOOD = {
    "13.5": {"G": "1,200", "H": "签订技术合同稳步推进", "I": "统计口径滞后", "J": "加快登记"},
    "14.2": {"G": "1.3万"},
    "3.1": {"H": "召开评估工作会"},  # text only: a note-only check-in
    "H2": {"G": -2.5},               # a growth rate may be negative
}


# --- the template ---------------------------------------------------------------------------


def test_template_protects_given_cells_and_validates_numbers(template):
    wb = load_workbook(template)
    ws = wb["填报表"]
    assert ws.protection.sheet is True
    assert not ws.protection.password  # nobody is locked out
    assert wb.security.lockStructure is True
    row = row_of(template, "13.5")
    assert ws[f"A{row}"].protection.locked is True
    for letter in "GHIJ":
        assert ws[f"{letter}{row}"].protection.locked is False
        assert ws[f"{letter}{row}"].fill.fgColor.rgb.endswith("FFF2CC")
    # flows and the level H2 on one sheet: the header is neutral, each row says what to fill
    assert ws["G3"].value == "本月数值（请填写）" and ws["G3"].comment is not None
    assert ws[f"C{row_of(template, 'H2')}"].value.endswith("\n填最新值")
    assert ws[f"C{row}"].value == "技术合同成交额2500亿元"
    assert ws["A2"].value.startswith("填写说明")
    assert ws.column_dimensions["K"].hidden is True
    assert wb["_kjyd"].sheet_state == "hidden"

    rules = {str(cell): dv for dv in ws.data_validations.dataValidation for cell in dv.sqref.ranges}
    count = rules[f"G{row}"]
    # What the formulas accept is checked in a real spreadsheet (test_template_sheet.py).
    assert count.type == "custom" and f">=0" in count.formula1 and "亿元" in count.formula1
    rate = rules[f"G{row_of(template, 'H2')}"]
    assert rate.type == "custom" and ">=" not in rate.formula1
    assert rate.promptTitle == "本月最新值" and count.promptTitle == "本月累计完成"
    progress = rules[f"G{row_of(template, '3.1')}"]
    assert ">=0" in progress.formula1 and "<=100" in progress.formula1


def test_template_does_not_overwrite_an_existing_file(run, template):
    template.write_bytes(b"a division's filled copy")
    result = run("template", "--month", "2022-07", "-o", str(template.parent))
    assert result.exit_code == 1
    assert "文件已存在，未覆盖" in result.stderr
    assert template.read_bytes() == b"a division's filled copy"
    assert run("template", "--month", "2022-07", "-o", str(template.parent), "--force").exit_code == 0
    assert load_workbook(template)["填报表"]["A4"].value == "一.1"


# --- the round trip -------------------------------------------------------------------------


def test_collect_records_every_filled_row_once(run, template, tmp_path, db_path):
    filled = fill(template, tmp_path / "未分配.xlsx", GOOD)
    result = run("collect", str(filled))
    assert result.exit_code == 0, result.output
    assert "已记录 4 条" in result.stdout

    rows = {r[0]: r for r in checkins(db_path)}
    assert set(rows) == {"13.5", "14.2", "3.1", "H2"}
    target, day, value, note, who, problems, next_steps, source = rows["13.5"]
    assert (day, value, note, who) == ("2022-07-31", 1200.0, "签订技术合同稳步推进", "未分配")
    assert (problems, next_steps) == ("统计口径滞后", "加快登记")
    assert source.startswith("未分配.xlsx#")
    assert rows["14.2"][2] == 13000.0
    assert rows["3.1"][2] is None and rows["3.1"][3] == "召开评估工作会"
    assert rows["H2"][2] == -2.5

    status = json.loads(run("status", "--json").stdout)
    by_id = {t["id"]: t for t in status["targets"]}
    assert by_id["13.5"]["value"] == 1200
    assert by_id["13.5"]["last_date"] == "2022-07-31"
    assert by_id["3.1"]["last_note"] == "召开评估工作会"


def test_collecting_the_same_content_again_records_nothing(run, template, tmp_path, db_path):
    filled = fill(template, tmp_path / "a.xlsx", GOOD)
    assert run("collect", str(filled)).exit_code == 0
    before = checkins(db_path)

    # Re-saved (bytes change) under another name: still recognised by its content.
    wb = load_workbook(filled)
    wb["填报表"].column_dimensions["H"].width = 60
    wb.save(tmp_path / "b.xlsx")
    result = run("collect", str(filled), str(tmp_path / "b.xlsx"))
    assert result.exit_code == 0
    assert result.stdout.count("已收取过，未重复记录") == 2
    assert checkins(db_path) == before


def test_a_corrected_file_is_collected_again(run, template, tmp_path, db_path):
    assert run("collect", str(fill(template, tmp_path / "a.xlsx", GOOD))).exit_code == 0
    corrected = fill(template, tmp_path / "a.xlsx", {**GOOD, "13.5": {"G": 1300}})
    result = run("collect", str(corrected))
    assert result.exit_code == 0
    assert "十三.5" in result.stdout and "1200 → 1300亿元" in result.stdout
    assert len(checkins(db_path)) == 8


def test_dry_run_shows_old_and_new_and_changes_nothing(run, template, tmp_path, db_path):
    assert run("update", "十三.5", "--value", "800", "--date", "2022-06-30").exit_code == 0
    before = checkins(db_path)
    filled = fill(template, tmp_path / "a.xlsx", GOOD)
    result = run("collect", str(filled), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "将记录 4 条" in result.stdout
    assert "十三.5  （十三）促进科技成果转化｜技术合同成交额2500亿元：800 → 1200亿元" in result.stdout
    assert "试运行，未做任何更改" in result.stdout
    assert checkins(db_path) == before
    # and a dry run does not count as collected
    assert "已记录 4 条" in run("collect", str(filled)).stdout


def test_a_file_with_one_bad_cell_records_nothing_and_names_the_cell(run, template, tmp_path, db_path):
    bad = fill(template, tmp_path / "bad.xlsx", {**GOOD, "14.3": {"G": "十二"}})
    good = fill(template, tmp_path / "good.xlsx", {"13.1": {"G": 3}})
    result = run("collect", str(bad), str(good))
    assert result.exit_code == 1
    cell = f"G{row_of(template, '14.3')}"
    assert f'错误：bad.xlsx!填报表!{cell}: "十二" 不是数字' in result.stderr
    assert "bad.xlsx：有 1 处问题，整个文件未记录" in result.stdout
    assert [r[0] for r in checkins(db_path)] == ["13.1"]  # the other file still goes in


def test_every_problem_of_a_file_is_listed(run, template, tmp_path, db_path):
    bad = fill(template, tmp_path / "bad.xlsx", {"13.1": {"G": -1}, "3.1": {"G": 120}, "14.3": {"G": "abc"}})
    result = run("collect", str(bad))
    assert result.exit_code == 1
    assert f"bad.xlsx!填报表!G{row_of(template, '13.1')}: " in result.stderr
    assert "不能为负数" in result.stderr
    assert f"bad.xlsx!填报表!G{row_of(template, '3.1')}: " in result.stderr
    assert "0 到 100" in result.stderr
    assert '"abc" 不是数字' in result.stderr
    assert checkins(db_path) == []


@settings(max_examples=25, deadline=None)
@given(st.integers(min_value=0, max_value=10**9))
def test_numbers_typed_as_text_are_read_like_update(value):
    from kjyd.collect import cell_number
    from kjyd.plan_loader import load_plan

    plan = load_plan(Path(__file__).resolve().parents[1] / "data" / "plan2022.yaml")
    target = plan.target("14.3")
    assert cell_number(f"{value:,}", target) == value
    assert cell_number(str(value), target) == value
    assert cell_number(f"{value}家", target) == value


# --- files that are not what they should be -------------------------------------------------


def _collect_fails(run, path: Path, *args: str) -> str:
    result = run("collect", str(path), *args)
    assert result.exit_code == 1
    return result.stderr


def test_not_an_xlsx_file(run, tmp_path, db_path):
    text = tmp_path / "报表.xlsx"
    text.write_text("编号,本月累计完成\n十三.5,1200\n", encoding="utf-8")
    assert "报表.xlsx: 不是 xlsx 文件" in _collect_fails(run, text)
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    assert "empty.xlsx: 文件是空的" in _collect_fails(run, empty)
    corrupt = tmp_path / "corrupt.xlsx"
    corrupt.write_bytes(b"PK\x03\x04 truncated")
    assert "corrupt.xlsx: 无法打开，文件已损坏" in _collect_fails(run, corrupt)
    assert "missing.xlsx: 找不到文件" in _collect_fails(run, tmp_path / "missing.xlsx")
    assert not stores.exists(db_path)  # nothing to record: the ledger is not even created


def test_a_workbook_not_made_by_template(run, tmp_path):
    from openpyxl import Workbook

    path = tmp_path / "自制.xlsx"
    Workbook().save(path)
    assert "不是 kjyd template 生成的填报表" in _collect_fails(run, path)


def test_wrong_month_or_plan(run, template, tmp_path, db_path):
    filled = fill(template, tmp_path / "a.xlsx", GOOD)
    assert "这是 2022-07 的填报表，而本次收取的是 2022-08" in _collect_fails(run, filled, "--month", "2022-08")

    wb = load_workbook(filled)
    wb["_kjyd"]["B3"] = "another-plan"
    wb.save(tmp_path / "other.xlsx")
    assert "这是计划 another-plan 的填报表，不是当前计划 shaanxi-kjt-2022" in _collect_fails(
        run, tmp_path / "other.xlsx"
    )
    assert checkins(db_path) == []


def test_reordered_or_renamed_sheets(run, template, tmp_path, db_path):
    wb = load_workbook(fill(template, tmp_path / "a.xlsx", GOOD))
    wb.move_sheet("_kjyd", offset=-1)
    wb.save(tmp_path / "reordered.xlsx")
    assert "工作表应为 填报表、_kjyd（按此顺序），而文件中是 _kjyd、填报表" in _collect_fails(
        run, tmp_path / "reordered.xlsx"
    )
    wb = load_workbook(tmp_path / "a.xlsx")
    wb["填报表"].title = "Sheet1"
    wb.save(tmp_path / "renamed.xlsx")
    assert "而文件中是 Sheet1、_kjyd" in _collect_fails(run, tmp_path / "renamed.xlsx")
    assert checkins(db_path) == []


def test_sorted_rows_are_refused(run, template, tmp_path):
    """Rows sorted without the hidden id column would put figures on the wrong target."""
    wb = load_workbook(fill(template, tmp_path / "a.xlsx", GOOD))
    ws = wb["填报表"]
    ws["A4"], ws["A5"] = ws["A5"].value, ws["A4"].value
    wb.save(tmp_path / "sorted.xlsx")
    assert "sorted.xlsx!填报表!A4: 编号 \"二.1\" 与本行目标 一.1 不一致" in _collect_fails(
        run, tmp_path / "sorted.xlsx"
    )


def test_formulas_without_a_result_and_text_below_the_table_are_refused(run, template, tmp_path):
    wb = load_workbook(fill(template, tmp_path / "a.xlsx", {"13.1": {"G": "=5+3"}}))
    ws = wb["填报表"]
    below = ws.max_row + 2
    ws[f"H{below}"] = "补充说明写在表格下方"
    wb.save(tmp_path / "a.xlsx")
    stderr = _collect_fails(run, tmp_path / "a.xlsx")
    assert f"a.xlsx!填报表!G{row_of(template, '13.1')}: 公式没有计算结果" in stderr
    assert f"a.xlsx!填报表!H{below}: 此行不是填报行" in stderr


def test_an_unfilled_template_records_nothing(run, template, db_path):
    result = run("collect", str(template))
    assert result.exit_code == 0
    assert "没有填写任何内容，未记录" in result.stdout
    assert checkins(db_path) == []


# --- dates ----------------------------------------------------------------------------------


def test_date_option_must_lie_in_the_files_month(run, template, tmp_path, db_path):
    filled = fill(template, tmp_path / "a.xlsx", GOOD)
    assert "--date 2022-08-01 不在填报表所属月份 2022-07 内" in _collect_fails(
        run, filled, "--date", "2022-08-01"
    )
    assert run("collect", str(filled), "--date", "2022-07-25").exit_code == 0
    assert {r[1] for r in checkins(db_path)} == {"2022-07-25"}


def test_a_month_still_running_is_dated_today(run, template, tmp_path, db_path, monkeypatch):
    from kjyd.collect import check_in_date
    from kjyd.plan_loader import load_plan

    plan = load_plan(Path(__file__).resolve().parents[1] / "data" / "plan2022.yaml")
    assert check_in_date(plan, "2022-07", None, date(2022, 8, 5)) == (date(2022, 7, 31), "")
    day, notice = check_in_date(plan, "2022-07", None, date(2022, 7, 28))
    assert day == date(2022, 7, 28) and "尚未结束" in notice
    monkeypatch.setenv("KJYD_TODAY", "2022-06-20")
    assert "2022-07 尚未开始" in _collect_fails(run, fill(template, tmp_path / "a.xlsx", GOOD))


def _with_cached_result(path: Path, coordinate: str, formula: str, cached: str, kind: str) -> None:
    """Rewrite one cell as Excel/LibreOffice save a formula: the formula plus its cached result."""
    import re
    import zipfile

    with zipfile.ZipFile(path) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode("utf-8")
    cell = re.compile(rf'<c r="{coordinate}"[^>]*?(/>|>.*?</c>)')
    style = re.search(rf'<c r="{coordinate}"[^>]*?( s="\d+")', sheet)
    replacement = f'<c r="{coordinate}"{style.group(1) if style else ""} t="{kind}"><f>{formula}</f><v>{cached}</v></c>'
    sheet, count = cell.subn(replacement, sheet, count=1)
    assert count == 1
    parts["xl/worksheets/sheet1.xml"] = sheet.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)


def test_a_formula_result_is_collected_but_an_error_value_never_becomes_a_note(run, template, tmp_path, db_path):
    """A division types =1+1 (Excel keeps 2) or text starting with = (Excel shows #NAME?)."""
    row = row_of(template, "13.1")
    filled = fill(template, tmp_path / "a.xlsx", {"13.1": {"G": "=1+1", "H": "=新增2个"}})
    _with_cached_result(filled, f"G{row}", "1+1", "2", "n")
    _with_cached_result(filled, f"H{row}", "新增2个", "#NAME?", "e")
    stderr = _collect_fails(run, filled)
    assert f"a.xlsx!填报表!H{row}: 单元格显示错误值 #NAME?" in stderr
    assert f"G{row}" not in stderr
    assert checkins(db_path) == []

    _with_cached_result(filled, f"H{row}", "\"新增\"&amp;\"2个\"", "新增2个", "str")
    result = run("collect", str(filled))
    assert result.exit_code == 0, result.output
    assert [(c[0], c[2], c[3]) for c in checkins(db_path)] == [("13.1", 2.0, "新增2个")]
