"""Reading a .docx: its body's paragraphs and tables in document order.

Merged cells are read from the XML (``w:gridSpan`` across, ``w:vMerge`` down,
``w:gridBefore`` for rows starting late) and expanded by :func:`~.office_sheet.spread`.
A table holding tables is a layout frame: its cells' contents are read as blocks.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator

from lxml import etree

from .office_sheet import Sheet, Span, join_lines, spread
from .readers import Document, Unreadable
from .webpage import MIN_IMAGE_SIDE

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
MAX_DOCX_XML = 200 * 1024 * 1024
SLIVER = 0.1
"""A grid column narrower than this share of the median column is no column (see :func:`_drop_slivers`)."""


R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
A_BLIP = "{http://schemas.openxmlformats.org/drawingml/2006/main}blip"
V_IMAGEDATA = "{urn:schemas-microsoft-com:vml}imagedata"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
EMU_PER_PIXEL = 9525
"""English metric units per pixel at 96 dpi, as Word sizes a picture."""


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


P, TBL, TR, TC, SDT, SDT_CONTENT = w("p"), w("tbl"), w("tr"), w("tc"), w("sdt"), w("sdtContent")
WRAPPERS = frozenset({SDT, SDT_CONTENT, w("customXml"), w("smartTag")})
TEXT_TAGS = {w("t"): None, w("tab"): " ", w("br"): "\n", w("cr"): "\n", w("noBreakHyphen"): "-"}


def read_docx(data: bytes) -> Document:
    """Read a .docx file's bytes (paragraphs and tables of the main body, in order)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            info = z.getinfo("word/document.xml")
            if info.file_size > MAX_DOCX_XML:
                raise Unreadable(f"a Word (.docx) file whose text is {info.file_size} bytes: too large to read")
            xml = z.read(info)
            rels = z.read("word/_rels/document.xml.rels") if "word/_rels/document.xml.rels" in z.namelist() else b""
        root = etree.fromstring(xml, etree.XMLParser(resolve_entities=False, huge_tree=True))
    except (zipfile.BadZipFile, KeyError, OSError, etree.XMLSyntaxError, ValueError) as exc:
        raise Unreadable(f"a Word (.docx) file that cannot be read: {exc}") from exc
    body = root.find(w("body"))
    if body is None:
        raise Unreadable("a Word (.docx) file with no document body")
    sheet = Sheet()
    _read_blocks(body, sheet)
    doc = sheet.document("utf-8", "docx")
    doc.images = body_images(body, _relationships(rels))
    return doc


def _relationships(xml: bytes) -> dict[str, str]:
    """Relationship id → target of the document part (``media/image1.png``; an address for an external one)."""
    if not xml:
        return {}
    try:
        root = etree.fromstring(xml, etree.XMLParser(resolve_entities=False))
    except etree.XMLSyntaxError:
        return {}
    return {r.get("Id", ""): r.get("Target", "") for r in root if r.get("Id") and r.get("Target")}


def _extent(el: etree._Element) -> tuple[int, int] | None:
    """The displayed size, in pixels, of the picture ``el`` belongs to, where its drawing gives one."""
    for frame in el.iterancestors(f"{{{WP}}}inline", f"{{{WP}}}anchor"):
        extent = frame.find(f"{{{WP}}}extent")
        if extent is not None:
            try:
                return int(extent.get("cx") or 0) // EMU_PER_PIXEL, int(extent.get("cy") or 0) // EMU_PER_PIXEL
            except ValueError:
                return None
    return None


def body_images(body: etree._Element, rels: dict[str, str]) -> list[str]:
    """The pictures of the document's body, by their part in the file (``word/media/image1.png``) or their
    address: each drawing once (not again in its compatibility fallback), pictures shown smaller than
    :data:`.webpage.MIN_IMAGE_SIDE` left out."""
    out = []
    for el in body.iter(A_BLIP, V_IMAGEDATA):
        target = rels.get(el.get(f"{{{R}}}embed") or el.get(f"{{{R}}}link") or el.get(f"{{{R}}}id") or "")
        if not target or any(a.tag == MC_FALLBACK for a in el.iterancestors()):
            continue
        size = _extent(el)
        if size is not None and min(size) < MIN_IMAGE_SIDE:
            continue
        out.append(target if "://" in target else f"word/{target.lstrip('/').removeprefix('word/')}")
    return out


def _children(el: etree._Element) -> Iterator[etree._Element]:
    """Child elements, looking through content controls and custom-XML wrappers."""
    for child in el:
        if child.tag in WRAPPERS:
            yield from _children(child)
        elif isinstance(child.tag, str):
            yield child


def _read_blocks(container: etree._Element, sheet: Sheet) -> None:
    for el in _children(container):
        if el.tag == P:
            for line in paragraph_text(el).split("\n"):
                sheet.text(line, "paragraph")
        elif el.tag == TBL:
            if el.find(f".//{TBL}") is not None:
                for tc in el.iter(TC):
                    if tc.getparent() is not None and _owning_table(tc) is el:
                        _read_blocks(tc, sheet)
            else:
                sheet.table(spread(table_spans(el)))


def _owning_table(el: etree._Element) -> etree._Element | None:
    parent = el.getparent()
    while parent is not None and parent.tag != TBL:
        parent = parent.getparent()
    return parent


def paragraph_text(p: etree._Element) -> str:
    """A paragraph's text: runs, tabs as spaces, breaks as new lines; fallback copies of drawings skipped."""
    out: list[str] = []
    stack = [iter(p)]
    while stack:
        el = next(stack[-1], None)
        if el is None:
            stack.pop()
            continue
        if not isinstance(el.tag, str) or el.tag == MC_FALLBACK:
            continue
        if el.tag in TEXT_TAGS:
            fixed = TEXT_TAGS[el.tag]
            out.append((el.text or "") if fixed is None else fixed)
        else:
            stack.append(iter(el))
    return "".join(out)


def _val(el: etree._Element | None, default: str | None = None) -> str | None:
    return default if el is None else el.get(w("val"), default)


def _int(value: str | None, default: int = 1) -> int:
    try:
        return max(0, min(int(value or default), 200))
    except ValueError:
        return default


def cell_text(tc: etree._Element) -> str:
    return join_lines(line for p in tc.iter(P) for line in paragraph_text(p).split("\n"))


def table_spans(tbl: etree._Element) -> list[Span]:
    """The table's cells on its grid; a ``vMerge`` continuation lengthens the cell above it."""
    spans: list[Span] = []
    owner: dict[tuple[int, int], Span] = {}
    rows = [tr for tr in _children(tbl) if tr.tag == TR]
    for r, tr in enumerate(rows):
        col = _int(_val(tr.find(f"{w('trPr')}/{w('gridBefore')}"), "0"), 0)
        for tc in (c for c in _children(tr) if c.tag == TC):
            pr = tc.find(w("tcPr"))
            span = max(1, _int(_val(pr.find(w("gridSpan")) if pr is not None else None, "1")))
            merge = pr.find(w("vMerge")) if pr is not None else None
            above = owner.get((r - 1, col))
            if merge is not None and _val(merge, "continue") == "continue" and above is not None:
                above.rows = r - above.row + 1
                cell = above
            else:
                cell = Span(r, col, 1, span, cell_text(tc))
                spans.append(cell)
            for c in range(col, col + span):
                owner[(r, c)] = cell
            col += span
    return _drop_slivers(spans, _grid_widths(tbl))


def _grid_widths(tbl: etree._Element) -> list[int | None]:
    grid = tbl.find(w("tblGrid"))
    cols = [] if grid is None else grid.findall(w("gridCol"))
    return [_int(c.get(w("w")), 0) if c.get(w("w")) else None for c in cols]


def _drop_slivers(spans: list[Span], widths: list[int | None]) -> list[Span]:
    """Remove grid columns too narrow to hold a cell of their own.

    Cell borders a hair apart in different rows (common in files converted
    from .doc) leave a column a few twips wide: a figure spanning it would be
    followed by a blank cell that is no cell of the printed table.
    """
    known = sorted(x for x in widths if x)
    if not known:
        return spans
    floor = known[len(known) // 2] * SLIVER
    kept = [x is None or x >= floor for x in widths]

    def at(c: int) -> int:
        return sum(kept[:c]) + max(0, c - len(kept))

    for s in spans:
        start, end = at(s.col), at(s.col + s.cols)
        s.col, s.cols = start, max(1, end - start)
    return spans
