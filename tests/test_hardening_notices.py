"""A notice given to ``kjyd draft`` is someone else's file: hostile ones cost seconds, never minutes
or gigabytes, and end in one Chinese line with no draft written (issue #12, second round).

Each hostile file is built here, small on disk: the zip bomb's part is declared large, the PDF's
content is repeated instructions, the web page is nesting.
"""

from __future__ import annotations

import io
import os
import zipfile
import zlib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kjyd.cli import app
from tests.test_draft_read import SAMPLE


def draft(notice: Path, out: Path):
    return CliRunner().invoke(app, ["draft", str(notice), "-o", str(out)], catch_exceptions=False)


def refused(notice: Path, tmp_path: Path, *said: str) -> str:
    out = tmp_path / "plan.yaml"
    done = draft(notice, out)
    assert done.exit_code == 1, done.output
    assert "Traceback" not in done.output
    first = done.output.strip().splitlines()
    assert len(first) == 1 and first[0].startswith("错误：") and f"{notice.name}: " in first[0], done.output
    for word in said:
        assert word in done.output, done.output
    assert not out.exists()
    return done.output


def _docx(tmp_path: Path, name: str, change) -> Path:
    """A real Word notice (python-docx) whose parts ``change(part, bytes)`` may rewrite or add to."""
    from docx import Document

    document = Document()
    for line in SAMPLE.splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    path = tmp_path / name
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, change(info.filename, source.read(info.filename)))
    return path


def test_a_word_notice_still_drafts(tmp_path):
    path = _docx(tmp_path, "通知.docx", lambda name, data: data)
    assert draft(path, tmp_path / "plan.yaml").exit_code == 0


def test_a_zip_bomb_in_a_word_notice_is_refused_before_parsing(tmp_path):
    """300 MB of padding in document.xml made python-docx use 660 MB; the part's size is checked first."""
    padded = _docx(tmp_path, "炸弹.docx",
                   lambda name, data: data + b" " * (11 * 1024 * 1024) if name == "word/document.xml" else data)
    assert padded.stat().st_size < 200_000
    refused(padded, tmp_path, "word/document.xml", "解压后", "上限 10 MB")


LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">'
          + b"".join(b'<!ENTITY %s "%s">' % (b"a%d" % i, (b"&a%d;" % (i - 1) if i else b"&a;") * 10)
                     for i in range(9)) + b"]>")


@pytest.mark.parametrize("doctype", [LAUGHS, b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY e SYSTEM "file:///etc/passwd">]>'])
def test_entity_declarations_in_a_word_notice_are_refused(tmp_path, doctype):
    def entities(name: str, data: bytes) -> bytes:
        if name != "word/document.xml":
            return data
        return doctype + data.split(b"?>", 1)[1].replace(b"<w:t>", b"<w:t>&a8;", 1)

    refused(_docx(tmp_path, "实体.docx", entities), tmp_path, "XML 实体声明")


def test_a_workbook_renamed_to_docx_is_named_as_one(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active["A1"] = "科技工作要点"
    path = tmp_path / "要点.docx"
    book.save(path)
    refused(path, tmp_path, "Excel 工作簿", "不是 Word 文件")


def test_a_fifo_a_folder_and_a_huge_file_are_refused_without_reading_them(tmp_path):
    fifo = tmp_path / "管道.txt"
    os.mkfifo(fifo)  # reading it would wait for a writer forever
    refused(fifo, tmp_path, "不是普通文件")
    folder = tmp_path / "文件夹.txt"
    folder.mkdir()
    refused(folder, tmp_path, "文件夹")
    huge = tmp_path / "巨大.txt"
    with open(huge, "wb") as handle:
        handle.truncate(150 * 1024 * 1024)  # sparse: nothing is written to the disk
    refused(huge, tmp_path, "文件过大", "上限 20 MB")


def test_too_much_text_and_too_many_numbers_are_refused(tmp_path):
    long = tmp_path / "长.txt"
    long.write_text(SAMPLE + "科技" * 1_000_001, encoding="utf-8")
    refused(long, tmp_path, "文字过多", "2,000,000")
    numbers = tmp_path / "数字.txt"  # 2.4 MB of this took 91 s and 1.4 GB, and the draft failed its check
    numbers.write_text(SAMPLE + "（三）开展工作。" + "新增1000家、" * 3001 + "\n", encoding="utf-8")
    refused(numbers, tmp_path, "带单位的数字超过 3,000 处")


def _page(body: str) -> bytes:
    return f"<html><head><title>通知</title></head><body>{body}</body></html>".encode()


def test_deeply_nested_web_pages_read_in_one_pass(tmp_path):
    """200,000 nested <div> ran more than five minutes (each line break walked its descendants)."""
    paragraphs = "".join(f"<p>{line}</p>" for line in SAMPLE.splitlines())
    for name, body in (
        ("嵌套.html", paragraphs + "<div>" * 100_000 + "结束" + "</div>" * 100_000),
        ("未闭合.html", "<div><span>" * 50_000 + paragraphs),
        ("列表.html", paragraphs + "<ul><li>" * 50_000 + "<a href='/'>首页</a>" + "</li></ul>" * 50_000),
    ):
        path = tmp_path / name
        path.write_bytes(_page(body))
        out = tmp_path / f"{name}.yaml"
        done = draft(path, out)
        assert done.exit_code == 0, done.output
        assert "新增高新技术企业" in out.read_text(encoding="utf-8")
        assert "首页" not in out.read_text(encoding="utf-8")


def test_menus_inside_content_go_and_content_lists_stay(tmp_path):
    from kjyd.draft.read import read_notice

    page = _page(
        "<ul><li><a href='/'>首页</a></li><li><b><a href='/z'>政务公开</a></b> </li></ul>"
        "<ol><li><a href='/f'>附件1</a>：任务分工表<ul><li><a>机构设置</a></li></ul></li><li>第二项</li></ol>"
        "<nav><ul><li>导航</li></ul></nav><script>新建99个</script>"
        + "".join(f"<p><span>{line[:4]}</span><span>{line[4:]}</span></p>" for line in SAMPLE.splitlines())
    )
    path = tmp_path / "页面.html"
    path.write_bytes(page)
    text = read_notice(path)
    for noise in ("首页", "政务公开", "机构设置", "导航", "新建99个"):
        assert noise not in text
    assert "附件1：任务分工表\n第二项" in text  # a list with text besides its links is content
    assert SAMPLE.splitlines()[4] in text.splitlines()  # spans inside a paragraph stay one line


def test_a_web_page_over_its_limit_is_refused(tmp_path):
    path = tmp_path / "大网页.html"
    path.write_bytes(_page("<p>科技</p>" * 500_000))
    refused(path, tmp_path, "网页文件过大", "上限 5 MB")


def _pdf(objects: list[bytes]) -> bytes:
    """A minimal PDF: catalog is object 1, its xref table computed."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _stream(data: bytes) -> bytes:
    packed = zlib.compress(data, 9)
    return b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(packed), packed)


def _pdf_pages(count: int, content: bytes) -> bytes:
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 600 800] /Contents 4 0 R >>"
    kids = b" ".join(b"3 0 R" for _ in range(count))
    return _pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, count),
                 page, _stream(content)])


@pytest.mark.parametrize("name, pdf, said", [
    ("炸弹.pdf", _pdf_pages(1, b"q Q " * (8 * 1024 * 1024)), "超出读取上限"),  # 32 MB from 30 KB
    ("多页.pdf", _pdf_pages(4, b"q Q " * (512 * 1024)), "第 3 页起 PDF 内容过多"),  # 2 MB a page
    ("千页.pdf", _pdf_pages(1001, b"q Q"), "1,001 页"),
    ("循环.pdf", _pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [2 0 R] /Count 1 >>"]), "PDF"),
    ("不是.pdf", SAMPLE.encode(), "无法读取这个 PDF"),
])
def test_hostile_pdfs_are_refused_within_limits(tmp_path, name, pdf, said):
    path = tmp_path / name
    path.write_bytes(pdf)
    assert path.stat().st_size < 200_000
    refused(path, tmp_path, said)


def test_a_plan_too_large_as_written_is_not_blamed_on_aliases(tmp_path):
    from kjyd.errors import PlanFileError
    from kjyd.plan_schema import parse_plan

    text = "id: big\ntitle: 大\nperiod: {start: 2022-01-01, end: 2022-12-31}\nheadlines:\n" + (
        "  - {name: 目标, value: 1, unit: 个, quote: 目标}\n" * 25_000
    )
    with pytest.raises(PlanFileError) as err:
        parse_plan(text, "big.yaml")
    assert "计划文件内容过多" in str(err.value) and "别名" not in str(err.value)


def test_check_source_reads_the_notice_within_the_same_limits(tmp_path):
    """A FIFO as the notice hung ``kjyd check --source``; a 150 MB text had no limit."""
    from tests.conftest import BUNDLED_PLAN

    fifo = tmp_path / "管道.txt"
    os.mkfifo(fifo)
    huge = tmp_path / "巨大.txt"
    with open(huge, "wb") as handle:
        handle.truncate(150 * 1024 * 1024)
    long = tmp_path / "长.txt"
    long.write_text("科技" * 1_000_001, encoding="utf-8")
    for notice, said in ((fifo, "不是普通文件"), (huge, "文件过大"), (long, "通知原文过长")):
        done = CliRunner().invoke(app, ["check", str(BUNDLED_PLAN), "--source", str(notice)], catch_exceptions=False)
        assert done.exit_code == 1 and said in done.output, done.output
        assert "Traceback" not in done.output


def test_bidi_marks_copied_from_a_web_page_are_dropped_from_draft_and_check(tmp_path):
    """Plan texts may hold no bidi control, so a draft must not copy the U+200E/U+202A marks a web
    page leaves in copied text, and check --source must not count them as differences."""
    from kjyd.draft.read import read_notice

    marked = SAMPLE.replace("高新技术企业", "高新\u200e技术\u202a企业\u202c").replace("成交额", "成交\u2066额\u2069")
    notice = tmp_path / "网页复制.txt"
    notice.write_text(marked, encoding="utf-8")
    assert "\u200e" not in read_notice(notice) and "\u202a" not in read_notice(notice)
    out = tmp_path / "plan.yaml"
    done = draft(notice, out)
    assert done.exit_code == 0 and "检查通过" in done.output, done.output
    clean = tmp_path / "干净.txt"
    clean.write_text(SAMPLE, encoding="utf-8")
    made = tmp_path / "clean.yaml"
    assert draft(clean, made).exit_code == 0
    checked = CliRunner().invoke(app, ["check", str(made), "--source", str(notice)], catch_exceptions=False)
    assert checked.exit_code == 0, checked.output


def test_a_word_file_of_countless_empty_paragraphs_is_refused_and_many_still_read(tmp_path):
    """1.5 million ``<w:p/>`` in a 59 KB .docx ran for more than five minutes: python-docx looked up
    each paragraph's style among all the document's styles. Styles are now looked up once each,
    and more paragraphs and table rows than any notice has are refused."""
    def empty_paragraphs(count):
        return lambda name, data: (data.replace(b"<w:body>", b"<w:body>" + b"<w:p/>" * count, 1)
                                   if name == "word/document.xml" else data)

    refused(_docx(tmp_path, "空段落.docx", empty_paragraphs(25_000)), tmp_path, "超过 20,000 个")
    spaced = _docx(tmp_path, "空行多.docx", empty_paragraphs(3_000))
    done = draft(spaced, tmp_path / "spaced.yaml")
    assert done.exit_code == 0 and "检查通过" in done.output, done.output
