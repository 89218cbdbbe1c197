"""Writing parsed reports into SQLite, and reading them back."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from itertools import islice
from operator import itemgetter

import sqlite_utils

from .agencies import Agency
from .changes import IN_IDS, as_param
from .checks import Check
from .crossrules import RULE_KINDS
from .crossrules import RULES as CROSS_RULES
from .formats import Format
from .instances import InstanceKey, equations, instance_of, numbering
from .layout import Family, Rule
from .names import KINDS
from .report import PARSER_VERSION, ParsedReport
from .schema import Table, create_tables, tables
from .search import create_search, fts_name, insert_search_rows, search_rows
from .tables import Cell


def all_tables(families: tuple[Family, ...], formats: tuple[Format, ...]) -> tuple[Table, ...]:
    return tables(families, tuple(f.code for f in formats))


def init(
    db: sqlite_utils.Database, families: tuple[Family, ...], formats: tuple[Format, ...], indexes: bool = True
) -> None:
    """Create the schema and fill the lookup tables (formats, rules); without the indexes if ``indexes`` is
    false (see :func:`.schema.create_indexes`)."""
    every = all_tables(families, formats)
    create_tables(db, every, indexes)
    create_search(db, every)
    db.table("formats").insert_all(
        {
            "format": f.code,
            "title": f.title,
            "years": f.years,
            "families": ",".join(f.families),
            "description": f.description,
        }
        for f in formats
    )
    db.table("agency_kinds").insert_all({"kind": k.code, "label": k.label, "description": k.en} for k in KINDS)
    rule_rows: dict[str, dict] = {}
    family_rules: list[tuple[str, Rule]] = [(fam.name, rule) for fam in families for rule in fam.rules]
    for family, rule in family_rules + [(r.family, r) for r in CROSS_RULES]:
        fmts = sorted({x for inst in rule.instances for x in inst.formats})
        rule_rows[rule.id] = {
            "rule": rule.id,
            "family": family,
            "relation": rule.relation,
            "severity": rule.severity,
            "formula": rule.formula,
            "description_zh": rule.zh,
            "description_en": rule.en,
            "formats": ",".join(fmts),
            "kind": RULE_KINDS.get(rule.id, "within_report"),
        }
    db.table("rules").insert_all(rule_rows[k] for k in sorted(rule_rows))
    db.table("rule_instances").insert_all(e.row() for e in equations(families))


class _CellsByFamily:
    """What a family's rows are written from, per family: its cells' values, units and sentences."""

    def __init__(self, rep: ParsedReport) -> None:
        self.values = rep.values()
        self.units: dict[str, dict[str, str]] = defaultdict(dict)
        self.sentences: dict[str, dict[str, str]] = defaultdict(dict)
        for c in rep.cells:
            if c.unit:
                self.units[c.family][c.cell] = c.unit
            if c.sentence:
                self.sentences[c.family][c.cell] = c.sentence


def _family_rows(fam: Family, rep: ParsedReport, by_family: _CellsByFamily) -> list[dict]:
    fmt = rep.format or ""
    values = by_family.values.get(fam.name, {})
    units, sentences = by_family.units.get(fam.name, {}), by_family.sentences.get(fam.name, {})
    if fam.shape == "wide":
        wide: dict[str, object] = {"report_id": rep.report_id}
        for name, _r, _c in fam.wide_columns():
            wide[name] = values.get(name)
        return [wide]
    out: list[dict] = []
    for r, label, cells in fam.printed_rows(fmt):
        if fam.shape == "long":
            if r.code not in values and fmt == "prose":
                continue
            out.append(
                {
                    "report_id": rep.report_id,
                    fam.row_key: r.code,
                    "label": label,
                    "value": values.get(r.code),
                    "unit": units.get(r.code) or r.unit,
                    "sentence": sentences.get(r.code),
                }
            )
            continue
        row: dict[str, object] = {"report_id": rep.report_id, fam.row_key: r.code, "label": label}
        pairs = (*cells, *fam.merged_pairs(r))  # a merged column's SQL column is null where the table has its parts
        for column, cell in pairs:
            row[column] = values.get(cell)
        row["unit"] = next((units[cell] for _c, cell in pairs if cell in units), None)
        out.append(row)
    return out


ReportRows = dict[str, list[dict]]
"""One report's rows, by table: what :func:`report_rows` builds and :class:`ReportWriter` inserts."""

SEARCHED = tuple(t for t in tables((), ()) if t.search)
"""The tables with a search index (core tables: a family's table has none)."""


def report_rows(rep: ParsedReport, fam_by_name: dict[str, Family]) -> ReportRows:
    """Every row one report adds: its ``reports`` row, its body, family rows, cells and checks.

    A pure function of the report, so a build's worker processes build the
    rows and the writing process only inserts them.
    """
    aid = rep.agency.agency_id if rep.agency and rep.status == "parsed" else None
    rows: ReportRows = {"reports": [report_row(rep, aid)]}
    if aid and rep.agency:
        rows["report_agencies"] = [{"report_id": rep.report_id, "printed": rep.agency.printed or None}
                                   | _agency_row(rep.agency)]
    if rep.status == "parsed":
        by_family = _CellsByFamily(rep)
        for name in rep.families:
            rows[name] = _family_rows(fam_by_name[name], rep, by_family)
        rows["cells"] = [cell_row(rep.report_id, c) for c in rep.cells]
        numbers = numbering(fam_by_name.values())
        rows["checks"] = [check_row(rep.report_id, c, numbers) for c in rep.checks]
    for t in SEARCHED:
        rows[fts_name(t.name)] = search_rows(t, rows[t.name])
    return rows


class ReportWriter:
    """Streams reports into the database in batches, keeping no report once its rows are queued."""

    def __init__(self, db: sqlite_utils.Database, families: tuple[Family, ...], batch_rows: int = 5000) -> None:
        self.db = db
        self.fam_by_name = {f.name: f for f in families}
        self.order = ("reports", "report_agencies", *self.fam_by_name, "cells", "checks")
        self.columns = {name: tuple(db[name].columns_dict) for name in self.order}
        self.key_order = {name: itemgetter(*db.table(name).pks) for name in self.order if stored_by_key(db, name)}
        """The tables stored in key order (``WITHOUT ROWID``): each batch of theirs goes in sorted by key, so the
        pages it fills are filled whole rather than split at random places."""
        have = set(db.table_names())
        self.search = {fts_name(t.name): t for t in SEARCHED if fts_name(t.name) in have}
        """The index tables filled as their rows go in (none where the database has no search index)."""
        self.batch_rows = batch_rows
        self.batches: dict[str, list[dict]] = defaultdict(list)
        self.queued = 0
        self.written = 0

    def add(self, rep: ParsedReport | ReportRows) -> None:
        """Queue one report's rows (or the report, whose rows are built here); write the queue out once
        it holds ``batch_rows`` rows."""
        rows = report_rows(rep, self.fam_by_name) if isinstance(rep, ParsedReport) else rep
        for name, batch in rows.items():
            self.batches[name].extend(batch)
            self.queued += len(batch)
        self.written += 1
        if self.queued >= self.batch_rows:
            self.flush()

    def flush(self) -> None:
        """Insert the queued rows, table by table in foreign-key order."""
        for name in self.order:
            if self.batches.get(name):
                if name in self.key_order:
                    self.batches[name].sort(key=self.key_order[name])
                insert_rows(self.db, name, self.batches[name], self.columns[name])
        for name, t in self.search.items():
            if self.batches.get(name):
                insert_search_rows(self.db, t, self.batches[name])
        self.batches.clear()
        self.queued = 0


def stored_by_key(db: sqlite_utils.Database, name: str) -> bool:
    """True where table ``name`` is a ``WITHOUT ROWID`` table, its rows stored in primary-key order."""
    (sql,) = db.execute("select sql from sqlite_master where type = 'table' and name = ?", [name]).fetchone()
    return re.search(r"\)\s*WITHOUT\s+ROWID\s*;?\s*$", sql, re.I) is not None


def insert_rows(
    db: sqlite_utils.Database, name: str, rows: Iterable[dict], columns: tuple[str, ...] | None = None,
    batch: int = 1000,
) -> None:
    """Insert dict rows into table ``name`` in batches, within the caller's transaction (no commit).

    A key that is no column of the table (``columns``, read from the table if not given) is an error.
    """
    cols = columns or tuple(db[name].columns_dict)
    sql = f"insert into [{name}] ({', '.join(f'[{c}]' for c in cols)}) values ({', '.join('?' * len(cols))})"
    values = itemgetter(*cols) if len(cols) > 1 else lambda row: (row[cols[0]],)
    it = iter(rows)
    while part := list(islice(it, batch)):
        try:
            params: list[tuple] | None = list(map(values, part))
        except KeyError:  # a row leaving a column out: null there
            params = None
        # Where every row holds every column, only a row with more keys than columns can hold an unknown one.
        if params is None or max(map(len, part)) > len(cols):
            if unknown := set().union(*part).difference(cols):
                raise ValueError(f"rows for table {name} have no such columns: {sorted(unknown)}")
            if params is None:
                params = [tuple(map(row.get, cols)) for row in part]
        db.conn.executemany(sql, params)


def report_row(rep: ParsedReport, aid: str | None) -> dict:
    """The ``reports`` row of a report, before the steps that need every report (duplicates, checks across years)."""
    return {
        "report_id": rep.report_id,
        "source": rep.source,
        "file_name": rep.file_name,
        "status": rep.status,
        "reason": rep.reason or None,
        "format": rep.format if rep.status == "parsed" else None,
        "year": rep.meta.year,
        "published": rep.meta.published,
        "agency_id": aid,
        "agency_printed": rep.meta.agency_printed or None,
        "agency_source": rep.meta.agency_source,
        "agency_evidence": (rep.agency.note if rep.agency and rep.agency.placeholder else rep.meta.agency_evidence)
        or None,
        "agency_confidence": rep.agency.confidence if aid and rep.agency else None,
        "title": rep.meta.title or None,
        "index_no": rep.meta.index_no,
        "doc_no": rep.meta.doc_no,
        "attachments": json.dumps([{"href": h or None, "text": t} for h, t in rep.attachments], ensure_ascii=False)
        if rep.attachments else None,
        "images": json.dumps(rep.images, ensure_ascii=False) if rep.images else None,
        "tables_missing": rep.tables_missing,
        "sha256": rep.sha256,
        "bytes": rep.size,
        "encoding": rep.encoding or None,
        "reader": rep.reader or None,
        "parser_version": PARSER_VERSION,
        "duplicate_of": None,
        "check_status": rep.check_status,
        "checks_failed": sum(1 for c in rep.checks if c.status == "fail"),
        "checks_incomplete": sum(1 for c in rep.checks if c.status == "incomplete"),
        "anomalies": sum(1 for c in rep.cells if c.anomaly),
        "text": rep.text or None,
    }


def cell_row(report_id: str, c: Cell) -> dict:
    return {
        "report_id": report_id,
        "family": c.family,
        "cell": c.cell,
        "row_code": c.row_code,
        "column_code": c.column_code or None,
        "raw": c.raw,
        "value": c.value,
        "unit": c.unit or None,
        "flag": c.flag or None,
        "line": c.line,
        "position": c.position,
    }


def check_row(report_id: str, c: Check, numbers: dict[InstanceKey, int]) -> dict:
    """The ``checks`` row of a check; ``numbers``: :func:`.instances.numbering` of the build's families."""
    return {
        "report_id": report_id,
        "rule": c.rule,
        "scope": c.scope,
        "status": c.status,
        "left": c.left,
        "right": c.right,
        "difference": c.difference,
        "instance": instance_of(c, numbers),
        "missing": json.dumps(c.missing) if c.missing else None,
        "related_report_id": c.related,
        "note": c.note or None,
    }


def write_reports(
    db: sqlite_utils.Database, reports: Iterable[ParsedReport | ReportRows], families: tuple[Family, ...]
) -> int:
    """Insert reports or their rows (any iterable, consumed as it comes): reports, bodies, family rows,
    cells and checks.

    Returns how many reports were written. The steps that need every report
    follow in :func:`.finish.finish_database`.
    """
    writer = ReportWriter(db, families)
    for rep in reports:
        writer.add(rep)
    writer.flush()
    return writer.written


def _agency_row(agency: Agency) -> dict:
    r = agency.region
    return {
        "agency_id": agency.agency_id,
        "name": agency.name,
        "kind": agency.kind,
        "department": agency.department or None,
        "level": agency.level,
        "province": r.province,
        "prefecture": r.prefecture,
        "county": r.county,
        "township": r.township,
        "adcode": r.adcode,
        "region_source": r.source,
        "region_evidence": r.evidence or None,
        "division_year": r.year if r.resolved else None,
        "note": agency.note or None,
    }


AGENCY_ROW_FIELDS = ("agency_id", "name", "kind", "department", "level", "province", "prefecture", "county",
                     "township", "adcode", "region_source", "region_evidence", "division_year", "note")


def agency_rows(db: sqlite_utils.Database, agency_ids: set[str] | None = None) -> Iterator[dict]:
    """One row per body across its parsed reports, from ``report_agencies``, in agency id order
    (with ``agency_ids``, those bodies' rows only).

    The region's names and code are those of the body's latest report (a
    division can be renamed or recoded over the years; its stable id, part of
    the agency id, is not).
    """
    cols = ", ".join(f"a.[{c}]" for c in AGENCY_ROW_FIELDS)
    only, params = ("", []) if agency_ids is None else (f"and a.agency_id in {IN_IDS}", [as_param(agency_ids)])
    cur = db.conn.execute(
        f"select {cols}, a.printed, r.year from report_agencies a join reports r using (report_id) "
        f"where r.status = 'parsed' {only} order by a.agency_id, coalesce(r.year, 0), r.source",
        params,
    )
    current: dict | None = None
    printed: set[str] = set()
    years: list[int] = []
    count = 0

    def done() -> dict:
        assert current is not None
        return current | {
            "names_printed": json.dumps(sorted(printed), ensure_ascii=False),
            "reports": count,
            "first_year": min(years) if years else None,
            "last_year": max(years) if years else None,
        }

    for *fields, name_printed, year in cur:
        row = dict(zip(AGENCY_ROW_FIELDS, fields))
        if current is not None and row["agency_id"] != current["agency_id"]:
            yield done()
            printed, years, count = set(), [], 0
        current = row
        count += 1
        if name_printed:
            printed.add(name_printed)
        if year is not None:
            years.append(year)
    if current is not None:
        yield done()
