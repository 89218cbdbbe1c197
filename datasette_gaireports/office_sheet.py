"""The stream an office reader builds, and the span policy its tables share with HTML."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from .readers import Document, row_cells
from .tokens import Token
from .values import parse_value

Cell = tuple[str, int]
"""A grid position: its text and the id of the source cell covering it (0 where none does)."""
Grid = list[list[Cell]]


def texts(row: list[Cell]) -> list[str]:
    return [text for text, _origin in row]


@dataclass
class Sheet:
    """The reading-order stream a reader builds: text lines and table rows."""

    tokens: list[Token] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    rows: int = 0
    tables: int = 0

    def text(self, line: str, where: str) -> None:
        """A line of text; ``where`` names its place (``paragraph``, ``page 2``)."""
        line = " ".join(line.split())
        if line:
            self.lines.append(line)
            self.tokens.append(Token(line, len(self.lines), f"{where}, line {len(self.lines)}"))

    def table(self, grid: Grid, row_places: list[str] | None = None) -> None:
        """A table's rows, each cell a token with its row's id and its column; all-blank rows are skipped.

        As for HTML (:func:`~.readers.row_cells`), a label spanning columns is
        one token of its row. ``row_places`` prefixes each row's position
        (``page 3, `` for a table running over pages).
        """
        self.tables += 1
        for r, row in enumerate(grid, 1):
            cells = row_cells([(text, 0, origin) for text, origin in row])
            if not any(text for _c, text, _line in cells):
                continue
            self.rows += 1
            self.lines.append(" | ".join(text for _c, text, _line in cells))
            place = f"{row_places[r - 1] if row_places else ''}table {self.tables}, row {r}"
            for c, text, _line in cells:
                self.tokens.append(Token(text, len(self.lines), f"{place}, column {c + 1}", row=self.rows, col=c))

    def document(self, encoding: str, reader: str) -> Document:
        return Document("\n".join(self.lines), self.tokens, encoding, reader)


@dataclass
class Span:
    """A cell placed on a table's grid: its top-left position, its extent, its text."""

    row: int
    col: int
    rows: int
    cols: int
    text: str


def spread(spans: Iterable[Span]) -> Grid:
    """The grid of a table's cells, spans expanded as :func:`~.readers.table_grid` does.

    A spanned label is repeated in every position it covers; a spanned figure
    is kept once and the other positions are blank, so no figure counts twice.
    """
    cells: dict[tuple[int, int], Cell] = {}
    height = width = 0
    for origin, s in enumerate(spans, 1):
        numeric = parse_value(s.text).is_number
        for dr in range(s.rows):
            for dc in range(s.cols):
                first = dr == 0 and dc == 0
                cells.setdefault((s.row + dr, s.col + dc), (s.text if first or not numeric else "", origin))
        height, width = max(height, s.row + s.rows), max(width, s.col + s.cols)
    return [[cells.get((r, c), ("", 0)) for c in range(width)] for r in range(height)]


def join_lines(lines: Iterable[str]) -> str:
    """Lines of one cell as one text: no space between CJK characters, one elsewhere."""
    out = ""
    for line in (x.strip() for x in lines):
        if not line:
            continue
        if out and not (_wide(out[-1]) and _wide(line[0])):
            out += " "
        out += line
    return out


def _wide(ch: str) -> bool:
    return ch >= "\u2e80"
