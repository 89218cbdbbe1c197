"""What an incremental update touched, so the build steps across reports redo only their part.

A full build runs the steps that need every report (:mod:`.finish`) over the
whole database. An update adds and removes a few reports in a large one: it
records here the file hashes, bodies and (body, year) pairs those reports
touch, and keeps the count tables (``check_summary``, ``report_summary``,
``agency_summary``) by difference: a report's counts are taken off before it
changes or is removed, and put back once it is written. The result is the
database a full build gives (a test compares the two).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field

import sqlite_utils

IN_IDS = "(select value from json_each(?))"
"""SQL for ``x in IN_IDS``: the members of a JSON list passed as the one parameter (no limit on their number)."""


def as_param(values: Iterable) -> str:
    """The parameter :data:`IN_IDS` reads: the values as a JSON list."""
    return json.dumps(sorted(values), ensure_ascii=False)


@dataclass(frozen=True)
class CountTable:
    """A summary table of counts: its key columns (in the order its rows are numbered), its count columns (one
    of them ``reports``), and the SQL giving what the reports in ``IN_IDS`` add to it, one row of keys and counts
    at a time."""

    name: str
    keys: tuple[str, ...]
    counts: tuple[str, ...]
    per_report: str


COUNT_TABLES = (
    CountTable(
        "check_summary", ("rule", "status", "year", "format"), ("checks", "reports"),
        f"""select c.rule, c.status, r.year, r.format, count(*), 1
            from checks c join reports r using (report_id)
            where c.report_id in {IN_IDS} group by c.report_id, c.rule, c.status""",
    ),
    CountTable(
        "report_summary", ("year", "format", "status", "check_status"), ("reports", "tables_elsewhere"),
        f"""select year, format, status, check_status, 1, tables_missing is not null
            from reports where report_id in {IN_IDS}""",
    ),
    CountTable(
        "agency_summary", ("province", "level", "check_status"), ("reports",),
        f"""select a.province, a.level, r.check_status, 1
            from reports r left join agencies a on a.agency_id = r.agency_id where r.report_id in {IN_IDS}""",
    ),
)
"""The count tables an update keeps by difference; ``summary_id`` numbers their rows in key order."""


def _sql_order(key: tuple) -> tuple:
    """Python's order of a row key as SQLite's ``ORDER BY`` gives it (nulls first)."""
    return tuple((v is not None, v) for v in key)


@dataclass
class Changes:
    """The reports an update added and removed, what they touch, and the counts that moved."""

    added: set[str] = field(default_factory=set)
    shas: set[str] = field(default_factory=set)
    agencies: set[str] = field(default_factory=set)
    groups: set[tuple[str, int]] = field(default_factory=set)
    moved: dict[str, dict[tuple, list[int]]] = field(default_factory=dict)

    def removing(self, db: sqlite_utils.Database, report_ids: Iterable[str]) -> None:
        """Note reports about to be removed (call before their rows go)."""
        ids = list(report_ids)
        self._touch(db, ids)
        self.count(db, ids, -1)

    def adding(self, db: sqlite_utils.Database, report_ids: Iterable[str]) -> None:
        """Note reports just written (their counts are added once the steps across reports have run)."""
        ids = list(report_ids)
        self.added.update(ids)
        self._touch(db, ids)

    def _touch(self, db: sqlite_utils.Database, ids: list[str]) -> None:
        for sha, aid, year, status, kind in db.conn.execute(
            f"""
            select r.sha256, r.agency_id, r.year, r.status, a.kind
            from reports r left join report_agencies a using (report_id)
            where r.report_id in {IN_IDS}
            """,
            [as_param(ids)],
        ):
            self.shas.add(sha)
            if aid is not None:
                self.agencies.add(aid)
                if status == "parsed" and year is not None and kind != "unidentified":
                    self.groups.add((aid, year))

    def affected(self, db: sqlite_utils.Database) -> set[str]:
        """The reports the steps across reports may change: those of the touched bodies, and the added ones."""
        bodies = db.conn.execute(
            f"select report_id from reports where agency_id in {IN_IDS}", [as_param(self.agencies)]
        )
        return {rid for (rid,) in bodies} | self.added

    def count(self, db: sqlite_utils.Database, report_ids: Iterable[str], sign: int) -> None:
        """Add (``sign`` = 1) or take off (-1) what the given reports count for in every count table."""
        ids = as_param(report_ids)
        for t in COUNT_TABLES:
            moved = self.moved.setdefault(t.name, {})
            for row in db.conn.execute(t.per_report, [ids]):
                totals = moved.setdefault(row[: len(t.keys)], [0] * len(t.counts))
                for i, n in enumerate(row[len(t.keys):]):
                    totals[i] += sign * n

    def apply_counts(self, db: sqlite_utils.Database) -> None:
        """Rewrite the count tables with the counts that moved, numbered as a full count numbers them."""
        for t in COUNT_TABLES:
            moved = self.moved.pop(t.name, {})
            if not moved:
                continue
            cols = (*t.keys, *t.counts)
            names = ", ".join(f"[{c}]" for c in cols)
            totals = {row[: len(t.keys)]: list(row[len(t.keys):])
                      for row in db.conn.execute(f"select {names} from [{t.name}]")}
            for key, delta in moved.items():
                row = totals.setdefault(key, [0] * len(t.counts))
                for i, n in enumerate(delta):
                    row[i] += n
            reports = t.counts.index("reports")  # a row is kept while it counts a report
            kept = sorted((k for k, v in totals.items() if v[reports] > 0), key=_sql_order)
            db.conn.execute(f"delete from [{t.name}]")
            db.conn.executemany(
                f"insert into [{t.name}] (summary_id, {names}) values (?, {', '.join('?' * len(cols))})",
                ((i, *key, *totals[key]) for i, key in enumerate(kept, 1)),
            )
