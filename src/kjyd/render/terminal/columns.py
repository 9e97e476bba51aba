"""Fixed-column text layout for the terminal reports (``kjyd status``, ``kjyd show``).

Why not ``rich.table.Table``: its layout was the whole time budget of ``kjyd status``. The command
must finish within 1.10 × the bare import of typer, rich, pydantic and yaml (≈160 ms here); the
same report as JSON takes 0.83 × that, and rich laying out the status screen's 11 tables took
another ≈50 ms in-process (cProfile: ``rich.table._render``, ``Segment.split_and_crop_lines``),
putting the command at ≈1.4 ×. Our tables are simple — fixed-width columns for bars, states and
dates, one or two text columns sharing the rest — so this module lays them out itself as rich
``Text`` lines (styles kept as spans, CJK measured as two cells by ``rich.cells``): ≈8 ms for the
same screen, printing included, and ``kjyd status`` at ≈1.0 × the floor (interleaved runs of the
old and new code: 1.24–1.31 × → 0.99–1.00 ×).

A table is a list of :class:`Column` and rows of cells (``str`` or ``Text``; ``\\n`` starts a new
line within a cell). A row with fewer cells than columns lets its last cell span the columns that
follow (a task's "date · latest note" line under it on a narrow screen), and a ``Text`` cell whose
``overflow`` is set overrides its column's. :func:`layout` returns one ``Text`` per screen line,
none wider than the width it was given and without trailing spaces; :class:`Lines` prints them.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence

from rich.cells import cell_len as _rich_cell_len
from rich.cells import get_character_cell_size
from rich.text import Span, Text

from kjyd.output import can_show

GAP = "  "
"""Space between two columns."""

MIN_FLEX = 6
"""Fewest cells a sharing column gets, however crowded the fixed ones make the line."""


def cell_len(text: str) -> int:
    """Terminal cells ``text`` takes: its length when it is printable ASCII (numbers, dates, ids —
    most cells; a C-level check), else rich's measure (CJK counts two). ``log --all`` measures
    every cell of 200,000 rows twice."""
    return len(text) if text.isascii() and text.isprintable() else _rich_cell_len(text)


class Column:
    """One column: a fixed ``width``, a ``ratio`` of the width left over, or else its content's width.

    ``overflow`` says what happens to a cell line wider than the column: ``"fold"`` wraps it onto
    more lines (at spaces where it can, else between characters — fine for Chinese), ``"ellipsis"``
    shortens it with …, ``"crop"`` cuts it. ``max_width`` caps a content-width column. A sharing
    column with ``fit`` never takes more than its content needs: what it does not need goes to
    the other sharing columns (the task names get what they need, the latest notes the rest).
    ``min_width`` is the least a sharing column gets.
    """

    __slots__ = ("header", "width", "ratio", "align", "overflow", "max_width", "fit", "min_width")

    def __init__(self, header: str = "", *, width: int | None = None, ratio: int = 0, align: str = "left",
                 overflow: str = "ellipsis", max_width: int | None = None, fit: bool = False,
                 min_width: int = MIN_FLEX) -> None:
        self.header, self.width, self.ratio, self.align = header, width, ratio, align
        self.overflow, self.max_width, self.fit, self.min_width = overflow, max_width, fit, min_width


Cell = str | Text


def _plain(cell: Cell) -> str:
    return cell.plain if isinstance(cell, Text) else cell


def _content_width(col: Column, i: int, rows: Sequence[Sequence[Cell]], n: int) -> int:
    # A spanning cell (the last of a short row) does not size the column it starts in.
    cells = [col.header, *(_plain(row[i]) for row in rows if i < len(row) - (len(row) < n))]
    return max(cell_len(line) for cell in cells for line in cell.split("\n"))


def column_widths(columns: Sequence[Column], rows: Sequence[Sequence[Cell]], width: int,
                  at_least: Sequence[int] | None = None) -> list[int]:
    """Fixed and content widths first; sharing columns split what is left by ratio (as rich does),
    except that a ``fit`` column hands what its content does not need to the others.

    ``at_least``: widths a content or ``fit`` column keeps even if these rows need less (the
    previous chunk's, so a streamed table's columns stay put)."""
    floor = at_least or [0] * len(columns)
    widths = []
    for i, col in enumerate(columns):
        if col.width is not None or col.ratio:
            widths.append(col.width or 0)
            continue
        content = _content_width(col, i, rows, len(columns))
        widths.append(max(min(content, col.max_width or content), floor[i]))
    rest = width - sum(widths) - len(GAP) * (len(columns) - 1)
    sharing = [i for i, col in enumerate(columns) if col.ratio]
    limits = {i: max(_content_width(columns[i], i, rows, len(columns)), floor[i]) for i in sharing if columns[i].fit}
    while sharing:
        total_ratio = sum(columns[i].ratio for i in sharing)
        shares = {}
        left, ratio_left = rest, total_ratio
        for i in sharing:
            share = max(columns[i].min_width, -(-columns[i].ratio * left // ratio_left))  # ceil, as rich
            shares[i] = share
            left -= share
            ratio_left -= columns[i].ratio
        capped = [i for i in sharing if i in limits and shares[i] > max(limits[i], columns[i].min_width)
                  and len(sharing) > 1]
        if not capped:
            for i in sharing:
                widths[i] = shares[i]
            break
        for i in capped:  # settle the fitted columns, then share the rest again among the others
            widths[i] = max(limits[i], columns[i].min_width)
            rest -= widths[i]
            sharing.remove(i)
    return widths


def fixed(columns: Sequence[Column], widths: Sequence[int]) -> list[Column]:
    """The columns with these widths fixed: tables laid out one by one still line up."""
    return [Column(c.header, width=w, align=c.align, overflow=c.overflow) for c, w in zip(columns, widths)]


def fold(text: Text, width: int) -> list[Text]:
    """Wrap one line of text to ``width`` cells by Chinese line-breaking rules (as help texts are):
    between two characters where either is Chinese, or after a space; never inside a number or
    an ASCII word (13,000 stays whole), never with closing punctuation (，。）) starting a line or
    opening punctuation (（“) ending one. A piece with no such break is cut where it must be."""
    from kjyd.help_text import NO_LINE_END, NO_LINE_START

    plain = text.plain
    breaks = []
    start = used = 0
    allowed = None  # the last position where the current line may end
    for i, char in enumerate(plain):
        size = get_character_cell_size(char)
        if i > start:
            before = plain[i - 1]
            if _may_break(before, char, size) and char not in NO_LINE_START and before not in NO_LINE_END:
                allowed = i
        if char == " ":
            allowed = i + 1  # a space ends the line it falls on, and is trimmed there
        if used + size > width and i > start:
            cut = allowed if allowed is not None and allowed > start and plain[start:allowed].strip() else i
            breaks.append(cut)
            start, allowed = cut, None
            used = cell_len(plain[cut:i])
        used += size
    _keep_company(plain, breaks, NO_LINE_START)
    lines = list(text.divide(breaks))
    for line in lines:
        line.rstrip()
    return lines


def _may_break(before: str, char: str, size: int) -> bool:
    """May a line end between ``before`` and ``char``? After a space, or after a Chinese character
    — so never inside a number or word, nor between a number and its unit (13,000家)."""
    return before == " " or (char != " " and get_character_cell_size(before) == 2)


def _keep_company(plain: str, breaks: list[int], closing: set[str]) -> None:
    """Move the last break back so the last line is not one character alone (会, 度, 天）)."""
    if not breaks:
        return
    while True:
        last = plain[breaks[-1]:].strip()
        start = breaks[-2] if len(breaks) > 1 else 0
        b = breaks[-1] - 1
        if len(last.rstrip("".join(closing))) > 1 or b - start < 2:
            return
        while b - start >= 2 and not _may_break(plain[b - 1], plain[b], get_character_cell_size(plain[b])):
            b -= 1  # not inside a number or word, nor between a number and its unit
        if b - start < 2:
            return
        breaks[-1] = b


Piece = tuple[str, list[Span], int]
"""One line of a cell: its characters, their styles and the terminal cells they take. Lines are
assembled from pieces as plain strings, because building them with ``Text.append`` took as long
as the rest of the layout."""


def _piece(text: Text) -> Piece:
    spans = text.spans
    plain = text.plain
    return plain, [Span(0, len(text), text.style), *spans] if text.style else spans, cell_len(plain)


def cell_lines(cell: Cell, width: int, overflow: str) -> list[Piece]:
    """A cell as the lines it takes in a column ``width`` cells wide (a ``Text``'s own overflow wins)."""
    plain = cell.plain if isinstance(cell, Text) else cell
    if isinstance(cell, Text) and cell.overflow:
        overflow = cell.overflow
    if "\n" not in plain:
        cells = cell_len(plain)
        if cells <= width:  # the usual case: fits as it is
            if isinstance(cell, Text):
                return [(plain, [Span(0, len(plain), cell.style), *cell.spans] if cell.style else cell.spans, cells)]
            return [(cell, [], cells)]
    text = cell.copy() if isinstance(cell, Text) else Text(cell)
    lines = list(text.split("\n")) if "\n" in plain else [text]
    if overflow == "fold":
        lines = [piece for line in lines for piece in fold(line, width)]
    for line in lines:
        line.truncate(width, overflow="crop" if overflow == "fold" else overflow)
    return [_piece(line) for line in lines]


def layout(columns: Sequence[Column], rows: Sequence[Sequence[Cell]], width: int,
           title: str | None = None) -> list[Text]:
    """The table as screen lines: bold title and headers, a ─ rule, then each row's lines."""
    widths = column_widths(columns, rows, width)
    used = sum(widths) + len(GAP) * (len(columns) - 1)
    crop = width if used > width else None  # cut lines at the screen's edge only if they can reach it
    lines = [] if title is None else [Text(title, style="bold")]
    if any(col.header for col in columns):
        headers = [cell_lines(Text(col.header, style="bold"), w, "crop") for col, w in zip(columns, widths)]
        lines += [_line(columns, widths, headers, 0, crop), Text(("─" if can_show("─") else "-") * min(width, used))]
    for row in rows:
        row_columns, row_widths = _spanned(columns, widths, len(row))
        cells = [cell_lines(cell, w, col.overflow) for cell, w, col in zip(row, row_widths, row_columns)]
        for index in range(max(len(c) for c in cells)):
            lines.append(_line(row_columns, row_widths, cells, index, crop))
    return lines


CHUNK = 200
"""Rows :func:`layout_stream` lays out and hands over together."""


def layout_stream(columns: Sequence[Column], rows: Iterable[Sequence[Cell]], width: int,
                  title: str | None = None, chunk: int = CHUNK) -> Iterator[list[Text]]:
    """:func:`layout` for rows read as they come (``log --all``, ``show --all``): ``chunk`` rows
    at a time, the title and headers over the first only, so memory stays flat however many
    rows there are. A column is as wide as the rows so far need: it only widens (rarely: a longer
    number), so the columns of one chunk line up with the last one's."""
    head = (title is not None) + 2 * any(col.header for col in columns)
    iterator = iter(rows)
    widths = None
    while batch := list(itertools.islice(iterator, chunk)):
        first = widths is None
        widths = column_widths(columns, batch, width, widths)
        lines = layout(fixed(columns, widths), batch, width, title)
        yield lines if first else lines[head:]


def _spanned(columns: Sequence[Column], widths: list[int], cells: int) -> tuple[Sequence[Column], list[int]]:
    """Columns and widths for a row of ``cells`` cells: a short row's last cell takes the rest."""
    if cells >= len(columns):
        return columns, widths
    last = cells - 1
    span = sum(widths[last:]) + len(GAP) * (len(columns) - cells)
    return columns[:cells], [*widths[:last], span]


def print_lines(console, lines: Sequence[Text]) -> None:
    """Print laid-out lines. Into a file or a pipe (no colour system: styles are dropped anyway)
    their plain text is written directly — rich would turn each line into segments, crop and
    join them back into the same characters, costing as much again as the layout (``kjyd log
    --all`` of 200,000 check-ins). On a terminal, rich renders the styles."""
    if console.color_system is None:
        console.file.write("".join(f"{line.plain}\n" for line in lines))
    else:
        console.print(Lines(lines), crop=False)


class Lines:
    """Laid-out lines for ``console.print``: each is known to fit, so they are rendered as they are
    instead of being wrapped again by rich (which cost as much as laying them out)."""

    def __init__(self, lines: list[Text]) -> None:
        self.lines = lines

    def __rich_console__(self, console, options):
        for line in self.lines:
            yield from line.render(console, end="\n")


def _line(columns: Sequence[Column], widths: Sequence[int], cells: Sequence[list[Piece]], index: int,
          crop: int | None) -> Text:
    parts: list[str] = []
    spans: list[Span] = []
    offset = 0
    for i, (col, w, lines) in enumerate(zip(columns, widths, cells)):
        plain, styles, used = lines[index] if index < len(lines) else ("", [], 0)
        pad = " " * (w - used)
        if i:
            parts.append(GAP)
            offset += len(GAP)
        if col.align == "right":
            parts.append(pad)
            offset += len(pad)
        parts.append(plain)
        if styles:
            spans += [Span(start + offset, end + offset, style) for start, end, style in styles]
        offset += len(plain)
        if col.align != "right":
            parts.append(pad)
            offset += len(pad)
    if crop is not None:
        line = Text("".join(parts), spans=spans, no_wrap=True)
        line.truncate(crop)
        line.rstrip()
        return line
    plain = "".join(parts).rstrip()  # trailing padding off before the Text is made (once, not twice)
    if spans and offset > len(plain):
        spans = [Span(start, min(end, len(plain)), style) for start, end, style in spans if start < len(plain)]
    return Text(plain, spans=spans, no_wrap=True)
