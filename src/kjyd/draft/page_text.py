"""The text of a saved web page, read in one pass: time and memory grow with the file, nothing more.

A government page saved from the browser is mostly menus, scripts and footers around the notice.
The text is the page's strings without scripts, styles, forms and the like (:data:`DROP`); a block
element (:data:`BLOCK`) starts and ends a line while inline ones (``<span>`` runs inside a
paragraph) do not, so a paragraph typeset in many spans stays one line; a list whose every item is
nothing but a link is a menu and is left out.

Why not a BeautifulSoup tree: building one costs about a kilobyte per element (a 26 MB page of
short paragraphs took 2.3 GB), and inserting line breaks around 200,000 nested ``<div>`` took more
than five minutes, since each insertion walks the element's descendants. Here the standard
library's tokenizer (which BeautifulSoup's ``html.parser`` builder uses too) feeds a stack of open
elements that nests as BeautifulSoup's would — a void element never opens, an end tag closes up to
the most recent open element of its name and is ignored when none is open — and a list is judged a
menu by counting characters, so no element is ever visited twice. BeautifulSoup still decides the
page's encoding (a BOM, ``<meta charset>``, or a guess).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from html.parser import HTMLParser

DROP = frozenset(("script", "style", "noscript", "template", "iframe", "nav", "header", "footer", "aside",
                  "form", "select", "button", "input", "svg", "head"))
BLOCK = frozenset(("p", "div", "br", "li", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6",
                   "section", "article", "table", "ul", "ol", "dd", "dt", "blockquote", "pre", "center"))


def page_text(data: bytes) -> str:
    """The page's text, blocks as lines, with its ``<title>`` first unless the text repeats it."""
    from bs4.dammit import UnicodeDammit

    markup = UnicodeDammit(data, is_html=True).unicode_markup or ""
    reader = _Reader()
    reader.feed(markup)
    reader.close()
    text = "".join(reader.pieces)
    title = " ".join(reader.title)
    if title and title not in text:
        text = title + "\n" + text
    return text


@dataclass(slots=True)
class _Link:
    start: int
    length: int | None = None


@dataclass(slots=True)
class _Item:
    """An ``<li>``: its text length, and the first ``<a>`` inside it."""

    start: int
    link: _Link | None = None


@dataclass(slots=True)
class _List:
    """A ``<ul>``/``<ol>``: where its text starts, its items (nested lists' too) and whether each is
    a bare link."""

    start: int
    items: int = 0
    bare_links: bool = True


@dataclass(slots=True)
class _Open:
    name: str
    drops: bool = False
    """One of :data:`DROP`: its end ends a dropped part."""
    dropping: bool = False
    """Opened inside a dropped part (or opens one): contributes nothing."""
    block: bool = False
    list: _List | None = None
    item: _Item | None = None
    link: _Link | None = None
    title: bool = False


class _Reader(HTMLParser):
    def __init__(self) -> None:
        from bs4.builder import HTMLTreeBuilder

        super().__init__(convert_charrefs=True)
        self.void = HTMLTreeBuilder.DEFAULT_EMPTY_ELEMENT_TAGS or frozenset()
        self.pieces: list[str] = []
        self.title: list[str] = []
        self.chars = 0
        """Characters of text so far, each string stripped, as ``get_text(strip=True)`` counts them."""
        self.stack: list[_Open] = []
        self.counts: Counter[str] = Counter()
        self.dropping = 0
        self.lists: list[_List] = []
        self.items: list[_Item] = []
        self.linked = 0
        """How many of the open items (from the outermost) already have their first link."""
        self.titled = False
        self.in_title = 0

    # --- tokens ---------------------------------------------------------------------------------

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in self.void:
            if tag in BLOCK and not self.dropping:
                self.pieces.append("\n")
            return
        element = _Open(tag, drops=tag in DROP, dropping=tag in DROP or self.dropping > 0)
        self.dropping += element.drops
        if tag == "title" and not self.titled:
            self.titled = element.title = True
            self.in_title += 1
        self.stack.append(element)
        self.counts[tag] += 1
        if element.dropping:
            return
        if tag in ("ul", "ol"):
            element.list = _List(len(self.pieces))  # a menu goes from here, its line break included
            self.lists.append(element.list)
        elif tag == "li":
            element.item = _Item(self.chars)
            self.items.append(element.item)
        elif tag == "a":
            element.link = _Link(self.chars)
            for item in self.items[self.linked:]:  # each item gets its first link once
                item.link = element.link
            self.linked = len(self.items)
        if tag in BLOCK:
            element.block = True
            self.pieces.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if not self.counts[tag]:
            return  # nothing of that name is open: ignored, as BeautifulSoup does
        while self.stack:
            element = self.stack.pop()
            self._close(element)
            if element.name == tag:
                break

    def handle_data(self, data: str) -> None:
        if self.in_title:
            stripped = data.strip()
            if stripped:
                self.title.append(stripped)
        if self.dropping:
            return
        self.pieces.append(data)
        self.chars += len(data.strip())

    def unknown_decl(self, data: str) -> None:
        if data.startswith("CDATA["):
            self.handle_data(data[6:])

    def close(self) -> None:
        super().close()
        while self.stack:  # the end of the file closes what is still open
            self._close(self.stack.pop())

    # --- closing an element -----------------------------------------------------------------------

    def _close(self, element: _Open) -> None:
        self.counts[element.name] -= 1
        if element.title:
            self.in_title -= 1
        if element.dropping:
            self.dropping -= element.drops
            return
        if element.link is not None:
            element.link.length = self.chars - element.link.start
        elif element.item is not None:
            self._close_item(element.item)
        elif element.list is not None:
            if self._close_list(element.list):
                return  # a menu: its text is gone, and so is its line
        if element.block:
            self.pieces.append("\n")

    def _close_item(self, item: _Item) -> None:
        self.items.pop()
        self.linked = min(self.linked, len(self.items))
        link = item.link
        bare = link is not None and link.length is not None and link.length == self.chars - item.start
        if self.lists:
            self.lists[-1].items += 1
            self.lists[-1].bare_links &= bare

    def _close_list(self, found: _List) -> bool:
        self.lists.pop()
        if self.lists:  # the outer list's items include this list's
            self.lists[-1].items += found.items
            self.lists[-1].bare_links &= found.bare_links
        if found.items and found.bare_links:
            del self.pieces[found.start:]
            return True
        return False
