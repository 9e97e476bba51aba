"""Whatever text a division or another program stored, the Word report, the brief and the full
export are written and say it visibly; whatever a plan says, it cannot break a workbook (issue #12,
second round: the commands added since the first).

A note with ``\\x01`` made ``kjyd report`` end in python-docx's "All strings must be XML
compatible" traceback; a unit with ``\\x02`` did the same to ``export --brief`` and ``template``;
a unit ``%";[Red]`` added a section to the cell's number format.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook

from tests import stores

REPO = Path(__file__).resolve().parents[1]
BUNDLED_PLAN = REPO / "data" / "plan2022.yaml"
HIDDEN_TEXT = "进展\x01完成\u202e反向\ufffe =HYPERLINK(\"http://x.invalid\",\"点我\")"


@pytest.fixture(autouse=True)
def july(monkeypatch):
    monkeypatch.setenv("KJYD_TODAY", "2022-07-20")


def _docx_text(path: Path) -> str:
    from docx import Document

    document = Document(str(path))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def _xlsx_text(path: Path) -> list[str]:
    book = load_workbook(path)
    found = []
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} 成了公式"
                    found.append(cell.value)
    return found


def test_hidden_characters_from_divisions_are_written_visibly_in_every_document(run, db_path, tmp_path):
    """Typed at the terminal (note, by) and stored by another program (问题, 下一步, 联系人)."""
    done = run("update", "十三.1", "--value", "3", "--note", HIDDEN_TEXT, "--by", "成果\x07转化处\u202e")
    assert done.exit_code == 0, done.output
    stores.execute(db_path, "UPDATE checkins SET problems = ?, next_steps = ?, contact = ?",
                   ("问题\x02", "下一步\x1b[31m", "张三\x05 电话\uffff"))

    report = run("report", "--month", "2022-07", "-o", str(tmp_path / "报告.docx"))
    assert report.exit_code == 0, report.output
    text = _docx_text(tmp_path / "报告.docx")
    assert "进展\\x01完成\\u202e反向\\ufffe" in text
    assert "问题\\x02" in text

    for args, name in ((["--brief"], "简报.xlsx"), ([], "全表.xlsx")):
        export = run("export", "--month", "2022-07", *args, "-o", str(tmp_path / name))
        assert export.exit_code == 0, export.output
        cells = "\n".join(_xlsx_text(tmp_path / name))
        assert "进展\\x01完成\\u202e反向\\ufffe =HYPERLINK(" in cells
        assert "\u202e" not in cells and "\x01" not in cells

    changes = run("changes", "--month", "2022-07")
    assert changes.exit_code == 0, changes.output
    assert "\\u202e" in changes.output and not re.search("[\x00-\x08\x0b-\x1f\u202e]", changes.output)


def _plan(tmp_path: Path, monkeypatch, change) -> Path:
    data = yaml.safe_load(BUNDLED_PLAN.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    monkeypatch.setenv("KJYD_PLAN", str(path))
    return path


def test_hidden_characters_in_a_plan_are_refused_at_their_line(run, tmp_path, monkeypatch, db_path):
    def hide(data):
        data["headlines"][1]["unit"] = "%\x02"
        data["tasks"][12]["lead_divisions"] = ["成果转化处\u202e"]
        data["short_title"] = "要点\x01"

    path = _plan(tmp_path, monkeypatch, hide)
    lines = path.read_text(encoding="utf-8").splitlines()
    check = run("check", str(path))
    assert check.exit_code == 1
    said = check.output.strip().splitlines()
    assert len(said) == 3, check.output
    for line, (field, char, shown) in zip(said, (("short_title", "\\x01", "short_title"),
                                                  ("headlines[1].unit", "\\x02", "unit"),
                                                  ("tasks[12].lead_divisions[0]", "\\u202e", "成果转化处"))):
        where = re.match(rf"错误：{re.escape(str(path))}:(\d+):\d+: {re.escape(field)}：.*控制字符 {re.escape(char)}", line)
        assert where, line
        assert shown in lines[int(where.group(1)) - 1]
    for args in (["template", "-o", str(tmp_path)], ["export", "--brief", "-o", str(tmp_path)]):
        refused = run(*args)
        assert refused.exit_code == 1 and "Traceback" not in refused.output
    assert not list(tmp_path.glob("*.xlsx"))
    assert not stores.exists(db_path)


def _sections(number_format: str) -> int:
    """How many sections (separated by ; outside quoted text and \\ escapes) an Excel format has."""
    sections, quoted, escaped = 1, False, False
    for char in number_format:
        if escaped:
            escaped = False
        elif char == "\\" and not quoted:
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif char == ";" and not quoted:
            sections += 1
    assert not quoted, f"未闭合的引号：{number_format}"
    return sections


def test_a_unit_cannot_add_sections_to_a_number_format(run, tmp_path, monkeypatch):
    def units(data):
        data["headlines"][1]["unit"] = '%";[Red]"'
        data["tasks"][0]["targets"][0]["unit"] = '个"\\'

    _plan(tmp_path, monkeypatch, units)
    assert run("update", "H1", "--value", "20").exit_code == 0
    assert run("update", "H2", "--value", "1.5").exit_code == 0
    formats = []
    for args, name in ((["--brief"], "简报.xlsx"), ([], "全表.xlsx")):
        assert run("export", "--month", "2022-07", *args, "-o", str(tmp_path / name)).exit_code == 0
        book = load_workbook(tmp_path / name)
        formats += [c.number_format for ws in book.worksheets for row in ws.iter_rows() for c in row
                    if '"' in c.number_format and ("个" in c.number_format or "%" in c.number_format)]
    assert any("[Red]" in f for f in formats) and any('个"' in f for f in formats)
    for number_format in formats:
        assert _sections(number_format) == 1, number_format


@pytest.mark.parametrize("value", [1e308, -1e16])
def test_an_absurd_value_stored_by_another_program_is_a_located_error(run, db_path, tmp_path, value):
    assert run("update", "三十二", "--value", "50").exit_code == 0
    stores.execute(db_path, "UPDATE checkins SET value = ?", (value,))
    number = stores.query(db_path, "SELECT id FROM checkins")[0][0]
    for args in (["status"], ["report", "--month", "2022-07", "-o", str(tmp_path / "r.docx")],
                 ["changes", "--month", "2022-07"], ["export", "--brief", "-o", str(tmp_path / "b.xlsx")]):
        refused = run(*args)
        assert refused.exit_code == 1, (args, refused.output)
        assert f"编号 #{number} 的填报记录数值" in refused.output and "其他程序" in refused.output
    assert not (tmp_path / "r.docx").exists() and not (tmp_path / "b.xlsx").exists()


@pytest.mark.sqlite_only  # the server's typed columns refuse such a row in the first place
def test_an_export_record_written_wrongly_costs_only_its_warning(run, db_path, tmp_path):
    """A back-dated update looks up the month's last export after its check-in is committed: a
    bad date there (another program's) gave a ValueError traceback with the check-in stored."""
    assert run("update", "十三.1", "--value", "3", "--date", "2022-06-10").exit_code == 0
    assert run("export", "--month", "2022-06", "-o", str(tmp_path / "六月.xlsx")).exit_code == 0
    stores.execute(db_path, "UPDATE exports SET as_of = ?", ("2022-06-31",))
    later = run("update", "十三.1", "--value", "4", "--date", "2022-06-12")
    assert later.exit_code == 0, later.output
    assert stores.query(db_path, "SELECT value FROM checkins ORDER BY id") == [(3.0,), (4.0,)]


def test_text_longer_than_any_input_is_shown_up_to_the_limit_and_said(run, db_path, tmp_path):
    """A 5-million-character note stored by another program made log take 35 s and 1.4 GB (every
    character escaped and wrapped); terminal and Word show the first 32,767 and say how long it was."""
    assert run("update", "十三.1", "--value", "3").exit_code == 0
    stores.execute(db_path, "UPDATE checkins SET note = ?, problems = ?", ("长" * 200_000, "问" * 200_000))
    for args in (["log"], ["show", "十三"]):
        shown = run(*args)
        assert shown.exit_code == 0, shown.output
        assert "共200000字" in shown.output and shown.output.count("长") <= 32_767
    changes = run("changes", "--month", "2022-07")  # its table quotes a shortened note
    assert changes.exit_code == 0 and changes.output.count("长") <= 32_767
    assert run("report", "--month", "2022-07", "-o", str(tmp_path / "r.docx")).exit_code == 0
    text = _docx_text(tmp_path / "r.docx")
    assert re.search(r"…（共20\d{4}字", text) and text.count("问") <= 32_767  # the paragraph quoting it
