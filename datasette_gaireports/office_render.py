"""Renditions of a report as Word (.docx) and PDF files, from a truth in the export's shape.

The tables are laid out from the family definitions (rows, per-format labels,
columns and their groups), the way the State Council templates print them:
table 二 in blocks with their own column headers, table 三 with nested row
labels and a two-level applicant header, table 四 with its three-level
header, the legacy appendix as 指标 | 单位 | 统计数. Merged cells are real
Word merges; the column headers repeat on every page a table runs onto; the
page number sits in the footer and the body's name in a running header.
PDF goes through LibreOffice converting the .docx.

A corpus generator either renders its own composed documents with
:func:`docx_from_doc` (and :func:`docx_to_pdf`), or writes renditions of a
truth with :func:`write_renditions` (or :data:`RENDERERS`).
"""

from __future__ import annotations

import io
import json
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from docx import Document as new_docx
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

from .families import BUILTIN
from .layout import Family, Row
from .office import convert

CJK_FONT = "宋体"
DASH = "——"
COLUMN_LABELS = {("active", "decisions", "2021"): "本年处理决定数量"}
"""(family, column, format) → the column label where a format prints it differently."""
FAMILIES = {f.name: f for f in BUILTIN}


@dataclass
class Grid:
    """A table as a grid of cell keys; equal keys over a rectangle are one merged cell."""

    keys: list[list[int]] = field(default_factory=list)
    texts: dict[int, str] = field(default_factory=dict)
    bold: set[int] = field(default_factory=set)
    header_rows: int = 0
    """Rows repeated at the top of every page the table runs onto."""

    def add_row(self, cells: Iterable[tuple[str, int] | int], bold: bool = False) -> None:
        """Append a row: ``(text, width)`` is a new cell, an ``int`` repeats an earlier cell's key."""
        row: list[int] = []
        for cell in cells:
            if isinstance(cell, int):
                row.append(cell)
                continue
            text, width = cell
            key = self.new(text, bold)
            row.extend([key] * width)
        self.keys.append(row)

    @classmethod
    def from_html_rows(cls, rows, header_rows: int = 0) -> Grid:
        """A grid of rows of cells in HTML's terms (``text``, ``rowspan``, ``colspan``, each written once)."""
        grid = cls(header_rows=header_rows)
        placed: dict[tuple[int, int], int] = {}
        for r, row in enumerate(rows):
            c = 0
            for cell in row:
                while (r, c) in placed:
                    c += 1
                key = grid.new(cell.text)
                for dr in range(max(1, cell.rowspan)):
                    for dc in range(max(1, cell.colspan)):
                        placed[(r + dr, c + dc)] = key
                c += max(1, cell.colspan)
        height = 1 + max(r for r, _c in placed)
        width = 1 + max(c for _r, c in placed)
        grid.keys = [[placed[(r, c)] if (r, c) in placed else grid.new("") for c in range(width)] for r in range(height)]
        return grid

    def new(self, text: str, bold: bool = False) -> int:
        key = len(self.texts)
        self.texts[key] = text
        if bold:
            self.bold.add(key)
        return key


def fmt_value(value: object) -> str:
    """A truth value as printed: blank for ``None``, no trailing ``.0``."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def column_label(fam: Family, code: str, fmt: str) -> str:
    return COLUMN_LABELS.get((fam.name, code, fmt), fam.column(code).label)


def _format_columns(fam: Family, fmt: str) -> tuple[str, ...]:
    used = {c for r in fam.data_rows(fmt) for c in fam.row_columns(r, fmt)}
    return tuple(c.code for c in fam.columns if c.code in used)


def _format_rows(fam: Family, fmt: str) -> list[Row]:
    return [r for r in fam.rows if fmt in r.columns]


def block_grid(fam: Family, fmt: str, table: dict) -> Grid:
    """Table 二's layout: per heading, a title row, a header row and its rows."""
    width = 1 + max(len(fam.row_columns(r, fmt)) for r in fam.data_rows(fmt))
    grid = Grid()
    blocks: list[tuple[Row, list[Row]]] = []
    for row in _format_rows(fam, fmt):
        if row.heading:
            blocks.append((row, []))
        elif row.code in table and blocks:
            blocks[-1][1].append(row)
    for heading, rows in blocks:
        if not rows:
            continue
        cols = fam.row_columns(rows[0], fmt)
        grid.add_row([(heading.label_for(fmt), width)], bold=True)
        grid.add_row(_spread([fam.corner, *(column_label(fam, c, fmt) for c in cols)], width), bold=True)
        for row in rows:
            values = [fmt_value(table[row.code].get(c)) for c in fam.row_columns(row, fmt)]
            grid.add_row(_spread([row.label_for(fmt), *values], width))
    return grid


def _spread(texts: list[str], width: int) -> list[tuple[str, int]]:
    """Cells filling ``width`` columns, the last one spanning what is left."""
    cells = [(t, 1) for t in texts[:-1]]
    return [*cells, (texts[-1], width - len(cells))]


def tree_grid(fam: Family, fmt: str, table: dict) -> Grid:
    """Table 三's layout: nested row labels (a group label merged down its rows) and grouped columns."""
    rows = _format_rows(fam, fmt)
    depth = 1 + max(r.level for r in rows)
    cols = _format_columns(fam, fmt)
    groups = [fam.column(c).group for c in cols]
    caption = fam.column_header
    header_levels = (1 if caption else 0) + (2 if any(groups) else 1)
    grid = Grid(header_rows=header_levels)
    corner = grid.new(f"({fam.notes})" if fam.notes else "", bold=True)
    header: list[list[int]] = [[corner] * depth for _ in range(header_levels)]
    if caption:
        header[0] += [grid.new(caption, bold=True)] * len(cols)
    top = header_levels - (2 if any(groups) else 1)
    group_keys: dict[str, int] = {}
    for code, group in zip(cols, groups):
        label = grid.new(column_label(fam, code, fmt), bold=True)
        if group:
            gkey = group_keys.setdefault(group, grid.new(group, bold=True))
            header[top].append(gkey)
            header[top + 1].append(label)
        else:
            for level in range(top, header_levels):
                header[level].append(label)
    grid.keys.extend(header)
    stack: list[tuple[int, int]] = []
    for i, row in enumerate(rows):
        while stack and stack[-1][0] >= row.level:
            stack.pop()
        has_children = i + 1 < len(rows) and rows[i + 1].level > row.level
        values_printed = row.code in table and any(v is not None for v in table[row.code].values())
        if not row.heading and row.code in table and (values_printed or not has_children):
            values = [(fmt_value(table[row.code].get(c)), 1) for c in cols]
            grid.add_row([*(k for _lvl, k in stack), (row.label_for(fmt), depth - len(stack)), *values])
        if has_children:
            stack.append((row.level, grid.new(row.label_for(fmt))))
    return grid


def wide_grid(fam: Family, fmt: str, table: dict) -> Grid:
    """Table 四's layout: group, row label and outcome headers over one line of figures."""
    groups = fam.row_groups
    rows = fam.data_rows(fmt)
    grid = Grid(header_rows=3)
    top, mid, low, data = [], [], [], []
    group_keys: dict[str, int] = {}
    for row in rows:
        cols = fam.row_columns(row, fmt)
        label = grid.new(row.label_for(fmt), bold=True)
        group = groups.get(row.code)
        gkey = group_keys.setdefault(group, grid.new(group, bold=True)) if group else label
        top += [gkey] * len(cols)
        mid += [label] * len(cols)
        low += [grid.new(column_label(fam, c, fmt), bold=True) for c in cols]
        data += [grid.new(fmt_value(table.get(fam.cell_code(row.code, c)))) for c in cols]
    grid.keys += [top, mid, low, data]
    return grid


def list_grid(fam: Family, fmt: str, table: dict) -> Grid:
    """The legacy appendix: one label column, the unit, the figure; headings print dashes."""
    grid = Grid(header_rows=1)
    grid.add_row([(h, 1) for h in (fam.corner, fam.unit_header, fam.columns[0].label)], bold=True)
    for row in _format_rows(fam, fmt):
        if row.heading:
            grid.add_row([(row.label_for(fmt), 1), (DASH, 1), (DASH, 1)])
        elif row.code in table:
            grid.add_row([(row.label_for(fmt), 1), (row.unit, 1), (fmt_value(table[row.code]), 1)])
    return grid


def family_grid(fam: Family, fmt: str, table: dict) -> Grid:
    """The printed layout of a family's table, chosen from the family's shape."""
    if fam.shape == "long":
        return list_grid(fam, fmt, table)
    if fam.shape == "wide":
        return wide_grid(fam, fmt, table)
    column_sets = {fam.row_columns(r, fmt) for r in fam.data_rows(fmt)}
    return block_grid(fam, fmt, table) if len(column_sets) > 1 else tree_grid(fam, fmt, table)


# Report text: (heading, paragraphs). {agency} and {year} are filled in.
OPENING = (
    "一、总体情况",
    (
        "{year}年,{agency}坚持以习近平新时代中国特色社会主义思想为指导,认真贯彻落实《中华人民共和国政府信息公开条例》,"
        "围绕中心工作,健全公开制度,拓展公开渠道,不断提升政务公开质量和实效。",
        "(一)加强组织领导。调整充实政务公开工作领导小组,明确分管领导和具体承办人员,把政务公开工作纳入年度绩效考核,"
        "形成主要领导亲自抓、分管领导具体抓、工作人员专门抓的工作格局。",
        "(二)健全工作机制。严格执行信息发布保密审查制度,规范依申请公开办理流程,按时受理、登记、答复,做到依法公开、"
        "真实公正、注重实效。",
        "(三)拓展公开渠道。充分发挥政府门户网站第一平台作用,用好政务新媒体、公开栏和查阅点,方便公众及时、准确获取政府信息。",
        "(四)加强监督保障。开展政务公开业务培训,组织自查整改,畅通社会评议渠道,主动接受社会监督。",
    ),
)
CLOSING = (
    (
        "五、存在的主要问题及改进情况",
        (
            "一是公开内容的深度和广度还需拓展;二是政策解读形式较为单一;三是工作人员业务水平有待提高。"
            "下一步,将进一步完善制度,加强培训,提高政务公开工作的规范化水平。",
        ),
    ),
    ("六、其他需要报告的事项", ("本年度无其他需要报告的事项。",)),
)
LEGACY_OPENING = (
    ("一、概述", OPENING[1][:2]),
    ("二、主动公开政府信息情况", OPENING[1][2:]),
    ("三、存在的不足及改进措施", CLOSING[0][1]),
)


@dataclass
class Block:
    """A piece of the rendition in reading order: a paragraph or a table."""

    text: str = ""
    grid: Grid | None = None
    heading: bool = False
    align: str = "left"
    """left, center or right."""


def report_blocks(truth: dict, lead: int = len(OPENING[1])) -> list[Block]:
    """The rendition of a truth, in reading order: title, text, tables, closing.

    ``lead`` is the number of opening paragraphs (fewer moves the page breaks up the tables).
    """
    fmt = truth["format"]
    agency, year = truth.get("agency") or "", truth.get("year") or ""
    fill = {"agency": agency, "year": year}
    blocks = [Block(f"{agency}{year}年政府信息公开工作年度报告", heading=True, align="center")]

    def section(heading: str, paragraphs: Iterable[str]) -> None:
        blocks.append(Block(heading, heading=True))
        blocks.extend(Block(p.format(**fill)) for p in paragraphs)

    tables = [(FAMILIES[name], table) for name, table in truth["tables"].items() if name in FAMILIES]
    if fmt == "legacy":
        for heading, paragraphs in LEGACY_OPENING[:lead]:
            section(heading, paragraphs)
    else:
        section(OPENING[0], OPENING[1][:lead])
    for fam, table in tables:
        if fmt == "legacy":
            blocks += [Block("附件"), Block(fam.title, heading=True, align="center"), Block(f"({year}年度)", align="center")]
        else:
            blocks.append(Block(f"{fam.table_no}、{fam.title}", heading=True))
        blocks.append(Block(grid=family_grid(fam, fmt, table)))
    if fmt != "legacy":
        for heading, paragraphs in CLOSING:
            section(heading, paragraphs)
    blocks.append(Block(agency, align="right"))
    if truth.get("published"):
        y, m, d = (int(x) for x in truth["published"].split("-"))
        blocks.append(Block(f"{y}年{m}月{d}日", align="right"))
    return blocks


def _set_cjk_font(style) -> None:
    style.font.name = CJK_FONT
    style.font.size = Pt(10.5)
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), CJK_FONT)


def _row_flag(tr, tag: str) -> None:
    tr_pr = tr.get_or_add_trPr()
    el = OxmlElement(tag)
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def _page_number_footer(section) -> None:
    para = section.footer.paragraphs[0]
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    para.add_run("— ")
    field_el = OxmlElement("w:fldSimple")
    field_el.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field_el.append(run)
    para._p.append(field_el)
    para.add_run(" —")


def _add_table(doc, grid: Grid, cant_split: bool) -> None:
    width = max(len(r) for r in grid.keys)
    table = doc.add_table(rows=len(grid.keys), cols=width)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    spans: dict[int, list[int]] = {}
    for r, row in enumerate(grid.keys):
        for c, key in enumerate(row):
            box = spans.setdefault(key, [r, c, r, c])
            box[2], box[3] = max(box[2], r), max(box[3], c)
    cells = table._cells  # computed once: each table.cell() call walks the whole table
    for key, (r0, c0, r1, c1) in spans.items():
        cell = cells[r0 * width + c0]
        if (r1, c1) != (r0, c0):
            cell = cell.merge(cells[r1 * width + c1])
        cell.text = grid.texts[key]
        if key in grid.bold:
            for run in cell.paragraphs[0].runs:
                run.bold = True
    for r, row in enumerate(table.rows):
        if r < grid.header_rows:
            _row_flag(row._tr, "w:tblHeader")
        if cant_split:
            _row_flag(row._tr, "w:cantSplit")


def render_docx(truth: dict, cant_split: bool = True, lead: int = len(OPENING[1])) -> bytes:
    """A .docx rendition of a truth: paragraphs and real Word tables, page numbers in the footer.

    ``cant_split`` keeps every table row on one page (Word's 允许跨页断行 off);
    ``lead`` is the number of opening paragraphs.
    """
    return write_docx(report_blocks(truth, lead), cant_split, running_header=truth.get("agency") or "")


ALIGN = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT}


def write_docx(blocks: Iterable[Block], cant_split: bool = True, running_header: str = "") -> bytes:
    """A .docx of paragraphs and tables, in order, with page numbers in the footer and a running header."""
    doc = new_docx()
    _set_cjk_font(doc.styles["Normal"])
    _page_number_footer(doc.sections[0])
    if running_header:
        doc.sections[0].header.paragraphs[0].text = running_header
        doc.sections[0].header.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for block in blocks:
        if block.grid is not None:
            _add_table(doc, block.grid, cant_split)
            continue
        para = doc.add_paragraph()
        para.add_run(block.text).bold = block.heading
        para.alignment = ALIGN[block.align]
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


ROLE_BLOCKS = {"title": (True, "center"), "heading": (True, "left"), "signature": (False, "right"), "date": (False, "right")}
"""A corpus paragraph's role → (bold, alignment); other roles are plain left-aligned text."""


def docx_from_doc(doc, cant_split: bool = True) -> bytes:
    """A .docx of a corpus generator's document (:class:`datasette_gaireports.corpus.document.Doc`).

    ``doc.blocks`` holds paragraphs (``text``, ``role``) and tables (``grid``:
    rows of cells with ``text``, ``rowspan``, ``colspan`` in HTML's terms, each
    cell written once; ``header_rows``), in reading order.
    """
    blocks = []
    for b in doc.blocks:
        if hasattr(b, "grid"):
            blocks.append(Block(grid=Grid.from_html_rows(b.grid, b.header_rows)))
        else:
            bold, align = ROLE_BLOCKS.get(b.role, (False, "left"))
            blocks.append(Block(b.text, heading=bold, align=align))
    return write_docx(blocks, cant_split)


def docx_to_pdf(documents: list[bytes]) -> list[bytes]:
    """PDFs of .docx files, converted by one LibreOffice run."""
    with tempfile.TemporaryDirectory(prefix="gaireports-render-") as tmp:
        folder = Path(tmp)
        sources = []
        for i, data in enumerate(documents):
            sources.append(folder / f"r{i}.docx")
            sources[-1].write_bytes(data)
        return [p.read_bytes() for p in convert(sources, "pdf", folder / "out")]


def render_pdfs(truths: list[dict], cant_split: bool = True, leads: list[int] | None = None) -> list[bytes]:
    """PDF renditions of several truths, converted by one LibreOffice run (``leads``: see :func:`render_docx`)."""
    leads = leads or [len(OPENING[1])] * len(truths)
    return docx_to_pdf([render_docx(t, cant_split, lead) for t, lead in zip(truths, leads)])


def render_pdf(truth: dict, cant_split: bool = True) -> bytes:
    """A PDF rendition of a truth (LibreOffice converting the .docx rendition)."""
    return render_pdfs([truth], cant_split)[0]


RENDERERS: dict[str, Callable[[dict], bytes]] = {".docx": render_docx, ".pdf": render_pdf}
"""File suffix → renderer, for a corpus generator to pick from."""


def write_renditions(truth: dict, folder: str | Path, stem: str, kinds: Iterable[str] = (".docx", ".pdf")) -> list[Path]:
    """Write a truth's renditions as ``stem.docx``/``stem.pdf`` with ``stem.docx.json``… beside each.

    The truth JSON beside each file names that file as its ``source``.
    """
    kinds = list(kinds)
    unknown = [k for k in kinds if k not in RENDERERS]
    if unknown:
        raise ValueError(f"no renderer for {unknown}: choose from {sorted(RENDERERS)}")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for suffix in kinds:
        path = folder / f"{stem}{suffix}"
        path.write_bytes(RENDERERS[suffix](truth))
        path.with_name(path.name + ".json").write_text(
            json.dumps({**truth, "source": path.name}, ensure_ascii=False, indent=1), encoding="utf-8"
        )
        written.append(path)
    return written
