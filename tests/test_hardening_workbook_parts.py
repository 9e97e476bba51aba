"""The parts of a workbook that openpyxl reads whole (styles, shared strings, the workbook part)
are bounded by their number of elements, not only by their size (issue #12, second round).

A 26 KB workbook whose styles.xml listed 1.5 million empty ``<xf/>`` cell formats — well within
the 10 MB part limit — took 63 s and 840 MB in ``collect``; ``undo --file`` reads the same way.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from kjyd.untrusted_xlsx import MARKUP_LIMIT
from tests import stores


@pytest.fixture(autouse=True)
def august(monkeypatch):
    monkeypatch.setenv("KJYD_TODAY", "2022-08-05")


@pytest.fixture
def template(run, tmp_path) -> Path:
    folder = tmp_path / "out"
    assert run("template", "--month", "2022-07", "-o", str(folder)).exit_code == 0
    return next(folder.glob("*.xlsx"))


def _with_styles(template: Path, dest: Path, formats: int) -> Path:
    with zipfile.ZipFile(template) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    styles = parts["xl/styles.xml"].decode("utf-8")
    found = re.search(r'<cellXfs count="\d+">(.*?)</cellXfs>', styles, re.S)
    styles = (styles[:found.start()] + f'<cellXfs count="{formats}">' + found.group(1) + "<xf/>" * formats
              + "</cellXfs>" + styles[found.end():])
    parts["xl/styles.xml"] = styles.encode("utf-8")
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    return dest


def test_a_workbook_with_a_million_cell_formats_is_refused_before_parsing(run, template, tmp_path, db_path):
    bloated = _with_styles(template, tmp_path / "格式.xlsx", MARKUP_LIMIT + 1)
    assert bloated.stat().st_size < 100_000
    result = run("collect", str(bloated))
    assert result.exit_code == 1, result.output
    assert "格式.xlsx: 工作簿内部文件 xl/styles.xml 含有" in result.output and "上限 100,000" in result.output
    assert "Traceback" not in result.output
    assert stores.query(db_path, "SELECT COUNT(*) FROM checkins") in ([], [(0,)])
    undo = run("undo", "--file", str(bloated))  # the same reader: refused, not parsed
    assert undo.exit_code == 1 and "Traceback" not in undo.output


def test_a_workbook_with_excels_own_number_of_formats_is_still_read(run, template, tmp_path):
    ordinary = _with_styles(template, tmp_path / "常见.xlsx", 20_000)
    result = run("collect", str(ordinary))
    assert "xl/styles.xml" not in result.output
    assert "没有填写任何内容" in result.output
