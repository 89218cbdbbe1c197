"""Reading a PDF's text layer: ruled tables as grids, the other characters as lines, top to bottom.

Tables are found by pdfplumber from their ruling lines; a merged cell is one
rectangle over several grid positions and is expanded by
:func:`~.office_sheet.spread`. A table that ends a page and one that opens
the next page with the same left and right edges are one table: their
columns are laid on the union of both pages' column edges and the header
rows the new page repeats are dropped; a row the page break cut in two is
joined again. Page numbers, and lines repeated in the top or bottom margin of
several pages (running headers), are left out. A PDF with no text layer is a
scan: it is refused.
"""

from __future__ import annotations

import io
import re
from bisect import bisect_right
from dataclasses import dataclass, field

from .office_sheet import Grid, Sheet, Span, join_lines, spread, texts
from .readers import Document, Unreadable
from .tables import label_index
from .text import label_key
from .values import parse_value

EDGE_TOLERANCE = 2.0
"""Points within which two column (or row) edges are the same edge."""
MARGIN = 0.08
"""Share of the page height at the top and bottom where running headers and page numbers sit."""
MAX_HEADER_ROWS = 6
_PAGE_NUMBER = re.compile(r"^[-—–\s]*(?:第\s*)?\d{1,4}(?:\s*页)?(?:\s*/\s*(?:共\s*)?\d{1,4}\s*页?)?[-—–\s]*$")
_CID = re.compile(r"\(cid:\d+\)")


@dataclass
class Part:
    """A table as found on one page: its cells' boxes and texts."""

    page: int
    bbox: tuple[float, float, float, float]
    boxes: list[tuple[float, float, float, float]]
    texts: list[str]

    @property
    def xs(self) -> list[float]:
        return edges(v for b in self.boxes for v in (b[0], b[2]))

    @property
    def ys(self) -> list[float]:
        return edges(v for b in self.boxes for v in (b[1], b[3]))

    def continues(self, other: Part) -> bool:
        """True where this part, opening a page, carries on ``other`` which closed the page before."""
        return (
            self.page == other.page + 1
            and abs(self.bbox[0] - other.bbox[0]) <= EDGE_TOLERANCE
            and abs(self.bbox[2] - other.bbox[2]) <= EDGE_TOLERANCE
        )

    def grid(self, xs: list[float]) -> Grid:
        ys = self.ys
        spans = []
        for (x0, top, x1, bottom), text in zip(self.boxes, self.texts):
            c0, c1, r0, r1 = nearest(xs, x0), nearest(xs, x1), nearest(ys, top), nearest(ys, bottom)
            spans.append(Span(r0, c0, max(1, r1 - r0), max(1, c1 - c0), text))
        return spread(spans)


@dataclass
class Table:
    """A table over one or more pages."""

    parts: list[Part] = field(default_factory=list)

    def rows(self) -> tuple[Grid, list[str]]:
        """The grid of every part on one set of columns, repeated header rows dropped; each row's page."""
        xs = edges(x for p in self.parts for x in p.xs)
        grid: Grid = []
        places: list[str] = []
        first: Grid = []
        for part in self.parts:
            rows = part.grid(xs)
            if not first:
                first = rows
            else:
                rows = rows[repeated_header(first, rows):]
                if grid and rows and is_row_tail(texts(grid[-1]), texts(rows[0])):
                    grid[-1] = [(join_lines([a, b]) if b != a else a, o) for (a, o), (b, _o) in zip(grid[-1], rows[0])]
                    rows = rows[1:]
                    places.pop()
                    places.append(f"pages {part.page - 1}-{part.page}, ")
            grid += rows
            places += [f"page {part.page}, "] * len(rows)
        return grid, places


def edges(values, tol: float = EDGE_TOLERANCE) -> list[float]:
    """Sorted values with those closer than ``tol`` merged into one."""
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > tol:
            out.append(v)
    return out


def nearest(sorted_edges: list[float], v: float) -> int:
    i = bisect_right(sorted_edges, v)
    if i == 0:
        return 0
    if i == len(sorted_edges) or v - sorted_edges[i - 1] <= sorted_edges[i] - v:
        return i - 1
    return i


def repeated_header(first: Grid, rows: Grid) -> int:
    """How many leading rows of a continuation repeat the table's first rows."""
    for k in range(min(MAX_HEADER_ROWS, len(first), len(rows)), 0, -1):
        if all(texts(a) == texts(b) for a, b in zip(rows[:k], first[:k])):
            return k
    return 0


def is_row_tail(last: list[str], first: list[str]) -> bool:
    """True where a page's first row is the rest of the row the page before cut off.

    Every text of such a row sits under a text of the cut row, and either
    joining a cell to the one above makes a known row label of what was no
    label, or both rows hold figures only (no label: table 四's one line of
    figures) and the new one fewer of them.
    """
    below = [(a, b) for a, b in zip(last, first) if b and b != a]
    if not below or any(not a for a, _b in below):
        return False
    known = known_labels()
    if any(label_key(a) not in known and label_key(join_lines([a, b])) in known for a, b in below):
        return True
    figures_only = all(not _is_text(t) for t in (*last, *first))
    return figures_only and sum(map(bool, first)) < sum(map(bool, last))


def _is_text(cell: str) -> bool:
    return parse_value(cell).flag == "not_a_number"


def known_labels() -> frozenset[str]:
    """The label keys of every family's rows (built-in and plugins')."""
    from . import pipeline  # pipeline registers this package's readers: imported late, not at load

    return frozenset(k for fam in pipeline.families() for k in label_index(fam))


def text_lines(chars: list[dict]) -> list[tuple[float, float, str]]:
    """Characters as lines (top, bottom, text), top to bottom, each left to right."""
    lines: list[list[dict]] = []
    for ch in sorted(chars, key=lambda c: (c["top"], c["x0"])):
        if lines and ch["top"] - lines[-1][0]["top"] <= max(2.0, 0.4 * ch["size"]):
            lines[-1].append(ch)
        else:
            lines.append([ch])
    out = []
    for line in lines:
        line.sort(key=lambda c: c["x0"])
        text = line[0]["text"]
        for prev, ch in zip(line, line[1:]):
            gap = ch["x0"] - prev["x1"]
            text += (" " if gap > 0.25 * ch["size"] else "") + ch["text"]
        out.append((line[0]["top"], max(c["bottom"] for c in line), text))
    return out


def _inside(ch: dict, box: tuple[float, float, float, float]) -> bool:
    cx, cy = (ch["x0"] + ch["x1"]) / 2, (ch["top"] + ch["bottom"]) / 2
    return box[0] <= cx <= box[2] and box[1] <= cy <= box[3]


@dataclass
class Line:
    """A line of text outside the page's tables."""

    text: str
    margin: bool
    """In the top or bottom margin, where running headers and page numbers sit."""

    @property
    def shape(self) -> str:
        """The text with its digits masked: the same on every page for a running header or page number."""
        return re.sub(r"\d+", "#", self.text)


Item = tuple[float, "Part | Line"]


def page_items(page, number: int) -> list[Item]:
    """A page's tables (as :class:`Part`) and text lines, each with its top, top to bottom."""
    page = page.dedupe_chars()
    chars = [c for c in page.chars if c["text"].strip()]
    items: list[Item] = []
    table_boxes = []
    for found in page.find_tables():
        boxes = [tuple(b) for b in found.cells]
        if len(boxes) < 2:
            continue
        table_boxes.append(found.bbox)
        part = Part(number, tuple(found.bbox), boxes, [])
        part.texts = _cell_texts(part, [c for c in chars if _inside(c, found.bbox)])
        items.append((found.bbox[1], part))
    rest = [c for c in chars if not any(_inside(c, b) for b in table_boxes)]
    height = float(page.height)
    for top, bottom, text in text_lines(rest):
        items.append((top, Line(text, top < height * MARGIN or bottom > height * (1 - MARGIN))))
    items.sort(key=lambda item: item[0])
    return items


def drop_running_lines(pages: list[list[Item]]) -> list[list[Item]]:
    """Pages without their page numbers and the margin lines repeated on several pages."""
    margins = [{item.shape for _top, item in items if isinstance(item, Line) and item.margin} for items in pages]
    running = {shape for shape in set().union(*margins) if sum(shape in m for m in margins) > 1}

    def kept(item: Part | Line) -> bool:
        return not (isinstance(item, Line) and item.margin and (item.shape in running or _PAGE_NUMBER.match(item.text)))

    return [[(top, item) for top, item in items if kept(item)] for items in pages]


def _cell_texts(part: Part, chars: list[dict]) -> list[str]:
    """Each cell's text, from the characters whose centres fall in it."""
    xs, ys = part.xs, part.ys
    owner: dict[tuple[int, int], int] = {}
    for k, (x0, top, x1, bottom) in enumerate(part.boxes):
        for r in range(nearest(ys, top), nearest(ys, bottom)):
            for c in range(nearest(xs, x0), nearest(xs, x1)):
                owner[(r, c)] = k
    per_cell: list[list[dict]] = [[] for _ in part.boxes]
    for ch in chars:
        cx, cy = (ch["x0"] + ch["x1"]) / 2, (ch["top"] + ch["bottom"]) / 2
        box = owner.get((bisect_right(ys, cy) - 1, bisect_right(xs, cx) - 1))
        if box is not None:
            per_cell[box].append(ch)
    return [join_lines(t for _top, _bottom, t in text_lines(cs)) for cs in per_cell]


def read_pdf(data: bytes) -> Document:
    """Read a PDF's bytes: its text layer, or a refusal naming what it needs."""
    import pdfplumber  # imported here: it takes a third of a second, and most builds read no PDF

    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            pages = [page_items(page, n) for n, page in enumerate(pdf.pages, 1)]
    except Exception as exc:  # pdfminer raises many unrelated types for damaged files
        raise Unreadable(f"a PDF file that cannot be read ({type(exc).__name__}: {exc})") from exc
    printed = "".join(
        t for items in pages for _top, item in items for t in (item.texts if isinstance(item, Part) else [item.text])
    )
    if not printed.strip():
        raise Unreadable(f"a PDF of {len(pages)} page(s) with no text layer: scanned, needs OCR")
    if len(_CID.findall(printed)) * 8 > len(printed):
        raise Unreadable("a PDF whose text layer has no character mapping (cid codes): needs OCR")
    return _document(drop_running_lines(pages))


def _document(pages: list[list[Item]]) -> Document:
    sheet = Sheet()
    table: Table | None = None
    for n, items in enumerate(pages, 1):
        for i, (_top, item) in enumerate(items):
            if isinstance(item, Part):
                if table is not None and i == 0 and item.continues(table.parts[-1]):
                    table.parts.append(item)
                    continue
                if table is not None:
                    sheet.table(*table.rows())
                table = Table([item])
                continue
            if table is not None:
                sheet.table(*table.rows())
                table = None
            sheet.text(item.text, f"page {n}")
    if table is not None:
        sheet.table(*table.rows())
    return sheet.document("pdf text layer", "pdf")
