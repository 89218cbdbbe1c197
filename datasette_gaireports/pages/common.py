"""What every gaireports page shares: finding the databases, permissions,
query-string parameters, URLs, number formatting and responses."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, overload
from urllib.parse import quote as url_quote

from datasette.database import Database
from datasette.utils import add_cors_headers, escape_sqlite, tilde_decode, tilde_encode
from datasette.utils.asgi import BadRequest, Forbidden, NotFound, Response

from .. import pipeline
from ..layout import Family

PLUGIN = "datasette-gaireports"
REQUIRED_TABLES = frozenset({"reports", "agencies", "checks", "rules", "rule_instances", "cells", "formats"})
"""A database is a gaireports database when it has all of these tables."""

STATUS_ORDER = ("pass", "warning", "incomplete", "fail", "none")
STATUS_ZH = {
    "pass": "通过",
    "warning": "提示",
    "incomplete": "不完整",
    "fail": "未通过",
    "none": "无检查",
}
STATUS_RANK = {s: i for i, s in enumerate(("pass", "warning", "incomplete", "fail", "none"))}
"""Check statuses from best to worst."""
_CODE = re.compile(r"[A-Za-z0-9_.\-]{1,64}")
_WHOLE = re.compile(r"[0-9]{1,9}")
_NAME = re.compile(r"[^\x00-\x1f\x7f]{1,40}")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""What a spreadsheet reads as the start of a formula (OWASP's list for CSV injection)."""
_INERT_TEXT = re.compile(r"-?(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+)|-+")
"""Text starting like a formula that a spreadsheet still reads as a number or a dash."""
SECURITY_HEADERS = {"x-content-type-options": "nosniff"}
"""Headers on every response of the plugin's pages."""


@dataclass(frozen=True)
class Source:
    """One served gaireports database."""

    name: str
    db: Database
    tables: frozenset[str]
    _columns: dict[str, frozenset[str]] = field(default_factory=dict, compare=False, repr=False)
    """Columns of the tables read so far: a Source lives for one request, and the pages ask often."""

    async def rows(self, sql: str, params: Sequence[Any] | dict | None = None) -> list[dict]:
        """Run a read query, returning the rows as dicts."""
        results = await self.db.execute(sql, params or [])
        return [dict(r) for r in results.rows]

    async def one(self, sql: str, params: Sequence[Any] | dict | None = None) -> dict | None:
        rows = await self.rows(sql, params)
        return rows[0] if rows else None

    async def columns(self, table: str) -> frozenset[str]:
        """The columns of ``table`` (none where the database lacks it: one of an earlier version), read once."""
        if table not in self.tables:
            return frozenset()
        if table not in self._columns:
            self._columns[table] = frozenset(await self.db.table_columns(table))
        return self._columns[table]


def best_report(reports: list[dict]) -> dict:
    """The report that stands for a body's year: parsed, not a duplicate, best check status, then by source."""
    return min(
        reports,
        key=lambda r: (r["status"] != "parsed", r["duplicate_of"] is not None,
                       STATUS_RANK.get(r["check_status"] or "none", 9), r["source"]),
    )


def slug(text: str) -> str:
    """``text`` reduced to ASCII letters, digits, ``_`` and ``-`` (for ids and download names)."""
    return re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-") or "x"


def families() -> dict[str, Family]:
    """Every table family the pipeline knows, by name."""
    return {f.name: f for f in pipeline.families()}


@lru_cache(maxsize=1)
def rule_positions() -> dict[str, tuple[int, int]]:
    """Rule id → (family position, rule position): the order the family layouts list them in."""
    out: dict[str, tuple[int, int]] = {}
    for i, fam in enumerate(pipeline.families()):
        for j, rule in enumerate(fam.rules):
            out.setdefault(rule.id, (i, j))
    return out


def rule_sort_key(rule_id: str) -> tuple:
    return (rule_positions().get(rule_id, (10**6, 0)), rule_id)


def quote(identifier: str) -> str:
    """An SQL identifier, quoted for SQLite."""
    return escape_sqlite(identifier)


async def _gaireports_tables(db: Database) -> frozenset[str] | None:
    names = frozenset(await db.table_names())
    return names if REQUIRED_TABLES <= names else None


async def ensure_allowed(
    datasette, actor: dict | None, database: str | None = None, tables: Iterable[str] = ()
) -> None:
    """Raise ``Forbidden`` unless the actor may view the instance, the database and each table."""
    if not await datasette.permission_allowed(actor, "view-instance", default=True):
        raise Forbidden("view-instance")
    if database is None:
        return
    if not await datasette.permission_allowed(actor, "view-database", database, default=True):
        raise Forbidden("view-database")
    for table in tables:
        if not await datasette.permission_allowed(actor, "view-table", (database, table), default=True):
            raise Forbidden("view-table")


async def database_source(datasette, request, tables: Iterable[str] = ()) -> Source:
    """The gaireports database named in the URL, after the permission checks.

    Unknown databases and databases without the gaireports tables are 404s.
    """
    route = tilde_decode(request.url_vars["database"])
    try:
        db = datasette.get_database(route=route)
    except KeyError:
        raise NotFound(f"Database not found: {route}") from None
    await ensure_allowed(datasette, request.actor, db.name, tables)
    names = await _gaireports_tables(db)
    if names is None:
        raise NotFound(f"{db.name} is not a gaireports database")
    return Source(db.name, db, names)


async def visible_sources(datasette, actor: dict | None, tables: Iterable[str] = ()) -> list[Source]:
    """Every served gaireports database the actor may view, in the order Datasette lists them."""
    out = []
    tables = tuple(tables)
    for name, db in datasette.databases.items():
        if name == "_internal":
            continue
        names = await _gaireports_tables(db)
        if names is None:
            continue
        try:
            await ensure_allowed(datasette, actor, name, tables)
        except Forbidden:
            continue
        out.append(Source(name, db, names))
    return out


def _single(request, name: str) -> str | None:
    """A query-string parameter given at most once; repeating it is a 400."""
    values = request.args.getlist(name)
    if len(values) > 1:
        raise BadRequest(f"{name} is given more than once")
    return values[0] if values else None


@overload
def int_arg(request, name: str, lo: int, hi: int, default: int) -> int: ...
@overload
def int_arg(request, name: str, lo: int, hi: int, default: None = None) -> int | None: ...
def int_arg(request, name: str, lo: int, hi: int, default: int | None = None) -> int | None:
    """An integer query-string parameter (ASCII digits) in [lo, hi]; absent or empty gives ``default``."""
    raw = _single(request, name)
    if raw is None or raw == "":
        return default
    if not _WHOLE.fullmatch(raw):
        raise BadRequest(f"{name} must be a whole number")
    value = int(raw)
    if not lo <= value <= hi:
        raise BadRequest(f"{name} must be between {lo} and {hi}")
    return value


def _matching_arg(request, name: str, pattern: re.Pattern[str], what: str) -> str | None:
    """A query-string parameter that must match ``pattern`` whole (else a 400 saying it is not ``what``); absent or
    empty gives ``None``."""
    raw = _single(request, name)
    if raw is None or raw == "":
        return None
    if not pattern.fullmatch(raw):
        raise BadRequest(f"{name} is not {what}")
    return raw


def code_arg(request, name: str) -> str | None:
    """A short ASCII code parameter (rule id, format code…); absent or empty gives ``None``."""
    return _matching_arg(request, name, _CODE, "a valid code")


def name_arg(request, name: str) -> str | None:
    """A name parameter (a place: 广东省, 肇庆市) of at most 40 characters and no control characters; absent or
    empty gives ``None``."""
    return _matching_arg(request, name, _NAME, "a valid name (at most 40 characters)")


class Urls:
    """URLs of the plugin's pages, under the instance's ``base_url``."""

    def __init__(self, datasette):
        self.ds = datasette

    def status(self, database: str | None = None) -> str:
        if database is None:
            return self.ds.urls.path("-/gaireports")
        return f"{self.ds.urls.database(database)}/-/gaireports"

    def failing(self, database: str | None, ext: str) -> str:
        if database is None:
            return self.ds.urls.path(f"-/gaireports/failing.{ext}")
        return f"{self.status(database)}/failing.{ext}"

    def report(self, database: str, report_id: str, ext: str | None = None) -> str:
        suffix = f".{ext}" if ext else ""
        return f"{self.status(database)}/report/{tilde_encode(report_id)}{suffix}"

    def agency(self, database: str, agency_id: str, ext: str | None = None) -> str:
        suffix = f".{ext}" if ext else ""
        return f"{self.status(database)}/agency/{tilde_encode(agency_id)}{suffix}"

    def row(self, database: str, table: str, *pks: str) -> str:
        return self.ds.urls.row(database, table, ",".join(tilde_encode(str(p)) for p in pks))

    def table(self, database: str, table: str, **filters: Any) -> str:
        url = self.ds.urls.table(database, table)
        if filters:
            from urllib.parse import urlencode

            url += "?" + urlencode(filters)
        return url


def number(value: Any) -> str:
    """A figure as the reports print it: whole numbers without a decimal point."""
    if value is None:
        return ""
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return f"{value:.10g}"
    return str(value)


def plain(value: Any) -> Any:
    """A value for JSON: integral floats as integers."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def json_list(text: Any) -> list:
    """A JSON array stored in a text column; anything else (bad JSON, an object, a number) gives ``[]``."""
    if not isinstance(text, str) or not text:
        return []
    try:
        value = json.loads(text)
    except ValueError:
        return []
    return value if isinstance(value, list) else []


def _headers(datasette) -> dict[str, str]:
    headers = dict(SECURITY_HEADERS)
    if datasette.cors:
        add_cors_headers(headers)
    return headers


def json_text(data: Any) -> str:
    """Indented JSON with ``<``, ``>`` and ``&`` written as ``\\u`` escapes, so no HTML parser sees markup in it."""
    text = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def json_response(datasette, data: Any, status: int = 200) -> Response:
    return Response(
        json_text(data), status=status, headers=_headers(datasette), content_type="application/json; charset=utf-8"
    )


def csv_cell(value: Any) -> Any:
    """A value for the plugin's CSV downloads: numbers as printed, and text that a spreadsheet
    would read as a formula prefixed with ``'`` (OWASP); text that is a plain number (``-3``)
    or only hyphens (a printed dash) is kept."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (int, float)):
        return number(value)
    text = str(value)
    if text.startswith(FORMULA_START) and not _INERT_TEXT.fullmatch(text):
        return "'" + text
    return text


def content_disposition(filename: str) -> str:
    """``inline`` with an ASCII file name and the full name in RFC 5987 form."""
    ascii_name = re.sub(r"[^A-Za-z0-9_.-]+", "-", filename).strip("-.") or "download.csv"
    return f"inline; filename=\"{ascii_name}\"; filename*=UTF-8''{url_quote(filename, safe='')}"


def csv_response(datasette, header: Sequence[str], rows: Iterable[Sequence[Any]], filename: str) -> Response:
    buf = io.StringIO()
    # RFC 4180 line ends: the writer then quotes any field holding a CR or LF, so a
    # carriage return inside a cell cannot start a new row in a spreadsheet.
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([csv_cell(h) for h in header])
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
    headers = {**_headers(datasette), "content-disposition": content_disposition(filename)}
    return Response(buf.getvalue(), headers=headers, content_type="text/csv; charset=utf-8")


async def page_or_rendition(
    datasette, request, template: str, model: dict, to_json: Callable[[dict], Any],
    csv_columns: Sequence[str], to_csv: Callable[[dict], Iterable[Sequence[Any]]], filename: str,
) -> Response:
    """The page ``template`` renders from ``model``, or its ``.json`` or ``.csv`` rendition where the URL's ``ext``
    asks for one."""
    ext = request.url_vars.get("ext")
    if ext == "json":
        return json_response(datasette, to_json(model))
    if ext == "csv":
        return csv_response(datasette, csv_columns, to_csv(model), filename)
    return await render(datasette, request, template, model)


def database_color(datasette, database: str | None) -> str:
    """The page-header colour Datasette gives a database (0.65 uses one colour for all)."""
    if database:
        color = getattr(datasette.databases.get(database), "color", None)
        if color:
            return color
    return "ff0000"


async def render(datasette, request, template: str, context: dict) -> Response:
    """Render one of the plugin's templates inside Datasette's ``base.html``."""
    database = context.get("database")
    context = {
        **context,
        "gr_color": database_color(datasette, database),
        "gr_urls": Urls(datasette),
        "STATUS_ZH": STATUS_ZH,
        "number": number,
    }
    html = await datasette.render_template(template, context, request=request, view_name="gaireports")
    return Response.html(html, headers=dict(SECURITY_HEADERS))
