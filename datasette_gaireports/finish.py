"""The build steps that need every report: who reported, the rules across years, then the summary tables."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import sqlite_utils

from .agencies import identify
from .checks import summary_status
from .crossrules import ACROSS_YEARS
from .crossyear import add_across_year_checks, pair_checks
from .database import agency_rows, check_row
from .layout import Family
from .meta import Meta
from .report import ParsedReport
from .summaries import refresh_summaries
from .tables import Cell


def identify_agencies(reports: list[ParsedReport]) -> None:
    """Give every parsed report its agency: name, kind, level and region (a placeholder where none)."""
    for rep in reports:
        if rep.status == "parsed" and rep.agency is None:
            rep.agency = identify(rep.meta, rep.meta.year, rep.text, rep.sha256)


def finish_reports(reports: list[ParsedReport]) -> None:
    """Identify the agencies, then (re)compute the checks across years. Safe to run twice."""
    identify_agencies(reports)
    across = {r.id for r in ACROSS_YEARS}
    for rep in reports:
        rep.checks = [c for c in rep.checks if c.rule not in across]
    add_across_year_checks(reports)


def mark_duplicates(db: sqlite_utils.Database) -> None:
    """Point every report at the first report, in (source, sha256) order, with the same bytes."""
    db.conn.execute("update reports set duplicate_of = null where duplicate_of is not null")
    db.conn.execute(
        """
        update reports set duplicate_of = (
            select r2.report_id from reports r2
            where r2.sha256 = reports.sha256 and (r2.source, r2.sha256) < (reports.source, reports.sha256)
            order by r2.source, r2.sha256 limit 1)
        where sha256 in (select sha256 from reports group by sha256 having count(*) > 1)
        """
    )


def refresh_agencies(db: sqlite_utils.Database) -> None:
    """Rebuild ``agencies`` from every report's ``report_agencies`` row."""
    db.conn.execute("delete from agencies")
    db["agencies"].insert_all(agency_rows(db), batch_size=1000)


def _stored_report(db: sqlite_utils.Database, row: tuple, families: tuple[Family, ...]) -> ParsedReport:
    """A report rebuilt from the database with what the rules across years read: values and families."""
    rid, source, sha, fmt, year = row
    cells = [
        Cell(family, cell, "", "", "", value, "", flag or "", 0, "")
        for family, cell, value, flag in db.conn.execute(
            "select family, cell, value, flag from cells where report_id = ?", [rid]
        )
    ]
    present = tuple(
        f.name for f in families
        if db.conn.execute(f"select 1 from [{f.name}] where report_id = ? limit 1", [rid]).fetchone()
    )
    return ParsedReport(rid, source, sha, 0, status="parsed", format=fmt, meta=Meta(year=year), cells=cells,
                        families=present)


def refresh_across_years(db: sqlite_utils.Database, families: tuple[Family, ...]) -> int:
    """(Re)compute the checks across years from the stored reports, and the check counts they change.

    Only reports whose body also reported the year before are read back.
    Returns how many checks across years the database holds.
    """
    ids = sorted(r.id for r in ACROSS_YEARS)
    marks = ", ".join("?" for _ in ids)
    touched = {rid for (rid,) in db.conn.execute(f"select distinct report_id from checks where rule in ({marks})", ids)}
    db.conn.execute(f"delete from checks where rule in ({marks})", ids)
    groups: dict[tuple[str, int], list[tuple]] = defaultdict(list)
    for aid, *row in db.conn.execute(
        """
        select r.agency_id, r.report_id, r.source, r.sha256, r.format, r.year
        from reports r join report_agencies a using (report_id)
        where r.status = 'parsed' and r.year is not null and a.kind != 'unidentified'
        order by r.source, r.sha256
        """
    ):
        groups[(aid, row[-1])].append(tuple(row))
    added: list[dict] = []
    loaded: dict[str, ParsedReport] = {}

    def load(row: tuple) -> ParsedReport:
        if row[0] not in loaded:
            loaded[row[0]] = _stored_report(db, row, families)
        return loaded[row[0]]

    for (aid, year), rows in sorted(groups.items()):
        previous_rows = groups.get((aid, year - 1))
        if not previous_rows:
            continue
        previous = [load(r) for r in previous_rows]
        for row in rows:
            rep = load(row)
            for check in pair_checks(rep, previous):
                added.append(check_row(rep.report_id, check))
                touched.add(rep.report_id)
        loaded.clear()
    db["checks"].insert_all(added, batch_size=1000)
    recount_checks(db, touched)
    return len(added)


def recount_checks(db: sqlite_utils.Database, report_ids: Iterable[str]) -> None:
    """Set the check status and counts of the given reports from their rows in ``checks``."""
    for rid in sorted(report_ids):
        statuses = [s for (s,) in db.conn.execute("select status from checks where report_id = ?", [rid])]
        db.conn.execute(
            "update reports set check_status = ?, checks_failed = ?, checks_incomplete = ? where report_id = ?",
            [summary_status(_Status(s) for s in statuses), statuses.count("fail"), statuses.count("incomplete"), rid],
        )


@dataclass(frozen=True)
class _Status:
    status: str


def finish_database(db: sqlite_utils.Database, families: tuple[Family, ...]) -> None:
    """The steps that need every report, run on the database once all reports are written.

    The last, :func:`refresh_summaries` (public: call it after changing the tables by hand), rebuilds the
    summary tables the status pages read.
    """
    mark_duplicates(db)
    refresh_agencies(db)
    refresh_across_years(db, families)
    refresh_summaries(db)
