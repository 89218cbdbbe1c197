"""Reading one file into a :class:`ParsedReport`: metadata, cells and checks."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from . import prose
from .agencies import Agency
from .checks import Check, run_checks, summary_status, text_vs_table
from .formats import MIN_ROWS, choose, choose_blank
from .layout import Family
from .meta import Meta, read_meta
from .readers import Document, Unreadable, read_bytes
from .spam import spam_note
from .tables import Cell, cells_of, may_open_row, region, scan, section_starts, settled, stray_cells, stray_note
from .text import label_key, normalise
from .values import Number

PARSER_VERSION = "1.24"
"""Stored with each report; an update reads again every file another version read. Raised whenever a file
would be read differently (1.1: statements of no request, counts in Chinese numerals in sentences, years in
Chinese numerals in titles, RTF, OpenDocument text and saved pages (MHTML) read, other ZIP containers, images
and archives named; 1.2: the page's 索引号 and 文号 kept, its labels read spaced out for alignment (``索 引 号``,
``文　　号``) and in ``|``-separated rows, 发文日期 read as a publication date; 1.3: the documents a page links
and the images in its body (a Word document's pictures too) kept, and noted where the standard tables are
missing; 1.4: a table 三 printing 法人或其他组织 as one column read into ``legal_person``; 1.5: the tables a page
lacks while it shows images or links documents kept (``tables_missing``); 1.6: in a dump written one cell per line,
each ending in ``|``, a lone ``|`` read as a blank cell before another cell; 1.7: the rows of a heading printed
without their labels read by their place; 1.8: a dump writing each cell after a row's first after a ``|`` read
by rows; 1.9: 2021's (六)其他处理 with its rows printed without their labels read so too; 1.10: a title broken
inside its words, or printing no year below the body's name, read; a row the template does not have noted in
``reason``; 1.11: a row of blank cells written a line per cell joined back, and a row of figures ended by no
lone ``|`` in a dump writing each further cell after a ``|``; 1.12: a body named more fully by the signature
than by the title takes the signature's name, and 没有接到…信息的申请 and 信息公开没有收费 read as statements
of none; 1.13: a report printing no title named by the sentence naming its author (由某局编制), a bare zone
kept as printed, not completed as a people's government; 1.14: an author's office written 信息公开办 gives its
body, and 没有向…收取…任何费用 reads as no fee; 1.15: two lines joined into a title only where it breaks inside
its report words or after its year; 1.16: the figures of a row the template does not have kept as cells of flag
``stray_row``; 1.17: tables 二 and 三 printed with every cell blank read as the template's tables, not as no
table; 1.18: in a dump setting its lines one empty line apart, each further empty line by a figure read as a blank
cell, a title naming its body and no year read, and an overview's heading naming table 四's groups no header of
it; 1.19: a report printing no title named by a paragraph opening with the body doing the year's work,
``2020年,某局以…``; 1.20: where no line is a title, the name a sentence publishes the report by, ``现公布某乡2021年
政府信息公开工作年度报告``, is; 1.21: not where it names the report by the body's word for itself, ``现将我局2022年…``; 1.22: a sentence compiling the report by its name (编制某局2023年度…报告) as one publishing it,
and a page's metadata fields read with a bullet before them, ``• 索 引 号:…``; 1.23: a label printed with no value
before a bulleted label takes no bullet as its value; 1.24: the title of a notice naming the report, …的通知, is no
report's title)."""
_REPORT_WORDS = ("政府信息公开", "政务公开")


@dataclass
class ParsedReport:
    """Everything the build stores about one source file."""

    report_id: str
    source: str
    sha256: str
    size: int
    status: str = "unparsed"
    reason: str = ""
    format: str | None = None
    meta: Meta = field(default_factory=Meta)
    encoding: str = ""
    reader: str = ""
    text: str = ""
    cells: list[Cell] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    families: tuple[str, ...] = ()
    agency: Agency | None = None
    """Set after parsing, once per build (see :func:`.finish.identify_agencies`)."""
    attachments: list[tuple[str, str]] = field(default_factory=list)
    """(address, text) of the documents the report's page links."""
    images: list[str] = field(default_factory=list)
    """Addresses of the images in the report's body."""
    tables_missing: str | None = None
    """See :func:`tables_missing`."""

    @property
    def file_name(self) -> str:
        return PurePosixPath(self.source).name

    @property
    def check_status(self) -> str:
        return summary_status(self.checks)

    def values(self) -> dict[str, dict[str, Number | None]]:
        """Family → cell code → value, for the families present (anomalies left out)."""
        out: dict[str, dict[str, Number | None]] = {name: {} for name in self.families}
        for c in self.cells:
            if c.family in out and not c.anomaly:
                out[c.family][c.cell] = c.value
        return out


def report_id(source: str, sha256: str) -> str:
    """A stable id: the same file at the same path always gets the same id."""
    return hashlib.sha256(f"{source}\0{sha256}".encode()).hexdigest()[:16]


def _votes(doc: Document, format_markers: dict[str, frozenset[str]]) -> dict[str, int]:
    keys = {label_key(t.text) for t in doc.tokens if len(t.text) <= 80}
    return {code: len(keys & markers) for code, markers in format_markers.items()}


def parse_document(
    doc: Document, families: tuple[Family, ...], format_markers: dict[str, frozenset[str]]
) -> tuple[str | None, list[Cell], tuple[str, ...], Meta, str]:
    """Detect the format of a decoded report and read its cells.

    Returns (format or None, cells, families present, metadata, reason).
    """
    meta = read_meta(doc.text, doc.page_meta)
    opens = may_open_row(doc.tokens)
    starts = section_starts(families, doc.tokens, opens)
    scans = {f.name: scan(f, doc.tokens, *region(f.name, starts, len(doc.tokens)), opens) for f in families}
    rows = {name: s.rows_with_figures for name, s in scans.items()}
    votes = _votes(doc, format_markers)
    for s in scans.values():
        for fmt, n in s.votes.items():
            votes[fmt] = votes.get(fmt, 0) + n
    found = {name: s.rows_found for name, s in scans.items()}
    fmt = choose(rows, votes, meta.year)
    if fmt is None and meta.title:  # untitled, a blank template is the notice that publishes the format
        fmt = choose_blank(found, votes, meta.year)
    if fmt is not None:
        present = tuple(f.name for f in families
                        if fmt in f.formats and (rows.get(f.name, 0) > 0 or found.get(f.name, 0) >= MIN_ROWS))
        scans = {name: settled(scans[name], fmt) for name in present}
        cells = [c for name in present for c in (*cells_of(scans[name], fmt), *stray_cells(scans[name]))]
        notes = [n for n in (stray_note(scans[name]) for name in present) if n]
        blank = [f.table_no for f in families if f.name in present and not rows.get(f.name)]
        if blank:
            notes.append(f"table{'s' if len(blank) > 1 else ''} {'、'.join(blank)} found with no figure in any cell")
        return fmt, cells, present, meta, "; ".join(notes)
    figures = prose.figures(doc.text)
    if figures or (meta.title and any(w in normalise(doc.text) for w in _REPORT_WORDS)):
        reason = "" if figures else "no statistics table and no figure stated in the text"
        return "prose", figures, ("legacy",) if figures else (), meta, reason
    return None, [], (), meta, (
        "not an open-government-information annual report: no report title, no standard table, "
        "no figure about information requests"
    )


ALL_MISSING = "all"
""":attr:`ParsedReport.tables_missing` of a page with no standard table at all."""


def tables_missing(doc: Document, fmt: str | None, present: tuple[str, ...], families: tuple[Family, ...]) -> str | None:
    """Where a page shows images in the report's body or links documents and lacks standard tables its format
    prints: the numbers of those tables (``三 四``), or ``all`` where it has none (no format, or prose); else
    None. The tables are likely in those images or documents."""
    if not (doc.images or doc.attachments):
        return None
    expected = [f for f in families if fmt in f.formats] if fmt not in (None, "prose") else []
    missing = [f.table_no for f in expected if f.name not in present]
    if expected and not missing:
        return None
    return " ".join(missing) if missing else ALL_MISSING


def elsewhere_note(doc: Document, missing: str) -> str:
    """The note saying where a page's missing tables (:func:`tables_missing`) may be."""
    tables = [] if missing == ALL_MISSING else missing.split()
    what = "no standard table found"
    if tables:
        what = f"table{'s' if len(tables) > 1 else ''} {'、'.join(tables)} not found"
    where = []
    if doc.images:
        n = len(doc.images)
        shown_in = "the page" if "html" in doc.reader else "the document"
        where.append(f"{shown_in} shows {n} image{'s' if n > 1 else ''} in the report's body "
                     f"(tables printed as images need OCR)")
    if doc.attachments:
        n = len(doc.attachments)
        names = ", ".join(text or href.rsplit("/", 1)[-1] for href, text in doc.attachments[:3])
        more = f" and {n - 3} more" if n > 3 else ""
        verb = "links" if any(href for href, _text in doc.attachments) else "names"  # a text dump's lost links
        where.append(f"it {verb} {n} document{'s' if n > 1 else ''} ({names}{more}), which may hold them")
    return f"{what}; {' and '.join(where)}"


def parse_file(
    data: bytes,
    source: str,
    families: tuple[Family, ...],
    format_markers: dict[str, frozenset[str]],
    reader=read_bytes,
) -> ParsedReport:
    """Parse one file's bytes. Never raises for bad input: the reason goes into the report."""
    sha = hashlib.sha256(data).hexdigest()
    rep = ParsedReport(report_id(source, sha), source, sha, len(data))
    try:
        doc = reader(data)
        rep.encoding, rep.reader, rep.text = doc.encoding, doc.reader, doc.text
        fmt, cells, present, meta, reason = parse_document(doc, families, format_markers)
    except Unreadable as unreadable:
        rep.reason = f"{source}: {unreadable}"
        return rep
    # A name of its own: compiled, one name bound in two except clauses keeps the first clause's type, and the
    # second then raises TypeError instead of recording the reason.
    except (RecursionError, MemoryError, ValueError, LookupError, TypeError, AttributeError) as exc:
        rep.reason = f"{source}: could not be parsed ({type(exc).__name__}: {exc}); please report this file"
        return rep
    rep.meta, rep.format, rep.cells, rep.families = meta, fmt, cells, present
    rep.attachments, rep.images = doc.attachments, doc.images
    rep.tables_missing = tables_missing(doc, fmt, present, families)
    elsewhere = elsewhere_note(doc, rep.tables_missing) if rep.tables_missing else ""
    if fmt is None:
        rep.reason = f"{source}: {reason}" + (f"; {elsewhere}" if elsewhere else "")
        return rep
    rep.status = "parsed"
    notes = [reason] if reason else []
    notes += [elsewhere] if elsewhere else []
    notes += [note for note in (spam_note(doc.text),) if note]
    notes += [f"{c.flag} at {c.position}: {c.raw!r} ({c.family} {c.cell})" for c in cells
              if c.anomaly and c.flag != "stray_row"]  # a row the template lacks has a note of its own
    if not meta.agency:
        notes.append("no body name printed and none could be inferred")
    if meta.year is None:
        notes.append("year reported on not found")
    rep.reason = "; ".join(notes)
    values = rep.values()
    rep.checks = run_checks(families, fmt, values)
    if fmt != "prose":
        rep.checks += text_vs_table(fmt, values, prose.figures(doc.text))
    return rep
