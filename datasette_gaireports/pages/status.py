"""The balance-check status pages and the failing-checks list with its renditions.

``/-/gaireports`` sums every served gaireports database the actor may see;
``/<database>/-/gaireports`` covers one database. Both list the failing checks,
filterable by ``rule``, ``year`` and ``format`` and by the body's ``province``,
``prefecture``, ``county`` and ``level`` (so an office can list the failures of
the bodies it oversees), and paginated by ``page`` and ``size``;
``…/failing.csv`` (every matching row) and ``…/failing.json`` (the page, with
``next_url``) carry the same list.

A database built by this version holds the counts and the failing list in
summary tables (:mod:`datasette_gaireports.summaries`), so no request groups
or sorts ``reports`` or ``checks``; an older database without them is counted
from its full tables.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from urllib.parse import urlencode

from datasette.database import QueryInterrupted
from datasette.utils.asgi import Response

from ..describe import ELSEWHERE_QUERY
from ..summaries import (
    FAILING_FILTERS,
    FAILING_FROM,
    FAILING_ORDER,
    FAILING_REGION_FILTERS,
    PLACES,
    failing_filter_columns,
    failing_select,
)
from .charts import stacked_bars
from .common import (
    STATUS_ORDER,
    Source,
    Urls,
    code_arg,
    csv_response,
    database_source,
    ensure_allowed,
    families,
    int_arg,
    json_response,
    name_arg,
    plain,
    quote,
    render,
    rule_sort_key,
    visible_sources,
)
from .labels import LEVEL_ZH, province_key, scope_label

TABLES = ("reports", "agencies", "checks", "rules", "formats")
PAGE_SIZE = 50
MAX_PAGE_SIZE = 1000
CSV_CHUNK = 1000

OPTIONAL_DIMENSIONS = (
    ("province", "省份", "Province"),
    ("level", "机构层级", "Agency level"),
    ("agency_level", "机构层级", "Agency level"),
)
"""Breakdowns drawn when ``reports`` or ``agencies`` has the column (reports first); a column of ``agencies`` is
counted from ``agency_summary`` where that has it."""

FAILING_COLUMNS = (
    "database", "report_id", "agency_id", "agency", *FAILING_REGION_FILTERS, "year", "format", "rule", "scope",
    "scope_label", "left", "right", "difference", "source", "report_url",
)


@dataclass(frozen=True)
class Filters:
    """The failing list's filters, validated from the query string: the check's (``rule``, ``year``, ``format``)
    and its body's (``province``, ``prefecture``, ``county``, ``level``)."""

    rule: str | None = None
    year: int | None = None
    format: str | None = None
    province: str | None = None
    prefecture: str | None = None
    county: str | None = None
    level: str | None = None

    @classmethod
    def from_request(cls, request) -> Filters:
        return cls(
            rule=code_arg(request, "rule"),
            year=int_arg(request, "year", 1900, 2100),
            format=code_arg(request, "format"),
            **{name: name_arg(request, name) for name in PLACES},
            level=code_arg(request, "level"),
        )

    def items(self) -> list[tuple[str, str | int]]:
        """(filter, value) of each filter given, in the order above."""
        return [(name, value) for name in FILTER_NAMES if (value := getattr(self, name)) is not None]

    def params(self) -> dict[str, str]:
        return {name: str(value) for name, value in self.items()}

    @property
    def by_body(self) -> bool:
        """Whether a filter by the body is given (the counts by rule, year and format cannot answer it)."""
        return any(getattr(self, name) is not None for name in FAILING_REGION_FILTERS)

    def where(self, columns: dict[str, str] | None = None) -> tuple[list[str], list]:
        """SQL conditions (to join with ``and``) and their parameters; ``columns`` maps each filter to its column."""
        items = self.items()
        return [f"{(columns or {}).get(name, name)} = ?" for name, _ in items], [value for _, value in items]


FILTER_NAMES = (*FAILING_FILTERS, *FAILING_REGION_FILTERS)

SUMMARY_TABLES = frozenset({"check_summary", "report_summary"})
"""Counts kept at build time; a database without them (an older build) is counted from its full tables."""
AGENCY_SUMMARY = "agency_summary"
"""Report counts by the body's columns (province, level), for the breakdowns by those columns."""
FAILING_TABLES = frozenset({"failing_checks", "check_summary"})
"""The failing list in order and its counts, kept at build time; without them the list is read from ``checks``."""


def summarised(src: Source, tables: frozenset[str] = SUMMARY_TABLES) -> bool:
    return tables <= src.tables


async def headline(src: Source) -> Counter:
    """Reports by overall check status, plus parsed and unparsed counts, and (``elsewhere``, where the database
    records it) the reports whose standard tables are likely in images or attachments."""
    if summarised(src):
        elsewhere = "tables_elsewhere" in await src.columns("report_summary")
        row = await src.one(
            f"""
            select sum(reports) as reports,
                   sum(case when status = 'parsed' then reports end) as parsed,
                   sum(case when status = 'unparsed' then reports end) as unparsed,
                   sum(case when check_status = 'pass' then reports end) as "pass",
                   sum(case when check_status = 'warning' then reports end) as "warning",
                   sum(case when check_status = 'incomplete' then reports end) as "incomplete",
                   sum(case when check_status = 'fail' then reports end) as "fail",
                   sum(case when coalesce(check_status, 'none') = 'none' then reports end) as "none"
                   {", sum(tables_elsewhere) as elsewhere" if elsewhere else ""}
            from report_summary
            """
        )
    else:
        elsewhere = "tables_missing" in await src.columns("reports")
        row = await src.one(
            f"""
            select count(*) as reports,
                   sum(status = 'parsed') as parsed,
                   sum(status = 'unparsed') as unparsed,
                   sum(check_status = 'pass') as "pass",
                   sum(check_status = 'warning') as "warning",
                   sum(check_status = 'incomplete') as "incomplete",
                   sum(check_status = 'fail') as "fail",
                   sum(coalesce(check_status, 'none') = 'none') as "none"
                   {", count(tables_missing) as elsewhere" if elsewhere else ""}
            from reports
            """
        )
    return Counter({k: v or 0 for k, v in (row or {}).items()})


async def rule_counts(src: Source) -> dict[str, dict]:
    """Per rule: its description and the count of check instances by status."""
    rules = {
        r["rule"]: {**r, "counts": Counter(), "reports_failing": 0}
        for r in await src.rows(
            "select rule, family, relation, severity, formula, description_zh, description_en, formats from rules"
        )
    }
    if summarised(src):
        by_status = "select rule, status, sum(checks) as n from check_summary group by rule, status"
        failing = "select rule, sum(reports) as n from check_summary where status = 'fail' group by rule"
    else:
        by_status = "select rule, status, count(*) as n from checks group by rule, status"
        failing = "select rule, count(distinct report_id) as n from checks where status = 'fail' group by rule"
    for r in await src.rows(by_status):
        rules.setdefault(r["rule"], {"rule": r["rule"], "counts": Counter(), "reports_failing": 0})
        rules[r["rule"]]["counts"][r["status"]] += r["n"]
    for r in await src.rows(failing):
        rules[r["rule"]]["reports_failing"] += r["n"]
    return rules


async def dimensions(src: Source) -> list[tuple[str, str, str, str]]:
    """(key, SQL expression, Chinese title, English title) of each breakdown this database supports."""
    dims = [("year", "r.year", "年度", "Year"), ("format", "r.format", "格式", "Format")]
    report_cols = await src.columns("reports")
    agency_cols = await src.columns("agencies")
    titles = set()
    for col, zh, en in OPTIONAL_DIMENSIONS:
        if zh in titles:
            continue
        if col in report_cols:
            dims.append((col, f"r.{quote(col)}", zh, en))
        elif col in agency_cols:
            dims.append((col, f"a.{quote(col)}", zh, en))
        else:
            continue
        titles.add(zh)
    return dims


async def breakdown(src: Source, key: str, expr: str) -> dict:
    """Report counts by check status for each value of ``expr`` (a whitelisted column) named ``key``."""
    out: dict = defaultdict(Counter)
    if expr in ("r.year", "r.format") and summarised(src):
        sql = f"""
            select {key} as key, coalesce(check_status, 'none') as status, sum(reports) as n
            from report_summary group by 1, 2
            """
    elif expr.startswith("a.") and key in await src.columns(AGENCY_SUMMARY):
        sql = f"""
            select {quote(key)} as key, coalesce(check_status, 'none') as status, sum(reports) as n
            from {AGENCY_SUMMARY} group by 1, 2
            """
    else:
        sql = f"""
            select {expr} as key, coalesce(r.check_status, 'none') as status, count(*) as n
            from reports r left join agencies a on a.agency_id = r.agency_id
            group by 1, 2
            """
    for r in await src.rows(sql):
        out[r["key"]][r["status"]] += r["n"]
    return out


BREAKDOWN_ORDER = {
    "province": province_key,
    "level": lambda v: (list(LEVEL_ZH).index(v) if v in LEVEL_ZH else len(LEVEL_ZH), v is None, str(v)),
}
"""How the rows of a breakdown are ordered where not by their value (blank last): provinces by code, levels from
the top down."""


async def format_titles(src: Source) -> dict[str, str]:
    return {r["format"]: r["title"] for r in await src.rows("select format, title from formats")}


async def _kept_list(src: Source, filters: Filters) -> bool:
    """Whether the failing list is read from ``failing_checks`` (kept at build time, with the body's columns where
    a filter by the body needs them), not from ``checks``."""
    if not summarised(src, FAILING_TABLES):
        return False
    return not filters.by_body or set(FAILING_REGION_FILTERS) <= await src.columns("failing_checks")


async def failing_count(src: Source, filters: Filters) -> int:
    """The rows of the failing list: a sum over ``check_summary``, counted from ``failing_checks`` when filtered by
    the body, or counted from ``checks``."""
    if await _kept_list(src, filters):
        clauses, params = filters.where()
        if filters.by_body:
            sql = f"select count(*) as n from failing_checks where {' and '.join(clauses)}"
        else:
            where = " and ".join(["status = 'fail'", *clauses])
            sql = f"select coalesce(sum(checks), 0) as n from check_summary where {where}"
    else:
        clauses, params = filters.where(failing_filter_columns(await src.columns("agencies")))
        where = " and ".join(["c.status = 'fail'", *clauses])
        sql = f"select count(*) as n {FAILING_FROM} where {where}"
    row = await src.one(sql, params)
    return row["n"] if row else 0


async def _failing_slice(src: Source, filters: Filters, limit: int, offset: int, after: int = 0) -> list[dict]:
    """Up to ``limit`` rows of the failing list, skipping ``offset`` matching rows past position ``after``.

    From ``failing_checks``: the unfiltered list is numbered 1, 2, 3, … so a page
    starts at a position; a filtered page is a range of the filters' index, which
    ends in the position. Each row carries its ``position``. Without the table the
    matching checks are sorted (``position`` is then None and ``after`` unused).
    """
    if await _kept_list(src, filters):
        clauses, params = filters.where()
        if not clauses:
            after, offset = after + offset, 0
        clauses.append("position > ?")
        kept = await src.columns("failing_checks")
        body = ", ".join(name if name in kept else f"null as {name}" for name in FAILING_REGION_FILTERS)
        return await src.rows(
            f"""
            select position, report_id, agency_id, agency, {body}, year, format, rule, family, scope, [left],
                   [right], difference, source
            from failing_checks where {" and ".join(clauses)}
            order by position limit ? offset ?
            """,
            [*params, after, limit, offset],
        )
    agency_columns = await src.columns("agencies")
    clauses, params = filters.where(failing_filter_columns(agency_columns))
    return await src.rows(
        f"""
        select null as position, {failing_select(agency_columns)}
        {FAILING_FROM}
        where {" and ".join(["c.status = 'fail'", *clauses])}
        order by {FAILING_ORDER}
        limit ? offset ?
        """,
        [*params, limit, offset],
    )


def _failing_display(datasette, src: Source, rows: list[dict]) -> list[dict]:
    """Rows of the failing list as the pages show them: plain values, scope labels and links."""
    fams = families()
    urls = Urls(datasette)
    out = []
    for row in rows:
        r = {k: v for k, v in row.items() if k not in ("position", "family")}
        fam = fams.get(row["family"] or "")
        out.append(
            {
                "database": src.name,
                **{k: plain(v) for k, v in r.items()},
                "scope_label": scope_label(fam, r["scope"], r["format"]) if fam else r["scope"],
                "report_url": urls.report(src.name, r["report_id"]),
                "agency_url": urls.agency(src.name, r["agency_id"]) if r["agency_id"] else None,
                "check_url": urls.row(src.name, "checks", r["report_id"], r["rule"], r["scope"]),
            }
        )
    return out


async def failing_rows(datasette, src: Source, filters: Filters, limit: int, offset: int) -> list[dict]:
    """One slice of the failing checks, ordered by agency, year, report, rule and scope."""
    return _failing_display(datasette, src, await _failing_slice(src, filters, limit, offset))


async def every_failing_row(datasette, src: Source, filters: Filters) -> list[dict]:
    """Every matching row of the failing list, read ``CSV_CHUNK`` at a time (from the last position where kept)."""
    out: list[dict] = []
    offset = after = 0
    while True:
        chunk = await _failing_slice(src, filters, CSV_CHUNK, offset, after)
        out += _failing_display(datasette, src, chunk)
        if len(chunk) < CSV_CHUNK:
            return out
        if chunk[-1]["position"] is None:
            offset += CSV_CHUNK
        else:
            after = chunk[-1]["position"]


async def failing_page(
    datasette, sources: list[Source], filters: Filters, page: int, size: int
) -> tuple[list[dict], int]:
    """The rows of one page across the databases (database order first), and the total."""
    counts = [await failing_count(s, filters) for s in sources]
    offset, remaining, rows = (page - 1) * size, size, []
    for src, n in zip(sources, counts):
        if remaining <= 0:
            break
        if offset >= n:
            offset -= n
            continue
        chunk = await failing_rows(datasette, src, filters, remaining, offset)
        rows += chunk
        remaining -= len(chunk)
        offset = 0
    return rows, sum(counts)


async def _sources(datasette, request) -> tuple[list[Source], str | None]:
    if "database" in request.url_vars:
        src = await database_source(datasette, request, TABLES)
        return [src], src.name
    await ensure_allowed(datasette, request.actor)
    return await visible_sources(datasette, request.actor, TABLES), None


def _short(value: object, length: int = 12) -> str:
    text = "(空)" if value is None else str(value)
    return text if len(text) <= length else text[: length - 1] + "…"


def _query(params: dict) -> str:
    return "?" + urlencode(params) if params else ""


async def status_context(datasette, request, sources: list[Source], database: str | None) -> dict:
    """Everything the status template shows."""
    filters = Filters.from_request(request)
    page = int_arg(request, "page", 1, 10**6, 1)
    size = int_arg(request, "size", 1, MAX_PAGE_SIZE, PAGE_SIZE)
    urls = Urls(datasette)

    totals: Counter = Counter()
    per_database = []
    rules: dict[str, dict] = {}
    timed_out = False
    dims: dict[str, tuple[str, str]] = {}
    breakdowns: dict[str, dict] = defaultdict(lambda: defaultdict(Counter))
    titles: dict[str, str] = {}
    for src in sources:
        head = await headline(src)
        totals.update(head)
        per_database.append({"name": src.name, "url": urls.status(src.name), "counts": head})
        try:
            for rule_id, r in (await rule_counts(src)).items():
                merged = rules.setdefault(rule_id, {**r, "counts": Counter(), "reports_failing": 0})
                merged["counts"].update(r["counts"])
                merged["reports_failing"] += r["reports_failing"]
        except QueryInterrupted:
            timed_out = True
        titles.update(await format_titles(src))
        for key, expr, zh, en in await dimensions(src):
            dims.setdefault(key, (zh, en))
            for value, counts in (await breakdown(src, key, expr)).items():
                breakdowns[key][value].update(counts)

    rule_list = [rules[k] for k in sorted(rules, key=rule_sort_key)]
    for r in rule_list:
        r["url"] = urls.status(database) + _query({"rule": r["rule"]}) + "#failing"
    tables = []
    for key, (zh, en) in dims.items():
        values = sorted(breakdowns[key], key=BREAKDOWN_ORDER.get(key, lambda v: (v is None, str(v))))
        rows = []
        for v in values:
            label = "(空)" if v is None else str(v)
            if key == "format" and v in titles:
                label = f"{v} · {titles[v]}"
            if key == "level" and v in LEVEL_ZH:
                label = f"{LEVEL_ZH[v]} · {v}"
            filter_url = None
            if key in FILTER_NAMES and v is not None:
                filter_url = urls.status(database) + _query({key: v}) + "#failing"
            rows.append({"value": v, "label": label, "counts": breakdowns[key][v], "url": filter_url})
        chart = stacked_bars([(_short(r["value"]), r["counts"]) for r in rows], STATUS_ORDER)
        tables.append({"key": key, "zh": zh, "en": en, "rows": rows, "chart": chart})

    rows, total = await failing_page(datasette, sources, filters, page, size)
    pages = max((total + size - 1) // size, 1)
    base = filters.params()
    if size != PAGE_SIZE:
        base["size"] = str(size)
    here = urls.status(database)
    options = await _filter_options(sources, filters)
    return {
        "database": database,
        "gr_crumbs": [("勾稽检查", here)],
        "sources": per_database,
        "totals": totals,
        "rules": rule_list,
        "rules_timed_out": timed_out,
        "breakdowns": tables,
        "status_order": STATUS_ORDER,
        "failing": {
            "rows": rows,
            "total": total,
            "page": page,
            "pages": pages,
            "size": size,
            "filters": filters,
            "options": options,
            "places": list(PLACES),
            "prev_url": here + _query({**base, "page": page - 1}) + "#failing" if page > 1 else None,
            "next_url": here + _query({**base, "page": page + 1}) + "#failing" if page < pages else None,
            "csv_url": urls.failing(database, "csv") + _query(filters.params()),
            "json_url": urls.failing(database, "json") + _query({**base, "page": page} if page > 1 else base),
            "reset_url": here + "#failing",
        },
        "checks_url": urls.table(database, "checks", status="fail") if database else None,
        "rules_url": urls.table(database, "rules") if database else None,
        "reports_url": urls.table(database, "reports") if database else None,
        "unparsed_url": urls.table(database, "reports", status="unparsed") if database else None,
        "elsewhere_url": await _canned_url(datasette, request, database, ELSEWHERE_QUERY),
        "elsewhere_rows_url": urls.table(database, "reports", tables_missing__notnull="1") if database else None,
        "elsewhere_known": any("elsewhere" in d["counts"] for d in per_database),
    }


async def _canned_url(datasette, request, database: str | None, name: str) -> str | None:
    """The address of canned query ``name`` of ``database``, where the metadata (or a plugin) gives the database
    one."""
    if database is None or await datasette.get_canned_query(database, name, request.actor) is None:
        return None
    return f"{datasette.urls.database(database)}/{name}"


async def _filter_options(sources: list[Source], filters: Filters) -> list[dict]:
    """The form's filters, each with its label, its choices as (value, text) and the value chosen: rules, years
    and formats; provinces and levels; the prefectures of the chosen province and the counties of the chosen
    prefecture, in the order of their codes. A chosen value is always among its choices; a filter by the body
    with no choice is left out."""
    rules: dict[str, str] = {}
    years: set[int] = set()
    formats: dict[str, str] = {}
    places: dict[str, list[str]] = defaultdict(list)
    for src in sources:
        for r in await src.rows("select rule, description_zh from rules"):
            rules.setdefault(r["rule"], r["description_zh"])
        table = "report_summary" if summarised(src) else "reports"
        for r in await src.rows(f"select distinct year from {table} where year is not null"):
            years.add(r["year"])
        formats.update(await format_titles(src))
        for name, values in (await _body_options(src, filters)).items():
            places[name] += [v for v in values if v not in places[name]]
    for name in FAILING_REGION_FILTERS:
        if (chosen := getattr(filters, name)) is not None and chosen not in places[name]:
            places[name].append(chosen)
    choices = {
        "rule": [(k, f"{k} {rules[k]}") for k in sorted(rules, key=rule_sort_key)],
        "year": [(y, str(y)) for y in sorted(years)],
        "format": [(k, f"{k} · {title}") for k, title in sorted(formats.items())],
        "province": [(v, v) for v in sorted(places["province"], key=province_key)],
        **{name: [(v, v) for v in places[name]] for name in PLACES[1:]},
        "level": [(v, f"{LEVEL_ZH.get(v, v)} · {v}") for v in sorted(places["level"], key=BREAKDOWN_ORDER["level"])],
    }
    return [
        {"name": name, "label": FILTER_LABELS[name], "choices": choices[name], "chosen": getattr(filters, name)}
        for name in FILTER_NAMES
        if choices[name] or name in FAILING_FILTERS
    ]


FILTER_LABELS = {
    "rule": "规则 rule", "year": "年度 year", "format": "格式 format", "province": "省份 province",
    "prefecture": "地市 prefecture", "county": "区县 county", "level": "机构层级 level",
}
"""The form's label of each filter of the failing list."""


async def _body_options(src: Source, filters: Filters) -> dict[str, list[str]]:
    """The provinces and levels of the bodies of one database, the prefectures of the chosen province, and the
    counties of the chosen prefecture of the chosen province."""
    columns = await src.columns("agencies")
    out: dict[str, list[str]] = {}
    kept = AGENCY_SUMMARY if {"province", "level"} <= await src.columns(AGENCY_SUMMARY) else "agencies"
    for name in ("province", "level"):
        if name in columns:
            rows = await src.rows(f"select distinct {name} as v from {kept} where {name} is not null")
            out[name] = [r["v"] for r in rows]
    for depth, name in enumerate(PLACES[1:], 1):
        above = PLACES[:depth]
        chosen = [getattr(filters, p) for p in above]
        if {name, *above} <= columns and None not in chosen:
            where = " and ".join(f"{p} = ?" for p in above)
            order = "min(adcode), " if "adcode" in columns else ""
            rows = await src.rows(
                f"select {name} as v from agencies where {where} and {name} is not null group by {name} "
                f"order by {order}{name}",
                chosen,
            )
            out[name] = [r["v"] for r in rows]
    return out


async def instance_status(datasette, request) -> Response:
    """``/-/gaireports``: the status of every served gaireports database."""
    sources, _ = await _sources(datasette, request)
    context = await status_context(datasette, request, sources, None)
    return await render(datasette, request, "gaireports_status.html", context)


async def database_status(datasette, request) -> Response:
    """``/<database>/-/gaireports``: the status of one database."""
    sources, name = await _sources(datasette, request)
    context = await status_context(datasette, request, sources, name)
    return await render(datasette, request, "gaireports_status.html", context)


async def failing_rendition(datasette, request) -> Response:
    """``failing.csv`` (every matching row) and ``failing.json`` (one page) of the failing list."""
    sources, name = await _sources(datasette, request)
    filters = Filters.from_request(request)
    page = int_arg(request, "page", 1, 10**6, 1)
    size = int_arg(request, "size", 1, MAX_PAGE_SIZE, PAGE_SIZE)
    urls = Urls(datasette)
    if request.url_vars["ext"] == "csv":
        rows = []
        for src in sources:
            rows += await every_failing_row(datasette, src, filters)
        return csv_response(
            datasette,
            FAILING_COLUMNS,
            ([r[c] for c in FAILING_COLUMNS] for r in rows),
            f"failing-checks{'-' + name if name else ''}.csv",
        )
    rows, total = await failing_page(datasette, sources, filters, page, size)
    base = {**filters.params(), **({"size": str(size)} if size != PAGE_SIZE else {})}
    next_url = None
    if page * size < total:
        next_url = datasette.absolute_url(request, urls.failing(name, "json") + _query({**base, "page": page + 1}))
    return json_response(
        datasette,
        {
            "database": name,
            "filters": filters.params(),
            "total": total,
            "page": page,
            "size": size,
            "columns": list(FAILING_COLUMNS),
            "rows": [{c: r[c] for c in FAILING_COLUMNS} for r in rows],
            "next_url": next_url,
        },
    )

