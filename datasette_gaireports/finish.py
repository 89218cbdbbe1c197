"""The build steps that need every report: who reported, the rules across years, then the summary tables.

Each step runs over the whole database after a full build, and over the
part an update touched (:class:`.changes.Changes`) after an incremental one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import sqlite_utils

from .agencies import identify
from .changes import IN_IDS, Changes, as_param
from .checks import overall_status
from .crossrules import ACROSS_YEARS
from .crossyear import add_across_year_checks, pair_checks
from .database import agency_rows, check_row, insert_rows
from .instances import numbering
from .layout import Family
from .meta import Meta
from .report import ParsedReport
from .summaries import refresh_failing_checks, refresh_summaries
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


def mark_duplicates(db: sqlite_utils.Database, shas: set[str] | None = None) -> None:
    """Point every report at the first report, in (source, sha256) order, with the same bytes.

    With ``shas``, only the reports with those hashes are redone.
    """
    only, params = ("", []) if shas is None else (f"and sha256 in {IN_IDS}", [as_param(shas)])
    db.conn.execute(f"update reports set duplicate_of = null where duplicate_of is not null {only}", params)
    db.conn.execute(
        f"""
        update reports set duplicate_of = (
            select r2.report_id from reports r2
            where r2.sha256 = reports.sha256 and (r2.source, r2.sha256) < (reports.source, reports.sha256)
            order by r2.source, r2.sha256 limit 1)
        where sha256 in (select sha256 from reports where true {only} group by sha256 having count(*) > 1)
        """,
        params,
    )


def refresh_agencies(db: sqlite_utils.Database, agency_ids: set[str] | None = None) -> None:
    """Rebuild ``agencies`` from every report's ``report_agencies`` row (with ``agency_ids``, those bodies' rows)."""
    if agency_ids is None:
        db.conn.execute("delete from agencies")
    else:
        db.conn.execute(f"delete from agencies where agency_id in {IN_IDS}", [as_param(agency_ids)])
    insert_rows(db, "agencies", agency_rows(db, agency_ids))


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


def refresh_across_years(db: sqlite_utils.Database, families: tuple[Family, ...], changes: Changes | None = None) -> int:
    """(Re)compute the checks across years from the stored reports, and the check counts they change.

    Only reports whose body also reported the year before are read back. With
    ``changes``, only the reports of the (body, year) pairs an update touched
    and of the year after each are redone. Returns how many checks across
    years were written.
    """
    rules = as_param(r.id for r in ACROSS_YEARS)
    redo: set[tuple[str, int]] | None = None
    only, params = "", []
    if changes is not None:
        redo = changes.groups | {(aid, year + 1) for aid, year in changes.groups}
        # by the bodies' index (the unary + keeps the planner off the status index, which is a scan here)
        only, params = f"and r.agency_id in {IN_IDS}", [as_param({aid for aid, _year in redo})]
    groups: dict[tuple[str, int], list[tuple]] = defaultdict(list)
    for aid, *row in db.conn.execute(
        f"""
        select r.agency_id, r.report_id, r.source, r.sha256, r.format, r.year
        from reports r join report_agencies a using (report_id)
        where +r.status = 'parsed' and r.year is not null and a.kind != 'unidentified' {only}
        order by r.source, r.sha256
        """,
        params,
    ):
        groups[(aid, row[-1])].append(tuple(row))
    if redo is None:
        targets = dict(groups)
        touched = {rid for (rid,) in db.conn.execute(f"select distinct report_id from checks where rule in {IN_IDS}",
                                                     [rules])}
        db.conn.execute(f"delete from checks where rule in {IN_IDS}", [rules])
    else:
        targets = {key: groups[key] for key in redo if key in groups}
        touched = {row[0] for rows in targets.values() for row in rows}
        db.conn.execute(f"delete from checks where rule in {IN_IDS} and report_id in {IN_IDS}",
                        [rules, as_param(touched)])
    added: list[dict] = []
    loaded: dict[str, ParsedReport] = {}

    def load(row: tuple) -> ParsedReport:
        if row[0] not in loaded:
            loaded[row[0]] = _stored_report(db, row, families)
        return loaded[row[0]]

    numbers = numbering(families)
    for (aid, year), rows in sorted(targets.items()):
        previous_rows = groups.get((aid, year - 1))
        if not previous_rows:
            continue
        previous = [load(r) for r in previous_rows]
        for row in rows:
            rep = load(row)
            for check in pair_checks(rep, previous):
                added.append(check_row(rep.report_id, check, numbers))
                touched.add(rep.report_id)
        loaded.clear()
    insert_rows(db, "checks", added)
    recount_checks(db, touched)
    return len(added)


def recount_checks(db: sqlite_utils.Database, report_ids: Iterable[str]) -> None:
    """Set the check status and counts of the given reports from their rows in ``checks``."""
    for rid in sorted(report_ids):
        statuses = [s for (s,) in db.conn.execute("select status from checks where report_id = ?", [rid])]
        db.conn.execute(
            "update reports set check_status = ?, checks_failed = ?, checks_incomplete = ? where report_id = ?",
            [overall_status(statuses), statuses.count("fail"), statuses.count("incomplete"), rid],
        )


def finish_database(db: sqlite_utils.Database, families: tuple[Family, ...], changes: Changes | None = None) -> None:
    """The steps that need every report, run on the database once all reports are written.

    The last step of a full build, :func:`refresh_summaries` (public: call it
    after changing the tables by hand), rebuilds the summary tables the status
    pages read. With ``changes`` (an incremental update), each step redoes only
    what the added and removed reports touch: the count tables move by
    difference and ``failing_checks`` alone is rebuilt.
    """
    if changes is None:
        mark_duplicates(db)
        refresh_agencies(db)
        refresh_across_years(db, families)
        refresh_summaries(db)
        return
    affected = changes.affected(db)
    changes.count(db, affected - changes.added, -1)
    mark_duplicates(db, changes.shas)
    refresh_agencies(db, changes.agencies)
    refresh_across_years(db, families, changes)
    changes.count(db, affected, +1)
    changes.apply_counts(db)
    refresh_failing_checks(db)
