"""A notice file (.txt, .docx, .html, .pdf) as plain text: one paragraph per line.

Offices receive the notice as whatever the website or the mail gave them: a text file in UTF-8 or
in GB18030 (GBK) from an older Windows machine, the Word document, the web page saved from the
browser, or a PDF. Each reader returns the same thing — paragraphs as lines — so the extraction
never knows which format it came from. Libraries are imported only here (``kjyd draft`` alone pays
for them): charset-normalizer, python-docx, beautifulsoup4, pypdf.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from kjyd.errors import NoticeError
from kjyd.values import HIDDEN

SUPPORTED = "支持 .txt、.docx、.html/.htm 和 .pdf"
_SAVE_AS = "请在 Word/WPS 中另存为 .docx 或 .txt 后再试"

# Spaces that are not ASCII spaces (ideographic, no-break, thin…) and characters with no width.
_SPACES = re.compile(r"[\u00a0\u2000-\u200a\u202f\u205f\u3000]")
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

MB = 1024 * 1024
PAGE_LIMIT = 5 * MB
"""Largest web page read (a saved notice page is 50–500 KB). Reading costs about a second per
megabyte of markup, so a page of nothing but tags stays within a few seconds."""
BLOCK_LIMIT = 20_000
"""Most paragraphs and table rows a Word notice may have (a 100-page plan has a few thousand)."""
TEXT_LIMIT = 2_000_000
"""Most characters of text a notice may have once read (the 2022 notice has 7,000; a five-year
plan about 100,000). Besides the file limits of :mod:`kjyd.untrusted_xlsx` (20 MB, parts of a
.docx at most 10 MB, no entity declarations), which every notice file shares with workbooks."""


def read_notice(path: Path) -> str:
    """The notice's text, paragraphs as lines, whitespace tidied; raises :class:`NoticeError`."""
    return read_with_warnings(path)[0]


def read_with_warnings(path: Path) -> tuple[str, list[str]]:
    """(text, warnings): what :func:`read_notice` gives, and what the reader doubts about it."""
    from kjyd.file_read import NOTICE, Unreadable, read_once

    warnings: list[str] = []
    try:
        data = read_once(path, NOTICE)  # a regular file, opened once, at most FILE_LIMIT bytes
    except Unreadable as err:
        raise NoticeError(f"{path}: {err}") from None
    suffix = path.suffix.lower()
    if suffix == ".docx":
        text = _docx(data, path)
    elif suffix in (".html", ".htm", ".shtml", ".xhtml"):
        if len(data) > PAGE_LIMIT:
            raise NoticeError(
                f"{path}: 网页文件过大（{len(data) / MB:.1f} MB，上限 {PAGE_LIMIT // MB} MB），不像是一份通知的网页；"
                "请在浏览器中复制通知正文，存为 .txt 后再试"
            )
        text = _html(data)
    elif suffix == ".pdf":
        text = _pdf(data, path, warnings)
    elif suffix in (".doc", ".wps", ".rtf", ".odt", ".ofd", ".xls", ".xlsx"):
        raise NoticeError(f"{path}: 不能直接读取 {suffix} 文件；{_SAVE_AS}（{SUPPORTED}）")
    else:
        text = decode_text(data, path)
    text = tidy(text)
    if len(text) > TEXT_LIMIT:
        raise NoticeError(
            f"{path}: 文字过多（{len(text):,} 字，上限 {TEXT_LIMIT:,} 字），不像是一份通知；"
            "请只保留通知和计划正文后再试"
        )
    if not re.search(r"[\u4e00-\u9fff]", text):
        raise NoticeError(f"{path}: 文件中没有中文文字，不像是一份通知（{SUPPORTED}）")
    return text, warnings


def tidy(text: str) -> str:
    """One paragraph per line: unusual spaces become plain ones, runs of spaces shrink, blank lines go."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _INVISIBLE.sub("", _SPACES.sub(" ", text))
    # Control characters and bidi marks (web pages carry U+200E, U+202A…): a plan text may hold none
    text = HIDDEN.sub("", _CONTROL.sub("", text.replace("\t", " ")))
    lines = (re.sub(r" {2,}", " ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def decode_text(data: bytes, path: Path) -> str:
    """Decode a text file: a BOM or valid UTF-8 decides; else GB18030, the mainland's legacy superset.

    charset-normalizer is asked only when neither fits (Big5, UTF-16 without a BOM): on a short
    GB18030 text it can prefer Big5 (``新建5个`` comes out as ``陔膘5跺``), while a mainland notice
    that is not UTF-8 is, in practice, GBK/GB18030 — and decoding strictly as GB18030 fails on
    anything else. Among the GB18030 texts, a Big5 file decodes too but into rare characters; the
    share of characters from the common GB2312 set tells them apart.
    """
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            return data.decode(codec, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        text = None
    if text is not None and _mostly_common_hanzi(text):
        return text
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None and best.encoding:
        return str(best)
    if text is not None:
        return text
    raise NoticeError(f"{path}: 无法识别文件的文字编码；请用记事本或 WPS 另存为 UTF-8 编码的 .txt")


def _mostly_common_hanzi(text: str) -> bool:
    hanzi = [c for c in text if "\u4e00" <= c <= "\u9fff"]
    if not hanzi:
        return True
    common = 0
    for c in hanzi:
        try:
            c.encode("gb2312")
            common += 1
        except UnicodeEncodeError:
            pass
    return common >= 0.9 * len(hanzi)


def _docx(data: bytes, path: Path) -> str:
    """Paragraphs and table cells in document order (a notice's 分工表 sits in a table)."""
    import io
    import zipfile

    from docx import Document
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    from kjyd.untrusted_xlsx import NOTICE, Unreadable, check_parts

    try:
        check_parts(data, NOTICE)  # zip bombs and entity declarations, before python-docx parses
    except Unreadable as err:
        raise NoticeError(f"{path}: {err}；{_SAVE_AS}") from None
    if _is_workbook(data):
        raise NoticeError(f"{path}: 这是 Excel 工作簿（扩展名被改成了 .docx），不是 Word 文件；{_SAVE_AS}")
    try:
        document = Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as err:
        raise NoticeError(f"{path}: 不是有效的 .docx 文件（{type(err).__name__}）；{_SAVE_AS}") from None
    except Exception as err:  # python-docx raises its own package errors for a damaged file
        raise NoticeError(f"{path}: 无法读取这个 Word 文件（{type(err).__name__}）；{_SAVE_AS}") from None
    numbers = _AutoNumbers(document)
    lines: list[str] = []
    for block in document.iter_inner_content():
        if len(lines) > BLOCK_LIMIT:
            raise NoticeError(f"{path}: Word 文件中的段落和表格行超过 {BLOCK_LIMIT:,} 个，不像是一份通知；{_SAVE_AS}")
        if isinstance(block, Paragraph):
            try:
                label = numbers.label(block)
            except (AttributeError, KeyError, ValueError, TypeError):  # a damaged numbering part
                label = ""
            lines.append(label + block.text)
        elif isinstance(block, Table):
            for row in block.rows:
                if len(lines) > BLOCK_LIMIT:
                    break  # said above, at the next block or the end
                cells: list[str] = []
                for cell in row.cells:
                    if cell.text not in cells:  # a merged cell repeats in every row/column it spans
                        cells.append(cell.text)
                lines.append(" ".join(cells))
    if len(lines) > BLOCK_LIMIT:
        raise NoticeError(f"{path}: Word 文件中的段落和表格行超过 {BLOCK_LIMIT:,} 个，不像是一份通知；{_SAVE_AS}")
    return "\n".join(lines)


def _is_workbook(data: bytes) -> bool:
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as archive:  # check_parts opened it already
        return "xl/workbook.xml" in archive.namelist() and "word/document.xml" not in archive.namelist()


_CHINESE_FORMATS = {"chineseCounting", "chineseCountingThousand", "ideographTraditional", "japaneseCounting",
                    "taiwaneseCounting", "ideographDigital", "chineseLegalSimplified"}


class _AutoNumbers:
    """The labels Word draws before automatically numbered paragraphs (一、（一）1.), which are not
    part of ``paragraph.text``: without them a notice typeset with Word's numbering has no structure.

    Reads each list level's format and text (``%1、``, ``（%1）``) from the numbering part and counts
    paragraphs per list and level, a level restarting under a new item of the level above.
    """

    def __init__(self, document) -> None:
        from docx.oxml.ns import qn

        self.qn = qn
        self.style_properties: dict[str | None, object] = {}
        self.levels: dict[str, tuple[str, dict[int, tuple[str, str, int]]]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        try:
            numbering = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract: dict[str, dict[int, tuple[str, str, int]]] = {}
        for definition in numbering.findall(qn("w:abstractNum")):
            levels = {}
            for lvl in definition.findall(qn("w:lvl")):
                levels[int(lvl.get(qn("w:ilvl"), "0"))] = (
                    self._val(lvl, "w:numFmt", "decimal"), self._val(lvl, "w:lvlText", ""),
                    int(self._val(lvl, "w:start", "1") or 1),
                )
            abstract[definition.get(qn("w:abstractNumId"))] = levels
        for num in numbering.findall(qn("w:num")):
            abstract_id = self._val(num, "w:abstractNumId", "")
            self.levels[num.get(qn("w:numId"))] = (abstract_id, abstract.get(abstract_id, {}))

    def _style_properties(self, paragraph):
        """The paragraph style's properties, looked up once per style: python-docx finds a style by
        reading every style of the document, about 1 ms a paragraph (1.5 million empty paragraphs
        in a 59 KB .docx ran for more than five minutes)."""
        p_pr = paragraph._p.pPr
        style_id = p_pr.style if p_pr is not None else None
        if style_id not in self.style_properties:
            style = paragraph.style
            self.style_properties[style_id] = getattr(style.element, "pPr", None) if style is not None else None
        return self.style_properties[style_id]

    def _val(self, element, tag: str, default: str) -> str:
        child = element.find(self.qn(tag))
        return child.get(self.qn("w:val"), default) if child is not None else default

    def label(self, paragraph) -> str:
        num_pr = self._num_pr(paragraph)
        if num_pr is None:
            return ""
        num_id, level = num_pr
        abstract_id, levels = self.levels.get(num_id, ("", {}))
        if level not in levels:
            return ""
        counters = self.counters.setdefault(abstract_id, {})
        counters[level] = counters.get(level, levels[level][2] - 1) + 1
        for deeper in [k for k in counters if k > level]:
            del counters[deeper]
        fmt, text, _ = levels[level]
        if fmt == "bullet":
            return text if text in ("—", "——", "-") else ""
        for k in range(9, 0, -1):
            if f"%{k}" in text:
                lvl_fmt = levels.get(k - 1, (fmt, "", 1))[0]
                text = text.replace(f"%{k}", _format_number(counters.get(k - 1, 1), lvl_fmt))
        return text

    def _num_pr(self, paragraph) -> tuple[str, int] | None:
        for p_pr in (paragraph._p.pPr, self._style_properties(paragraph)):
            num_pr = p_pr.numPr if p_pr is not None else None
            if num_pr is not None and num_pr.numId is not None and num_pr.numId.val:
                return str(num_pr.numId.val), (num_pr.ilvl.val if num_pr.ilvl is not None else 0)
        return None


def _format_number(n: int, fmt: str) -> str:
    if fmt in _CHINESE_FORMATS and 1 <= n <= 999:
        from kjyd.numerals import to_chinese

        return to_chinese(n)
    if fmt == "decimalFullWidth":
        return str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    if fmt == "decimalEnclosedCircle" and 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    return str(n)


def _html(data: bytes) -> str:
    """A saved government web page: the page text without scripts, styles, menus and link lists
    (:mod:`kjyd.draft.page_text`, one pass over the file)."""
    from kjyd.draft.page_text import page_text

    return page_text(data)


_MARKER = re.compile(
    r"[一二三四五六七八九十]+[、，．.]|[(（][一二三四五六七八九十\d]+[)）]|\d{1,3}[.．、](?!\d)|——|附件|主要目标"
)


def _pdf(data: bytes, path: Path, warnings: list[str]) -> str:
    """Text of a PDF with pypdf, lines that the page width broke joined back into paragraphs.

    A scanned notice (images only) or a PDF whose fonts do not map back to characters gives no
    Chinese text; that is said plainly instead of drafting from nothing.
    """
    import io
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        with _pdf_limits():
            reader = PdfReader(io.BytesIO(data))
            if len(reader.pages) > PDF_PAGE_LIMIT:
                raise NoticeError(
                    f"{path}: PDF 有 {len(reader.pages):,} 页（上限 {PDF_PAGE_LIMIT} 页），不像是一份通知；{_SAVE_AS}"
                )
            pages = _pdf_pages(reader, path)
    except NoticeError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as err:
        if type(err).__name__ == "LimitReachedError":  # one of the limits of _pdf_limits (pypdf ≥ 5)
            raise NoticeError(
                f"{path}: PDF 内容超出读取上限（结构或内容异常庞大，可能是恶意构造的文件）；{_SAVE_AS}"
            ) from None
        raise NoticeError(f"{path}: 无法读取这个 PDF（{type(err).__name__}）；{_SAVE_AS}") from None
    except Exception as err:  # a hostile file can fail anywhere inside pypdf (RecursionError, …)
        raise NoticeError(f"{path}: 无法读取这个 PDF，文件已损坏或结构异常（{type(err).__name__}）；{_SAVE_AS}") from None
    lines = [line.strip() for page in pages for line in page.splitlines() if line.strip()]
    hanzi = sum(1 for line in lines for c in line if "\u4e00" <= c <= "\u9fff")
    visible = sum(1 for line in lines for c in line if not c.isspace())
    if hanzi < 20 or hanzi < 0.3 * visible or "(cid:" in "".join(lines) or "\ufffd" in "".join(lines):
        raise NoticeError(
            f"{path}: 这个 PDF 读不出清晰的中文文字（可能是扫描件或字体未嵌入）；{_SAVE_AS}"
        )
    text = "\n".join(_rejoin(lines))
    # Justified lines are spread with gaps that come out as spaces: "200 个", "2022 年".
    text = _DIGIT_GAP.sub("", text)
    if len(_EMPTY_QUOTES.findall(text)) >= 2:
        warnings.append(
            "这个 PDF 中的引号“”用了另一种字体，读出的位置可能错乱：含引号的标题、正文和引文请对照原件核对"
            "（有 Word 原件时改用 .docx 更准确）"
        )
    return text


PDF_PAGE_LIMIT = 1000
"""Most pages of a notice PDF (a five-year plan has about 100)."""
PDF_CONTENT_LIMIT = 5 * MB
"""Most bytes of page content (drawing instructions, once inflated) read over all pages: a page of
text has 5–30 KB, so a 150-page plan fits; pypdf's text extraction costs 2–3 s a megabyte, so a
small PDF (999 pages sharing one 10 KB stream: 6.6 KB on disk) stops after some seconds instead
of running on page after page."""


def _pdf_limits():
    """pypdf's own limits, lowered to a notice's size (pypdf ≥ 7 has them; older ones its defaults)."""
    from contextlib import nullcontext

    try:
        from pypdf import apply_configuration
    except ImportError:
        return nullcontext()
    return apply_configuration(
        zlib_maximum_output_length=PDF_CONTENT_LIMIT, lzw_maximum_output_length=PDF_CONTENT_LIMIT,
        run_length_maximum_output_length=PDF_CONTENT_LIMIT, maximum_declared_stream_length=PDF_CONTENT_LIMIT,
        array_based_stream_maximum_output_length=PDF_CONTENT_LIMIT, stream_parsing_work_maximum_count=500_000,
        xform_maximum_invocations_per_extraction=200, page_tree_maximum_entries=10 * PDF_PAGE_LIMIT,
    )


def _pdf_pages(reader, path: Path) -> list[str]:
    """Each page's text, refusing once the pages' content adds up to more than :data:`PDF_CONTENT_LIMIT`."""
    pages: list[str] = []
    content = 0
    for number, page in enumerate(reader.pages, 1):
        stream = page.get_contents()
        content += len(stream.get_data()) if stream is not None else 0
        if content > PDF_CONTENT_LIMIT:
            raise NoticeError(
                f"{path}: 第 {number} 页起 PDF 内容过多（页面内容累计超过 {PDF_CONTENT_LIMIT // MB} MB），"
                f"不像是一份通知；{_SAVE_AS}"
            )
        pages.append(page.extract_text() or "")
    return pages


_DIGIT_GAP = re.compile(r"(?<=[\u4e00-\u9fff])[ ]+(?=\d)|(?<=[\d%])[ ]+(?=[\u4e00-\u9fff])")
_EMPTY_QUOTES = re.compile(r"“\s*”")


def _width(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)


def _rejoin(lines: list[str]) -> list[str]:
    """Join a line that fills the page width to the next one, unless the next starts a new item."""
    widths = sorted(_width(line) for line in lines)
    full = widths[int(len(widths) * 0.9)] if widths else 0
    out: list[str] = []
    joining = False
    for line in lines:
        ended = out and out[-1].endswith(("。", "；", ";", "！", "？"))
        short = _width(line) < 0.6 * full and not line.endswith(("。", "；", ";", "，", ","))
        if joining and out and not _MARKER.match(line) and not (ended and short):
            out[-1] += line
        else:
            out.append(line)
        open_title = line.count("《") > line.count("》")  # 《…2022 / 年科技工作要点》 was cut by the margin
        joining = open_title or (_width(line) >= 0.85 * full and not line.endswith(("：", ":")))
    return out
