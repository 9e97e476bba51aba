"""Reading a notice in the formats offices receive: every format gives the same paragraphs."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from kjyd.cli import app
from kjyd.draft import draft_notice
from kjyd.draft.read import read_notice, tidy
from kjyd.errors import NoticeError
from tests.conftest import REPO
from tests.test_draft_quality import NOTICE_2022, needs_shared

PDF_EXCERPT = REPO / "tests" / "data" / "notice2022-excerpt.pdf"
"""The 2022 notice up to task （五）, printed to PDF by LibreOffice (soffice --convert-to pdf),
with its Chinese fonts embedded as a real notice's PDF would have them."""

SAMPLE = (
    "某省科学技术厅关于印发《2023年科技工作要点》的通知\n"
    "某科发〔2023〕1号\n"
    "主要目标：新增高新技术企业1500家、瞪羚企业200家，技术合同成交额达到2.45 万亿元。\n"
    "一、培育创新主体\n"
    "（一）壮大科技企业。新增高新技术企业1500家、瞪羚企业200家。\n"
    "（二）促进成果转化。技术合同成交额达到2.45 万亿元。\n"
)


def _summary(path: Path):
    draft = draft_notice(path).draft
    return (
        draft.title, draft.document_number, [s.title for s in draft.sections],
        [(t.title, t.text) for t in draft.tasks],
        [(h.found.value, h.found.unit, h.ref) for h in draft.headlines],
    )


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16"])
def test_text_files_in_every_usual_encoding_read_the_same(tmp_path, encoding):
    reference = tmp_path / "utf8.txt"
    reference.write_text(SAMPLE, encoding="utf-8")
    other = tmp_path / f"{encoding}.txt"
    other.write_bytes(SAMPLE.encode(encoding))
    assert read_notice(other) == read_notice(reference)
    assert _summary(other) == _summary(reference)


def test_a_short_gb18030_text_is_not_mistaken_for_big5(tmp_path):
    notice = tmp_path / "n.txt"
    notice.write_bytes("（一）建设平台。新建5个".encode("gb18030"))
    assert read_notice(notice) == "（一）建设平台。新建5个"


def test_big5_text_is_detected(tmp_path):
    text = "科技工作要點\n（一）建設平台。新建研發平台5個，培育高新技術企業一千家，推動科技成果轉化與產業化發展。\n" * 3
    notice = tmp_path / "n.txt"
    notice.write_bytes(text.encode("big5"))
    assert "建設平台" in read_notice(notice)


def test_docx_paragraphs_and_tables(tmp_path):
    from docx import Document

    document = Document()
    for line in SAMPLE.splitlines():
        document.add_paragraph(line)
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "牵头处室"
    table.rows[0].cells[1].text = "高新处"
    path = tmp_path / "通知.docx"
    document.save(path)
    text = read_notice(path)
    assert text.startswith(tidy(SAMPLE))
    assert text.endswith("牵头处室 高新处")
    reference = tmp_path / "n.txt"
    reference.write_text(SAMPLE, encoding="utf-8")
    assert _summary(path) == _summary(reference)


def test_saved_web_page_drops_scripts_menus_and_keeps_paragraphs_whole(tmp_path):
    body = "".join(
        f"<p><span>{line[:5]}</span><span style='x'>{line[5:]}</span></p>" for line in SAMPLE.splitlines()
    )
    page = (
        "<html><head><meta charset='gbk'><title>通知_某省科学技术厅</title>"
        "<script>var x = '新建99个';</script><style>p{color:red}</style></head><body>"
        "<nav><a href='/'>首页</a> <a href='/a'>新增100家</a></nav>"
        "<ul><li><a href='/1'>机构设置</a></li><li><a href='/2'>政策文件</a></li></ul>"
        f"<div class='TRS_Editor'>{body}</div>"
        "<footer>主办单位：某省科学技术厅 电话 029-1234567</footer></body></html>"
    )
    path = tmp_path / "通知.html"
    path.write_bytes(page.encode("gbk"))
    text = read_notice(path)
    assert tidy(SAMPLE) in text
    for noise in ("新建99个", "首页", "机构设置", "color:red", "029-1234567", "新增100家"):
        assert noise not in text
    reference = tmp_path / "n.txt"
    reference.write_text(SAMPLE, encoding="utf-8")
    assert _summary(path) == _summary(reference)


def test_pdf_made_by_libreoffice_reads_as_the_text_it_came_from():
    text = read_notice(PDF_EXCERPT)
    draft = draft_notice(PDF_EXCERPT).draft
    assert draft.title == "中共陕西省委科技工委 陕西省科学技术厅2022年科技工作要点"
    assert draft.document_number == "陕科工发〔2022〕3号"
    assert [s.title for s in draft.sections] == ["加力加速推进秦创原创新驱动平台建设", "持之以恒加强基础科学研究"]
    assert [t.title for t in draft.tasks] == [
        "突出抓示范抓引领", "完善协同创新体系", "加强监测评估考核", "培育国家战略科技力量", "优化实验室体系",
    ]
    assert len(draft.headlines) == 8
    # lines the page width broke are joined again: paragraphs are whole
    assert "总窗口完成科技成果转化并注册公司不少于200个。全社会研发经费投入增长8%左右" in text


@needs_shared
def test_pdf_tasks_match_the_text_notice_word_for_word():
    pdf = draft_notice(PDF_EXCERPT).draft
    txt = draft_notice(NOTICE_2022).draft
    assert [(t.title, t.text) for t in pdf.tasks] == [(t.title, t.text) for t in txt.tasks[:5]]
    assert pdf.goals_text == txt.goals_text


def test_pdf_without_text_asks_for_docx_or_txt(tmp_path):
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)  # what a scan without OCR gives: no text at all
    path = tmp_path / "扫描件.pdf"
    with open(path, "wb") as stream:
        writer.write(stream)
    with pytest.raises(NoticeError, match="读不出清晰的中文文字.*另存为 .docx 或 .txt"):
        read_notice(path)


def test_odd_spaces_and_control_characters_are_tidied(tmp_path):
    path = tmp_path / "n.txt"
    path.write_text("\ufeff一、\u3000平台\r\n\r\n（一）建设\u00a0平台。新建\u200b平台\t5个。\x07\r\n", encoding="utf-8")
    assert read_notice(path) == "一、 平台\n（一）建设 平台。新建平台 5个。"


@needs_shared
def test_a_government_page_around_the_xian_notice_drafts_like_the_text(tmp_path):
    """The page as a browser saves it: menu links in divs, breadcrumbs, an info line with the
    publication time, share and print links, a footer; the notice in <p><span> runs."""
    from tests.test_draft_quality import OTHER

    source = OTHER / "xian_kjj_2022.txt"
    lines = [line for line in source.read_text(encoding="utf-8").splitlines()[1:] if line.strip()]
    paragraphs = "".join(f'<p style="text-indent:2em"><span>{line}</span></p>' for line in lines)
    page = (
        "<html><head><title>关于印发《2022年西安市科技工作要点》的通知_通知公告_西安市科学技术局</title>"
        "<script>document.write('新增100家')</script></head><body>"
        "<div class='menu'><a href='/'>首页</a><a href='/zwgk'>政务公开</a></div>"
        "<div class='location'>当前位置：<a href='/'>首页</a> &gt; 通知公告</div>"
        "<div class='info'>发布时间：2022-03-11 16:20 &nbsp; 来源：市科技局</div>"
        f"<div class='TRS_Editor'>{paragraphs}</div>"
        "<div class='share'>分享到：<a>微信</a><a>微博</a></div>"
        "<div><a href='javascript:window.print()'>【打印本页】</a><a>【关闭窗口】</a></div>"
        "<div class='footer'><p>主办：西安市科学技术局 电话：029-86787000</p></div></body></html>"
    )
    path = tmp_path / "通知.html"
    path.write_text(page, encoding="utf-8")
    from_page = draft_notice(path).draft
    from_text = draft_notice(source).draft
    assert str(from_page.published) == "2022-03-11"
    assert (from_page.title, from_page.issuer, from_page.issued, from_page.goals_text) == (
        from_text.title, from_text.issuer, from_text.issued, from_text.goals_text
    )
    assert [(h.found.value, h.found.unit, h.found.comparator) for h in from_page.headlines] == [
        (h.found.value, h.found.unit, h.found.comparator) for h in from_text.headlines
    ]
    assert [(t.title, t.text) for t in from_page.tasks] == [(t.title, t.text) for t in from_text.tasks]


PDF_JUSTIFIED = REPO / "tests" / "data" / "notice2022-excerpt-justified.pdf"
"""The same excerpt set as a Word document would be (16 pt, justified, first-line indent; made with
python-docx) and printed to PDF by LibreOffice: justified lines come out with gaps ("200 个"), the
centred title wraps, and the curly quotes sit in a Latin font that pypdf reads out of place."""


def test_justified_pdf_gaps_closed_wrapped_title_joined_and_misplaced_quotes_flagged(tmp_path):
    text = read_notice(PDF_JUSTIFIED)
    assert "不少于200个。" in text and "1.3万家" in text
    result = draft_notice(PDF_JUSTIFIED)
    draft = result.draft
    assert draft.issuer == "中共陕西省委科技工委 陕西省科学技术厅"
    assert draft.short_title == "2022年科技工作要点" and draft.document_number == "陕科工发〔2022〕3号"
    assert [(h.found.number, h.found.unit) for h in draft.headlines] == [
        (200, "个"), (8, "%"), (20, "个"), (30, "个"), (2500, "亿元"), (13000, "家"), (1500, "家"), (200, "家"),
    ]
    assert [t.title for t in draft.tasks][:3] == ["突出抓示范抓引领", "完善协同创新体系", "加强监测评估考核"]
    assert any("引号" in w for w in result.warnings)
    assert "# 请核对：这个 PDF 中的引号" in result.yaml_text
    done = CliRunner().invoke(app, ["draft", str(PDF_JUSTIFIED), "-o", str(tmp_path / "p.yaml")])
    assert done.exit_code == 0 and "提示：这个 PDF 中的引号" in done.output


def _numbering_xml(abstract_id: int, levels: list[tuple[str, str]]) -> str:
    lvls = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/></w:lvl>'
        for i, (fmt, text) in enumerate(levels)
    )
    return f'<w:abstractNum {_W} w:abstractNumId="{abstract_id}">{lvls}</w:abstractNum>'


_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def test_docx_with_word_automatic_numbering_keeps_its_structure(tmp_path):
    """一、 and （一） drawn by Word's list numbering are not in the paragraph text; they are read
    from the numbering definitions so the sections and tasks are still found."""
    from docx import Document
    from docx.oxml import parse_xml

    document = Document()
    numbering = document.part.numbering_part.element
    numbering.insert(0, parse_xml(_numbering_xml(90, [("chineseCounting", "%1、"), ("chineseCounting", "（%2）")])))
    numbering.append(parse_xml(f'<w:num {_W} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))

    def numbered(text: str, level: int) -> None:
        paragraph = document.add_paragraph(text)
        num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
        num_pr.get_or_add_numId().val = 90
        num_pr.get_or_add_ilvl().val = level

    document.add_paragraph("2023年科技工作要点")
    document.add_paragraph("主要目标：新增高新技术企业800家。")
    numbered("培育科技企业", 0)
    numbered("实施倍增计划。新增高新技术企业800家。", 1)
    numbered("壮大创新主体。培育科技型中小企业1000家。", 1)
    numbered("建设创新平台", 0)
    numbered("建设重点实验室。新建省重点实验室10个。", 1)
    path = tmp_path / "要点.docx"
    document.save(path)

    text = read_notice(path)
    assert "一、培育科技企业\n（一）实施倍增计划" in text
    assert "二、建设创新平台\n（一）建设重点实验室" in text  # the lower level restarts under a new item
    draft = draft_notice(path).draft
    assert [s.title for s in draft.sections] == ["培育科技企业", "建设创新平台"]
    assert [(t.number, t.section, t.title) for t in draft.tasks] == [
        (1, 1, "实施倍增计划"), (2, 1, "壮大创新主体"), (3, 2, "建设重点实验室"),
    ]
    assert draft.headlines[0].ref == "1.1"
