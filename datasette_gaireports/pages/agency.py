"""The agency page: names as printed, reports by year, year-over-year figures,
the cross-year carry-over check (year Y's 结转下年度 = year Y+1's 上年结转), and for
a government the bodies it oversees (:mod:`.oversight`)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from datasette.utils import tilde_decode
from datasette.utils.asgi import NotFound, Response

from ..families import requests as requests_family
from ..layout import Family
from .charts import grouped_bars
from .common import (
    STATUS_ORDER,
    Source,
    Urls,
    best_report,
    database_source,
    families,
    json_list,
    number,
    page_or_rendition,
    plain,
    quote,
    slug,
)
from .labels import column_label
from .oversight import overseen

TABLES = ("reports", "agencies", "formats", "requests", "legacy")


@dataclass(frozen=True)
class Figure:
    """A year-over-year figure: the requests rows (总计 column) or legacy indicators it sums."""

    key: str
    zh: str
    en: str
    requests: tuple[str, ...]
    legacy: tuple[str, ...]


FIGURES = (
    Figure("received", "本年新收申请", "requests received", ("new",), ("requests_received",)),
    Figure("granted", "予以公开", "granted", ("granted",), ("replies_granted",)),
    Figure("partial", "部分公开", "partially granted", ("partial",), ("replies_partial",)),
    Figure("withheld", "不予公开", "withheld", requests_family.WITHHELD, ("replies_denied",)),
    Figure("carried_forward", "结转下年度", "carried forward", ("carried_forward",), ()),
)
TOTAL = "total"
CARRY_OUT, CARRY_IN = "carried_forward", "carried_in"


def _sum(values: list) -> tuple[float | None, bool]:
    """Sum of the known values (``None`` if none is known) and whether every part was known."""
    known = [v for v in values if v is not None]
    return (sum(known) if known else None), len(known) == len(values)


async def _family_values(src: Source, family: str, column: str, ids: list[str], codes: list[str]) -> dict:
    """(report_id, row code) → value for one family's rows of the given reports."""
    fam = families().get(family)
    if fam is None or family not in src.tables or not ids or not codes:
        return {}
    rows = await src.rows(
        f"""
        select report_id, {quote(fam.row_key)} as code, {quote(column)} as value
        from {quote(family)}
        where report_id in ({", ".join("?" * len(ids))}) and {quote(fam.row_key)} in ({", ".join("?" * len(codes))})
        """,
        [*ids, *codes],
    )
    return {(r["report_id"], r["code"]): r["value"] for r in rows}


def _carried(fam: Family, row: dict, col: str) -> Any:
    """A carried figure of one column; for a merged column (法人或其他组织) of a report whose table has its parts
    instead, their sum where every part is filled."""
    value = row.get(col)
    if value is None and (parts := fam.column(col).parts):
        values = [row.get(c) for c in parts]
        if all(v is not None for v in values):
            return sum(values)
    return value


async def _carry_over(src: Source, reports: list[dict]) -> list[dict]:
    """Year Y's carried_forward against year Y+1's carried_in, per applicant column."""
    fam = families().get("requests")
    if fam is None or "requests" not in src.tables:
        return []
    ids = [r["report_id"] for r in reports]
    if not ids:
        return []
    rows = await src.rows(
        f"""select * from requests where report_id in ({", ".join("?" * len(ids))})
            and {quote(fam.row_key)} in (?, ?)""",
        [*ids, CARRY_OUT, CARRY_IN],
    )
    by_report: dict[str, dict[str, dict]] = defaultdict(dict)
    for r in rows:
        by_report[r["report_id"]][r[fam.row_key]] = r
    by_year: dict[int, list[dict]] = defaultdict(list)
    for r in reports:
        if r["year"] is not None:
            by_year[r["year"]].append(r)
    pairs = []
    for year in sorted(by_year):
        for a in by_year[year]:
            for b in by_year.get(year + 1, []):
                out_row = by_report.get(a["report_id"], {}).get(CARRY_OUT)
                in_row = by_report.get(b["report_id"], {}).get(CARRY_IN)
                if out_row is None or in_row is None:
                    pairs.append({"from": a, "to": b, "status": "none", "columns": []})
                    continue
                merged = fam.merged_printed(m.code for m in fam.merged_columns
                                            if out_row.get(m.code) is not None or in_row.get(m.code) is not None)
                fmt_cols = fam.row_columns(fam.row(CARRY_OUT), a["format"] or "", merged)
                columns = []
                for col in fmt_cols:
                    left, right = _carried(fam, out_row, col), _carried(fam, in_row, col)
                    if left is None or right is None:
                        status, diff = "incomplete", None
                    else:
                        diff = right - left
                        status = "pass" if diff == 0 else "fail"
                    columns.append(
                        {"column": col, "label": column_label(fam, col), "carried_forward": plain(left),
                         "carried_in": plain(right), "difference": plain(diff), "status": status}
                    )
                statuses = {c["status"] for c in columns}
                status = "fail" if "fail" in statuses else "incomplete" if "incomplete" in statuses else "pass"
                pairs.append({"from": a, "to": b, "status": status, "columns": columns})
    return pairs


async def agency_model(datasette, src: Source, agency_id: str) -> dict:
    """Everything the agency page shows, as plain data."""
    agency = await src.one("select * from agencies where agency_id = ?", [agency_id])
    if agency is None:
        raise NotFound(f"Agency not found: {agency_id}")
    urls = Urls(datasette)
    have = await src.columns("reports")  # a database of an earlier version keeps no images or attachments: null
    shown = ", ".join(f"json_array_length(r.{c}) as {c}" if c in have else f"null as {c}"
                      for c in ("images", "attachments"))
    reports = await src.rows(
        f"""
        select r.report_id, r.source, r.year, r.format, f.title as format_title, r.status, r.check_status,
               r.checks_failed, r.checks_incomplete, r.published, r.agency_printed, r.title, r.duplicate_of, {shown}
        from reports r left join formats f on f.format = r.format
        where r.agency_id = ?
        order by r.year is null, r.year, r.source
        """,
        [agency_id],
    )
    for r in reports:
        r["url"] = urls.report(src.name, r["report_id"])
        r["row_url"] = urls.row(src.name, "reports", r["report_id"])

    names: dict[str, set] = defaultdict(set)
    for r in reports:
        names[r["agency_printed"] or agency["name"]].add(r["year"])
    for n in json_list(agency.get("names_printed")):
        if isinstance(n, str):
            names.setdefault(n, set())
    printed = [
        {"name": n, "years": sorted(y for y in ys if y is not None)}
        for n, ys in sorted(names.items(), key=lambda kv: (min((y for y in kv[1] if y), default=9999), kv[0]))
    ]

    ids = [r["report_id"] for r in reports]
    req_codes = sorted({c for f in FIGURES for c in f.requests})
    leg_codes = sorted({c for f in FIGURES for c in f.legacy})
    req = await _family_values(src, "requests", TOTAL, ids, req_codes)
    leg = await _family_values(src, "legacy", "value", ids, leg_codes)
    fams = families()
    req_formats = fams["requests"].formats if "requests" in fams else frozenset()
    leg_formats = fams["legacy"].formats if "legacy" in fams else frozenset()
    figures: list[dict[str, Any]] = []
    for r in reports:
        values = []
        for f in FIGURES:
            codes: tuple[str, ...] = ()
            source: dict = {}
            if r["format"] in req_formats:
                codes, source = f.requests, req
            elif r["format"] in leg_formats:
                codes, source = f.legacy, leg
            if not codes or r["status"] != "parsed":
                values.append({"key": f.key, "value": None, "display": "", "complete": True, "applies": False})
                continue
            value, complete = _sum([source.get((r["report_id"], c)) for c in codes])
            values.append(
                {"key": f.key, "value": plain(value), "display": number(value), "complete": complete, "applies": True}
            )
        figures.append({"report": r, "values": values})

    by_year: dict[int, list[dict]] = defaultdict(list)
    for r in reports:
        if r["year"] is not None and r["status"] == "parsed":
            by_year[r["year"]].append(r)
    primary = {year: best_report(rs)["report_id"] for year, rs in by_year.items()}
    chart_values = {}
    for row in figures:
        rep = row["report"]
        if primary.get(rep["year"]) != rep["report_id"]:
            continue
        for v in row["values"]:
            chart_values[(str(rep["year"]), v["key"])] = v["value"]
    chart = grouped_bars(
        [str(y) for y in sorted(by_year)], [(f.key, f.zh) for f in FIGURES], chart_values
    )
    pairs = await _carry_over(src, reports)
    if "related_report_id" in await src.columns("checks"):
        for p in pairs:
            p["checks_url"] = urls.table(
                src.name, "checks", report_id=p["to"]["report_id"], related_report_id=p["from"]["report_id"]
            )
    return {
        "database": src.name,
        "gr_crumbs": [("勾稽检查", urls.status(src.name)), (agency["name"], urls.agency(src.name, agency_id))],
        "agency": agency,
        "names": printed,
        "reports": reports,
        "figures": FIGURES,
        "figure_rows": figures,
        "primary": set(primary.values()),
        "several_per_year": any(len(rs) > 1 for rs in by_year.values()),
        "chart": chart,
        "carry_over": pairs,
        "overseen": await overseen(datasette, src, agency, sorted(by_year)),
        "status_order": STATUS_ORDER,
        "links": {
            "json": urls.agency(src.name, agency_id, "json"),
            "csv": urls.agency(src.name, agency_id, "csv"),
            "row": urls.row(src.name, "agencies", agency_id),
            "reports": urls.table(src.name, "reports", agency_id=agency_id),
            "status": urls.status(src.name),
        },
    }


CSV_COLUMNS = (
    "group", "agency_id", "agency", "kind", "level", "year", "check_status", "checks_failed", "reports", "report_id",
    "report_url",
)
"""The ``.csv`` rendition: a row per body and year, the body's own reports first (``group`` ``self``), then those of
the bodies it oversees (``same``, ``below``) for every year the page shows, blank where there is no report."""


def _json(model: dict) -> dict:
    """The ``.json`` rendition: the model without what only the page's layout needs."""
    out = {k: v for k, v in model.items() if k not in ("gr_crumbs", "figures", "primary", "status_order", "chart")}
    out["figure_rows"] = [
        {"report_id": row["report"]["report_id"], "year": row["report"]["year"],
         "values": {v["key"]: v["value"] if v["applies"] else None for v in row["values"]}}
        for row in model["figure_rows"]
    ]
    if model["overseen"]:
        out["overseen"] = {
            "years": model["overseen"]["years"],
            "groups": [
                {"group": g.tier.key, "title": g.tier.zh, "totals": g.totals,
                 "bodies": [{k: v for k, v in b.items() if k != "cells"} for b in g.bodies]}
                for g in model["overseen"]["groups"]
            ],
        }
    return out


def _csv_rows(model: dict):
    agency = model["agency"]
    for r in model["reports"]:
        yield ["self", agency["agency_id"], agency["name"], agency["kind"], agency["level"], r["year"],
               r["check_status"], r["checks_failed"], 1, r["report_id"], r["url"]]
    if not model["overseen"]:
        return
    for g in model["overseen"]["groups"]:
        for b in g.bodies:
            for year in model["overseen"]["years"]:
                c = b["years"].get(year)
                report = (c["status"], c["checks_failed"], c["reports"], c["report_id"], c["url"]) if c else (
                    None, None, 0, None, None)
                yield [g.tier.key, b["agency_id"], b["name"], b["kind"], b["level"], year, *report]


async def agency_page(datasette, request) -> Response:
    """``/<database>/-/gaireports/agency/<agency_id>`` and its ``.json`` and ``.csv`` renditions."""
    src = await database_source(datasette, request, TABLES)
    agency_id = tilde_decode(request.url_vars["agency_id"])
    model = await agency_model(datasette, src, agency_id)
    return await page_or_rendition(datasette, request, "gaireports_agency.html", model, _json, CSV_COLUMNS, _csv_rows,
                                   f"agency-{slug(agency_id)}.csv")
