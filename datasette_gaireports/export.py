"""The export: one JSON object per report, the database's stable machine interface."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import sqlite_utils

from . import pipeline
from .dbfile import require_build
from .layout import Family
from .values import Number


def _num(x: Any) -> Number | None:
    if isinstance(x, float) and x.is_integer():
        return int(x)
    return x


def family_tables(db: sqlite_utils.Database, fam: Family, report_id: str, fmt: str) -> dict | None:
    """A family's cells of one report in the export's shape, or ``None`` where absent."""
    if fam.shape == "wide":
        rows = list(db.query(f"select * from [{fam.name}] where report_id = ?", [report_id]))
        if not rows:
            return None
        return {name: _num(rows[0].get(name)) for name, _r, _c in fam.wide_columns()}
    printed = fam.row_order
    rows = sorted(db.query(f"select * from [{fam.name}] where report_id = ?", [report_id]),
                  key=lambda r: printed.get(r[fam.row_key], len(printed)))
    if not rows:
        return None
    if fam.shape == "long":
        return {r[fam.row_key]: _num(r["value"]) for r in rows}
    merged = fam.merged_printed(
        col for (col,) in db.execute("select distinct column_code from cells where report_id = ? and family = ?",
                                     [report_id, fam.name])
    ) if fam.merged_columns else frozenset()
    out = {}
    for r in rows:
        row = fam.row(r[fam.row_key])
        out[row.code] = {c: _num(r.get(c)) for c in fam.row_columns(row, fmt, merged)}
    return out


def report_object(db: sqlite_utils.Database, rep: dict, families: tuple[Family, ...]) -> dict:
    """One report as the export prints it."""
    fmt = rep["format"]
    tables = {}
    if rep["status"] == "parsed":
        for fam in families:
            t = family_tables(db, fam, rep["report_id"], fmt)
            if t is not None:
                tables[fam.name] = t
    checks = [
        {
            "rule": c["rule"],
            "scope": c["scope"],
            "status": c["status"],
            "left": _num(c["left"]),
            "right": _num(c["right"]),
        }
        for c in db.query(
            "select rule, scope, status, left, right from checks where report_id = ? order by rule, instance",
            [rep["report_id"]],
        )
    ]
    agency = None
    if rep["agency_id"]:
        agency = db.table("agencies").get(rep["agency_id"])["name"]
    return {
        "source": rep["source"],
        "report_id": rep["report_id"],
        "status": rep["status"],
        "agency": agency,
        "year": rep["year"],
        "format": fmt,
        "published": rep["published"],
        "index_no": rep.get("index_no"),
        "doc_no": rep.get("doc_no"),
        "attachments": json.loads(rep["attachments"]) if rep.get("attachments") else [],
        "images": json.loads(rep["images"]) if rep.get("images") else [],
        "tables_missing": rep.get("tables_missing"),
        "tables": tables,
        "checks": checks,
    }


def iter_export(db_path: str) -> Iterator[dict]:
    """Every report of a database as an export object, ordered by source (:class:`.dbfile.NotABuild` for a
    file that is no database a build wrote)."""
    db = sqlite_utils.Database(require_build(db_path))
    families = pipeline.families()
    present = set(db.table_names())
    families = tuple(f for f in families if f.name in present)
    for rep in db.query("select * from reports order by source, report_id"):
        yield report_object(db, rep, families)


def export_lines(db_path: str) -> Iterator[str]:
    """The export as JSON Lines."""
    for obj in iter_export(db_path):
        yield json.dumps(obj, ensure_ascii=False, sort_keys=False)
