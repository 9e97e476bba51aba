"""Text that leaves kjyd in a spreadsheet cell (xlsx or CSV): never a formula, never too long.

Whatever a cell's origin — the plan file (titles, units, division names), a division's workbook,
a note typed at the terminal — spreadsheet programs must show it as the text it is. In xlsx a cell
can be typed as text; CSV has no types, so a field that Excel, LibreOffice or WPS would read as a
formula (leading ``=``, ``+``, ``-``, ``@``, a tab or a carriage return, and the full-width ``＝``
that Chinese input methods type) gets a leading apostrophe, as OWASP recommends for CSV injection.

Light on purpose (no openpyxl): the CSV export imports it too.
"""

from __future__ import annotations

CELL_LIMIT = 32_767
"""Characters Excel allows in one cell (a longer CSV field is cut by Excel on opening)."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
"""Leading characters that make a spreadsheet program evaluate a CSV field."""


def fit_cell(value: str, where: str = "其余见“填报记录”或 kjyd log") -> str:
    """``value`` cut to :data:`CELL_LIMIT` characters, saying how long it was and where the rest is."""
    if len(value) <= CELL_LIMIT:
        return value
    marker = f"…（共{len(value)}字，超出单元格上限，{where}）"
    return value[: CELL_LIMIT - len(marker)] + marker


def csv_text(value: str) -> str:
    """A CSV text field: shown as typed by Excel/WPS/LibreOffice, never evaluated, never over the limit."""
    value = fit_cell(value, "全文见 kjyd log")
    if value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
