"""``kjyd export``: the workbook leadership receives, opened with openpyxl and checked cell by cell."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import zipfile
from datetime import date, datetime

import openpyxl
import pytest

from tests import stores
from hypothesis import given, settings
from hypothesis import strategies as hs

XLSX = "2022年科技工作要点推进情况表_2022-06.xlsx"
HEADERS = [
    "序号", "板块", "重点任务", "主要内容", "量化目标", "累计完成", "较上月", "完成率", "序时进度", "进度状态",
    "本月进展", "存在问题", "下一步计划", "牵头处室", "配合处室", "最近更新",
]
COL = {name: i for i, name in enumerate(HEADERS, start=1)}
TRICKY = '=SUM(A1:A3) "引号" \'单引号\'\n第二行 🎉'


@pytest.fixture(autouse=True)
def mid_year(monkeypatch, tmp_path):
    """Today is 30 June 2022 (the plan period is in the past); files land in a temporary folder."""
    monkeypatch.setenv("KJYD_TODAY", "2022-06-30")
    monkeypatch.chdir(tmp_path)


def ok(result):
    assert result.exit_code == 0, result.output
    return result


def fails(result, *words):
    assert result.exit_code == 1, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("错误："), result.stderr
    for word in words:
        assert word in lines[0], lines[0]


@pytest.fixture
def seeded(run):
    """A few months of check-ins, as a clerk types them."""
    for args in (
        ("十三.5", "--value", "600", "--date", "2022-03-31", "--note", "一季度登记合同额"),
        ("十三.5", "--value", "1000", "--date", "2022-05-31", "--note", "五月的说明"),
        ("十三.5", "--value", "1100", "--date", "2022-06-15", "--note", "登记技术合同1350亿元",
         "--problems", "部分合同登记滞后", "--next", "加快登记进度"),
        ("十三.1", "--value", "4", "--date", "2022-06-20", "--note", "新建中试基地4个"),
        ("十三", "--date", "2022-06-10", "--note", "路演活动筹备中"),
        ("三", "--value", "50", "--date", "2022-06-05", "--note", TRICKY),
        ("一", "--value", "180", "--date", "2022-06-02", "--note", "总窗口注册公司180个"),
        ("H2", "--value", "7.5", "--date", "2022-06-30"),
    ):
        ok(run("update", *args))
    ok(run("update", "十四.3", "--value", "999", "--date", "2022-06-25", "--note", "录错了"))
    ok(run("undo", "--yes"))


def export(run, *args):
    ok(run("export", "--month", "2022-06", *args))


def task_rows(ws, label):
    """Row numbers of a task on 推进情况 (its first row carries the label; merged rows follow)."""
    first = next(r for r in range(4, ws.max_row + 1) if ws.cell(r, 1).value == label)
    last = first
    while last + 1 <= ws.max_row and ws.cell(last + 1, 1).value is None:
        last += 1
    return list(range(first, last + 1))


def test_sheets_title_summary_and_headers(run, seeded, tmp_path):
    result = run("export", "--month", "2022-06")
    ok(result)
    assert result.stdout.strip() == f"已导出：{tmp_path / XLSX}"
    wb = openpyxl.load_workbook(tmp_path / XLSX)
    assert wb.sheetnames == ["推进情况", "主要目标", "月度走势", "填报记录"]
    ws = wb["推进情况"]
    assert ws["A1"].value == "2022年科技工作要点推进情况表（截至2022年6月30日）"
    assert "A1:P1" in {str(r) for r in ws.merged_cells.ranges}
    assert ws["A2"].value.startswith("序时进度：49.6%。32项任务中，")
    assert [c.value for c in ws[3]] == HEADERS
    assert ws["A3"].font.bold and ws["A3"].fill.fgColor.rgb.endswith("D9E1F2")
    assert ws["D4"].font.name == "仿宋" and ws["D4"].alignment.wrap_text


def test_target_row_is_numbers_with_formats_and_state_colour(run, seeded, tmp_path):
    export(run)
    ws = openpyxl.load_workbook(tmp_path / XLSX)["推进情况"]
    rows = task_rows(ws, "十三")
    row = next(r for r in rows if ws.cell(r, COL["量化目标"]).value == "技术合同成交额2500亿元")
    done = ws.cell(row, COL["累计完成"])
    assert done.value == 1100 and done.data_type == "n" and "亿元" in done.number_format
    rate = ws.cell(row, COL["完成率"])
    assert rate.value == pytest.approx(0.44) and rate.number_format == "0.0%"
    assert ws.cell(row, COL["序时进度"]).value == pytest.approx(181 / 365)
    state = ws.cell(row, COL["进度状态"])
    assert state.value == "慢于序时" and state.fill.fgColor.rgb.endswith("FFC7CE")
    assert ws.cell(rows[0], COL["主要内容"]).value.startswith("聚焦中试放大")
    assert ws.cell(rows[0], COL["板块"]).value == "五、加快科技成果转化和科技企业孵化"
    assert ws.cell(task_rows(ws, "十四")[0], COL["板块"]).value is None  # one 板块 cell per section
    section_rows = rows + task_rows(ws, "十四") + task_rows(ws, "十五")
    assert f"B{section_rows[0]}:B{section_rows[-1]}" in {str(r) for r in ws.merged_cells.ranges}
    assert ws.cell(rows[0], COL["最近更新"]).value == datetime(2022, 6, 20)
    first_task = task_rows(ws, "一")[0]
    assert ws.cell(first_task, COL["板块"]).value == "一、加力加速推进秦创原创新驱动平台建设"
    assert ws.cell(first_task, COL["完成率"]).value == pytest.approx(0.9)


def test_multi_target_task_merges_task_cells_only(run, seeded, tmp_path):
    export(run)
    ws = openpyxl.load_workbook(tmp_path / XLSX)["推进情况"]
    rows = task_rows(ws, "十三")
    assert len(rows) == 5
    merged = {str(r) for r in ws.merged_cells.ranges}
    for name in ("序号", "重点任务", "主要内容", "本月进展", "存在问题", "下一步计划", "最近更新"):
        letter = openpyxl.utils.get_column_letter(COL[name])
        assert f"{letter}{rows[0]}:{letter}{rows[-1]}" in merged, name
    for name in ("量化目标", "累计完成", "完成率", "进度状态"):
        letter = openpyxl.utils.get_column_letter(COL[name])
        assert not any(r.startswith(f"{letter}{rows[0]}:") for r in merged), name
    assert [ws.cell(r, COL["累计完成"]).value for r in rows] == [4, None, None, None, 1100]
    assert [ws.cell(r, COL["进度状态"]).value for r in rows] == [
        "慢于序时", "未填报", "未填报", "未填报", "慢于序时",
    ]


def test_since_last_month_column_is_the_changes_of_the_month(run, seeded, tmp_path):
    ok(run("update", "十四.1", "--value", "20", "--date", "2022-05-10"))  # unchanged in June
    export(run)
    ws = openpyxl.load_workbook(tmp_path / XLSX)["推进情况"]
    rows = task_rows(ws, "十三")
    cells = [ws.cell(r, COL["较上月"]) for r in rows]
    assert [c.value for c in cells] == ["新填报", None, None, None, 100]  # 4 new; 1000 → 1100
    assert cells[-1].data_type == "n" and cells[-1].number_format.startswith("+")
    assert ws.cell(task_rows(ws, "十四")[0], COL["较上月"]).value == 0
    changes = json.loads(ok(run("changes", "--month", "2022-06", "--json")).stdout)
    assert {v["id"]: v["delta"] for v in changes["values"]}["13.5"] == 100


def test_the_last_month_speaks_of_the_whole_year(run, seeded, tmp_path, monkeypatch):
    monkeypatch.setenv("KJYD_TODAY", "2023-01-05")
    ok(run("update", "十三.5", "--value", "2600", "--date", "2022-12-20", "--note", "全年登记技术合同2600亿元"))
    ok(run("export", "--month", "2022-12"))
    ws = openpyxl.load_workbook(tmp_path / "2022年科技工作要点推进情况表_2022-12.xlsx")["推进情况"]
    assert ws["A1"].value == "2022年科技工作要点全年完成情况表（截至2022年12月31日）"
    assert ws.cell(3, COL["本月进展"]).value == "全年进展"
    # 十三.5's December note; 十三.1's latest note of the year (June), not a blank for it
    assert ws.cell(task_rows(ws, "十三")[0], COL["本月进展"]).value == (
        "6月20日（布局建设科技成果转化中试基地）：新建中试基地4个\n"
        "12月20日（技术合同成交额）：全年登记技术合同2600亿元"
    )
    assert ws.cell(task_rows(ws, "一")[0], COL["本月进展"]).value == "6月2日：总窗口注册公司180个"
    states = {ws.cell(r, COL["进度状态"]).value for r in range(4, ws.max_row + 1)}
    assert "慢于序时" not in states and "未完成" in states


def test_month_notes_oldest_first_only_that_month_and_not_withdrawn(run, seeded, tmp_path):
    export(run)
    wb = openpyxl.load_workbook(tmp_path / XLSX)
    ws = wb["推进情况"]
    row = task_rows(ws, "十三")[0]
    assert ws.cell(row, COL["本月进展"]).value == (
        "6月10日（布局建设科技成果转化中试基地）：路演活动筹备中\n"
        "6月15日（技术合同成交额）：登记技术合同1350亿元\n"
        "6月20日（布局建设科技成果转化中试基地）：新建中试基地4个"
    )
    assert ws.cell(row, COL["存在问题"]).value == "部分合同登记滞后"
    assert ws.cell(row, COL["下一步计划"]).value == "加快登记进度"
    assert ws.cell(task_rows(ws, "十四")[0], COL["本月进展"]).value is None  # withdrawn
    text = "\n".join(str(c.value) for line in ws.iter_rows() for c in line if c.value)
    assert "五月的说明" not in text and "一季度" not in text

    records = wb["填报记录"]
    assert [c.value for c in records[2]] == [
        "记录号", "日期", "任务", "目标", "数值", "单位", "说明", "存在问题", "下一步计划", "填报人",
        "录入时间", "状态",
    ]
    body = list(records.iter_rows(min_row=3, values_only=True))
    assert [r[1].date() for r in body] == sorted(r[1].date() for r in body)
    assert len(body) == 7  # June only: six check-ins plus the withdrawn one, still listed
    withdrawn = next(r for r in body if r[6] == "录错了")
    assert withdrawn[11] == "已撤销" and withdrawn[9] == "测试员"
    assert {r[11] for r in body} == {"有效", "已撤销"}
    assert isinstance(withdrawn[10], datetime)


def test_formula_looking_note_is_kept_literally(run, seeded, tmp_path):
    export(run)
    wb = openpyxl.load_workbook(tmp_path / XLSX)
    cell = next(
        row[6] for row in wb["填报记录"].iter_rows(min_row=3) if row[3].value == "三.1 工作进度"
    )
    assert cell.value == TRICKY and cell.data_type == "s"
    with zipfile.ZipFile(tmp_path / XLSX) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        assert not any(b"<f>" in archive.read(n) for n in sheets)  # no formula anywhere
    ws = wb["推进情况"]
    assert ws.cell(task_rows(ws, "三")[0], COL["本月进展"]).value == f"6月5日：{TRICKY}"


@settings(max_examples=40, deadline=None)
@given(hs.text(hs.characters(blacklist_categories=("Cs", "Cc")) | hs.just("\n"), min_size=1))
def test_any_typed_text_survives_the_workbook(value):
    from kjyd.render.xlsx.style import text

    wb = openpyxl.Workbook()
    text(wb.active["A1"], value)
    buffer = io.BytesIO()
    wb.save(buffer)
    assert openpyxl.load_workbook(buffer).active["A1"].value == value


def test_text_beyond_excel_cell_limit_is_cut_with_a_marker_not_left_to_break_the_file():
    from kjyd.render.xlsx.style import CELL_LIMIT, text

    wb = openpyxl.Workbook()
    text(wb.active["A1"], "进展" * CELL_LIMIT)
    buffer = io.BytesIO()
    wb.save(buffer)
    value = openpyxl.load_workbook(buffer).active["A1"].value
    assert len(value) == CELL_LIMIT
    assert value.startswith("进展进展") and f"共{2 * CELL_LIMIT}字" in value


def test_trend_sheet_month_end_values(run, seeded, tmp_path, plan):
    export(run)
    ws = openpyxl.load_workbook(tmp_path / XLSX)["月度走势"]
    assert [c.value for c in ws[2]] == [
        "编号", "指标", "目标值", "单位", "1月", "2月", "3月", "4月", "5月", "6月", "本月变化",
    ]
    rows = {r[0]: r for r in ws.iter_rows(min_row=3, values_only=True)}
    assert rows["十三.5"][4:] == (None, None, 600, 600, 1000, 1100, 100)
    assert rows["H2"][4:] == (None, None, None, None, None, 7.5, 7.5)
    assert "三.1" not in rows  # qualitative tasks have no quantity to follow
    quantitative = [t for t in plan.targets if not t.implicit]
    assert len(rows) == len(quantitative)
    assert ws["J2"].fill.fgColor.rgb.endswith("FFF2CC")


def test_headline_sheet_and_chart(run, seeded, tmp_path):
    export(run)
    ws = openpyxl.load_workbook(tmp_path / XLSX)["主要目标"]
    assert [c.value for c in ws[2]] == [
        # 当前值, not 累计完成: H2 (研发经费投入增长) is a level, reported as its latest estimate
        "序号", "指标", "目标值", "单位", "当前值", "完成率", "序时进度", "状态", "填报编号",
    ]
    body = list(ws.iter_rows(min_row=3, max_row=10, values_only=True))
    assert body[1][6] == "不适用" and body[1][1].startswith("全社会研发经费投入增长\n")
    assert body[0][6] == pytest.approx(body[4][6]) and body[0][6] > 0  # flows: the calendar's 序时
    assert len(body) == 8 and ws.cell(11, 1).value is None
    assert body[0][1:6] == ("总窗口完成科技成果转化并注册公司", 200, "个", 180, pytest.approx(0.9))
    assert body[4][4] == 1100 and body[4][8] == "十三.5"
    assert ws["F3"].number_format == "0.0%"
    assert len(ws._charts) == 1
    assert ws._charts[0].tagname == "barChart"


def test_print_layout(run, seeded, tmp_path):
    export(run)
    wb = openpyxl.load_workbook(tmp_path / XLSX)
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape", ws.title
        assert int(ws.page_setup.paperSize) == 9
        assert int(ws.page_setup.fitToWidth) == 1 and int(ws.page_setup.fitToHeight) == 0
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text
        assert ws.auto_filter.ref
    ws = wb["推进情况"]
    assert ws.print_title_rows == "$3:$3"
    assert ws.freeze_panes == "D4"
    assert ws.auto_filter.ref == f"A3:P{ws.max_row}"
    assert ws.column_dimensions["D"].width >= 30
    assert all(ws.row_dimensions[r].height for r in range(4, ws.max_row + 1))


def test_month_without_check_ins_is_complete(run, tmp_path, db_path, plan):
    result = run("export", "--month", "2022-02")
    ok(result)
    wb = openpyxl.load_workbook(tmp_path / "2022年科技工作要点推进情况表_2022-02.xlsx")
    ws = wb["推进情况"]
    assert ws["A1"].value.endswith("（截至2022年2月28日）")
    labels = [ws.cell(r, 1).value for r in range(4, ws.max_row + 1) if ws.cell(r, 1).value]
    assert len(labels) == 32 and labels[0] == "一" and labels[-1] == "三十二"
    states = {ws.cell(r, COL["进度状态"]).value for r in range(4, ws.max_row + 1)}
    assert states == {"未填报"}
    assert ws.max_row == 3 + sum(len(t.targets) for t in plan.tasks)
    assert wb["填报记录"]["A3"].value == "2022年2月没有填报记录"
    assert not stores.exists(db_path)  # exporting never creates the database


def test_existing_file_is_not_overwritten_without_force(run, seeded, tmp_path):
    export(run)
    target = tmp_path / XLSX
    target.write_bytes(b"leadership's copy")
    fails(run("export", "--month", "2022-06"), "已存在", "--force")
    assert target.read_bytes() == b"leadership's copy"
    export(run, "--force")
    assert openpyxl.load_workbook(target).sheetnames[0] == "推进情况"
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix != ".db" and "kjyd.db" not in p.name) == [XLSX]


def test_output_file_or_folder(run, tmp_path):
    folder = tmp_path / "报送"
    folder.mkdir()
    ok(run("export", "--month", "2022-06", "-o", str(folder)))
    assert (folder / XLSX).is_file()
    ok(run("export", "--month", "2022-06", "-o", str(folder / "六月.xlsx")))
    assert (folder / "六月.xlsx").is_file()


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--month", "2023-01"), ("2023-01", "计划期")),
        (("--month", "2021-12"), ("计划期",)),
        (("--month", "2022/13"), ("月份",)),
        (("--month", "2022-06", "-o", "没有这个文件夹/表.xlsx"), ("不存在",)),
        (("--month", "2022-06", "--format", "pdf"), ("xlsx", "csv")),
        (("--month", "2022-06", "--tolerance", "150"), ("--tolerance",)),
    ],
)
def test_bad_input_one_chinese_line_and_no_file(run, tmp_path, args, words):
    fails(run("export", *args), *words)
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith("kjyd.db")] == []


def test_crash_while_writing_leaves_no_half_file(run, seeded, tmp_path, monkeypatch):
    import kjyd.render.xlsx.workbook as renderer

    def broken(stream, *args):
        stream.write(b"PK half a workbook")
        raise RuntimeError("disk pulled out")

    monkeypatch.setattr(renderer, "write_workbook", broken)
    with pytest.raises(RuntimeError):
        run("export", "--month", "2022-06")
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith("kjyd.db")] == []


def test_csv_has_bom_and_one_row_per_target(run, seeded, tmp_path, plan):
    ok(run("export", "--month", "2022-06", "--format", "csv"))
    raw = (tmp_path / "2022年科技工作要点推进情况表_2022-06.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert len(rows) == sum(len(t.targets) for t in plan.tasks)
    row = next(r for r in rows if r["目标编号"] == "十三.5")
    assert row["累计完成"] == "1100" and row["单位"] == "亿元" and row["完成率（%）"] == "44"
    assert row["进度状态"] == "慢于序时" and row["序时进度（%）"] == "49.6"
    assert row["最近更新"] == "2022-06-20"
    tricky = next(r for r in rows if r["目标编号"] == "三.1")
    assert tricky["本月进展"] == f"6月5日：{TRICKY}"


def test_csv_chosen_by_file_suffix(run, tmp_path):
    ok(run("export", "--month", "2022-06", "-o", str(tmp_path / "表.csv")))
    assert (tmp_path / "表.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_openpyxl_is_not_loaded_for_other_commands():
    code = "import sys, kjyd.cli; assert 'openpyxl' not in sys.modules, 'openpyxl imported'"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_help_is_chinese_with_example(run):
    result = ok(run("export", "--help"))
    assert "示例：kjyd export --month 2022-06" in result.stdout
    assert "--force" in result.stdout and "--format" in result.stdout


def test_renderer_accepts_hand_built_month(plan):
    """The report as of a month end and no entries: the renderer needs nothing but the rows."""
    from kjyd.render.xlsx.workbook import write_workbook
    from kjyd.report import build_report

    report = build_report(plan, [], date(2022, 1, 31))
    buffer = io.BytesIO()
    write_workbook(buffer, report, lambda task: [], [], ["2022-01"], {})
    ws = openpyxl.load_workbook(buffer)["月度走势"]
    assert [c.value for c in ws[2]][4:] == ["1月", "本月变化"]


def _read_only_file_system(monkeypatch):
    """What a read-only share does: creating any file fails with EROFS, and so does removing one."""
    import errno
    import pathlib

    import kjyd.commands.export_cmds as export_cmds

    def refuse(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(export_cmds, "open", refuse, raising=False)
    monkeypatch.setattr(pathlib.Path, "unlink", refuse)


@pytest.mark.parametrize("args", [(), ("--format", "csv")])
def test_read_only_folder_is_one_chinese_line_not_a_traceback(run, seeded, tmp_path, monkeypatch, args):
    _read_only_file_system(monkeypatch)
    fails(run("export", "--month", "2022-06", *args), "只读")
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith("kjyd.db")] == []


def test_template_into_a_read_only_folder_is_one_chinese_line(run, tmp_path, monkeypatch):
    _read_only_file_system(monkeypatch)
    fails(run("template", "--month", "2022-06"), "只读")
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith("kjyd.db")] == []


def test_a_very_long_note_keeps_rows_printable_and_shows_its_beginning(run, tmp_path):
    """Excel's tallest row is 409 pt and no program splits a row over printed pages."""
    note = "开头第一句。" + "很长的说明" * 300
    ok(run("update", "二十一", "--date", "2022-06-11", "--note", note))
    export(run)
    wb = openpyxl.load_workbook(tmp_path / XLSX)
    for ws in wb:
        tallest = max((d.height or 0) for d in ws.row_dimensions.values())
        assert tallest <= 409, ws.title
    record = wb["填报记录"].cell(3, 7)
    assert record.value == note and record.alignment.vertical == "top"
    progress = wb["推进情况"]
    cell = progress.cell(task_rows(progress, "二十一")[0], COL["本月进展"])
    assert cell.value == f"6月11日：{note}" and cell.alignment.vertical == "top"
    short = progress.cell(task_rows(progress, "二十二")[0], COL["主要内容"])
    assert short.alignment.vertical == "center"  # only cells that do not fit change


def test_figure_columns_are_wide_enough_that_excel_shows_no_hashes(run, tmp_path):
    """Excel never wraps a number: 1,234.56亿元 or 10000.0% in a narrow column prints as ####."""
    ok(run("update", "十三.5", "--value", "1234.56", "--date", "2022-06-10"))
    ok(run("update", "十三.2", "--value", "1200", "--date", "2022-06-10", "--yes"))  # 12 场次 typed as 1200
    export(run)
    ws = openpyxl.load_workbook(tmp_path / XLSX)["推进情况"]
    row = task_rows(ws, "十三")[4]
    assert ws.cell(row, COL["累计完成"]).value == 1234.56
    # digits and % take one width unit, 汉字 about two, plus a margin
    assert ws.column_dimensions["F"].width >= len("1,234.56") + 2 * len("亿元") + 1
    assert ws.column_dimensions["G"].width >= len("10000.0%") + 1
    assert ws.column_dimensions["D"].width == 38  # text columns keep their widths


def test_trend_months_name_the_year_when_the_period_crosses_new_year():
    from kjyd.render.xlsx.history import month_headers

    assert month_headers(["2022-01", "2022-02"]) == ["1月", "2月"]
    months = ["2023-11", "2023-12", "2024-01", "2024-02"]
    assert month_headers(months) == ["2023年11月", "12月", "2024年1月", "2月"]


@pytest.mark.parametrize("month", ["2022-06", "2022-12"])
def test_csv_and_workbook_say_the_same_words_for_every_task(run, seeded, tmp_path, monkeypatch, month):
    """The CSV reads each task's month from the ledger as it writes; the workbook holds the month.
    Either way the same notes (oldest first), problems and next steps — in the plan's last month
    with each target's latest note of the year where that month has none."""
    monkeypatch.setenv("KJYD_TODAY", "2023-01-05")
    ok(run("update", "十三.5", "--value", "2600", "--date", "2022-12-20", "--note", "全年登记",
           "--problems", "部分合同登记滞后", "--next", "年底前完成"))
    ok(run("update", "十三.1", "--date", "2022-12-21", "--note", "年底核查", "--problems", "场地不足"))
    ok(run("export", "--month", month, "-o", str(tmp_path / "表.xlsx")))
    ok(run("export", "--month", month, "-o", str(tmp_path / "表.csv")))
    ws = openpyxl.load_workbook(tmp_path / "表.xlsx")["推进情况"]
    rows = list(csv.DictReader(io.StringIO((tmp_path / "表.csv").read_text(encoding="utf-8-sig"), newline="")))
    checked = 0
    for row in rows:
        first = task_rows(ws, row["序号"])[0]
        for column in ("本月进展", "存在问题", "下一步计划"):
            assert row[column] == (ws.cell(first, COL[column]).value or ""), (row["目标编号"], column)
            checked += bool(row[column])
    assert checked >= 4
    words = next(r for r in rows if r["目标编号"] == "十三.5")
    if month == "2022-12":
        assert words["存在问题"] == "部分合同登记滞后\n场地不足"
        assert words["本月进展"] == "12月20日（技术合同成交额）：全年登记\n12月21日（布局建设科技成果转化中试基地）：年底核查"


def _record_sheet_as_before(plan, db_path):
    """填报记录 as the normal-mode code wrote it (every cell kept by openpyxl until the save), for
    the same check-ins: the reference the streamed sheet must equal."""
    from openpyxl import Workbook

    from kjyd.ledger import Ledger
    from kjyd.render.xlsx import style as st
    from kjyd.render.xlsx.history import RECORD_HEADERS, RECORD_WIDTHS, _record_row, _RecordLooks
    from kjyd.report import build_report

    report = build_report(plan, [], date(2022, 6, 30))
    wb = Workbook()
    ws = wb.active
    looks = st.Looks(ws)
    st.title_row(ws, 1, f"{plan.short_title}2022年6月填报记录", len(RECORD_HEADERS))
    st.header_row(ws, looks, 2, RECORD_HEADERS)
    with Ledger.open(db_path, write=False) as ledger:
        entries = list(ledger.iter_entries(plan.id, month="2022-06", oldest_first=True))
    for row, entry in enumerate(entries, start=3):
        _record_row(ws, _RecordLooks(looks, entry.withdrawn), row, report, entry)
    st.widths(ws, RECORD_WIDTHS)
    ws.freeze_panes = "A3"
    st.page_setup(ws, "2:2", len(RECORD_HEADERS), 2 + len(entries), 2)
    buffer = io.BytesIO()
    wb.save(buffer)
    return openpyxl.load_workbook(buffer).active


def _look(cell):
    font, alignment = cell.font, cell.alignment
    return (
        cell.value, cell.data_type, cell.number_format, cell.quotePrefix,
        font.name, font.sz, font.b, font.strike, font.color.rgb if font.color else None,
        cell.fill.fgColor.rgb, cell.border.left.style, cell.border.bottom.style,
        alignment.horizontal, alignment.vertical, alignment.wrap_text,
    )


def test_streamed_record_sheet_equals_the_normal_mode_sheet(run, seeded, plan, db_path):
    """填报记录's body rows are written straight to the file as they are read from the ledger (a
    month of 17,000 check-ins is never held); what Excel shows must be what openpyxl's normal mode
    wrote before: every cell's value, type and look, row heights, filter, print setup."""
    long_note = "很长的说明，" * 800  # taller than Excel's tallest row: aligned to the top
    for args in (
        ("十三.5", "--value", "1200.5", "--date", "2022-06-16", "--note", "=1+1", "--problems", "-5",
         "--next", "@SUM(A1)", "--by", "=HYPERLINK(\"x\")"),
        ("十三.1", "--value", "5", "--date", "2022-06-21", "--note", long_note, "--problems", " 前后空格 "),
        ("十三.1", "--value", "6", "--date", "2022-06-22", "--note", "控制字符\x07和\u202e反向"),
    ):
        ok(run("update", *args))
    ok(run("undo", "--yes"))  # the last one withdrawn: struck out, still listed
    export(run)
    streamed = openpyxl.load_workbook(XLSX)["填报记录"]
    before = _record_sheet_as_before(plan, db_path)

    assert streamed.max_row == before.max_row == 2 + 10 and streamed.max_column == before.max_column == 12
    assert streamed.dimensions == before.dimensions == "A1:L12"
    for row in range(1, before.max_row + 1):
        assert streamed.row_dimensions[row].height == before.row_dimensions[row].height, row
        for column in range(1, 13):
            assert _look(streamed.cell(row, column)) == _look(before.cell(row, column)), (row, column)
    assert streamed.auto_filter.ref == before.auto_filter.ref == "A2:L12"
    assert streamed.print_title_rows == before.print_title_rows
    assert streamed.freeze_panes == before.freeze_panes == "A3"
    assert streamed.merged_cells.ranges == before.merged_cells.ranges
    assert streamed.page_setup.orientation == "landscape" and streamed.page_setup.fitToWidth == 1
    assert [streamed.column_dimensions[c].width for c in "ABCDEFGHIJKL"] == \
        [before.column_dimensions[c].width for c in "ABCDEFGHIJKL"]
    # the cases the comparison is about are really there
    notes = {streamed.cell(row, 7).value: row for row in range(3, 13)}
    withdrawn = notes["控制字符\\x07和\\u202e反向"]
    assert streamed.cell(withdrawn, 7).font.strike and streamed.cell(withdrawn, 12).value == "已撤销"
    assert streamed.cell(notes["=1+1"], 7).data_type == "s" and streamed.cell(notes["=1+1"], 7).quotePrefix
    assert streamed.cell(notes[long_note], 7).alignment.vertical == "top"
    assert streamed.row_dimensions[notes[long_note]].height == 409
    with zipfile.ZipFile(XLSX) as package:
        names = package.read("xl/workbook.xml").decode()
    assert "$A$2:$L$12" in names  # the filter's hidden defined name covers every row
