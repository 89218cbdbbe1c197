"""The summary tables the status pages read, rebuilt from the full tables at the end of every build.

(An incremental build keeps the three count tables by difference instead: see :mod:`.changes`.)

``report_summary`` and ``agency_summary`` count the reports, ``check_summary``
the checks, and ``failing_checks`` holds the failing checks in the order the
status pages list them, numbered by ``position``. A page then reads a few
small rows or one index range instead of grouping or sorting ``reports`` and
``checks``. Whatever changes ``reports``, ``agencies``, ``checks`` or
``rules`` after a build calls :func:`refresh_summaries` (exported by
:mod:`datasette_gaireports.finish`) so the pages follow.

This module imports nothing from the build, so the plugin's pages can share
the failing list's SQL without loading the parser.
"""

from __future__ import annotations

from collections.abc import Container
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite_utils

FAILING_FILTERS = ("rule", "year", "format")
"""Filters of the failing list by the check: the rule, and the report's year and format."""
PLACES = ("province", "prefecture", "county")
"""The divisions a body is in (columns of ``agencies``), each within the one before."""
FAILING_REGION_FILTERS = (*PLACES, "level")
"""Filters of the failing list by the body: where it is and its level of government."""

FAILING_AGENCY = "coalesce(a.name, r.agency_printed)"
"""The failing list's body: its normalised name, else the name the report prints."""


def failing_select(agency_columns: Container[str] = FAILING_REGION_FILTERS) -> str:
    """The failing list's columns, read from ``FAILING_FROM``; a column of the body that ``agencies`` lacks (a
    database of an early version) is null."""
    body = ", ".join(f"a.{c}" if c in agency_columns else f"null as {c}" for c in FAILING_REGION_FILTERS)
    return (
        f"c.report_id, r.agency_id, {FAILING_AGENCY} as agency, {body}, r.year, r.format, c.rule, ru.family, c.scope, "
        "c.[left], c.[right], c.difference, r.source"
    )


FAILING_SELECT = failing_select()
"""The failing list's columns, as a database of this version holds them."""

FAILING_FROM = """
    from checks c
    join reports r on r.report_id = c.report_id
    left join agencies a on a.agency_id = r.agency_id
    left join rules ru on ru.rule = c.rule
"""

FAILING_ORDER = f"{FAILING_AGENCY} is null, {FAILING_AGENCY}, r.year, c.report_id, c.rule, c.scope"
"""The failing list's order: by body name (reports without one last), year, report, rule and scope."""

FAILING_FILTER_COLUMNS = {
    "rule": "c.rule", "year": "r.year", "format": "r.format",
    "province": "a.province", "prefecture": "a.prefecture", "county": "a.county", "level": "a.level",
}
"""Each filter of the failing list → its column in ``FAILING_FROM``."""


def failing_filter_columns(agency_columns: Container[str] = FAILING_REGION_FILTERS) -> dict[str, str]:
    """:data:`FAILING_FILTER_COLUMNS`, where a column of the body that ``agencies`` lacks is null (so a filter by it
    matches nothing)."""
    return {k: "null" if k in FAILING_REGION_FILTERS and k not in agency_columns else v
            for k, v in FAILING_FILTER_COLUMNS.items()}


def refresh_summaries(db: sqlite_utils.Database) -> None:
    """Rebuild ``check_summary``, ``report_summary``, ``agency_summary`` and ``failing_checks`` from the full tables.

    The build calls it last; call it after changing ``reports``, ``agencies``,
    ``checks`` or ``rules`` by hand. It does not commit.
    """
    execute = db.conn.execute
    execute("delete from check_summary")
    # Checks are counted per report in one pass over the table in storage order (faster than the (rule, status)
    # index, which would look every row up for its report_id), then per year and format.
    execute(
        """
        insert into check_summary (summary_id, rule, status, year, format, checks, reports)
        select row_number() over (order by c.rule, c.status, r.year, r.format),
               c.rule, c.status, r.year, r.format, sum(c.n), count(*)
        from (select report_id, rule, status, count(*) as n from checks not indexed
              group by report_id, rule, status) c
        join reports r using (report_id)
        group by c.rule, c.status, r.year, r.format
        """
    )
    execute("delete from report_summary")
    execute(
        """
        insert into report_summary (summary_id, year, format, status, check_status, reports, tables_elsewhere)
        select row_number() over (order by year, format, status, check_status), year, format, status, check_status,
               count(*), count(tables_missing)
        from reports group by year, format, status, check_status
        """
    )
    execute("delete from agency_summary")
    execute(
        """
        insert into agency_summary (summary_id, province, level, check_status, reports)
        select row_number() over (order by a.province, a.level, r.check_status), a.province, a.level, r.check_status,
               count(*)
        from reports r left join agencies a on a.agency_id = r.agency_id
        group by a.province, a.level, r.check_status
        """
    )
    refresh_failing_checks(db)


def refresh_failing_checks(db: sqlite_utils.Database) -> None:
    """Rebuild ``failing_checks``, numbered in the status pages' order. It does not commit."""
    execute = db.conn.execute
    execute("delete from failing_checks")
    execute(
        f"""
        insert into failing_checks (position, report_id, agency_id, agency, province, prefecture, county, level,
                                    year, format, rule, family, scope, [left], [right], difference, source)
        select row_number() over (order by {FAILING_ORDER}), {FAILING_SELECT}
        {FAILING_FROM}
        where c.status = 'fail'
        order by 1
        """
    )
