"""Finding a family's rows in a token stream and reading their cells.

Rows are matched by label, never by position alone: a token whose
:func:`~.text.label_key` equals a row's label key opens that row, and the
value cells that follow it (figures, blanks, dashes; units for ``long``
families) are its slots. Where a key is ambiguous (``被依法纠错数`` is both
``reviews_corrected`` and ``lawsuits_corrected``) the row just read wins if the
label repeats it, else the next row in template order. A family's scan is
confined to its section of the report.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from mypy_extensions import mypyc_attr

from .layout import Family, Row
from .text import label_key
from .tokens import Token
from .values import Number, is_unit, parse_value

T = TypeVar("T")
MAX_SLOTS = 24
ANOMALY_FLAGS = frozenset({"not_a_number", "out_of_range", "value_on_heading", "extra_value", "short_row", "stray_row"})


@dataclass
class Cell:
    """One cell read from a report, with the text it was read from."""

    family: str
    cell: str
    row_code: str
    column_code: str
    raw: str
    value: Number | None
    unit: str
    flag: str
    line: int
    position: str
    sentence: str = ""

    @property
    def anomaly(self) -> bool:
        return self.flag in ANOMALY_FLAGS


@mypyc_attr(native_class=False)  # frozen native classes cannot be unpickled
@dataclass(frozen=True)
class Entry:
    order: int
    row: Row
    formats: frozenset[str]


@dataclass
class RowHit:
    entry: Entry
    label: Token
    label_text: str
    slots: list[Token]
    filled: int
    """How many of the slots hold a figure."""
    header: dict[str, int] | None = None
    """Column code → the column its header stands in, for the table the row is in (where known); where no
    header row stands over the row (a table dumped one cell per line, a line of text), the columns the text
    before the table's first row names, numbered -1, -2, … in order (families with a merged column only)."""


@dataclass
class FamilyScan:
    """What a family's scan found: row hits (labelled shapes) or one run of figures (wide)."""

    family: Family
    hits: dict[str, RowHit]
    run: list[Token]
    votes: Counter
    strays: list[tuple[Token, list[Token]]] = field(default_factory=list)
    """Rows among the family's rows whose label is none of the template's, with their cells (at least one a
    figure): ``其他主动公开文件 | 56 | 45 | 300`` in a table 二. Their figures go into no row of the family
    (:func:`stray_cells`, :func:`stray_note`)."""

    @property
    def rows_with_figures(self) -> int:
        if self.family.shape == "wide":
            return 1 if any(parse_value(t.text).is_number for t in self.run) else 0
        return sum(1 for h in self.hits.values() if h.filled and not h.entry.row.heading)

    @property
    def rows_found(self) -> int:
        """Data rows of the template found, figures in them or not: a table printed with every cell blank has
        them (a wide family's one run only where it holds a figure)."""
        if self.family.shape == "wide":
            return self.rows_with_figures
        return sum(1 for h in self.hits.values() if not h.entry.row.heading)


_MEMOS: dict[tuple[str, int], tuple[object, object]] = {}


def _memo(kind: str, owner: object, build: Callable[[], T]) -> T:
    """``build()``, once per ``kind`` and ``owner`` (a family or an index: objects that are not hashable,
    kept alive by the memo so their ids stay theirs)."""
    found = _MEMOS.get((kind, id(owner)))
    if found is None or found[0] is not owner:
        found = _MEMOS[(kind, id(owner))] = (owner, build())
    return found[1]  # type: ignore[return-value]


def label_index(family: Family) -> dict[str, tuple[Entry, ...]]:
    """Label key → the rows it may open, in template order, with the formats printing that label."""
    return _memo("labels", family, lambda: _label_index(family))


def _label_index(family: Family) -> dict[str, tuple[Entry, ...]]:
    index: dict[str, list[Entry]] = {}
    for order, row in enumerate(family.rows):
        overridden = set(row.labels)
        spellings: dict[str, set[str]] = {}
        spellings.setdefault(label_key(row.label), set()).update(row.formats - overridden)
        for fmt, label in row.labels.items():
            spellings.setdefault(label_key(label), set()).add(fmt)
        for alias in row.aliases:
            spellings.setdefault(label_key(alias), set()).update(row.formats)
        for key, fmts in spellings.items():
            if key:
                index.setdefault(key, []).append(Entry(order, row, frozenset(fmts)))
    return {k: tuple(v) for k, v in index.items()}


def _is_slot(text: str, family: Family) -> bool:
    if parse_value(text).flag != "not_a_number":
        return True
    return family.shape == "long" and is_unit(text)


def _text_in_value_cell(
    family: Family, tokens: list[Token], j: int, end: int, label: Token, slots: list[Token], width: int
) -> bool:
    """True where a non-figure text (``见附件``) stands in a value cell of the row.

    It must be short and no label of the family, and every remaining cell of
    the row's width after it must be a figure or a blank (at least one a
    figure). Header words after a label (``总计`` ``商业企业`` ``科研机构``…)
    are followed by more words, so they end the row instead.
    """
    text = tokens[j].text
    if family.shape == "long" or len(text) > 20 or label_key(text) in label_index(family):
        return False
    rest = width - len(slots) - 1
    if rest < 1 or j + rest >= end:
        return False
    ahead = tokens[j + 1 : j + 1 + rest]
    return all(_same_row(label, t) and _is_slot(t.text, family) for t in ahead) and any(
        parse_value(t.text).is_number for t in ahead
    )


def _same_row(label: Token, tok: Token) -> bool:
    return label.row is None or tok.row == label.row


def section_starts(families: tuple[Family, ...], tokens: list[Token], opens: list[bool] | None = None) -> dict[str, int]:
    """Index of the first token that is a family's section heading (``opens``: :func:`may_open_row` of the
    tokens, where known: a figure, blank or dash is no heading)."""
    starts: dict[str, int] = {}
    keys = {k: f.name for f in families for k in f.sections}
    for i, tok in enumerate(tokens):
        if len(tok.text) > 60 or (opens is not None and not opens[i]):
            continue
        name = keys.get(label_key(tok.text))
        if name and name not in starts:
            starts[name] = i
    return starts


def region(name: str, starts: dict[str, int], n: int) -> tuple[int, int]:
    """The token range a family's scan is confined to."""
    if name not in starts:
        return 0, n
    begin = starts[name]
    after = [s for s in starts.values() if s > begin]
    return begin, min(after, default=n)


MAX_LABEL = 120
"""A longer text is a sentence, never (part of) a row label."""
MAX_LABEL_PARTS = 3
"""A label broken over this many lines (or cells of one row) is still matched."""


def is_noise(text: str) -> bool:
    """A token of stray marks only (``?``, ``？``): no cell of its own in a one-cell-per-line dump."""
    v = parse_value(text)
    return v.flag == "noise" and v.number is None


def label_prefixes(index: dict[str, tuple[Entry, ...]]) -> frozenset[str]:
    """Every prefix of every label key of ``index``."""
    return _memo("prefixes", index, lambda: frozenset(k[:n] for k in index for n in range(1, len(k) + 1)))


def _may_label(text: str) -> bool:
    return len(text) <= MAX_LABEL and parse_value(text).flag == "not_a_number"


def match_label(
    index: dict[str, tuple[Entry, ...]], prefixes: frozenset[str], tokens: list[Token], i: int, end: int
) -> tuple[tuple[Entry, ...], int, str] | None:
    """The row label starting at tokens[i], if any: (its entries, the index after it, its text).

    tokens[i] is one that may open a row (:func:`may_open_row`); ``prefixes``
    is :func:`label_prefixes` of ``index``. A label may be broken over up to
    :data:`MAX_LABEL_PARTS` consecutive tokens of one row
    (``一、本年新收政府信息公开`` / ``申请数量``), with stray marks between the
    parts; the longest run of parts whose joined text is a label wins, so a
    second line holding only the rest of a bracketed note is part of the label too.
    """
    first = tokens[i]
    row = first.row
    best = None
    text, parts, k = "", 0, i
    while k < end and parts < MAX_LABEL_PARTS:
        tok = tokens[k]
        if parts:
            if row is not None and tok.row != row:
                break
            if is_noise(tok.text):
                k += 1
                continue
            if not _may_label(tok.text):
                break
        text, parts, k = text + tok.text, parts + 1, k + 1
        key = label_key(text)
        entries = index.get(key)
        if entries:
            best = (entries, k, text)
        elif len(key) > KEY_SLACK and key not in prefixes:
            break
    return best


KEY_SLACK = 4
"""A key grows at its end as parts are added; only leading numbering completed by a later part
(``1`` + ``.本年…``) can change its first few characters. A longer key that is no prefix of a
label's key can't grow into one."""


ColumnKeys = tuple[tuple[str, str, bool], ...]
"""(label key, column code, whether a header cut short names it) of a family's columns."""


def _column_keys(family: Family) -> ColumnKeys:
    return tuple((label_key(c.label), c.code, bool(c.parts)) for c in family.columns if label_key(c.label))


def column_of(text: str, keys: ColumnKeys) -> str | None:
    """The column a header cell names: its label, or a longer header ending in it (本年处理决定数量); a merged
    column's (:attr:`.layout.Column.parts`) also cut short to its first two characters or more (``法人或其``, a
    narrow cell's text), which tells it from the header over its parts' columns where no part is named."""
    key = label_key(text)
    for k, code, _cut in keys:
        if key == k or (len(k) >= 4 and key.endswith(k)):
            return code
    for k, code, cut in keys:
        if cut and len(key) >= 2 and k.startswith(key):
            return code
    return None


MEMO_SIZE = 1 << 16
"""The most cell texts whose column :func:`header_rows` remembers, per family."""


def header_rows(family: Family, tokens: list[Token], begin: int, end: int) -> dict[int, dict[str, int]]:
    """Row id → {column code: column} of the rows that are column headers: they hold no figure and
    name a column by a word no row label uses (``总计`` alone is also the label of a blank 总计 row)."""
    keys = _memo("columns", family, lambda: _column_keys(family))
    memo: dict[str, str | None] = _memo("column of text", family, dict)
    labels = label_index(family)
    found: dict[int, dict[str, int]] = {}
    numeric: set[int] = set()
    named: set[int] = set()
    pending: tuple[str, int, int] | None = None
    """The text, row and column of the token before, in the same row, that names no column: a header split at
    a space (``法人 或其他组织``) is named by the two together."""
    for tok in tokens[begin:end]:
        row, col = tok.row, tok.col
        if row is None or col is None:
            continue
        if parse_value(tok.text).is_number:
            numeric.add(row)
            pending = None
            continue
        text = tok.text
        code = _column_memo(text, keys, memo)
        if not code and pending is not None and pending[1] == row and len(pending[0]) + len(text) <= MAX_SPLIT:
            text, row, col = pending[0] + text, pending[1], pending[2]
            code = _column_memo(text, keys, memo)
        pending = None if code else (tok.text, row, col)
        if code:
            found.setdefault(row, {})[code] = col
            if label_key(text) not in labels:
                named.add(row)
    return {r: cols for r, cols in found.items() if r in named and r not in numeric}


MAX_SPLIT = 16
"""The longest header text read from two tokens."""


def columns_named(text: str, keys: ColumnKeys) -> list[str]:
    """The columns a text names, in order: the text itself, or its words (``自然人 法人 或其他组织 总计``), a
    word that names none read with the next."""
    if len(text) > 60:
        return []
    code = column_of(text, keys)
    words = text.split()
    if len(words) < 2:
        return [code] if code else []
    out: list[str] = []
    pending = ""
    for word in words:
        code = column_of(pending + word, keys) if pending and len(pending) + len(word) <= MAX_SPLIT else None
        code = code or column_of(word, keys)
        if code:
            out.append(code)
            pending = ""
        else:
            pending = word
    return out


def _column_memo(text: str, keys: ColumnKeys, memo: dict[str, str | None]) -> str | None:
    code = memo.get(text, "")
    if code == "":
        code = column_of(text, keys)
        if len(memo) < MEMO_SIZE:
            memo[text] = code
    return code


def may_open_row(tokens: list[Token]) -> list[bool]:
    """Per token: whether it can start a row label (a short text that is no figure, blank or dash);
    worked out once per report for the scans of every family."""
    return [_may_label(t.text) for t in tokens]


def scan(family: Family, tokens: list[Token], begin: int, end: int, opens: list[bool] | None = None) -> FamilyScan:
    """Scan tokens[begin:end] for the family's rows (or, for wide families, its run of figures).

    ``opens`` is :func:`may_open_row` of the tokens, where already known."""
    if family.shape == "wide":
        return FamilyScan(family, {}, _first_run(family, tokens, begin, end), Counter())
    index = label_index(family)
    prefixes = label_prefixes(index)
    headers = header_rows(family, tokens, begin, end) if family.shape == "matrix" else {}
    header: dict[str, int] = {}
    sequence: dict[str, int] = {}
    """The columns the text before the first row names, in order, for a table without header rows (dumped one
    cell per line, or its header one line of words): what tells a three-column table 三 from a seven-column
    one. Numbered -1, -2, … (no column of a row)."""
    ordered = family.shape == "matrix" and bool(family.merged_columns)
    pending = ""
    hits: dict[str, RowHit] = {}
    votes: Counter = Counter()
    last = -1
    last_at = -1
    unmatched: list[int] = []
    """Tokens after the first row that may open a row and start none of the family's: a row the template does
    not have, where it stands before the last row (:func:`_stray_cells`)."""
    i = begin
    opens = opens if opens is not None else may_open_row(tokens)
    caps = _memo("group caps", family, lambda: {r.code: _group_cap(family, r) for r in family.rows})
    while i < end:
        if not opens[i]:
            i += 1
            continue
        if tokens[i].row in headers:
            header.update(headers[tokens[i].row])  # type: ignore[index]
            i += 1
            continue
        if ordered and not hits:  # a column's name before the first row is a header word (总计 is a row's too)
            keys = _memo("columns", family, lambda: _column_keys(family))
            text = tokens[i].text
            codes = columns_named(text, keys)
            if not codes and pending and len(pending) + len(text) <= MAX_SPLIT:  # a header over two lines
                codes = columns_named(pending + text, keys)
            pending = "" if codes else text
            for code in codes:
                sequence.setdefault(code, -1 - len(sequence))
            if codes:
                i += 1
                continue
        found = match_label(index, prefixes, tokens, i, end)
        if found is None:
            if hits:
                unmatched.append(i)
            i += 1
            continue
        entries, j, label_text = found
        tok = tokens[i]
        entry = next((e for e in entries if e.order == last), None) or next(
            (e for e in entries if e.order > last), entries[0]
        )
        slots: list[Token] = []
        width = entry.row.width
        cap = caps.get(entry.row.code, MAX_SLOTS)
        while j < end and len(slots) < cap and _same_row(tok, tokens[j]):
            if not (_is_slot(tokens[j].text, family) or _text_in_value_cell(family, tokens, j, end, tok, slots, width)):
                break
            slots.append(tokens[j])
            j += 1
        filled = sum(1 for s in slots if parse_value(s.text).is_number)
        hit = RowHit(entry, tok, label_text, slots, filled,
                     dict(header) if tok.row is not None and header else sequence or None)
        prev = hits.get(entry.row.code)
        if prev is None or (hit.filled, len(hit.slots)) >= (prev.filled, len(prev.slots)):
            hits[entry.row.code] = hit
        if hit.filled and entry.formats != entry.row.formats:
            votes.update(entry.formats)
        last, last_at = entry.order, i
        i = max(j, i + 1)
    strays = [(tokens[k], cells) for k in unmatched if k < last_at and (cells := _stray_cells(family, tokens, k, end))]
    return FamilyScan(family, hits, [], votes, strays)


STRAY_LABEL = 40
"""The longest text read as the label of a row that is none of the template's; a longer one is a sentence."""


def _stray_cells(family: Family, tokens: list[Token], i: int, end: int) -> list[Token]:
    """The cells after tokens[i] where it reads as the label of a row none of the family's labels name (short
    words, no sentence, no blank word such as 无) and they are a row's cells with at least one figure; else ``[]``."""
    tok = tokens[i]
    cells: list[Token] = []
    j = i + 1
    while j < end and len(cells) < MAX_SLOTS and _same_row(tok, tokens[j]) and _is_slot(tokens[j].text, family):
        cells.append(tokens[j])
        j += 1
    if not any(parse_value(t.text).is_number for t in cells):
        return []
    if len(tok.text) > STRAY_LABEL or not _HAN.search(tok.text) or _SENTENCE_MARK.search(tok.text):
        return []
    return cells if _may_label(tok.text) else []  # not 无, 空: a blank cell's words


def settled(scan_result: FamilyScan, fmt: str) -> FamilyScan:
    """The scan with a row's cells that run past its columns in ``fmt`` into a text and figures (a dump one cell
    per line: ``行政许可`` ``2,011`` ``其他文件`` ``16``, where 2021 prints one column) cut there: the text and
    what follows are a row the template does not have (:attr:`FamilyScan.strays`). The scan cannot tell
    that text from one in a value cell (``见附件``) before the format is known."""
    fam = scan_result.family
    if fam.shape != "matrix":
        return scan_result
    hits = dict(scan_result.hits)
    strays = list(scan_result.strays)
    for code, hit in scan_result.hits.items():
        row = hit.entry.row
        if row.heading or fmt not in row.formats or len(hit.slots) <= (n := len(fam.row_columns(row, fmt))) + 1:
            continue
        if fam.rows_under(row, fmt):
            continue
        for k in range(n, len(hit.slots) - 1):
            if cells := _stray_cells(fam, hit.slots, k, len(hit.slots)):
                slots = hit.slots[:k]
                hits[code] = RowHit(hit.entry, hit.label, hit.label_text, slots,
                                    sum(1 for t in slots if parse_value(t.text).is_number), hit.header)
                strays.append((hit.slots[k], cells))
                break
    return FamilyScan(fam, hits, scan_result.run, scan_result.votes, strays)


def stray_cells(scan_result: FamilyScan) -> list[Cell]:
    """The figures of :attr:`FamilyScan.strays`, kept as cells of no row (flag ``stray_row``), coded by the row's
    label as printed and the figure's place in it (``其他主动公开文件+2``; a label printed again ``…(2)+1``)."""
    out: list[Cell] = []
    seen: Counter = Counter()
    for tok, cells in scan_result.strays:
        label = re.sub(r"\s+", "", tok.text)
        seen[label] += 1
        out += _extra(scan_result.family, "", label if seen[label] == 1 else f"{label}({seen[label]})", cells, "stray_row")
    return out


def stray_note(scan_result: FamilyScan) -> str:
    """What a reader of the report should know of :attr:`FamilyScan.strays`: where each stands, its label and
    its cells as printed (``_`` a blank; blanks ending the row left out)."""
    notes = []
    for tok, cells in scan_result.strays:
        printed = [t.text.strip() for t in cells]
        while printed and not printed[-1]:
            printed.pop()
        figures = " ".join(t or "_" for t in printed)
        notes.append(f"row not in the template at {tok.position}: {tok.text!r} ({figures}), kept as {scan_result.family.name}"
                     " cells of flag stray_row")
    return "; ".join(notes)


def _group_cap(family: Family, row: Row) -> int:
    """The most cells a row's scan takes: the cells of the rows it groups too (stray marks among them), where a
    table leaves their labels out (:func:`_unlabelled_cells`)."""
    under = max((sum(len(r.columns.get(fmt, ())) for r in family.rows_under(row, fmt)) for fmt in row.formats),
                default=0)
    return MAX_SLOTS + under


def _unlabelled_cells(family: Family, hit: RowHit, fmt: str, hits: dict[str, RowHit]) -> list[Cell] | None:
    """The cells of the rows a row groups where the table prints none of their labels, only their figures after
    the row's label (``(三)不予公开`` and eight rows of figures; 2021's ``(六)其他处理``, with its own figures or
    without, and its three rows'): exactly as many cells as those rows have (with the row's own, where it has
    cells), read in the template's order (flag ``unlabelled_row``, the row's own unflagged); else None."""
    row = hit.entry.row
    under = family.rows_under(row, fmt)
    if not under or any(r.code in hits for r in under):
        return None
    slots = [t for t in hit.slots if not is_noise(t.text)]
    merged = _header_merged(family, hit.header or {})
    names = [(r.code, c, "unlabelled_row") for r in under for c in family.row_columns(r, fmt, merged)]
    own = [] if row.heading else [(row.code, c, "") for c in family.row_columns(row, fmt, merged)]
    slots = _without_end_blank(slots, len(own) + len(names)) if own else slots
    slots = _without_end_blank(slots, len(names))
    if own and len(slots) == len(own) + len(names):
        names = own + names
    if len(slots) != len(names):
        return None
    return [_cell(family, r, c, tok, flag) for (r, c, flag), tok in zip(names, slots)]


def fit(slots: list[Token], n: int) -> list[Token]:
    """The slots of a row with more cells than its ``n`` columns, cut down to its cells.

    Stray marks (a line holding only ``?``) are no cells; blank positions at
    the end are the span of the last figure (or padding of a short row);
    blank positions right after the label are the label's own span (a
    converter writes an empty cell for each column a merged label covers).
    What remains beyond ``n`` is kept, to be reported as extra values.
    """
    out = list(slots)
    surplus = len(out) - n
    if surplus <= 0:
        return out
    noise = [k for k, t in enumerate(out) if is_noise(t.text)]
    for k in reversed(noise[:surplus] if len(noise) > surplus else noise):
        out.pop(k)
    while len(out) > n and not out[-1].text.strip():
        out.pop()
    while len(out) > n and not out[0].text.strip():
        out.pop(0)
    return out


def align(slots: list[Token], cols: tuple[str, ...], header: dict[str, int] | None) -> list[Token] | None:
    """The slots standing under the headers of ``cols``, where the table's header names each column
    in a column of its own, the row has a cell there and no figure of the row stands elsewhere
    (a row shifted against its header, as the second part of a split table can be, is left to
    :func:`fit`); else ``None``."""
    if not header or any(c not in header for c in cols):
        return None
    wanted = [header[c] for c in cols]
    by_col = {t.col: t for t in slots if t.col is not None}
    if len(set(wanted)) != len(wanted) or any(w not in by_col for w in wanted):
        return None
    if any(parse_value(t.text).is_number and t.col not in wanted for t in slots):
        return None
    return [by_col[w] for w in wanted]


def _header_keys(family: Family) -> tuple[str, ...]:
    """Label keys of a wide family's header groups, longest first: its row labels (行政复议, 未经复议直接起诉…)
    and the groups over them (行政诉讼)."""
    return _memo("header", family, lambda: _group_keys(family))


def _group_keys(family: Family) -> tuple[str, ...]:
    labels = [*(t for r in family.rows for t in r.all_labels()), *family.row_groups.values()]
    return tuple(sorted({k for k in map(label_key, labels) if k}, key=len, reverse=True))


_SENTENCE_MARK = re.compile(r"[。，,；;！!]")
_HAN = re.compile(r"[\u4e00-\u9fff]")


HEADER_REST = 2
"""Characters a header cell or line may hold besides the names of its table's groups."""


def _names_group(text: str, keys: tuple[str, ...]) -> bool:
    """A header cell or header line naming the table's groups and little else (:data:`HEADER_REST`): a heading
    of the report's overview, ``(四)因政府信息公开申请的行政复议、行政诉讼情况``, is followed by other tables'
    figures."""
    if len(text) > 40 or _SENTENCE_MARK.search(text):
        return False
    key = label_key(text)
    rest = key
    for k in keys:
        rest = rest.replace(k, "")
    return rest != key and len(rest) <= HEADER_REST  # some name taken out, little left


def _first_run(family: Family, tokens: list[Token], begin: int, end: int) -> list[Token]:
    """The first run of value cells after the table's own header (行政复议…); none without a header."""
    keys = _header_keys(family)
    start = next((k for k in range(begin, end) if _names_group(tokens[k].text, keys)), None)
    if start is None:
        return []
    i = start
    while i < end:
        if not _is_slot(tokens[i].text, family):
            i += 1
            continue
        j = i
        while j < end and _is_slot(tokens[j].text, family):
            j += 1
        run = tokens[i:j]
        if any(parse_value(t.text).is_number for t in run):
            return run
        i = j
    return []


def _cell(family: Family, row: str, column: str, tok: Token, flag: str = "") -> Cell:
    v = parse_value(tok.text)
    return Cell(
        family.name,
        family.cell_code(row, column),
        row,
        column,
        tok.text,
        v.number,
        v.unit,
        flag or v.flag,
        tok.line,
        tok.position,
    )


def _extra(family: Family, row: str, base: str, toks: list[Token], flag: str) -> list[Cell]:
    out = []
    for k, tok in enumerate(toks, 1):
        if parse_value(tok.text).is_number:
            c = _cell(family, row, "", tok, flag)
            c.cell = f"{base}+{k}"
            out.append(c)
    return out


def _long_cells(family: Family, hit: RowHit) -> list[Cell]:
    row = hit.entry.row
    slots = list(hit.slots)
    if any(parse_value(t.text).is_number or is_unit(t.text) for t in slots):
        slots = [t for t in slots if not is_noise(t.text)]
    unit_tok = None
    if slots and (is_unit(slots[0].text) or (len(slots) > 1 and not parse_value(slots[0].text).is_number)):
        unit_tok = slots.pop(0)
    if row.heading:
        return _extra(family, row.code, row.code, slots, "value_on_heading")
    unit = parse_value(unit_tok.text).unit if unit_tok else ""
    unit = unit or (unit_tok.text.strip() if unit_tok and is_unit(unit_tok.text) else "")
    if not slots:
        return []
    cell = _cell(family, row.code, "value", slots[0])
    cell.unit = cell.unit or unit
    return [cell, *_extra(family, row.code, row.code, slots[1:], "extra_value")]


def _matrix_cells(family: Family, hit: RowHit, fmt: str) -> list[Cell]:
    row = hit.entry.row
    if row.heading:
        return _extra(family, row.code, row.code, hit.slots, "value_on_heading")
    cols = family.row_columns(row, fmt)
    slots = hit.slots
    if hit.header and family.merged_columns:
        cols, slots = _merged_fit(family, row, fmt, slots, hit.header) or (cols, slots)
    if len(slots) > len(cols):
        slots = align(slots, cols, hit.header) or fit(slots, len(cols))
    short = 0 < len(slots) < len(cols)
    cells = [_cell(family, row.code, c, tok, "short_row" if short else "") for c, tok in zip(cols, slots)]
    return cells + _extra(family, row.code, row.code, slots[len(cols):], "extra_value")


def _header_merged(family: Family, header: dict[str, int]) -> frozenset[str]:
    """The merged columns (:attr:`.layout.Column.parts`) a table prints by its header: named, and none of
    their parts named."""
    return frozenset(m.code for m in family.merged_columns if m.code in header and not any(p in header for p in m.parts))


def _merged_fit(
    family: Family, row: Row, fmt: str, slots: list[Token], header: dict[str, int]
) -> tuple[tuple[str, ...], list[Token]] | None:
    """The row's columns and cells where its table prints a merged column in place of its parts (the header
    names the merged column and none of its parts) and the row's cells stand under the header's columns
    (:func:`align`) or, where they do not (a line of text), are as many as those columns; else ``None``."""
    merged = _header_merged(family, header)
    if not merged:
        return None
    cols = family.row_columns(row, fmt, merged)
    aligned = align(slots, cols, header)
    if aligned is not None:
        return cols, aligned
    # a line of text, or a table dumped one cell per line, has no columns to stand under: as many cells will do,
    # stray marks left out
    cells = _without_end_blank([t for t in slots if not is_noise(t.text)], len(cols))
    return (cols, cells) if len(cells) == len(cols) else None


def _without_end_blank(cells: list[Token], n: int) -> list[Token]:
    """``cells`` without their last where they are one more than ``n`` and it is blank: the lone ``|`` that ends
    a row of a dump (:func:`.tokens.text_tokens`), read as one more cell when a row is counted."""
    return cells[:-1] if len(cells) == n + 1 and not cells[-1].text.strip() else cells


def _wide_cells(family: Family, run: list[Token], fmt: str) -> list[Cell]:
    names = [(r.code, c) for r in family.data_rows(fmt) for c in family.row_columns(r, fmt)]
    if len(run) == len(names) + 1 and not run[0].text.strip():
        run = run[1:]  # the run has no label: a blank before it is the row's start (an empty label cell, a lone |)
    run = fit(run, len(names))
    short = 0 < len(run) < len(names)
    cells = [_cell(family, r, c, tok, "short_row" if short else "") for (r, c), tok in zip(names, run)]
    return cells + _extra(family, "", family.name, run[len(names):], "extra_value")


def cells_of(scan_result: FamilyScan, fmt: str) -> list[Cell]:
    """The cells a scan found, assigned to the columns of ``fmt``."""
    fam = scan_result.family
    if fam.shape == "wide":
        return _wide_cells(fam, scan_result.run, fmt)
    out: list[Cell] = []
    hits = scan_result.hits
    for hit in hits.values():
        if fmt not in hit.entry.row.formats:
            continue
        if fam.shape == "long":
            out.extend(_long_cells(fam, hit))
            continue
        unlabelled = _unlabelled_cells(fam, hit, fmt, hits) if hit.slots else None
        out.extend(unlabelled if unlabelled is not None else _matrix_cells(fam, hit, fmt))
    return out
