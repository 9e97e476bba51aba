"""``kjyd report``: the Word 推进情况报告, read back with python-docx and checked against ``status``."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from datetime import date

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Length, Pt

from kjyd.periods import period_name
from kjyd.plan import format_number

HEADINGS = ["一、总体进展情况", "二、重点任务推进情况", "三、存在的问题", "四、下一步工作安排"]


def ok(result):
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def june(run, demo, tmp_path):
    ok(run("report", "--month", "2022-06"))
    return docx.Document(str(tmp_path / "2022年科技工作要点推进情况报告_2022-06.docx"))


def _status(run, day: str) -> dict:
    return json.loads(ok(run("status", "--as-of", day, "--json")).stdout)


def _body(document) -> list:
    return [p for p in document.paragraphs]


def _style(paragraph) -> str:
    return paragraph.style.name


def test_title_and_heading_order(june):
    paragraphs = _body(june)
    assert _style(paragraphs[0]) == "Title"
    assert paragraphs[0].text == "关于2022年科技工作要点\n上半年推进情况的报告"
    assert [p.text for p in paragraphs if _style(p) == "Heading 1"] == HEADINGS
    second = [p.text for p in paragraphs if _style(p) == "Heading 2"]
    assert second[0] == "（一）加力加速推进秦创原创新驱动平台建设" and len(second) == 10
    assert second == sorted(second, key=lambda t: "一二三四五六七八九十".index(t[1]))


def test_no_heading_is_empty(june):
    paragraphs = [p for p in _body(june) if p.text.strip()]
    for here, after in zip(paragraphs, paragraphs[1:] + [None]):
        if _style(here) == "Heading 2":
            assert after is not None and _style(after) == "Normal", here.text
        elif _style(here) == "Heading 1":
            assert after is not None and _style(after) in ("Normal", "Heading 2"), here.text


def test_summary_sentence_and_changes_are_status_and_changes(run, june):
    status = _status(run, "2022-06-30")
    changes = json.loads(ok(run("changes", "--month", "2022-06", "--json")).stdout)
    overview = next(p.text for p in _body(june) if p.text.startswith("截至2022年6月30日"))
    assert status["summary"] in overview
    assert changes["summary"] in overview
    assert f"序时进度为{status['expected_percent']:.1f}%" in overview


def test_every_headline_figure_is_the_one_status_json_gives(run, plan, june):
    targets = {t["id"]: t for t in _status(run, "2022-06-30")["targets"]}
    changes = {v["id"]: v for v in json.loads(ok(run("changes", "--month", "2022-06", "--json")).stdout)["values"]}
    text = next(p.text for p in _body(june) if p.text.startswith("主要目标方面"))
    sentences = text.removeprefix("主要目标方面，").rstrip("。").split("；")
    rows = june.tables[0].rows
    assert [c.text for c in rows[0].cells] == ["序号", "指标", "目标", "累计完成", "完成率", "较上月", "状态"]
    assert len(sentences) == len(plan.headlines) == len(rows) - 1
    for headline, sentence, row in zip(plan.headlines, sentences, rows[1:]):
        t = targets[headline.target_id]
        amount = f"{format_number(t['value'])}{t['unit']}"
        percent = f"{t['percent']:.1f}%"
        cells = [c.text for c in row.cells]
        assert sentence.startswith(headline.name) and amount in sentence
        assert cells[1:2] + cells[3:5] + cells[6:] == [headline.name, amount, percent, t["state"]]
        if t["unit"] != "%":  # a rate reads 为7.2%，已达到8%左右的目标
            assert f"完成年度目标的{percent}，{t['state']}进度" in sentence or t["state"] == "已完成"
        change = changes.get(t["id"])
        if change and change["delta"]:
            assert f"较上月增加{format_number(change['delta'])}{t['unit']}" in sentence
            assert cells[5] == f"+{format_number(change['delta'])}"


def test_problems_and_next_steps_come_from_the_records(run, june):
    text = "\n".join(p.text for p in _body(june))
    problems = text.split("三、存在的问题")[1].split("四、下一步工作安排")[0]
    behind = [t for t in _status(run, "2022-06-30")["targets"] if t["state"] == "慢于序时"]
    assert f"部分目标慢于序时进度。共{len(behind)}项" in problems
    log = json.loads(ok(run("log", "--month", "2022-06", "--json")).stdout)
    entries = log if isinstance(log, list) else log["entries"]
    recorded = [e for e in entries if not e.get("withdrawn") and e.get("problems")]
    assert recorded and all(e["problems"].rstrip("。") in problems for e in recorded)
    steps = text.split("四、下一步工作安排")[1]
    assert "一是" in steps and "二是" in steps


def test_page_setup_grid_and_fonts(june):
    section = june.sections[0]
    mm = lambda length: round(length.mm, 1)  # noqa: E731  (stored in twips: 210 mm is 11906)
    assert (mm(section.page_width), mm(section.page_height)) == (210, 297)
    assert (mm(section.top_margin), mm(section.bottom_margin)) == (37, 35)
    assert (mm(section.left_margin), mm(section.right_margin)) == (28, 26)
    grid = section._sectPr.find(qn("w:docGrid"))
    pitch = int(grid.get(qn("w:linePitch")))
    body_height_twips = Length(section.page_height - section.top_margin - section.bottom_margin).twips
    assert int(body_height_twips // pitch) == 22
    styles = june.styles
    for name, font, size in (("Normal", "仿宋_GB2312", 16), ("Heading 1", "黑体", 16), ("Heading 2", "楷体", 16),
                             ("Title", "方正小标宋简体", 22)):
        rpr = styles[name].element.rPr
        fonts = rpr.find(qn("w:rFonts"))
        assert fonts.get(qn("w:eastAsia")) == font, name
        assert fonts.get(qn("w:ascii")) == font and fonts.get(qn("w:asciiTheme")) is None
        assert styles[name].font.size == Pt(size) and not styles[name].font.bold
    spacing = int(styles["Normal"].element.rPr.find(qn("w:spacing")).get(qn("w:val"))) / 20  # points
    body_width = Length(section.page_width - section.left_margin - section.right_margin).pt
    assert int(body_width // (16 + spacing)) == 28
    assert styles["Normal"].paragraph_format.line_spacing == Pt(pitch / 20)


def test_page_numbers_dash_style_odd_right_even_left(june):
    section = june.sections[0]
    assert june.settings.odd_and_even_pages_header_footer
    for footer, side in ((section.footer, "right"), (section.even_page_footer, "left")):
        paragraph = footer.paragraphs[0]
        assert paragraph.text == "— 1 —"
        assert " PAGE " in "".join(t.text for t in paragraph._p.iter(qn("w:instrText")))
        assert paragraph.alignment.name.lower() == side


def test_fallback_fonts_in_the_font_table(june):
    part = next(p for p in june.part.package.iter_parts() if str(p.partname) == "/word/fontTable.xml")
    text = part.blob.decode("utf-8")
    assert 'w:name="方正小标宋简体"' in text and 'w:val="宋体"' in text
    assert 'w:name="仿宋_GB2312"' in text and 'w:val="仿宋"' in text


def test_year_end_speaks_of_the_whole_year(run, demo, tmp_path, monkeypatch):
    monkeypatch.setenv("KJYD_TODAY", "2023-01-10")  # a December report is written after December
    ok(run("report", "--month", "2022-12", "-o", "全年.docx"))
    document = docx.Document(str(tmp_path / "全年.docx"))
    assert document.paragraphs[0].text == "关于2022年科技工作要点\n全年完成情况的报告"
    text = "\n".join(p.text for p in document.paragraphs)
    assert "现将全年完成情况报告如下" in text and "全年工作已完成" in text
    assert "完成全年目标的63.5%，未完成全年目标" in text and "慢于序时进度" not in text
    assert "（截至2022年12月31日）" in text
    # The year's progress, not only December's notes (the demo has none in December).
    assert "两个国家重点实验室通过重组评估" in text


def test_file_handling(run, demo, tmp_path):
    ok(run("report", "--month", "2022-06"))
    again = run("report", "--month", "2022-06")
    assert again.exit_code == 1 and "已存在" in again.stderr and "--force" in again.stderr
    ok(run("report", "--month", "2022-06", "--force"))
    wrong = run("report", "--month", "2022-06", "-o", "报告.xlsx")
    assert wrong.exit_code == 1 and ".docx" in wrong.stderr
    outside = run("report", "--month", "2023-01")
    assert outside.exit_code == 1 and "不在计划期内" in outside.stderr
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".docx") == [
        "2022年科技工作要点推进情况报告_2022-06.docx"]


def test_an_empty_ledger_still_gives_a_report_without_empty_headings(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    ok(run("report", "--month", "2022-03", "-o", "空.docx"))
    document = docx.Document(str(tmp_path / "空.docx"))
    texts = [(p.style.name, p.text) for p in document.paragraphs if p.text]
    assert [t for s, t in texts if s == "Heading 1"] == HEADINGS
    assert texts[0][1] == "关于2022年科技工作要点\n一季度推进情况的报告"
    assert ("Normal", "本期各项任务均未报送进展情况。") in texts


def test_word_is_imported_only_by_report():
    code = "import sys, kjyd.cli; assert 'docx' not in sys.modules, 'python-docx imported'"
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize("month, name", [
    (1, "1月"), (2, "1—2月"), (3, "一季度"), (5, "1—5月"), (6, "上半年"), (7, "1—7月"), (9, "前三季度"),
    (11, "1—11月"), (12, "全年"),
])
def test_period_names_of_a_calendar_year(plan, month, name):
    end = date(2022, month + 1, 1).toordinal() - 1 if month < 12 else date(2022, 12, 31).toordinal()
    assert period_name(plan, date.fromordinal(end)) == name


def test_period_names_of_other_plans(plan):
    spring = dataclasses.replace(plan, start=date(2022, 4, 1), end=date(2022, 12, 31))
    assert period_name(spring, date(2022, 6, 30)) == "4—6月"
    five_years = dataclasses.replace(plan, start=date(2021, 1, 1), end=date(2025, 12, 31))
    assert period_name(five_years, date(2022, 6, 30)) == "2021年1月—2022年6月"
    assert period_name(five_years, date(2025, 12, 31)) == "计划期"


def test_a_running_month_is_reported_as_of_today_like_status(run, demo, tmp_path, monkeypatch):
    monkeypatch.setenv("KJYD_TODAY", "2022-06-20")
    ok(run("report", "--month", "2022-06", "-o", "六月中.docx"))
    document = docx.Document(str(tmp_path / "六月中.docx"))
    overview = next(p.text for p in document.paragraphs if p.text.startswith("截至"))
    assert overview.startswith("截至2022年6月20日")
    assert _status(run, "2022-06-20")["summary"] in overview


CITY_PLAN = """\
id: city-2026
title: 某市科技局2026年工作要点
period: {start: 2026-01-01, end: 2026-12-31}
tasks:
  - number: 1
    title: 培育科技型企业
    text: 新增高新技术企业100家，研发投入强度达到3%以上。
    targets:
      - {name: 新增高新技术企业, value: 100, unit: 家, quote: 新增高新技术企业100家}
      - {name: 研发投入强度, value: 3, unit: "%", kind: level, comparator: at_least, quote: 研发投入强度达到3%以上}
  - number: 2
    title: 加强科普
    text: 持续开展科普活动。
    targets: []
"""


def test_a_plan_without_sections_or_headlines(run, tmp_path, monkeypatch):
    """Another office's plan: no sections, no 主要目标, a level target — no empty part, no empty table."""
    plan_file = tmp_path / "city.yaml"
    plan_file.write_text(CITY_PLAN, encoding="utf-8")
    monkeypatch.setenv("KJYD_PLAN", str(plan_file))
    monkeypatch.setenv("KJYD_TODAY", "2026-05-10")
    for args in (("1", "--value", "30", "--date", "2026-03-10"), ("1.2", "--value", "2.1", "--date", "2026-04-10"),
                 ("2", "--value", "40", "--date", "2026-04-20", "--note", "开展科普周活动")):
        ok(run("update", *args))
    ok(run("report", "--month", "2026-04", "-o", "city.docx"))
    document = docx.Document(str(tmp_path / "city.docx"))
    texts = [(p.style.name, p.text) for p in document.paragraphs if p.text]
    assert texts[0] == ("Title", "关于某市科技局2026年工作要点\n1—4月推进情况的报告")
    assert [t for s, t in texts if s == "Heading 1"] == HEADINGS
    assert not any(s == "Heading 2" for s, _ in texts)
    assert document.tables == [] and not any("主要目标" in t for _, t in texts)
    progress = texts[[t for _, t in texts].index("二、重点任务推进情况") + 1][1]
    assert "研发投入强度2.1%" in progress and "开展科普周活动" in progress
    assert "未达到要求。共1项" in "".join(t for _, t in texts)
    ok(run("export", "--month", "2026-04", "--brief"))
