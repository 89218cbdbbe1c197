"""``gaireports verify``: is a database sound, and does it still match its sources?

Runs SQLite's integrity and foreign-key checks, recomputes every family
rule from the stored cells and compares the outcome with ``checks``, and,
given the source folders, confirms each report's sha256 against its file.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils

from . import pipeline
from .build import iter_sources
from .checks import run_checks
from .dbfile import require_build
from .tables import ANOMALY_FLAGS


@dataclass
class Verification:
    """Discrepancies found, by kind; empty lists mean the database is sound."""

    integrity: list[str] = field(default_factory=list)
    foreign_keys: list[str] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    new: list[str] = field(default_factory=list)
    reports: int = 0
    checks_compared: int = 0

    @property
    def ok(self) -> bool:
        return not (self.integrity or self.foreign_keys or self.checks or self.changed or self.missing)

    def lines(self) -> list[str]:
        out = [f"reports: {self.reports}; check outcomes recomputed: {self.checks_compared}"]
        sections = (
            ("integrity_check", self.integrity),
            ("foreign keys", self.foreign_keys),
            ("checks that differ from the stored cells", self.checks),
            ("sources whose bytes changed", self.changed),
            ("sources missing", self.missing),
            ("files not in the database (not an error)", self.new),
        )
        for title, items in sections:
            if items:
                out.append(f"{title}: {len(items)}")
                out += [f"  {item}" for item in items[:50]]
                if len(items) > 50:
                    out.append(f"  … and {len(items) - 50} more")
        out.append("OK" if self.ok else "DISCREPANCIES FOUND")
        return out


def _stored_values(db: sqlite_utils.Database) -> dict[str, dict[str, dict]]:
    values: dict[str, dict[str, dict]] = defaultdict(lambda: defaultdict(dict))
    anomalies = tuple(ANOMALY_FLAGS)
    placeholders = ",".join("?" for _ in anomalies)
    sql = f"select report_id, family, cell, value from cells where coalesce(flag, '') not in ({placeholders})"
    for row in db.query(sql, anomalies):
        values[row["report_id"]][row["family"]][row["cell"]] = row["value"]
    return values


def _recompute(db: sqlite_utils.Database, v: Verification) -> None:
    families = pipeline.families()
    family_rules = {r.id for f in families for r in f.rules}
    stored: dict[tuple[str, str, str], str] = {}
    for row in db.query("select report_id, rule, scope, status from checks"):
        if row["rule"] in family_rules:
            stored[(row["report_id"], row["rule"], row["scope"])] = row["status"]
    values = _stored_values(db)
    computed: dict[tuple[str, str, str], str] = {}
    for rep in db.query("select report_id, source, format from reports where status = 'parsed'"):
        fams = {name: vals for name, vals in values.get(rep["report_id"], {}).items()}
        present = {r["family"] for r in db.query("select distinct family from cells where report_id = ?", [rep["report_id"]])}
        for name in present:
            fams.setdefault(name, {})
        for c in run_checks(families, rep["format"], fams):
            computed[(rep["report_id"], c.rule, c.scope)] = c.status
    v.checks_compared = len(computed)
    sources = {r["report_id"]: r["source"] for r in db.query("select report_id, source from reports")}
    for key in sorted(set(stored) | set(computed)):
        a, b = stored.get(key), computed.get(key)
        if a != b:
            v.checks.append(f"{sources.get(key[0], key[0])} {key[1]} {key[2]}: stored {a}, recomputed {b}")


def _compare_sources(db: sqlite_utils.Database, sources: Iterable[str], v: Verification, db_path: Path) -> None:
    on_disk: dict[str, Path] = {name: path for path, name in iter_sources(sources, db_path)}
    seen = set()
    for row in db.query("select source, sha256 from reports order by source"):
        seen.add(row["source"])
        path = on_disk.get(row["source"])
        if path is None:
            v.missing.append(row["source"])
        elif hashlib.sha256(path.read_bytes()).hexdigest() != row["sha256"]:
            v.changed.append(row["source"])
    v.new = sorted(set(on_disk) - seen)


def verify(db_path: str | Path, sources: Iterable[str] = ()) -> Verification:
    """Verify a database; pass the build's inputs as ``sources`` to compare the files too."""
    path = require_build(db_path)
    db = sqlite_utils.Database(path)
    v = Verification()
    v.integrity = [r[0] for r in db.execute("PRAGMA integrity_check").fetchall() if r[0] != "ok"]
    v.foreign_keys = [json.dumps(list(r)) for r in db.execute("PRAGMA foreign_key_check").fetchall()]
    v.reports = db["reports"].count
    _recompute(db, v)
    sources = list(sources)
    if sources:
        _compare_sources(db, sources, v, path)
    return v
