"""How the exported workbook looks and prints: fonts, fills, borders, widths, heights, page setup.

Kept apart from :mod:`kjyd.render.xlsx` (which decides *what* goes in each sheet) so the office's
form conventions — 仿宋 body, 黑体 headers, A4 landscape one page wide, page numbers in the footer —
live in one place. Imports openpyxl, so only the export command ever loads this module.
"""

from __future__ import annotations

import math
import unicodedata

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

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
    "未填报": ("E7E6E6", "595959"),
    "已撤销": ("E7E6E6", "595959"),
}

PERCENT = "0.0%"
DATE = "yyyy-mm-dd"
DATETIME = "yyyy-mm-dd hh:mm"


def body_font(**kwargs) -> Font:
    return Font(name=BODY_FONT, size=BODY_SIZE, **kwargs)


CELL_LIMIT = 32_767
"""Characters Excel allows in one cell."""


def text(cell: Cell, value: str) -> Cell:
    """Store ``value`` exactly as typed, as text, even when it looks like a formula (=SUM(…)).

    openpyxl treats any string starting with "=" as a formula; forcing the type to string (and the
    quote-prefix style, so editing the cell in Excel keeps it text) makes Excel show it literally.
    Characters XML cannot carry (control characters) are shown as ``\\x07`` rather than dropped.
    """
    if not value:
        cell.value = None
        return cell
    value = ILLEGAL_CHARACTERS_RE.sub(lambda m: f"\\x{ord(m.group()):02x}", value)
    if len(value) > CELL_LIMIT:
        # Excel refuses to open a workbook with a longer cell. Only a cell that gathers many notes
        # (本月进展) can get there; each note is still whole in its own row of 填报记录.
        marker = f"…（共{len(value)}字，超出单元格上限，其余见“填报记录”或 kjyd log）"
        value = value[: CELL_LIMIT - len(marker)] + marker
    cell.value = value
    cell.data_type = "s"
    if value.startswith(("=", "+", "-", "@")):
        cell.quotePrefix = True
    return cell


def number_format(unit: str, value: float | None) -> str:
    """Numbers keep their unit in the format (1,200亿元) and stay numbers for sums and filters."""
    digits = "#,##0" if value is None or float(value).is_integer() else "#,##0.0#"
    return f'{digits}"{unit}"' if unit else digits


def state_cell(cell: Cell, state: str) -> None:
    fill, colour = STATE_COLOURS.get(state, (None, "000000"))
    cell.value = state
    cell.font = body_font(color=colour, bold=state == "慢于序时")
    if fill:
        cell.fill = PatternFill("solid", fgColor=fill)


def header_row(ws: Worksheet, row: int, headers: tuple[str, ...] | list[str]) -> None:
    for column, title in enumerate(headers, start=1):
        cell = ws.cell(row=row, column=column, value=title)
        cell.font = Font(name=HEADER_FONT, size=BODY_SIZE, bold=True)
        cell.fill = HEADER_FILL
        cell.border = BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.row_dimensions[row].height = LINE_POINTS * 2 + 4


def title_row(ws: Worksheet, row: int, value: str, columns: int, size: int = 16) -> None:
    """A title merged across the table's width (the sheet's first lines)."""
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=columns)
    cell = ws.cell(row=row, column=1, value=value)
    cell.font = Font(name=TITLE_FONT, size=size, bold=size >= 14)
    cell.alignment = Alignment(
        horizontal="center" if size >= 14 else "left", vertical="center", wrap_text=True
    )
    ws.row_dimensions[row].height = size * 2 if size >= 14 else LINE_POINTS * 1.6


def body_cells(ws: Worksheet, first_row: int, last_row: int, columns: int,
               centred: frozenset[int] = frozenset()) -> None:
    """Borders, 仿宋 and wrapping for the table body; ``centred`` columns are centred."""
    # One style object of each kind for the whole body: building a Font/Alignment per cell (and
    # openpyxl hashing each to find it in the workbook's style table) dominated large exports.
    font = body_font()
    aligned = {h: Alignment(horizontal=h, vertical="center", wrap_text=True) for h in (None, "center")}
    for row in ws.iter_rows(min_row=first_row, max_row=last_row, max_col=columns):
        for cell in row:
            cell.border = BORDER
            if cell.font is None or cell.font.name != BODY_FONT:
                cell.font = font
            cell.alignment = aligned["center" if cell.column in centred else None]


def widths(ws: Worksheet, values: list[float]) -> None:
    for column, width in enumerate(values, start=1):
        ws.column_dimensions[get_column_letter(column)].width = width


CJK_UNITS = 1.95
"""Column-width units one 10 pt CJK character takes: 13.3 px against a 7 px unit (Calibri digit)."""


def display_width(value: str) -> float:
    """Width in spreadsheet character units (a column width of 10 holds about 5–6 汉字)."""
    return sum(CJK_UNITS if unicodedata.east_asian_width(c) in "WF" else 1 for c in value)


def lines_needed(value: object, width: float) -> int:
    """Wrapped lines a value needs in a column of ``width`` units (explicit newlines count)."""
    if value is None or value == "":
        return 1
    usable = max(width - 1.0, 1.0)
    return sum(max(1, math.ceil(display_width(part) / usable)) for part in str(value).split("\n"))


def height_for(lines: int) -> float:
    return lines * LINE_POINTS + 6


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
