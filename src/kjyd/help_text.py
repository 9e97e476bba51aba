"""Laying out Chinese help text: widths in terminal cells, line breaks by Chinese rules.

click's formatter is written for English: it counts characters (a Chinese character takes two
terminal cells, so its lines overflow and the terminal breaks them anywhere), joins the lines of a
docstring with a space (``本月进展、 存在问题``) and breaks only at spaces. Here instead:

* widths are display cells (``unicodedata.east_asian_width``: W and F count two);
* the lines of a paragraph are joined without a space where either side is Chinese;
* a line may break between any two Chinese characters, but ASCII words (``--value``, ``2022-06``)
  stay whole, closing punctuation (，。、）) never starts a line and opening punctuation (（“)
  never ends one;
* a paragraph never ends on a line holding a single character: that line borrows from the one
  before (typesetters call it an orphan).

Imported for every ``--help``: standard library only.
"""

from __future__ import annotations

import unicodedata

NO_LINE_START = set("，。、；：！？）》」』”’…,.;:!?)]］｝】〉")
NO_LINE_END = set("（《「『“‘([［｛【〈")


def cells(text: str) -> int:
    """How many terminal cells ``text`` takes."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in "WF"


def join_lines(lines: list[str]) -> str:
    """One paragraph from the lines of a docstring: a space only between two non-Chinese ends."""
    text = ""
    for line in (line.strip() for line in lines):
        if not line:
            continue
        if text and not (_wide(text[-1]) or _wide(line[0])):
            text += " "
        text += line
    return text


def _tokens(text: str) -> list[str]:
    """Unbreakable pieces: one Chinese character, a run of other non-space characters, or a space."""
    tokens: list[str] = []
    word = ""
    for ch in text:
        if ch == " " or _wide(ch):
            if word:
                tokens.append(word)
                word = ""
            tokens.append(ch)
        else:
            word += ch
    if word:
        tokens.append(word)
    return tokens


def wrap(text: str, width: int) -> list[str]:
    """Break one paragraph into lines of at most ``width`` cells (a longer ASCII word is split)."""
    width = max(width, 4)
    lines: list[list[str]] = [[]]
    used = 0
    for token in _tokens(text):
        size = cells(token)
        if token == " " and not lines[-1]:
            continue  # no space at the start of a line
        if used + size > width and lines[-1]:
            carried = _carry(lines[-1], token)
            lines.append(carried)
            used = sum(cells(t) for t in carried)
            if token == " ":
                continue
        while size > width:  # an ASCII word longer than a line: cut it
            room = width - used
            lines[-1].append(token[:room])
            lines.append([])
            token, used = token[room:], 0
            size = cells(token)
        lines[-1].append(token)
        used += size
    result = [line for line in lines if line]
    _fix_orphan(result, width)
    return ["".join(line).rstrip() for line in result]


def _carry(line: list[str], coming: str) -> list[str]:
    """What moves from the full ``line`` to the next: nothing, or tokens kept with ``coming``."""
    while line and line[-1] == " ":
        line.pop()
    carried: list[str] = []
    # Closing punctuation may not start the next line: take the character before it along
    # (and before that, while it is punctuation too: ）；).
    if coming[:1] in NO_LINE_START:
        while len(line) > 1:
            carried.insert(0, line.pop())
            if carried[0][:1] not in NO_LINE_START:
                break
    # Opening punctuation may not end this line.
    while len(line) > 1 and line[-1][-1:] in NO_LINE_END:
        carried.insert(0, line.pop())
    return carried


def _fix_orphan(lines: list[list[str]], width: int) -> None:
    """Give a last line of one character (plus punctuation: 天）。) company from the line before."""
    if len(lines) < 2:
        return
    last, before = lines[-1], lines[-2]

    def lonely() -> bool:
        content = [t for t in last if t != " " and t not in NO_LINE_START and t not in NO_LINE_END]
        return len(content) == 1 and len(content[0]) == 1

    def room() -> bool:  # moving the token would keep the last line within the width
        return sum(cells(t) for t in last) + cells(before[-1]) <= width

    while lonely() and len(before) > 2 and room():
        token = before.pop()
        if token != " ":
            last.insert(0, token)
    while last and last[0] in NO_LINE_START and len(before) > 2 and room():
        last.insert(0, before.pop())


def wrap_paragraphs(text: str, width: int, indent: int = 0) -> str:
    """Help text as click gives it (paragraphs separated by blank lines; ``\\b`` keeps one as is)."""
    pad = " " * indent
    out: list[str] = []
    for block in text.split("\n\n"):
        lines = block.split("\n")
        if lines and lines[0].strip() == "\b":
            out.append("\n".join(pad + line for line in lines[1:]))
            continue
        paragraph = join_lines(lines)
        if paragraph:
            out.append("\n".join(pad + line for line in wrap(paragraph, width - indent)))
    return "\n\n".join(out)
