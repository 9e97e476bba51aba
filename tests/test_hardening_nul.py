"""A NUL character (``\\x00``) in text to be recorded: refused the same way on both stores.

PostgreSQL refuses NUL in text columns ("invalid byte sequence for encoding UTF8: 0x00") while
SQLite stores it; no user types one on purpose, but a division's cell can carry Excel's escape
``_x0000_`` and another program can pass one. Refusing it before the ledger is touched gives the
same located message on both stores, and nothing is stored.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests import stores


@pytest.fixture(autouse=True)
def august(monkeypatch):
    monkeypatch.setenv("KJYD_TODAY", "2022-08-05")


@pytest.fixture
def template(run, tmp_path) -> Path:
    folder = tmp_path / "out"
    assert run("template", "--month", "2022-07", "-o", str(folder)).exit_code == 0
    return next(folder.glob("*.xlsx"))


def _fill(path: Path, dest: Path, **cells) -> Path:
    book = load_workbook(path)
    for coordinate, value in cells.items():
        book["填报表"][coordinate] = value
    book.save(dest)
    return dest


@pytest.mark.parametrize("column", ["H", "I", "J"])
def test_a_nul_in_a_collected_cell_is_a_located_problem_on_every_store(run, template, tmp_path, db_path, column):
    filled = _fill(template, tmp_path / "交回.xlsx", G4=1, **{f"{column}4": "进展_x0000_结束"})
    result = run("collect", str(filled))
    assert result.exit_code == 1, result.output
    assert f"填报表!{column}4" in result.output and "空字符" in result.output
    assert "Traceback" not in result.output
    assert stores.query(db_path, "SELECT COUNT(*) FROM checkins") in ([], [(0,)])


def test_a_nul_in_a_contact_cell_is_a_located_problem(run, template, tmp_path, db_path):
    book = load_workbook(template)
    sheet = book["填报表"]
    row = next(r for r in range(1, sheet.max_row + 1) if sheet[f"A{r}"].value == "联系电话")
    book.close()
    filled = _fill(template, tmp_path / "交回.xlsx", G4=1, **{f"B{row}": "029_x0000_1234"})
    result = run("collect", str(filled))
    assert result.exit_code == 1, result.output
    assert f"填报表!B{row}" in result.output and "空字符" in result.output
    assert stores.query(db_path, "SELECT COUNT(*) FROM checkins") in ([], [(0,)])


@pytest.mark.parametrize("option", ["--note", "--problems", "--next", "--by"])
def test_a_nul_typed_into_update_is_refused_on_every_store(run, db_path, option):
    result = run("update", "十三.1", "--value", "4", option, "进展\x00结束")
    assert result.exit_code == 1, result.output
    assert "空字符" in result.output and "Traceback" not in result.output
    assert stores.query(db_path, "SELECT COUNT(*) FROM checkins") in ([], [(0,)])


@pytest.mark.server_only
def test_a_nul_left_in_an_sqlite_file_by_another_program_stops_db_copy_in_chinese(run, tmp_path, pg_database,
                                                                                  monkeypatch):
    """PostgreSQL's own words were the message ("text fields cannot contain NUL (0x00) bytes")."""
    source = tmp_path / "旧.db"
    assert run("--db", str(source), "update", "十三.1", "--value", "4").exit_code == 0
    stores.execute(source, "UPDATE checkins SET note = ?", ("进展\x00结束",))
    copied = run("db", "copy", "--from", str(source), "--to", pg_database)
    assert copied.exit_code == 1, copied.output
    assert "空字符" in copied.stderr and "未写入任何内容" in copied.stderr and "Traceback" not in copied.output
    assert stores.query(pg_database, "SELECT COUNT(*) FROM checkins") in ([], [(0,)])


def test_a_lone_surrogate_escape_in_a_cell_is_recorded_as_a_replacement_character(run, template, tmp_path, db_path):
    """``_xD800_`` decoded to a lone surrogate, which no store can hold: collect (and undo --file,
    which reads the same way) ended in a UnicodeEncodeError traceback. A pair stays its character."""
    filled = _fill(template, tmp_path / "交回.xlsx", G4=1, H4="进展_xD800_结束_xD83D__xDE00_")
    result = run("collect", str(filled))
    assert result.exit_code == 0, result.output
    assert stores.query(db_path, "SELECT note FROM checkins") == [("进展\ufffd结束\U0001f600",)]
    undone = run("undo", "--file", str(filled), input="y\n")
    assert undone.exit_code == 0 and "Traceback" not in undone.output
