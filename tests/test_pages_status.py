"""The balance-check status pages, the failing-checks list and its CSV and JSON renditions."""

from __future__ import annotations

import csv
import io
import re
import shutil
import sqlite3
from collections.abc import Mapping, Sequence

import pytest
import sqlite_utils
from datasette.app import Datasette
from datasette.utils import PrefixedUrlString
from datasette_test import actor_cookie

from datasette_gaireports.finish import refresh_summaries
from datasette_gaireports.pipeline import families

from .conftest import SEEDS, found

STATUS = "/-/gaireports"
DB_STATUS = "/gaireports/-/gaireports"
SUMMARIES = ("check_summary", "report_summary", "agency_summary", "failing_checks")


def figure(html: str, name: str) -> int:
    m = re.search(rf'data-figure="{name}">(\d+)<', html)
    assert m, name
    return int(m[1])


def rule_row(html: str, rule: str) -> str:
    m = re.search(rf'<tr data-rule="{rule}">(.*?)</tr>', html, re.S)
    assert m, rule
    return m[1]


def count_in(row_html: str, key: str) -> int:
    return int(found(rf'data-count="{key}">(\d+)<', row_html))


def failing_rows(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<tr data-report="([0-9a-f]+)" data-rule="(\w+)">', html)


@pytest.fixture(scope="module")
def ds(corpus_db):
    return Datasette([str(corpus_db)])


@pytest.mark.asyncio
async def test_instance_headline_figures(ds, corpus_db):
    r = await ds.client.get(STATUS)
    assert r.status_code == 200
    html = r.text
    assert figure(html, "reports") == 6
    assert figure(html, "fail") == 1  # only the imbalanced report
    conn = sqlite3.connect(corpus_db)
    counts = dict(conn.execute("select check_status, count(*) from reports group by 1").fetchall())
    for status in ("pass", "incomplete", "warning", "none"):
        assert figure(html, status) == counts.get(status, 0), status
    assert figure(html, "pass") + figure(html, "incomplete") + figure(html, "warning") + figure(html, "none") == 5
    assert '<link rel="stylesheet" href="/-/static/app.css' in html  # Datasette's own base.html
    assert '<p class="crumbs">' in html and 'href="/"' in html


@pytest.mark.asyncio
async def test_database_page_has_same_figures(ds):
    html = (await ds.client.get(DB_STATUS)).text
    assert figure(html, "reports") == 6 and figure(html, "fail") == 1
    assert 'href="/gaireports/checks?status=fail"' in html


@pytest.mark.asyncio
async def test_per_rule_counts_and_wording(ds):
    html = (await ds.client.get(DB_STATUS)).text
    rule_ids = re.findall(r'<tr data-rule="(\w+)">', html)
    layout_ids = [r.id for f in families() for r in f.rules]
    assert rule_ids[: len(layout_ids)] == layout_ids  # R1…R4 then L1…L9, the layouts' order
    r2 = rule_row(html, "R2")
    assert "办理结果总计等于各项办理结果之和" in r2
    assert count_in(r2, "fail") == 1 and count_in(r2, "reports_failing") == 1
    assert count_in(r2, "pass") == 3 * 7 - 1  # three 2019 reports × seven columns, one failing
    r1 = rule_row(html, "R1")
    assert "第一项加第二项之和,等于第三项加第四项之和" in r1
    assert count_in(r1, "fail") == 0 and count_in(r1, "pass") == 21
    l1 = rule_row(html, "L1")
    assert count_in(l1, "incomplete") == 2 and count_in(l1, "pass") == 1


@pytest.mark.asyncio
async def test_breakdowns_by_year_and_format_with_charts(ds, corpus_db):
    html = (await ds.client.get(DB_STATUS)).text
    year = found(r'data-breakdown="year">(.*?)</table>', html, re.S)
    row_2019 = found(r"2019</a></td>(.*?)</tr>", year, re.S)
    assert [int(x) for x in re.findall(r">(\d+)<", row_2019)] == [2, 1, 0, 0, 1, 0]
    fmt = found(r'data-breakdown="format">(.*?)</table>', html, re.S)
    assert "2019 · 2019年模板" in fmt and "legacy · 政府信息公开情况统计表" in fmt and "prose" in fmt
    svgs = re.findall(r"<svg class=\"gr-chart\".*?</svg>", html, re.S)
    assert 'class="gr-seg-fail"' in svgs[0] and "2019: fail 1" in svgs[0]
    assert not re.search(r"<script[^>]+src=", html)  # no external scripts
    # Province and level breakdowns appear exactly when the database has the columns.
    conn = sqlite3.connect(corpus_db)
    columns = {r[1] for t in ("reports", "agencies") for r in conn.execute(f"pragma table_info({t})")}
    optional = [c for c in ("province", "level") if c in columns]
    assert len(svgs) == 2 + len(optional)
    for c in ("province", "level"):
        assert (f'id="by-{c}"' in html) == (c in columns)


@pytest.mark.asyncio
async def test_province_and_level_breakdowns_when_columns_exist(corpus_db, tmp_path):
    db = tmp_path / "gaireports.db"
    shutil.copy(corpus_db, db)
    conn = sqlite3.connect(db)
    agency_columns = {r[1] for r in conn.execute("pragma table_info(agencies)")}
    if "province" not in agency_columns:
        conn.execute("alter table agencies add column province text")
    if "level" not in agency_columns:
        conn.execute("alter table agencies add column level text")
    conn.execute("update agencies set province = case when name like '铁岭%' then '辽宁省' else '其他' end")
    conn.execute("update agencies set level = '市级'")
    refresh_summaries(sqlite_utils.Database(conn))  # the page reads the counts kept at build time
    conn.commit()
    conn.close()
    html = (await Datasette([str(db)]).client.get(DB_STATUS)).text
    province = found(r'data-breakdown="province">(.*?)</table>', html, re.S)
    liaoning = found(r"辽宁省</a></td>(.*?)</tr>", province, re.S)
    assert [int(x) for x in re.findall(r">(\d+)<", liaoning)][:1] == [2]
    other = found(r"其他</a></td>(.*?)</tr>", province, re.S)
    assert [int(x) for x in re.findall(r">(\d+)<", other)][:1] == [4]
    assert "按机构层级" in html and "市级" in html
    assert len(re.findall(r"<svg class=\"gr-chart\"", html)) == 4


def served_copy(corpus_db, folder, edit: str | None = None) -> Datasette:
    """A copy of the corpus database, with ``edit`` (SQL) applied and not summarised again, served."""
    folder.mkdir(exist_ok=True)
    db = folder / "gaireports.db"
    shutil.copy(corpus_db, db)
    if edit:
        conn = sqlite3.connect(db)
        conn.executescript(edit)
        conn.close()
    return Datasette([str(db)])


@pytest.mark.asyncio
async def test_pages_read_the_summaries(corpus_db, tmp_path):
    """Emptied full tables, summaries left as built: the status page and the failing list answer as before."""
    expected = await served_copy(corpus_db, tmp_path / "a").client.get(DB_STATUS)
    ds = served_copy(
        corpus_db, tmp_path / "b", "delete from checks; update agencies set province = null, level = null; delete from reports",
    )
    html = (await ds.client.get(DB_STATUS)).text
    assert figure(html, "reports") == 6 and figure(html, "fail") == 1
    assert [rule for _, rule in failing_rows(html)] == ["R2", "R3"]
    assert int(found(r'data-figure="failing-total">(\d+)<', html)) == 2
    for key in ("year", "format", "province", "level"):
        pattern = rf'data-breakdown="{key}">(.*?)</table>'
        assert found(pattern, html, re.S) == found(pattern, expected.text, re.S), key
    data = (await ds.client.get(f"{DB_STATUS}/failing.json?rule=R3&year=2019")).json()
    assert data["total"] == 1 and [(x["rule"], x["scope"], x["agency"]) for x in data["rows"]] == [
        ("R3", "granted", "铁岭市人民政府")
    ]
    rows = list(csv.DictReader(io.StringIO((await ds.client.get(f"{DB_STATUS}/failing.csv")).text)))
    assert [x["rule"] for x in rows] == ["R2", "R3"]


class Recorded:
    """Every query one served database runs, with its parameters."""

    def __init__(self, ds: Datasette, name: str = "gaireports"):
        self.queries: list[tuple[str, Sequence[object] | Mapping[str, object] | None]] = []
        db = ds.get_database(name)
        execute = db.execute

        async def recorded(sql, params=None, *args, **kwargs):
            self.queries.append((sql, params))
            return await execute(sql, params, *args, **kwargs)

        db.execute = recorded


SMALL_TABLES = {*SUMMARIES, "rules", "formats", "sqlite_master"}


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "path",
    [
        DB_STATUS,
        f"{DB_STATUS}?year=2019&page=2&size=1",
        f"{DB_STATUS}/failing.json?page=2&size=1",
        *(f"{DB_STATUS}/failing.json?{q}" for q in (
            "rule=R3", "year=2019", "format=2019", "rule=R2&year=2019", "rule=R2&format=2019", "year=2019&format=2019",
            "rule=R2&year=2019&format=2019", "format=2019&page=2&size=1", "province=辽宁省", "level=prefecture&rule=R2",
            "province=辽宁省&prefecture=铁岭市&year=2019&format=2019",
        )),
        f"{DB_STATUS}?province=辽宁省&prefecture=铁岭市",
        f"{DB_STATUS}/failing.csv?format=2019",
    ],
)
async def test_query_plans_use_the_summaries(corpus_db, path):
    """The pages read only the summaries and the small lookup tables; the failing list is one index range. The
    places within a chosen one (the form's choices) are read from the bodies of that place by index."""
    ds = Datasette([str(corpus_db)])
    recorded = Recorded(ds)
    assert (await ds.client.get(path)).status_code == 200
    conn = sqlite3.connect(corpus_db)
    for sql, params in recorded.queries:
        plan = [row[3] for row in conn.execute(f"explain query plan {sql}", params or [])]
        for step in plan:
            m = re.match(r"(SCAN|SEARCH) (\w+)", step)
            if m and m[2] == "agencies":
                assert m[1] == "SEARCH" and "INDEX" in step, (sql, plan)
            elif m:
                assert m[2] in SMALL_TABLES, (sql, plan)
            if m and m[2] == "failing_checks":
                assert m[1] == "SEARCH" and ("INDEX" in step or "INTEGER PRIMARY KEY" in step), (sql, plan)
        if "failing_checks" in sql:
            assert not any("TEMP B-TREE" in step for step in plan), (sql, plan)
    assert any("failing_checks" in sql for sql, _ in recorded.queries)


@pytest.mark.asyncio
@pytest.mark.parametrize("dropped", [SUMMARIES, ("agency_summary", "failing_checks")])
async def test_older_database_without_summaries_gives_the_same_pages(corpus_db, tmp_path, dropped):
    """A database built before (some of) the summary tables is counted from its full tables, with the same figures
    and order."""
    new = served_copy(corpus_db, tmp_path / "a")
    old = served_copy(corpus_db, tmp_path / "b", "".join(f"drop table {t};" for t in dropped))
    for query in ("", "?rule=R3", "?year=2019&size=1&page=2", "?format=legacy"):
        a, b = (await new.client.get(DB_STATUS + query)).text, (await old.client.get(DB_STATUS + query)).text
        assert a == b, query
        a, b = (await new.client.get(f"{DB_STATUS}/failing.json{query}")).json(), (
            await old.client.get(f"{DB_STATUS}/failing.json{query}")
        ).json()
        assert a == b, query
    assert (await new.client.get(f"{DB_STATUS}/failing.csv")).text == (
        await old.client.get(f"{DB_STATUS}/failing.csv")
    ).text


def test_refresh_summaries_follows_the_tables(corpus_db, tmp_path):
    """After a hand edit, ``refresh_summaries`` gives the summaries a fresh count of the full tables."""
    path = tmp_path / "gaireports.db"
    shutil.copy(corpus_db, path)
    db = sqlite_utils.Database(path)
    db.execute("update checks set status = 'fail' where rule = 'L1' and status = 'pass'")
    refresh_summaries(db)
    db.conn.commit()
    live = db.execute(
        "select c.report_id, c.rule, c.scope from checks c join reports r using (report_id) "
        "left join agencies a using (agency_id) where c.status = 'fail' "
        "order by coalesce(a.name, r.agency_printed) is null, coalesce(a.name, r.agency_printed), r.year, "
        "c.report_id, c.rule, c.scope"
    ).fetchall()
    kept = db.execute("select report_id, rule, scope from failing_checks order by position").fetchall()
    assert kept == live and len(kept) == 3
    assert [p for (p,) in db.execute("select position from failing_checks order by position")] == [1, 2, 3]
    assert db.execute("select sum(checks) from check_summary where status = 'fail'").fetchone()[0] == 3
    assert db.execute("select sum(reports) from agency_summary").fetchone()[0] == db["reports"].count


@pytest.mark.asyncio
async def test_failing_list_links_to_report_pages(ds, corpus_db):
    html = (await ds.client.get(DB_STATUS)).text
    rows = failing_rows(html)
    assert [rule for _, rule in rows] == ["R2", "R3"]
    report_id = rows[0][0]
    conn = sqlite3.connect(corpus_db)
    assert conn.execute("select source from reports where report_id = ?", [report_id]).fetchone()[0] == (
        "imbalanced/000_imbalanced.txt"
    )
    table = found(r'<table class="rows-and-columns gr-failing">(.*?)</table>', html, re.S)
    assert f'href="/gaireports/-/gaireports/report/{report_id}"' in table
    assert "铁岭市人民政府" in table and "自然人" in table and "(一)予以公开" in table
    cells = re.findall(r'<td class="gr-num">(-?\d+)</td>', table)
    assert cells[:3] == ["33", "35", "-2"]
    report = await ds.client.get(f"/gaireports/-/gaireports/report/{report_id}")
    assert report.status_code == 200


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "query, expected",
    [
        ("rule=R2", ["R2"]),
        ("rule=R3", ["R3"]),
        ("rule=R1", []),
        ("rule=UNKNOWN", []),
        ("year=2019", ["R2", "R3"]),
        ("year=2018", []),
        ("format=2019", ["R2", "R3"]),
        ("format=legacy", []),
        ("rule=R3&year=2019&format=2019", ["R3"]),
    ],
)
async def test_failing_list_filters(ds, query, expected):
    html = (await ds.client.get(f"{DB_STATUS}?{query}")).text
    assert [rule for _, rule in failing_rows(html)] == expected
    assert int(found(r'data-figure="failing-total">(\d+)<', html)) == len(expected)


@pytest.mark.asyncio
async def test_failing_list_pagination(ds):
    first = (await ds.client.get(f"{DB_STATUS}?size=1")).text
    assert [rule for _, rule in failing_rows(first)] == ["R2"]
    assert "第 1 / 2 页" in first
    next_url = found(r'<a href="([^"]+)" rel="next">', first).replace("&amp;", "&")
    assert next_url.startswith(DB_STATUS + "?") and "page=2" in next_url and "size=1" in next_url
    second = (await ds.client.get(next_url)).text
    assert [rule for _, rule in failing_rows(second)] == ["R3"]
    assert 'rel="prev"' in second and 'rel="next"' not in second
    beyond = (await ds.client.get(f"{DB_STATUS}?size=1&page=9")).text
    assert failing_rows(beyond) == []


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "query",
    ["year=abc", "year=99999", "year=-1", "page=0", "page=x", "size=0", "size=100000", "rule=%3Cscript%3E", "format=a%20b"],
)
async def test_bad_parameters_are_400(ds, query):
    r = await ds.client.get(f"{DB_STATUS}?{query}")
    assert r.status_code == 400
    assert "<title>Error 400</title>" in r.text and "Traceback" not in r.text


@pytest.mark.asyncio
async def test_every_list_url_validates_its_parameters(ds):
    for path in (STATUS, f"{DB_STATUS}/failing.json", f"{DB_STATUS}/failing.csv", "/-/gaireports/failing.csv"):
        r = await ds.client.get(f"{path}?year=abc&page=0")
        assert r.status_code == 400, path
        if path.endswith(".json"):
            assert r.json()["ok"] is False and "year" in r.json()["error"]
        elif path.endswith(".csv"):  # a program reading the CSV gets one line of text, no HTML page
            assert r.headers["content-type"].startswith("text/plain")
            assert r.text.startswith("Error 400: ") and "year" in r.text and r.text.count("\n") == 1
        else:
            assert "<title>Error 400</title>" in r.text


@pytest.mark.asyncio
async def test_failing_csv(ds):
    r = await ds.client.get(f"{DB_STATUS}/failing.csv")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert [(x["rule"], x["scope"], x["left"], x["right"], x["difference"]) for x in rows] == [
        ("R2", "natural_person", "33", "35", "-2"),
        ("R3", "granted", "33", "35", "-2"),
    ]
    assert rows[0]["agency"] == "铁岭市人民政府" and rows[0]["year"] == "2019" and rows[0]["format"] == "2019"
    assert rows[0]["report_url"] == f"/gaireports/-/gaireports/report/{rows[0]['report_id']}"
    filtered = list(csv.DictReader(io.StringIO((await ds.client.get(f"{DB_STATUS}/failing.csv?rule=R3")).text)))
    assert [x["rule"] for x in filtered] == ["R3"]
    # The status page's CSV link carries its filters.
    html = (await ds.client.get(f"{DB_STATUS}?rule=R3")).text
    assert f'href="{DB_STATUS}/failing.csv?rule=R3"' in html


@pytest.mark.asyncio
async def test_failing_json(ds):
    data = (await ds.client.get(f"{DB_STATUS}/failing.json")).json()
    assert data["total"] == 2 and data["database"] == "gaireports"
    assert [(x["rule"], x["left"], x["right"], x["difference"]) for x in data["rows"]] == [
        ("R2", 33, 35, -2),
        ("R3", 33, 35, -2),
    ]
    assert data["rows"][0]["scope_label"] == "自然人"
    assert data["next_url"] is None
    paged = (await ds.client.get(f"{DB_STATUS}/failing.json?size=1")).json()
    assert len(paged["rows"]) == 1 and paged["next_url"].endswith("/gaireports/-/gaireports/failing.json?size=1&page=2")
    instance = (await ds.client.get("/-/gaireports/failing.json?rule=R2")).json()
    assert instance["database"] is None and [x["rule"] for x in instance["rows"]] == ["R2"]


@pytest.mark.asyncio
async def test_several_databases(seeds_db, corpus_db):
    ds = Datasette([str(seeds_db), str(corpus_db)])
    names = [n for n in ds.databases if n != "_internal"]
    assert len(names) == 2
    html = (await ds.client.get(STATUS)).text
    assert figure(html, "reports") == 11 and figure(html, "fail") == 1 and figure(html, "pass") == 6
    for name in names:
        assert f'href="/{name}/-/gaireports"' in html
    seeds = (await ds.client.get(f"/{names[0]}/-/gaireports")).text
    assert figure(seeds, "reports") == 5 and figure(seeds, "fail") == 0
    assert failing_rows(seeds) == []
    corpus = (await ds.client.get(f"/{names[1]}/-/gaireports")).text
    assert figure(corpus, "fail") == 1 and len(failing_rows(corpus)) == 2
    rows = (await ds.client.get("/-/gaireports/failing.json?size=1&page=2")).json()
    assert rows["total"] == 2 and rows["rows"][0]["database"] == names[1] and rows["rows"][0]["rule"] == "R3"


@pytest.mark.asyncio
async def test_unknown_and_foreign_databases_are_404(corpus_db, tmp_path):
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("create table reports (id integer)").connection.close()
    ds = Datasette([str(corpus_db), str(other)])
    for path in ("/nope/-/gaireports", "/other/-/gaireports", "/other/-/gaireports/failing.csv"):
        r = await ds.client.get(path)
        assert r.status_code == 404, path
    page = await ds.client.get("/nope/-/gaireports")
    assert "<title>Error 404</title>" in page.text or "Database not found" in page.text
    assert "Traceback" not in page.text
    html = (await ds.client.get(STATUS)).text
    assert 'href="/other/-/gaireports"' not in html


@pytest.mark.asyncio
async def test_denied_instance_is_403(corpus_db):
    ds = Datasette([str(corpus_db)], metadata={"allow": False})
    for path in (STATUS, DB_STATUS, f"{DB_STATUS}/failing.csv", "/-/gaireports/failing.json"):
        assert (await ds.client.get(path)).status_code == 403, path


@pytest.mark.asyncio
async def test_denied_database_is_403_and_hidden(corpus_db):
    ds = Datasette([str(corpus_db)], metadata={"databases": {"gaireports": {"allow": {"id": "nobody"}}}})
    assert (await ds.client.get(DB_STATUS)).status_code == 403
    assert (await ds.client.get(f"{DB_STATUS}/failing.json")).status_code == 403
    html = (await ds.client.get(STATUS)).text
    assert figure(html, "reports") == 0 and "铁岭" not in html
    cookies = {"ds_actor": actor_cookie(ds, {"id": "nobody"})}
    allowed = await ds.client.get(DB_STATUS, cookies=cookies)
    assert allowed.status_code == 200 and figure(allowed.text, "fail") == 1


@pytest.mark.asyncio
async def test_denied_table_is_403(corpus_db):
    ds = Datasette([str(corpus_db)], metadata={"databases": {"gaireports": {"tables": {"checks": {"allow": False}}}}})
    assert (await ds.client.get(DB_STATUS)).status_code == 403


@pytest.mark.asyncio
async def test_base_url(corpus_db):
    ds = Datasette([str(corpus_db)], settings={"base_url": "/prefix/"})
    r = await ds.client.get(STATUS)
    assert r.status_code == 200
    hrefs = re.findall(r'(?:href|action)="(/[^"]*)"', r.text)
    assert hrefs and all(h.startswith("/prefix/") for h in hrefs), [h for h in hrefs if not h.startswith("/prefix/")]
    report = next(h for h in hrefs if "/-/gaireports/report/" in h)
    page = await ds.client.get(PrefixedUrlString(report))  # already carries the prefix
    assert page.status_code == 200
    assert all(h.startswith("/prefix/") for h in re.findall(r'href="(/[^"]*)"', page.text))
    data = (await ds.client.get("/gaireports/-/gaireports/failing.json")).json()
    assert data["rows"][0]["report_url"].startswith("/prefix/gaireports/-/gaireports/report/")


@pytest.mark.asyncio
async def test_client_errors_answer_without_crashing(seeds_db):
    """Unmatched and unknown paths are 404 pages, whatever else is installed (rich makes Datasette's own handler raise)."""
    from datasette.app import Datasette

    ds = Datasette([str(seeds_db)])
    name = seeds_db.stem
    for path in (f"/{name}/reports/x/y/z/w", "/nope", f"/{name}/nosuch", f"/{name}/-/gaireports/report/nope"):
        response = await ds.client.get(path)
        assert response.status_code == 404, path
        assert "Error 404" in response.text or "not found" in response.text.lower(), path
    assert (await ds.client.get(f"/{name}/nosuch.json")).json()["status"] == 404


@pytest.mark.asyncio
async def test_the_unparsed_count_links_to_the_unparsed_reports(tmp_path):
    from datasette_gaireports.build import build

    shutil.copy(SEEDS / "000_02a42f32ea1aea98.txt", tmp_path)
    (tmp_path / "scan.pdf").write_bytes(b"%PDF-1.4\n")
    build([tmp_path], tmp_path / "u.db")
    ds = Datasette([str(tmp_path / "u.db")])
    html = (await ds.client.get("/u/-/gaireports")).text
    link = found(r'<a href="([^"]+)" data-link="unparsed">未解析 1</a>', html)
    assert link == "/u/reports?status=unparsed"
    rows = (await ds.client.get(link.replace("/reports?", "/reports.json?") + "&_shape=array")).json()
    assert [(r["source"], r["status"]) for r in rows] == [("scan.pdf", "unparsed")]
