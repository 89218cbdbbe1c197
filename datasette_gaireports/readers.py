"""Readers: a file's bytes → decoded text and a token stream.

The reader is chosen by the content, not the file name: what looks like
HTML is read as HTML whatever its suffix. Files that are no text at all get a
:class:`Unreadable` with a reason a person can act on.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from functools import partial

from lxml import etree

from .text import count_left, normalise
from .tokens import Token, text_tokens
from .values import parse_value
from .webpage import (
    MAX_FIELD,
    CellTexts,
    Link,
    body_images,
    cell_text,
    content_root,
    document_links,
    drop_chrome_tags,
    drop_link_lists,
    fields,
    figure_tables,
    hold_out,
    measure,
    named_attachments,
    page_base,
    page_meta,
    resolve,
    text_root,
)

# Characters frequent in Chinese government prose; decoding candidates are scored by them.
_COMMON = frozenset(
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过"
    "子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制"
    "机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正"
    "心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党"
    "程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角"
    "期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压"
    "志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万"
    "每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林"
    "律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史"
    "感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层"
    "片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严龙飞請開報縣務機關於與會為這國們"
)
_CANDIDATES = ("utf-8", "gb18030", "big5")
_SIGNATURES = (  # known files that are no text or page, by their first bytes, and the reason given for each
    (b"%PDF", "a PDF file: read by the office reader (datasette_gaireports.office), not as text or a page"),
    (b"PK\x03\x04", "a ZIP container (.docx or similar): read by the office reader, not as text or a page"),
    (b"\xd0\xcf\x11\xe0", "an OLE document (.doc or .wps): read by the office reader, not as text or a page"),
    (b"\x89PNG", "a PNG image: scanned reports need OCR"),
    (b"\xff\xd8\xff", "a JPEG image: scanned reports need OCR"),
    (b"GIF8", "a GIF image: scanned reports need OCR"),
    (b"II*\x00", "a TIFF image: scanned reports need OCR"),
    (b"MM\x00*", "a TIFF image: scanned reports need OCR"),
    (b"Rar!\x1a\x07", "a RAR archive: unpack it and build from its folder"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive: unpack it and build from its folder"),
    (b"\x1f\x8b", "a gzip-compressed file: unpack it and build from what it holds"),
)
_HTML_HINT = re.compile(rb"<\s*(?:!doctype\s+html|html|body|table|div|p|meta|head)\b", re.I)
_BLOCK = frozenset(
    "p div br tr td th li ul ol h1 h2 h3 h4 h5 h6 section article header footer table tbody thead "
    "blockquote pre dd dt dl center form hr title".split()
)
MAX_SPAN = 200
_MARKER = re.compile(r"\ue000(\d+)\ue000")
"""The line standing for a table in a page's flattened text: its number between private-use marks."""


class Unreadable(Exception):
    """The file is not a text report; ``str(exc)`` says why."""


@dataclass
class Document:
    """A decoded report: its text, its cells in reading order, and how it was read."""

    text: str
    tokens: list[Token]
    encoding: str
    reader: str
    page_meta: dict[str, str] = field(default_factory=dict)
    """Metadata the page printed around the report body: ``index_no`` (索引号), ``publisher``
    (发布机构), ``published`` (发布日期, an ISO date), ``doc_no`` (文号), ``title`` (名称, the
    headline or the page's ``<title>``)."""
    attachments: list[Link] = field(default_factory=list)
    """(address, text) of the documents the page links (PDF, Word, spreadsheets, archives)."""
    images: list[str] = field(default_factory=list)
    """Addresses of the images in the report's body (page furniture left out)."""

    def resolve_links(self, base: str | None) -> None:
        """Make the addresses of attachments and images absolute against ``base`` (the page's address,
        where a saved page names it; anything but a web address leaves them as they are)."""
        self.attachments = [(resolve(href, base), text) for href, text in self.attachments]
        self.images = [resolve(src, base) for src in self.images]


_NOT_COMMON = re.compile("[^" + "".join(sorted(_COMMON)) + "]+")
_NOT_CJK = re.compile("[^\u4e00-\u9fff]+")
_NOT_PRIVATE = re.compile("[^\ue000-\uf8ff]+")
_NOT_CONTROL = bytes(b for b in range(256) if not (b < 9 or 13 < b < 32))
"""Every byte but the control bytes a text file does not hold (tab, newlines and form feed are text)."""


_ASCII_BYTES = bytes(range(128))
SCORED_CHARS = 4000
"""A decoding is scored on its first characters outside ASCII, this many: the markup, figures and spaces
two decodings share tell them apart no better, and a page's head can hold tens of thousands of them."""
_CHUNK = 20000


def _scored_part(text: str) -> str:
    """The first :data:`SCORED_CHARS` characters of ``text`` outside ASCII. Taken out of UTF-8 byte by byte
    (every byte of a character outside ASCII is outside it too): twice as fast as a pattern."""
    part = ""
    for start in range(0, len(text), _CHUNK):
        utf8 = text[start:start + _CHUNK].encode("utf-8", "surrogatepass")
        part += utf8.translate(None, _ASCII_BYTES).decode("utf-8", "surrogatepass")
        if len(part) >= SCORED_CHARS:
            break
    return part[:SCORED_CHARS]


def _score(text: str) -> float:
    """How much a decoding reads like Chinese: common characters, then any CJK, against replacement and
    private-use characters, per character scored."""
    text = _scored_part(text)
    cjk = count_left(_NOT_CJK, text)
    common = count_left(_NOT_COMMON, text)
    bad = text.count("\ufffd") + count_left(_NOT_PRIVATE, text)
    return (common * 2 + cjk * 0.1 - bad * 5) / max(len(text), 1)


def decode(data: bytes) -> tuple[str, str]:
    """Decode by evidence: a BOM, else the strict decodings scored by common characters."""
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(enc, errors="replace"), enc
    decoded: list[tuple[str, str]] = []
    for enc in _CANDIDATES:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if enc == "utf-8":
            return text, enc
        decoded.append((text, enc))
    if len(decoded) == 1:
        return decoded[0]
    if decoded:
        return max(decoded, key=lambda d: _score(d[0]))
    scored = []
    for enc in ("gb18030", "utf-8", "big5"):
        text = data.decode(enc, errors="replace")
        scored.append((_score(text), text, enc))
    score, text, enc = max(scored, key=lambda s: s[0])
    return text, f"{enc} (with replacements)"


def check_bytes(data: bytes) -> None:
    """Raise :class:`Unreadable` for empty, binary and known non-text files."""
    if not data.strip():
        raise Unreadable("empty file" if not data else "file holds only white space")
    for magic, reason in _SIGNATURES:
        if data.startswith(magic):
            raise Unreadable(reason)
    head = data[:8192]
    if b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise Unreadable("binary file: NUL bytes, not a text or HTML report")
    controls = len(head.translate(None, _NOT_CONTROL))
    if controls > len(head) * 0.05:
        raise Unreadable("binary file: control bytes, not a text or HTML report")


PAGE_LINES = 40
"""A text dump of a web page prints the page's metadata within its first lines."""


def read_text(text: str, encoding: str) -> Document:
    """Read a text dump; metadata of a dumped page (``发布机构:… 发布时间:…``) goes into ``page_meta``."""
    head = [normalise(line).strip() for line in text.splitlines()[:PAGE_LINES]]
    meta = fields([line for line in head if line and len(line) <= MAX_FIELD], value_apart=False)
    meta.pop("title", None)
    return Document(text, list(text_tokens(text)), encoding, "text", meta, named_attachments(text))


def read_bytes(data: bytes) -> Document:
    """Read a file's bytes with the reader its content calls for."""
    check_bytes(data)
    text, encoding = decode(data)
    if _HTML_HINT.search(data[:4096]):
        return read_html(text, encoding)
    return read_text(text, encoding)


def _span(value: str | None) -> int:
    if value is None:
        return 1
    try:
        return max(1, min(int(value.strip() or 1), MAX_SPAN))
    except ValueError:
        return 1


GridCell = tuple[str, int, int]
"""(text, source line, id of the source cell) of one grid position."""


def _grid(table: etree._Element, texts: CellTexts | None = None) -> list[list[GridCell]]:
    """The table's grid; ``texts``: cell texts already read (:func:`.webpage.figure_tables`)."""
    rows = list(table.iter("tr"))
    grid: list[list[GridCell | None]] = [[] for _ in rows]  # None: a position no cell has taken yet
    width = 0
    origin = 0
    for r, tr in enumerate(rows):
        line = grid[r]
        c = 0
        for td in tr.iterchildren("td", "th"):
            while c < len(line) and line[c] is not None:
                c += 1
            text = texts.get(td) if texts else None
            if text is None:
                text = cell_text(td)
            origin += 1  # a number per source cell (id() of an lxml proxy can be reused once it is freed)
            rowspan, colspan = td.get("rowspan"), td.get("colspan")
            if rowspan is None and colspan is None:
                if c == len(line):
                    line.append((text, td.sourceline or 0, origin))
                else:
                    line[c] = (text, td.sourceline or 0, origin)
                c += 1
            else:
                rowspan, colspan = _span(rowspan), _span(colspan)
                source = td.sourceline or 0
                numeric = parse_value(text).is_number
                for dr in range(min(rowspan, len(rows) - r)):
                    below = grid[r + dr]
                    for dc in range(colspan):
                        at = c + dc
                        if at >= len(below):
                            below.extend([None] * (at + 1 - len(below)))
                        if below[at] is None:
                            below[at] = (text if (dr == 0 and dc == 0) or not numeric else "", source, origin)
                c += colspan
            width = max(width, c)
    blank: GridCell = ("", 0, 0)
    return [[cell or blank for cell in line] + [blank] * (width - len(line)) for line in grid]


def table_grid(table: etree._Element) -> list[list[tuple[str, int]]]:
    """A table as a grid of (text, source line), row and column spans expanded.

    A spanned label is repeated in every grid position it covers; a spanned
    figure is kept once and the other positions are blank, so no figure is
    counted twice.
    """
    return [[(text, line) for text, line, _o in row] for row in _grid(table)]


def row_cells(row: list[GridCell]) -> list[tuple[int, str, int]]:
    """(column, text, source line) of a grid row's cells, a label spanning columns once.

    The positions a text cell covers to its right are its own span, not cells
    of the row; the blank positions a spanned figure leaves stay blank cells.
    """
    out = []
    for c, (text, line, origin) in enumerate(row):
        if c and origin and origin == row[c - 1][2] and text and not parse_value(text).is_number:
            continue
        out.append((c, text, line))
    return out


_token = partial(tuple.__new__, Token)
"""A :class:`Token` from a tuple of all its fields (skipping the named tuple's Python ``__new__``: a page's
table cells are tens of thousands of tokens)."""


def read_html(text: str, encoding: str) -> Document:
    """Read an HTML page: the report body found inside the site chrome, tables as grids, other blocks as lines.

    The page's own metadata (索引号, 发布机构, 发布日期, 文号, 名称) goes into
    :attr:`Document.page_meta`.
    """
    cleaned = re.sub(r"^\s*<\?xml[^>]*>", "", text)
    try:
        root = etree.fromstring(cleaned or "<html></html>", etree.HTMLParser())
        if root is None:
            raise ValueError("document is empty")
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise Unreadable(f"HTML that cannot be parsed: {exc}") from exc
    texts: CellTexts = {}
    figures = figure_tables(root, texts)
    aside = hold_out(root, figures)  # report tables hold no page metadata and are no chrome
    meta = page_meta(root)
    base = page_base(root)
    drop_chrome_tags(root, texts)
    for table in aside.values():
        drop_chrome_tags(table, texts)
    body = root.find("body")
    body = body if body is not None else root
    shape = measure(body, figures.difference(aside.values()).union(aside), aside)
    text_main = text_root(body, shape)
    main = content_root(body, shape, text_main)
    attachments = document_links(body, text_main, base)  # often in a block beside the report's
    images = body_images(main, base)
    drop_link_lists(main, shape)
    grids: list[list[list[GridCell]]] = []
    for table in list(main.iter("table")):
        if table.find(".//table") is not None:
            continue
        held = aside.get(table)  # drop_link_lists may have changed the tables still in the tree
        grids.append(_grid(held, texts) if held is not None else _grid(table))
        marker = etree.Element("span")
        marker.text = f"\n\ue000{len(grids) - 1}\ue000\n"
        marker.tail = table.tail
        parent = table.getparent()
        if parent is not None:
            parent.replace(table, marker)
        else:
            main = marker
    for el in main.iter(*_BLOCK):
        el.tail = "\n" + (el.tail or "")
        if el.tag != "br":
            el.text = "\n" + (el.text or "")
    flat = "".join(main.itertext()).replace("\xa0", " ")
    tokens: list[Token] = []
    lines: list[str] = []
    row_id = 0
    for raw_line in flat.splitlines():
        line = raw_line.strip()
        m = _MARKER.fullmatch(line) if line.startswith("\ue000") else None
        if m:
            k = int(m[1])
            for r, row in enumerate(grids[k], 1):
                cells = row_cells(row)
                row_texts = [t for _c, t, _l in cells]
                if not any(row_texts):
                    continue
                row_id += 1
                lines.append(" | ".join(row_texts))
                place = f"table {k + 1}, row {r}, column "
                tokens += [_token((cell, src_line, place + str(c + 1), row_id, c)) for c, cell, src_line in cells]
            continue
        if line:
            lines.append(line)
            tokens.append(Token(line, len(lines), f"text line {len(lines)}"))
    return Document("\n".join(lines), tokens, encoding, "html", meta, attachments, images)
