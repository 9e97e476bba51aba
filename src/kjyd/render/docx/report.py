"""The 推进情况报告 as a Word document laid out as a 公文 (GB/T 9704—2012), formatting only.

The words come from :mod:`kjyd.written_report`; this module sets them the way an office prints
them, so the clerk only polishes the text:

- A4 portrait; margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm (版心 156 × 225 mm).
- 22 lines × 28 characters per page: a line grid (``w:docGrid`` type ``lines``, pitch 579 twips =
  225 mm / 22) with every paragraph exactly one grid line (28.95 pt), and the body's characters
  condensed by 0.25 pt (28 × 15.75 pt = 441 pt ≤ the 442.2 pt of 156 mm; at 16 pt only 27 fit).
  Not a character grid (``linesAndChars`` with ``charSpace`` −849): Word squeezes characters into
  its 15.79 pt cells, but LibreOffice gives a 16 pt character two cells and printed 14 a line.
  Automatic spacing between Chinese and Latin text is off, so figures do not widen a line.
- Title 2号 (22 pt) 方正小标宋简体; body 3号 (16 pt) 仿宋_GB2312; 一、 headings 黑体, （一） headings
  楷体, both 3号 and not bold; body paragraphs indented two characters.
- Page numbers "— 1 —" in 4号 宋体 under the body: odd pages on the right, even pages on the left,
  one character in from the edge of the 版心.

Chinese font names must be set as ``w:eastAsia`` (not only ``w:ascii``): Word and WPS pick the font
of Chinese characters from that attribute and otherwise show the body in a Western font. Fonts an
office PC may lack get a fallback in the font table (``w:altName``: 方正小标宋简体 → 宋体,
仿宋_GB2312 → 仿宋), which Word uses to substitute instead of its default.

python-docx is imported here only, and this module only by ``kjyd report``.
"""

from __future__ import annotations

from dataclasses import fields, is_dataclass, replace
from typing import BinaryIO

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, Twips
from lxml import etree

from kjyd.render.cell_text import fit_cell
from kjyd.values import visible
from kjyd.written_report import TABLE_HEADER, WrittenReport

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING1_FONT = "黑体"
HEADING2_FONT = "楷体"
PAGE_NUMBER_FONT = "宋体"
FALLBACKS = {TITLE_FONT: "宋体", BODY_FONT: "仿宋", HEADING2_FONT: "楷体_GB2312"}
"""Font → what Word should use when it is not installed (the font table's ``w:altName``)."""

SIZE_2 = Pt(22)  # 2号
SIZE_3 = Pt(16)  # 3号
SIZE_4 = Pt(14)  # 4号
SIZE_5 = Pt(10.5)  # 5号, the attached table

MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
LINES_PER_PAGE, CHARS_PER_LINE = 22, 28
LINE_PITCH = 579
"""Twips per grid line: 225 mm of 版心 height / 22 lines, rounded down so 22 lines fit."""
CONDENSE = -5
"""Character spacing of the body in twentieths of a point (−0.25 pt): 28 characters a line."""
INDENT = Pt(32)
"""Two 3号 characters: the first-line indent of body paragraphs and headings."""
TABLE_WIDTHS_MM = (10, 40, 26, 24, 16, 18, 22)
"""序号 指标 目标 累计完成 完成率 较上月 状态, in mm: 156 mm, the 版心's width."""


def write_docx(stream: BinaryIO, report: WrittenReport) -> None:
    report = _visible(report)
    document = Document()
    document.core_properties.title = report.title
    document.core_properties.author = ""
    _page(document)
    _styles(document)
    _fallbacks(document)
    _title(document, report.title_lines)
    document.add_paragraph("")  # one blank line under the title
    document.add_paragraph(report.opening)
    for part in report.parts:
        document.add_paragraph(part.heading, style="Heading 1")
        for text in part.paragraphs:
            document.add_paragraph(text)
        for sub in part.subparts:
            document.add_paragraph(sub.heading, style="Heading 2")
            for text in sub.paragraphs:
                document.add_paragraph(text)
    if report.table_rows:  # a plan without 主要目标 has no table to attach
        _attachment(document, report)
    document.save(stream)


def _visible(value):
    """Every text of the report as :func:`kjyd.values.visible` writes it: a division's note with a
    control character (\\x01) failed python-docx ("All strings must be XML compatible") with a
    traceback, and a bidi override (U+202E) would print the rest of a paragraph reversed."""
    if isinstance(value, str):
        return visible(fit_cell(value, "全文见 kjyd log"))  # text another program stored may be longer
    if isinstance(value, tuple):
        return tuple(_visible(item) for item in value)
    if is_dataclass(value):
        return replace(value, **{f.name: _visible(getattr(value, f.name)) for f in fields(value)})
    return value


# --- page ---------------------------------------------------------------------------------------


def _page(document) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    section.header_distance = Mm(15)
    section.footer_distance = Mm(22)  # the number's line sits about 7 mm under the 版心
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        section._sectPr.append(grid)
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(LINE_PITCH))
    grid.attrib.pop(qn("w:charSpace"), None)
    document.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number(section.even_page_footer.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT)


def _page_number(paragraph, side) -> None:
    """— 1 — : a PAGE field between one-character dashes, one character in from the edge."""
    paragraph.alignment = side
    fmt = paragraph.paragraph_format
    if side == WD_ALIGN_PARAGRAPH.RIGHT:
        fmt.right_indent = SIZE_4
    else:
        fmt.left_indent = SIZE_4
    fmt.first_line_indent = Pt(0)
    _snap(paragraph._p.get_or_add_pPr(), False)
    for text, field in (("— ", None), (None, "begin"), (" PAGE ", "instr"), (None, "separate"), ("1", None),
                        (None, "end"), (" —", None)):
        run = paragraph.add_run()
        set_font(run._element.get_or_add_rPr(), PAGE_NUMBER_FONT, SIZE_4)
        if field == "instr":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._element.append(instr)
        elif field is not None:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), field)
            run._element.append(char)
        else:
            run.text = text


# --- fonts and styles ---------------------------------------------------------------------------


def set_font(rpr, name: str, size, bold: bool = False, spacing: int = 0) -> None:
    """Font on a run or style property element: every script slot, East Asian included.

    Theme font attributes (``w:asciiTheme`` …) are removed: they override the named fonts.
    """
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in list(fonts.attrib):
        if attr.endswith("Theme"):
            del fonts.attrib[attr]
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), name)
    fonts.set(qn("w:hint"), "eastAsia")
    for tag in ("w:b", "w:bCs", "w:color", "w:spacing", "w:sz", "w:szCs", "w:i", "w:iCs"):
        for old in rpr.findall(qn(tag)):
            rpr.remove(old)
    for tag in ("w:b", "w:bCs"):
        element = OxmlElement(tag)
        element.set(qn("w:val"), "1" if bold else "0")
        rpr.append(element)
    colour = OxmlElement("w:color")
    colour.set(qn("w:val"), "000000")
    rpr.append(colour)
    if spacing:
        element = OxmlElement("w:spacing")
        element.set(qn("w:val"), str(spacing))
        rpr.append(element)
    half_points = str(int(size.pt * 2))
    for tag in ("w:sz", "w:szCs"):
        element = OxmlElement(tag)
        element.set(qn("w:val"), half_points)
        rpr.append(element)


def _snap(ppr, snap: bool) -> None:
    """Whether lines snap to the document grid (off for the table and footer: their own spacing)."""
    element = ppr.find(qn("w:snapToGrid"))
    if element is None:
        element = OxmlElement("w:snapToGrid")
        ppr.append(element)
    element.set(qn("w:val"), "1" if snap else "0")


def _indent_chars(ppr, chars: int) -> None:
    """First-line indent in characters (w:firstLineChars) with its twips equivalent for other readers."""
    ind = ppr.find(qn("w:ind"))
    if ind is None:
        ind = OxmlElement("w:ind")
        ppr.append(ind)
    ind.set(qn("w:firstLineChars"), str(chars * 100))
    ind.set(qn("w:firstLine"), str(int(INDENT.pt * 20 * chars / 2)))


def _paragraph_look(style, font: str, size, *, indent: bool = True, centred: bool = False) -> None:
    set_font(style.element.get_or_add_rPr(), font, size, spacing=CONDENSE if size == SIZE_3 else 0)
    fmt = style.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Twips(LINE_PITCH)
    fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER if centred else WD_ALIGN_PARAGRAPH.JUSTIFY
    fmt.widow_control = True
    ppr = style.element.get_or_add_pPr()
    for name in ("w:autoSpaceDE", "w:autoSpaceDN"):
        element = ppr.find(qn(name))
        if element is None:
            element = OxmlElement(name)
            ppr.append(element)
        element.set(qn("w:val"), "0")
    if indent:
        _indent_chars(ppr, 2)
    else:
        fmt.first_line_indent = Pt(0)


def _styles(document) -> None:
    styles = document.styles
    normal = styles["Normal"]
    _paragraph_look(normal, BODY_FONT, SIZE_3)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    normal.element.get_or_add_rPr().append(lang)
    for name, font in (("Heading 1", HEADING1_FONT), ("Heading 2", HEADING2_FONT)):
        style = styles[name]
        _paragraph_look(style, font, SIZE_3)
        style.paragraph_format.keep_with_next = True
    title = styles["Title"]
    _paragraph_look(title, TITLE_FONT, SIZE_2, indent=False, centred=True)
    ppr = title.element.get_or_add_pPr()
    for border in ppr.findall(qn("w:pBdr")):  # the template underlines its Title
        ppr.remove(border)
    # The docDefaults too, so text outside any style (table cells, footers) is never Western.
    defaults = document.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")) if defaults is not None else None
    if rpr is not None and rpr.find(qn("w:rPr")) is not None:
        set_font(rpr.find(qn("w:rPr")), BODY_FONT, SIZE_3)


def _fallbacks(document) -> None:
    """Add ``w:altName`` fallbacks to the font table for fonts an office PC may not have."""
    part = next((p for p in document.part.package.iter_parts() if str(p.partname) == "/word/fontTable.xml"), None)
    if part is None:
        return
    root = etree.fromstring(part.blob)
    for name, fallback in FALLBACKS.items():
        font = etree.SubElement(root, qn("w:font"))
        font.set(qn("w:name"), name)
        alt = etree.SubElement(font, qn("w:altName"))
        alt.set(qn("w:val"), fallback)
        charset = etree.SubElement(font, qn("w:charset"))
        charset.set(qn("w:val"), "86")  # GB2312
        family = etree.SubElement(font, qn("w:family"))
        family.set(qn("w:val"), "auto")
        pitch = etree.SubElement(font, qn("w:pitch"))
        pitch.set(qn("w:val"), "variable")
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


# --- content ------------------------------------------------------------------------------------


def _title(document, lines: tuple[str, ...]):
    """The title's lines in one paragraph, broken where :mod:`kjyd.written_report` decided."""
    paragraph = document.add_paragraph(style="Title")
    for index, line in enumerate(lines):
        run = paragraph.add_run(line)
        if index < len(lines) - 1:
            run.add_break()
    return paragraph


def _attachment(document, report: WrittenReport) -> None:
    """附表 after a blank line: the 主要目标 with 较上月, in 5号 so a row takes one or two lines.

    Not on a page of its own (as a separate 附件 would be): the demo's June report then ran to six
    pages where five hold it; its label and title stay with the table (keep with next), the header
    row repeats if the table crosses a page, and a clerk who wants it apart adds a page break.
    """
    document.add_paragraph("").paragraph_format.keep_with_next = True
    label = document.add_paragraph()
    label.paragraph_format.keep_with_next = True
    label.paragraph_format.first_line_indent = Pt(0)
    label.paragraph_format.left_indent = Pt(0)
    _indent_chars(label._p.get_or_add_pPr(), 0)
    run = label.add_run("附表")
    set_font(run._element.get_or_add_rPr(), HEADING1_FONT, SIZE_3)
    _title(document, report.table_title).paragraph_format.keep_with_next = True
    table = document.add_table(rows=1 + len(report.table_rows), cols=len(TABLE_HEADER))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, TABLE_WIDTHS_MM):
        column.width = Mm(width)
    for row_index, cells in enumerate([TABLE_HEADER, *report.table_rows]):
        header = row_index == 0
        row = table.rows[row_index]
        if header:
            tr_pr = row._tr.get_or_add_trPr()
            repeat = OxmlElement("w:tblHeader")
            tr_pr.append(repeat)
        for column, text in enumerate(cells):
            cell = row.cells[column]
            cell.width = Mm(TABLE_WIDTHS_MM[column])
            paragraph = cell.paragraphs[0]
            fmt = paragraph.paragraph_format
            fmt.first_line_indent = Pt(0)
            _indent_chars(paragraph._p.get_or_add_pPr(), 0)
            fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            fmt.line_spacing = Pt(15)
            _snap(paragraph._p.get_or_add_pPr(), False)
            fmt.alignment = WD_ALIGN_PARAGRAPH.LEFT if column == 1 and not header else WD_ALIGN_PARAGRAPH.CENTER
            run = paragraph.add_run(text)
            set_font(run._element.get_or_add_rPr(), HEADING1_FONT if header else BODY_FONT, SIZE_5)
