"""Links from Datasette's own table, row and database pages to the plugin's pages."""

from __future__ import annotations

import re
from typing import Any

from markupsafe import Markup

from .common import REQUIRED_TABLES, STATUS_ZH, Urls, families

SNIPPET = 40


def _get(row: Any, key: str) -> Any:
    try:
        return row[key]
    except (IndexError, KeyError, TypeError):
        return None


def _keys(row: Any) -> set[str]:
    try:
        return set(row.keys())
    except AttributeError:
        return set()


def snippet(text: str, length: int = SNIPPET) -> str:
    """The start of a long text with its whitespace collapsed."""
    flat = re.sub(r"\s+", " ", text).strip()
    return flat if len(flat) <= length else flat[:length] + "…"


def render_cell(row: Any, value: Any, column: str, table: str | None, database: str, datasette) -> Markup | None:
    """Link cells of the gaireports tables to the plugin pages; shorten ``reports.text``."""
    if table is None or database not in datasette.databases:
        return None
    keys = _keys(row)
    urls = Urls(datasette)
    if table == "reports" and {"report_id", "sha256"} <= keys:
        report_id = _get(row, "report_id")
        if not isinstance(report_id, str):
            return None
        page = urls.report(database, report_id)
        if column == "text" and isinstance(value, str):
            return Markup('<span class="gr-snippet">{}</span> <a href="{}#gr-source">全文 {:,} 字 →</a>').format(
                snippet(value), page, len(value)
            )
        if column == "check_status" and isinstance(value, str):
            return Markup('<a href="{}" title="报告复原页 (report page)">{} · {}</a>').format(
                page, value, STATUS_ZH.get(value, value)
            )
        if column == "report_id":
            return Markup('{} <a href="{}">报告复原页 →</a>').format(report_id, page)
    if table == "agencies" and {"agency_id", "names_printed"} <= keys:
        agency_id = _get(row, "agency_id")
        if not isinstance(agency_id, str):
            return None
        page = urls.agency(database, agency_id)
        if column == "name" and isinstance(value, str):
            return Markup('<a href="{}" title="机构页 (agency page)">{}</a>').format(page, value)
        if column == "agency_id":
            return Markup('{} <a href="{}">机构页 →</a>').format(agency_id, page)
    if table == "checks" and {"report_id", "rule", "scope", "instance"} <= keys and column == "status":
        report_id = _get(row, "report_id")
        report_id = report_id.get("value") if isinstance(report_id, dict) else report_id
        if isinstance(report_id, str) and isinstance(value, str):
            return Markup('<a href="{}" title="报告复原页 (report page)">{}</a>').format(
                urls.report(database, report_id), value
            )
    return None


async def _is_gaireports(datasette, database: str) -> bool:
    db = datasette.databases.get(database)
    return db is not None and REQUIRED_TABLES <= set(await db.table_names())


async def table_actions(datasette, actor, database: str, table: str) -> list[dict]:
    """Links from the gaireports tables to the status page (and, for ``checks``, the failing list)."""
    names = {"reports", "agencies", "checks", "rules", "cells", "formats", *families()}
    if table not in names or not await _is_gaireports(datasette, database):
        return []
    urls = Urls(datasette)
    links = [{"href": urls.status(database), "label": "勾稽检查状态 (balance-check status)"}]
    if table == "checks":
        links.append({"href": urls.failing(database, "csv"), "label": "未通过的检查 CSV (failing checks)"})
    return links


async def database_actions(datasette, actor, database: str) -> list[dict]:
    if not await _is_gaireports(datasette, database):
        return []
    return [{"href": Urls(datasette).status(database), "label": "勾稽检查状态 (balance-check status)"}]


async def menu_links(datasette, actor) -> list[dict]:
    """The instance menu's link to ``/-/gaireports`` where a gaireports database is served."""
    if not await datasette.permission_allowed(actor, "view-instance", default=True):
        return []
    for name in datasette.databases:
        if name != "_internal" and await _is_gaireports(datasette, name):
            return [{"href": Urls(datasette).status(), "label": "勾稽检查状态 (gaireports)"}]
    return []
