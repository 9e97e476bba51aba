"""How the exported workbook looks and prints: fonts, fills, borders, widths, heights, page setup.

Kept apart from :mod:`kjyd.render.xlsx.workbook` (which decides *what* goes in each sheet) so the office's
form conventions — 仿宋 body, 黑体 headers, A4 landscape one page wide, page numbers in the footer —
live in one place. Imports openpyxl, so only the export command ever loads this module.
"""

from __future__ import annotations

import math
import unicodedata
from copy import copy

from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.worksheet import Worksheet

from kjyd.render.cell_text import CELL_LIMIT, fit_cell  # noqa: F401  (CELL_LIMIT: part of this module's API)
from kjyd.values import visible

BODY_FONT = "仿宋"
HEADER_FONT = "黑体"
TITLE_FONT = "宋体"
BODY_SIZE = 10
LINE_POINTS = 14.0
"""Printed height of one wrapped line of 10 pt CJK text, in points (row heights are in points)."""

THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
MONTH_FILL = PatternFill("solid", fgColor="FFF2CC")
"""The chosen month's column on 月度走势."""

STATE_COLOURS = {
    # state: (fill, font colour) — the terminal's colours (kjyd.output.STATE_STYLES) as cell fills.
    "已完成": ("C6EFCE", "006100"),
    "快于序时": ("DDEBF7", "1F4E79"),
    "符合序时": (None, "000000"),
    "慢于序时": ("FFC7CE", "9C0006"),
    "未达标": ("FFC7CE", "9C0006"),
    "未完成": ("FFC7CE", "9C0006"),
    "未填报": ("E7E6E6", "595959"),
    "已撤销": ("E7E6E6", "595959"),
}

PERCENT = "0.0%"
DATE = "yyyy-mm-dd"
DATETIME = "yyyy-mm-dd hh:mm"


def body_font(**kwargs) -> Font:
    return Font(name=BODY_FONT, size=BODY_SIZE, **kwargs)




def text(cell: Cell, value: str) -> Cell:
    """Store ``value`` exactly as typed, as text, even when it looks like a formula (=SUM(…)).

    openpyxl treats any string starting with "=" as a formula; forcing the type to string (and the
    quote-prefix style, so editing the cell in Excel keeps it text) makes Excel show it literally.
    Characters XML cannot carry (control characters) and bidi controls are shown as ``\\x07``,
    ``\\u202e`` rather than dropped or obeyed (:func:`kjyd.values.visible`).
    """
    if not value:
        cell.value = None
        return cell
    value = visible(value)
    # Excel refuses to open a workbook with a longer cell. Only a cell that gathers many notes
    # (本月进展) can get there; each note is still whole in its own row of 填报记录.
    value = fit_cell(value)
    cell.value = value
    cell.data_type = "s"
    if value.startswith(("=", "+", "-", "@")):
        cell.quotePrefix = True
    return cell


QUOTE, BACKSLASH = '"', "\\"


def number_format(unit: str, value: float | None) -> str:
    """Numbers keep their unit in the format (1,200亿元) and stay numbers for sums and filters."""
    digits = "#,##0" if value is None or float(value).is_integer() else "#,##0.0#"
    # The unit is a quoted literal: a quotation mark in it (个") closes the literal, is written as
    # \" and reopens it, so no unit can add format sections (;[Red]) or leave a quote open.
    return f'{digits}"{unit.replace(QUOTE, QUOTE + BACKSLASH + QUOTE + QUOTE)}"' if unit else digits


def shown_number(value: float, unit: str = "") -> str:
    """The text Excel shows for ``value`` under :func:`number_format` (to size its column)."""
    if float(value).is_integer():
        digits = f"{value:,.0f}"
    else:
        digits = f"{value:,.2f}"
        digits = digits[:-1] if digits.endswith("0") else digits
    return digits + unit


def number_width(texts: list[str], least: float) -> float:
    """A column width that shows every one of ``texts`` (at least ``least``).

    Excel never wraps a number: one wider than its column prints as ``#####``. So a column of
    figures is sized for the widest figure it holds (1,234.56亿元, 10000.0%).
    """
    return max([least] + [display_width(t) + 2 for t in texts])


class Looks:
    """Every distinct look of the workbook's cells, each built once and then copied onto cells.

    Why: assigning Font/Fill/Border/Alignment objects cell by cell makes openpyxl hash each object
    to find it in the workbook's style table — most of the time of an export with thousands of
    check-ins. Here a look is built once, through openpyxl's public style attributes, on a
    detached probe cell; the probe's StyleArray (the cell's indexes into those tables, openpyxl's
    ``Cell._style``) is then copied onto each cell, which costs a fraction of a microsecond.
    Named styles (``wb.add_named_style`` + ``cell.style = name``) would be the public route, but
    they were ten times slower per cell (each assignment searches the style list by name) and
    they would add custom entries to Excel's 单元格样式 gallery — the file is to stay as it was.
    Lives for one workbook (the indexes mean nothing in another), so nothing can go stale.
    """

    def __init__(self, ws: Worksheet) -> None:
        self._ws = ws
        self._made: dict[tuple, StyleArray] = {}

    def body(self, centred: bool = False, fmt: str = "General", fill: str | None = None,
             **font) -> StyleArray:
        """A table-body cell: border, wrapping, 仿宋 (``font``: extra Font arguments)."""
        key = ("body", centred, fmt, fill, tuple(font.items()))
        look = self._made.get(key)
        if look is None:
            probe = Cell(self._ws)
            probe.border = BORDER
            probe.font = body_font(**font)
            probe.alignment = _BODY_ALIGNMENT[centred]
            probe.number_format = fmt
            if fill:
                probe.fill = PatternFill("solid", fgColor=fill)
            look = self._made[key] = probe._style
        return look

    def state(self, state: str) -> StyleArray:
        """A centred state cell in the terminal's colours (慢于序时, 未达标, 未完成 also bold)."""
        fill, colour = STATE_COLOURS.get(state, (None, "000000"))
        return self.body(centred=True, fill=fill, color=colour, bold=state in {"慢于序时", "未达标", "未完成"})

    def header(self, fill: PatternFill = HEADER_FILL) -> StyleArray:
        key = ("header", fill.fgColor.rgb)
        look = self._made.get(key)
        if look is None:
            probe = Cell(self._ws)
            probe.font = Font(name=HEADER_FONT, size=BODY_SIZE, bold=True)
            probe.fill = fill
            probe.border = BORDER
            probe.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            look = self._made[key] = probe._style
        return look


_BODY_ALIGNMENT = {
    centred: Alignment(horizontal="center" if centred else None, vertical="center", wrap_text=True)
    for centred in (False, True)
}


def put(ws: Worksheet, row: int, column: int, value: object, look: StyleArray) -> Cell:
    """Write a number, date or empty cell with a look from :class:`Looks` (text goes to :func:`text`)."""
    if isinstance(value, str):
        return put_text(ws, row, column, value, look)
    cell = ws.cell(row=row, column=column, value=value)
    cell._style = copy(look)
    return cell


def put_text(ws: Worksheet, row: int, column: int, value: str, look: StyleArray) -> Cell:
    """Write text exactly as typed (see :func:`text`) with a look from :class:`Looks`."""
    cell = ws.cell(row=row, column=column)
    cell._style = copy(look)  # first: text() may add the quote prefix to the cell's own style
    return text(cell, value)


def header_row(ws: Worksheet, looks: Looks, row: int, headers: tuple[str, ...] | list[str]) -> None:
    look = looks.header()
    for column, title in enumerate(headers, start=1):
        put(ws, row, column, title, look)
    ws.row_dimensions[row].height = LINE_POINTS * 2 + 4


def merge(ws: Worksheet, first_row: int, first_column: int, last_row: int, last_column: int) -> None:
    """Merge a range whose cells already carry their look (borders included).

    ``ws.merge_cells`` would replace the covered cells by blank ones and restyle the edges one
    cell at a time; every cell here is already styled, and Excel and LibreOffice show a merged
    range with its top-left cell's content and the edge cells' borders, so only the range is
    recorded (openpyxl writes it to ``<mergeCells>`` all the same).
    """
    ws.merged_cells.add(CellRange(min_row=first_row, min_col=first_column,
                                  max_row=last_row, max_col=last_column))


def title_row(ws: Worksheet, row: int, value: str, columns: int, size: int = 16) -> None:
    """A title merged across the table's width (the sheet's first lines)."""
    merge(ws, row, 1, row, columns)
    cell = text(ws.cell(row=row, column=1), value)  # the plan's short_title may start with =
    cell.font = Font(name=TITLE_FONT, size=size, bold=size >= 14)
    cell.alignment = Alignment(
        horizontal="center" if size >= 14 else "left", vertical="center", wrap_text=True
    )
    ws.row_dimensions[row].height = size * 2 if size >= 14 else LINE_POINTS * 1.6


def widths(ws: Worksheet, values: list[float]) -> None:
    for column, width in enumerate(values, start=1):
        ws.column_dimensions[get_column_letter(column)].width = width


CJK_UNITS = 1.95
"""Column-width units one 10 pt CJK character takes: 13.3 px against a 7 px unit (Calibri digit)."""


class _CharUnits(dict):
    """Width units of each character met so far (a fixed property of the character).

    Row heights need the width of every note on 填报记录 — tens of thousands of them in a busy
    month — and a dictionary hit is several times cheaper than asking :mod:`unicodedata` again.
    """

    def __missing__(self, char: str) -> float:
        units = self[char] = CJK_UNITS if unicodedata.east_asian_width(char) in "WF" else 1
        return units


_CHAR_UNITS = _CharUnits()


def display_width(value: str) -> float:
    """Width in spreadsheet character units (a column width of 10 holds about 5–6 汉字)."""
    if value.isascii():
        return len(value)
    return sum(map(_CHAR_UNITS.__getitem__, value))


def lines_needed(value: object, width: float) -> int:
    """Wrapped lines a value needs in a column of ``width`` units (explicit newlines count)."""
    if value is None or value == "":
        return 1
    usable = max(width - 1.0, 1.0)
    return sum(max(1, math.ceil(display_width(part) / usable)) for part in str(value).split("\n"))


MAX_ROW_POINTS = 409.0
"""Excel's tallest row. It also fits on one printed A4 landscape page under the repeated header:
neither Excel nor LibreOffice splits a row over pages, so a taller row ran past the page end."""


def height_for(lines: float) -> float:
    """Row height for ``lines`` wrapped lines, held to :data:`MAX_ROW_POINTS`."""
    return min(round(lines * LINE_POINTS + 6, 1), MAX_ROW_POINTS)


_TOP: dict[tuple, Alignment] = {}
"""Top-aligned variants of body alignments, built once."""


def show_beginning(cell: Cell, lines: float, height: float) -> None:
    """Align a cell to the top when its text is taller than the room it has (``height`` points).

    The body is centred vertically; a centred text that does not fit shows its middle and hides
    its first lines, and the reader must see how a note begins. The full text stays in the cell.
    """
    if lines * LINE_POINTS + 6 <= height + 0.5:
        return
    alignment = cell.alignment
    key = (alignment.horizontal, alignment.wrap_text)
    if key not in _TOP:
        _TOP[key] = Alignment(horizontal=alignment.horizontal, vertical="top", wrap_text=alignment.wrap_text)
    cell.alignment = _TOP[key]


def page_setup(ws: Worksheet, header_rows: str, last_column: int, last_row: int,
               header_row_number: int) -> None:
    """A4 landscape, one page wide, header repeated, frozen, filterable, page numbers below."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = 0.5
    ws.page_margins.bottom = 0.6
    ws.page_margins.footer = 0.3
    ws.print_options.horizontalCentered = True
    ws.print_title_rows = header_rows
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.oddFooter.center.font = BODY_FONT
    ws.auto_filter.ref = (
        f"A{header_row_number}:{get_column_letter(last_column)}{max(last_row, header_row_number)}"
    )


A4_LANDSCAPE_PT = (841.9, 595.3)


def keep_together(ws: Worksheet, blocks: list[tuple[int, int]], widths_used: list[float],
                  first_body_row: int, header_row_number: int) -> None:
    """Manual page breaks so that no task's merged rows are split over two printed pages.

    With fit-to-width the print scale is (printable width ÷ table width); the page then holds
    (printable height ÷ scale) points of unscaled rows, less the repeated header row. A block
    taller than a page is left to split. A 3 % reserve absorbs rounding between Excel and LibreOffice.
    """
    from openpyxl.worksheet.pagebreak import Break

    margins = ws.page_margins
    table_pt = sum(w * 7 + 5 for w in widths_used) * 0.75  # Excel's column pixels at 96 dpi
    scale = min(1.0, (A4_LANDSCAPE_PT[0] - (margins.left + margins.right) * 72) / table_pt)
    page = (A4_LANDSCAPE_PT[1] - (margins.top + margins.bottom) * 72) / scale * 0.97

    def height(row: int) -> float:
        return ws.row_dimensions[row].height or 15.0

    header = height(header_row_number)
    used = sum(height(r) for r in range(1, first_body_row))
    for first, last in blocks:
        block = sum(height(r) for r in range(first, last + 1))
        if used + block > page and used > header + 1 and first > first_body_row:
            ws.row_breaks.append(Break(id=first - 1))
            used = header
        used += block
