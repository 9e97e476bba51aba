"""Hostile workbooks cost seconds, not minutes and gigabytes, and never crash (issue #12).

Each hostile file is built here from a real template by rewriting its zip parts: an XML entity
bomb, a zip bomb, a stray cell a million rows down, a FIFO, overlong text, Excel's ``_x001B_``.
Every one must end in a located Chinese problem, with nothing recorded.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from tests import stores
from openpyxl import load_workbook

from kjyd.untrusted_xlsx import PART_LIMIT


@pytest.fixture(autouse=True)
def august(monkeypatch):
    monkeypatch.setenv("KJYD_TODAY", "2022-08-05")


@pytest.fixture
def template(run, tmp_path) -> Path:
    folder = tmp_path / "out"
    assert run("template", "--month", "2022-07", "-o", str(folder)).exit_code == 0
    return next(folder.glob("*.xlsx"))


def _rows(db: Path) -> list[tuple]:
    return stores.query(db, "SELECT target_id, value, note FROM checkins ORDER BY id")


def _rewrite(path: Path, dest: Path, change) -> Path:
    """Copy the workbook with ``change(parts)`` applied to its {name: bytes} parts."""
    with zipfile.ZipFile(path) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    change(parts)
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return dest


def _fill(path: Path, dest: Path, **cells) -> Path:
    wb = load_workbook(path)
    for coordinate, value in cells.items():
        wb["填报表"][coordinate] = value
    wb.save(dest)
    return dest


def _refused(run, path: Path, db_path: Path) -> str:
    result = run("collect", str(path))
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert _rows(db_path) == []
    return result.stderr


SHEET = "xl/worksheets/sheet1.xml"


def test_an_xml_entity_declaration_is_refused_before_expansion(run, template, tmp_path, db_path):
    filled = _fill(template, tmp_path / "f.xlsx", G4=1)

    def bomb(parts):
        xml = parts[SHEET].decode("utf-8")
        entity = "<!DOCTYPE worksheet [<!ENTITY a \"" + "x" * 1000 + "\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">]>"
        head = re.match(r"<\?xml[^>]*\?>", xml)
        cut = head.end() if head else 0
        xml = xml[:cut] + entity + xml[cut:]
        xml = re.sub(r'(<c r="H4"[^>]*?)(/>|>.*?</c>)', r'\1 t="inlineStr"><is><t>&b;</t></is></c>', xml, count=1)
        parts[SHEET] = xml.encode("utf-8")

    stderr = _refused(run, _rewrite(filled, tmp_path / "bomb.xlsx", bomb), db_path)
    assert "bomb.xlsx: 工作簿内部文件 xl/worksheets/sheet1.xml 含有 XML 实体声明，拒绝读取" in stderr


def test_a_zip_bomb_is_refused_before_parsing(run, template, tmp_path, db_path):
    def bomb(parts):
        parts["xl/sharedStrings.xml"] = (
            b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
            b'spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>' + b"a" * (PART_LIMIT + 1) + b"</t></si></sst>"
        )

    bombed = _rewrite(template, tmp_path / "zip.xlsx", bomb)
    assert bombed.stat().st_size < 200_000
    stderr = _refused(run, bombed, db_path)
    assert "zip.xlsx: 工作簿内部文件 xl/sharedStrings.xml 解压后达" in stderr


@pytest.mark.parametrize("row", [1_048_576, 1_048_577, 5_000_000, 99_999_999_999])
def test_content_far_outside_the_template_area_is_located_not_read_at_length(run, template, tmp_path, db_path, row):
    filled = _fill(template, tmp_path / "f.xlsx", G4=1)

    def stray(parts):
        xml = parts[SHEET].decode("utf-8")
        cell = f'<row r="{row}"><c r="Z{row}" t="inlineStr"><is><t>x</t></is></c></row>'
        parts[SHEET] = xml.replace("</sheetData>", cell + "</sheetData>").encode("utf-8")

    stderr = _refused(run, _rewrite(filled, tmp_path / "far.xlsx", stray), db_path)
    if row == 1_048_576:
        assert f"far.xlsx!填报表!Z{row}: 此行不是填报行" in stderr
    else:  # past Excel's last row: located, never a bare ValueError nor an hour of empty rows
        assert f"far.xlsx!填报表!Z{row}: 单元格超出工作表范围" in stderr
        assert "ValueError" not in stderr and "无法读取" not in stderr


def _placed(xml: str, cell: str) -> str:
    """The sheet XML with ``cell`` (a ``<c>`` element) added to the end of row 4."""
    start = xml.index('<row r="4"')
    end = xml.index("</row>", start)
    return xml[:end] + cell + xml[end:]


@pytest.mark.parametrize("where", ["XFE4", "AAAA4", "ZZZZZZZZ4", "4A"])
def test_a_cell_outside_excel_columns_or_malformed_is_located(run, template, tmp_path, db_path, where):
    filled = _fill(template, tmp_path / "f.xlsx", G4=1)

    def outside(parts):
        cell = f'<c r="{where}" t="inlineStr"><is><t>x</t></is></c>'
        parts[SHEET] = _placed(parts[SHEET].decode("utf-8"), cell).encode("utf-8")

    bad = _rewrite(filled, tmp_path / "wide.xlsx", outside)
    stderr = _refused(run, bad, db_path)
    assert stderr.startswith("错误：wide.xlsx!填报表"), stderr
    assert where in stderr.splitlines()[0] and "ValueError" not in stderr
    # undo --file reads the same file to recognise it: it says why it cannot, with the place
    undo = run("undo", "--file", str(bad), "--yes")
    assert undo.exit_code == 1 and "Traceback" not in undo.output
    assert "没有收取 wide.xlsx 记录的有效填报" in undo.stderr
    assert "wide.xlsx!填报表" in undo.stderr and where in undo.stderr


def test_an_empty_row_numbered_past_excel_is_refused_at_once(run, template, tmp_path, db_path):
    filled = _fill(template, tmp_path / "f.xlsx", G4=1)

    def far(parts):  # openpyxl would yield every empty row up to it, one at a time
        xml = parts[SHEET].decode("utf-8")
        parts[SHEET] = xml.replace("</sheetData>", '<row r="99999999999"/></sheetData>').encode("utf-8")

    stderr = _refused(run, _rewrite(filled, tmp_path / "far.xlsx", far), db_path)
    assert "far.xlsx!填报表!第99999999999行: 行号超出工作表范围" in stderr


def test_columns_beyond_the_template_and_many_stray_rows_are_listed_briefly(run, template, tmp_path, db_path):
    wb = load_workbook(template)
    ws = wb["填报表"]
    ws["G4"], ws["M4"] = 1, "旁注"
    for r in range(200, 260):
        ws[f"B{r}"] = "表外内容"
    wb.save(tmp_path / "f.xlsx")
    stderr = _refused(run, tmp_path / "f.xlsx", db_path)
    assert "f.xlsx!填报表!M4: 此列不在填报表内" in stderr
    assert "f.xlsx!填报表!B200: 此行不是填报行" in stderr
    assert "未再逐一列出" in stderr and "B259" not in stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_a_fifo_named_xlsx_is_refused_at_once(tmp_path, db_path):
    fifo = tmp_path / "x.xlsx"
    os.mkfifo(fifo)
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    result = subprocess.run([sys.executable, "-m", "kjyd", "collect", str(fifo)], capture_output=True,
                            text=True, encoding="utf-8", env=env, timeout=60)
    assert result.returncode == 1
    assert "x.xlsx: 不是普通文件" in result.stderr and "Traceback" not in result.stderr


def test_missing_folder_and_empty_files_are_refused(run, tmp_path, db_path):
    (tmp_path / "empty.xlsx").write_bytes(b"")
    (tmp_path / "dir.xlsx").mkdir()
    for name, said in (("none.xlsx", "找不到文件"), ("empty.xlsx", "文件是空的"), ("dir.xlsx", "这是一个文件夹")):
        assert f"{name}: {said}" in _refused(run, tmp_path / name, db_path)


def test_text_over_the_cell_limit_is_refused_in_collect_and_update(run, template, tmp_path, db_path):
    filled = _fill(template, tmp_path / "f.xlsx", G4=1, H4="placeholder")  # openpyxl itself cuts at 32,767

    def longer(parts):
        parts[SHEET] = parts[SHEET].replace(b"placeholder", "进".encode() * 40_000)

    stderr = _refused(run, _rewrite(filled, tmp_path / "long.xlsx", longer), db_path)
    assert "long.xlsx!填报表!H4: 内容过长（40000 字，上限 32767 字）" in stderr
    result = run("update", "十三.1", "--value", "1", "--note", "进" * 40_000)
    assert result.exit_code == 1 and "--note 说明过长" in result.stderr
    assert len(result.stderr) < 400  # the message does not repeat the input
    assert _rows(db_path) == []


def test_excel_escaped_control_characters_are_decoded_and_shown_escaped(run, template, tmp_path, db_path):
    filled = _fill(template, tmp_path / "esc.xlsx", G4=1, H4="进展_x001B_[2J完成")
    result = run("collect", str(filled))
    assert result.exit_code == 0, result.output
    assert _rows(db_path)[0][2] == "进展\x1b[2J完成"
    shown = run("log").stdout
    assert "\x1b" not in shown and "\\x1b[2J" in shown


def test_a_file_replaced_during_collect_is_read_once(run, template, tmp_path, db_path, monkeypatch):
    """collect reads the bytes once; whatever happens to the path afterwards cannot reach it."""
    import kjyd.untrusted_xlsx as untrusted

    filled = _fill(template, tmp_path / "gone.xlsx", G4="=1+1")
    real = untrusted.read_once

    def read_then_vanish(path, *kind):
        data = real(path, *kind)
        if not kind:  # the workbook; the plan file is read through here too, with its own kind
            Path(path).unlink()
        return data

    monkeypatch.setattr(untrusted, "read_once", read_then_vanish)
    result = run("collect", str(filled))
    assert "Traceback" not in result.output
    assert "公式没有计算结果" in result.stderr  # the formula's cached value was looked up in memory
