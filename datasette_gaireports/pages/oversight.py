"""The bodies a people's government (or its general office) oversees, for its agency page.

An open-government office audits the reports of the bodies under its
government: the other bodies of its region at its own level (the departments,
the office, the development zones) and the governments one level down (for a
province, its prefectures and the counties no prefecture holds; for a
prefecture, its counties; for a county, its townships). Each is shown with the
check status of its report for every year, so a missing or failing report
stands out. Bodies are found by their region (``agencies.province``,
``prefecture``, ``county``, read through the index on them).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from markupsafe import Markup, escape

from ..summaries import PLACES
from .common import STATUS_ZH, Source, Urls, best_report
from .labels import LEVEL_ZH

OVERSEEING_KINDS = frozenset({"government", "government_office"})
"""The kinds of body whose page lists the bodies it oversees."""
KIND_ORDER = "case a.kind when 'government' then 0 when 'government_office' then 1 when 'department' then 2 else 3 end"


@dataclass(frozen=True)
class Tier:
    """One group of overseen bodies: its heading and which bodies of the region it holds."""

    key: str
    zh: str
    en: str
    condition: str
    """SQL over ``agencies a``, after the region's own conditions (``+`` keeps SQLite to the region's index)."""
    depth: int
    """How many of :data:`PLACES` the bodies share with the overseeing body (the others are not constrained)."""
    order: str


@dataclass
class Group:
    """The bodies of one tier, each with its reports by year, and per year how many have a report and how many
    fail."""

    tier: Tier
    bodies: list[dict]
    totals: dict[int, dict[str, int]] = field(default_factory=dict)


BELOW = {
    "province": Tier("below", "下级政府", "Governments one level down",
                     "+a.kind = 'government' and (+a.level = 'prefecture' or (+a.level = 'county' and a.prefecture is null))",
                     1, "a.adcode, a.name"),
    "prefecture": Tier("below", "下级政府", "Governments one level down",
                       "+a.kind = 'government' and +a.level = 'county'", 2, "a.adcode, a.name"),
    "county": Tier("below", "下级乡镇街道", "Townships, towns and sub-districts",
                   "+a.kind = 'township' and +a.level = 'township'", 3, "a.township, a.name"),
}
"""The governments one level down, by the overseeing body's level."""


def tiers(agency: dict) -> list[tuple[Tier, list]]:
    """The groups of bodies ``agency`` oversees, each with the parameters of its query; none for a body that
    oversees none, or whose level or region is not known."""
    level = agency.get("level")
    if agency.get("kind") not in OVERSEEING_KINDS or level not in BELOW or not agency.get(level):
        return []  # (the division of its own level names the region: a county's prefecture may be blank)
    depth = PLACES.index(level) + 1
    same = Tier("same", f"同级机构({LEVEL_ZH[level]})", "Bodies at the same level", "+a.level = ? and a.agency_id != ?",
                depth, f"{KIND_ORDER}, a.name")
    return [(same, [level, agency["agency_id"]]), (BELOW[level], [])]


async def overseen(datasette, src: Source, agency: dict, own_years: list[int]) -> dict | None:
    """The overseen bodies by group, each with its report's check status for every year; None where the body
    oversees none, or none the database holds."""
    groups = tiers(agency)
    if not groups or not set(PLACES) <= await src.columns("agencies"):
        return None
    urls = Urls(datasette)
    out: list[Group] = []
    for tier, params in groups:
        region = [f"a.{col} is ?" for col in PLACES[: tier.depth]]
        bodies = await src.rows(
            f"""
            select a.agency_id, a.name, a.kind, a.level, a.township
            from agencies a
            where {" and ".join([*region, tier.condition])}
            order by {tier.order}
            """,
            [*(agency[col] for col in PLACES[: tier.depth]), *params],
        )
        out.append(Group(tier, bodies))
    ids = [b["agency_id"] for group in out for b in group.bodies]
    if not ids:
        return None
    reports = await _reports(src, ids)
    years = sorted({*own_years, *(year for by_year in reports.values() for year in by_year)})
    for group in out:
        for body in group.bodies:
            body["url"] = urls.agency(src.name, body["agency_id"])
            by_year = reports.get(body["agency_id"], {})
            body["years"] = {}
            for year, rs in by_year.items():
                best = best_report(rs)
                body["years"][year] = {
                    "report_id": best["report_id"],
                    "status": best["check_status"] or "none",
                    "url": urls.report(src.name, best["report_id"]),
                    "reports": len(rs),
                    "checks_failed": best["checks_failed"],
                }
            body["cells"] = Markup("").join(year_cell(year, body["years"].get(year)) for year in years)
        group.totals = {
            year: {
                "reports": sum(1 for b in group.bodies if year in b["years"]),
                "fail": sum(1 for b in group.bodies if b["years"].get(year, {}).get("status") == "fail"),
            }
            for year in years
        }
    return {"years": years, "groups": out, "bodies": len(ids)}


def year_cell(year: int, report: dict | None) -> Markup:
    """One cell of a body's row: its report's check status for ``year``, linked to the report, or a dash.

    Written here rather than in the template: a province's table has a thousand
    cells, and each expression of Datasette's asynchronous templates costs far
    more than this."""
    if report is None:
        return Markup(f'<td data-year="{year:d}"><span class="gr-muted" title="{year:d}: 没有报告 no report">—</span></td>')
    status = escape(report["status"])
    title = f"{year:d} · {status}"
    if report["checks_failed"]:
        title += f" · {report['checks_failed']:d} 项未通过"
    if report["reports"] > 1:
        title += f" · {report['reports']:d} 份报告"
    label = escape(STATUS_ZH.get(report["status"], report["status"]))
    return Markup(
        f'<td data-year="{year:d}" data-status="{status}"><a class="gr-badge gr-{status}" href="{escape(report["url"])}" '
        f'title="{title}">{label}</a></td>'
    )


async def _reports(src: Source, agency_ids: list[str]) -> dict[str, dict[int, list[dict]]]:
    """agency id → year → its reports."""
    out: dict[str, dict[int, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for start in range(0, len(agency_ids), 500):
        chunk = agency_ids[start : start + 500]
        rows = await src.rows(
            f"""
            select report_id, agency_id, year, status, check_status, checks_failed, duplicate_of, source
            from reports where agency_id in ({", ".join("?" * len(chunk))}) and year is not null
            """,
            chunk,
        )
        for r in rows:
            out[r["agency_id"]][r["year"]].append(r)
    return out
