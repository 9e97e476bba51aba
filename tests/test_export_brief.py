"""``kjyd export --brief``: the 报送版, opened with openpyxl and checked against status and changes."""

from __future__ import annotations

import json

import openpyxl
import pytest


BRIEF = "2022年科技工作要点推进情况表_报送版_{}.xlsx"
A4_LANDSCAPE = (841.9, 595.3)


def ok(result):
    assert result.exit_code == 0, result.output
    return result


def brief(run, tmp_path, month="2022-06"):
    ok(run("export", "--month", month, "--brief"))
    wb = openpyxl.load_workbook(tmp_path / BRIEF.format(month))
    assert wb.sheetnames == ["推进情况（报送版）"]  # no 填报记录, no working sheets
    return wb.active


def texts(ws) -> list[str]:
    return [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]


def section_rows(ws) -> dict[int, str]:
    """Rows that are one merged cell across the table below the header: the section labels."""
    width = ws.max_column
    return {r.min_row: ws.cell(r.min_row, 1).value for r in ws.merged_cells.ranges
            if r.min_row == r.max_row and r.min_col == 1 and r.max_col == width and r.min_row > 3}


def test_task_titles_only_report_wording_and_no_notice_text(run, demo, tmp_path, plan):
    ws = brief(run, tmp_path)
    cells = texts(ws)
    assert ws["A1"].value == "2022年科技工作要点上半年推进情况（截至2022年6月30日）"
    assert [c.value for c in ws[3]] == ["序号", "重点任务", "量化目标", "累计完成", "较上月", "完成率", "状态", "本月进展"]
    for task in plan.tasks:
        assert task.title in cells
        assert not any(task.text in c for c in cells), task.label
    assert "定性任务" in cells and not any("按工作进度" in c for c in cells)


def test_printed_at_100_percent_in_10_point_and_fits_the_width(run, demo, tmp_path):
    ws = brief(run, tmp_path)
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4
    assert int(ws.page_setup.scale) == 100 and not ws.sheet_properties.pageSetUpPr.fitToPage
    sizes = {c.font.sz for row in ws.iter_rows(min_row=2) for c in row if c.value is not None}
    assert min(sizes) >= 10
    columns = [ws.column_dimensions[openpyxl.utils.get_column_letter(i)].width for i in range(1, ws.max_column + 1)]
    printed = sum(w * 7 + 5 for w in columns) * 0.75  # Excel: 7 px a unit + 5 px, 96 dpi
    assert printed <= A4_LANDSCAPE[0] - (ws.page_margins.left + ws.page_margins.right) * 72
    assert ws.print_title_rows == "$3:$3"


def test_pages_fit_and_each_page_starts_with_its_section(run, demo, tmp_path):
    ws = brief(run, tmp_path)
    breaks = [b.id for b in ws.row_breaks.brk]
    assert 1 <= len(breaks) <= 2  # two or three pages
    labels = section_rows(ws)
    page = A4_LANDSCAPE[1] - (ws.page_margins.top + ws.page_margins.bottom) * 72
    header = ws.row_dimensions[3].height
    starts = [1, *(b + 1 for b in breaks)]
    ends = [*breaks, ws.max_row]
    for number, (first, last) in enumerate(zip(starts, ends)):
        used = sum(ws.row_dimensions[r].height for r in range(first, last + 1)) + (header if number else 0)
        assert used <= page, (first, last, used)
        if number:
            assert first in labels, f"page {number + 1} starts without its section label"
            if labels[first].endswith("（续）"):
                previous = max(r for r in labels if r < first)
                assert labels[previous].removesuffix("（续）") == labels[first].removesuffix("（续）")
    assert any(labels[b + 1].endswith("（续）") for b in breaks)  # the demo's June splits a section


def test_headlines_and_since_last_month_are_status_and_changes(run, demo, tmp_path, plan):
    ws = brief(run, tmp_path)
    status = {t["id"]: t for t in json.loads(ok(run("status", "--as-of", "2022-06-30", "--json")).stdout)["targets"]}
    deltas = {v["id"]: v["delta"] for v in
              json.loads(ok(run("changes", "--month", "2022-06", "--json")).stdout)["values"]}
    assert ws.cell(4, 1).value == "主要目标"
    for position, headline in enumerate(plan.headlines, 1):
        row = 4 + position
        t = status[headline.target_id]
        assert ws.cell(row, 1).value == position and ws.cell(row, 2).value.startswith(headline.name)
        assert ws.cell(row, 4).value == t["value"]
        assert round(ws.cell(row, 6).value * 100, 2) == t["percent"]
        assert ws.cell(row, 7).value == t["state"]
        if t["id"] in deltas and deltas[t["id"]] is None:
            assert ws.cell(row, 5).value == "新填报"
        else:
            assert ws.cell(row, 5).value == pytest.approx(deltas.get(t["id"], 0))


def test_latest_note_of_each_task_only(run, demo, tmp_path):
    ws = brief(run, tmp_path)
    changes = json.loads(ok(run("changes", "--month", "2022-06", "--json")).stdout)
    latest = {item["task"]: item["notes"][-1]["note"] for item in changes["noted"]}
    shown = [c for c in texts(ws)]
    for note in latest.values():
        assert note in shown
    earlier = [n["note"] for item in changes["noted"] for n in item["notes"][:-1]]
    assert earlier and not any(n in shown for n in earlier if n not in latest.values())


def test_year_end_speaks_of_the_whole_year(run, demo, tmp_path, monkeypatch):
    monkeypatch.setenv("KJYD_TODAY", "2023-01-10")  # the year's report is exported after December
    ws = brief(run, tmp_path, "2022-12")
    assert ws["A1"].value == "2022年科技工作要点全年完成情况（截至2022年12月31日）"
    assert ws.cell(3, 8).value == "全年进展"
    cells = texts(ws)
    assert "慢于序时" not in cells and "未完成" in cells
    assert "两个国家重点实验室通过重组评估" in cells  # a June note: the demo has none in December


def test_brief_is_xlsx_only(run, demo):
    result = run("export", "--month", "2022-06", "--brief", "--format", "csv")
    assert result.exit_code == 1 and "xlsx" in result.stderr
