"""Full-text search: an FTS5 trigram index over the report texts, used by Datasette."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlite_utils
import yaml
from datasette.app import Datasette

from datasette_gaireports.schema import tables
from datasette_gaireports.search import (
    HASH_BYTES,
    create_search,
    fts_tables,
    insert_search_rows,
    search_rows,
    trigram_available,
)

ROOT = Path(__file__).parent.parent
TRADITIONAL = "002_87372135737a189f.txt"  # prints 衡陽應急微博 in traditional characters


@pytest.fixture()
def datasette(seeds_db) -> Datasette:
    meta = yaml.safe_load((ROOT / "metadata.yml").read_text(encoding="utf-8"))
    meta["databases"] = {seeds_db.stem: meta["databases"]["gaireports"]}
    return Datasette([str(seeds_db)], metadata=meta)


def test_sqlite_has_the_trigram_tokenizer():
    assert trigram_available()


def test_index_is_fts5_trigram_over_every_report(seeds_db):
    db = sqlite_utils.Database(seeds_db)
    assert "reports_fts" in fts_tables(db)
    sql = db.execute("select sql from sqlite_master where name = 'reports_fts'").fetchone()[0]
    assert "fts5" in sql.lower() and "trigram" in sql
    indexed = {r for (r,) in db.execute("select rowid from reports_fts")}
    assert indexed == {r for (r,) in db.execute("select rowid from reports")}
    assert db.execute("select v from reports_fts_config where k = 'hashsize'").fetchone() == (HASH_BYTES,)


def test_index_rows_go_under_their_rows_rowid_and_need_their_row():
    reports = next(t for t in tables((), ()) if t.name == "reports")
    db = sqlite_utils.Database(memory=True)
    db.execute("create table reports (report_id text primary key, title text, agency_printed text, text text)")
    create_search(db, [reports])
    rows = [{"report_id": rid, "title": f"{rid}年度報告", "agency_printed": None, "text": f"{rid} 應急微博"}
            for rid in ("b", "a", "c")]
    db.table("reports").insert_all(rows)
    insert_search_rows(db, reports, search_rows(reports, rows[::-1]))
    assert db.execute("select r.report_id, f.title, f.text from reports_fts f join reports r on r.rowid = f.rowid "
                      "order by r.report_id").fetchall() == [(r, f"{r}年度报告", f"{r} 应急微博") for r in "abc"]
    with pytest.raises(ValueError, match="no row of table reports"):
        insert_search_rows(db, reports, search_rows(reports, [{"report_id": "z", "title": "", "text": ""}]))


async def _search(ds: Datasette, db: str, q: str) -> list[str]:
    r = await ds.client.get(f"/{db}/reports.json", params={"_search": q, "_shape": "array", "_col": "source"})
    assert r.status_code == 200, r.text
    return sorted(row["source"] for row in r.json())


@pytest.mark.asyncio
async def test_chinese_search_through_datasette_json_api(datasette, seeds_db):
    db = seeds_db.stem
    assert await _search(datasette, db, "应急微博") == [TRADITIONAL], "simplified query, traditional text"
    assert await _search(datasette, db, "经济开发区管委会") == ["001_6062cf8d5ea0336b.txt"]
    assert await _search(datasette, db, "政府信息公开") == sorted(p.name for p in (ROOT / "tests/fixtures/seeds").iterdir())
    assert await _search(datasette, db, "没有这样的短语") == []


@pytest.mark.asyncio
async def test_reports_table_page_has_a_search_box(datasette, seeds_db):
    page = await datasette.client.get(f"/{seeds_db.stem}/reports")
    assert page.status_code == 200
    assert 'name="_search"' in page.text


@pytest.mark.asyncio
async def test_canned_search_answers_short_queries(datasette, seeds_db):
    async def search(q: str) -> list[str]:
        r = await datasette.client.get(f"/{seeds_db.stem}/search.json", params={"q": q, "_shape": "array"})
        assert r.status_code == 200, r.text
        return [row["source"] for row in r.json()]

    assert await search("应急") == [TRADITIONAL], "two characters: read from the texts"
    assert await search("应急微博") == [TRADITIONAL], "three or more: the index"
    assert await search("肇庆") == ["003_0f7dd0209a58a4d8.txt"]
    assert await search('"') == []
    assert await search("") == [] and await search("  ") == [], "no term, no reports"


@pytest.mark.asyncio
async def test_short_search_box_terms_go_to_the_canned_query(datasette, seeds_db):
    db = seeds_db.stem
    r = await datasette.client.get(f"/{db}/reports", params={"_search": "应急"})
    assert r.status_code == 302
    assert r.headers["location"] == f"/{db}/search?q=%E5%BA%94%E6%80%A5"
    followed = await datasette.client.get(r.headers["location"].replace("/search?", "/search.json?") + "&_shape=array")
    assert [row["source"] for row in followed.json()] == [TRADITIONAL]
    r = await datasette.client.get(f"/{db}/reports.json", params={"_search": "应急"})
    assert r.status_code == 302 and r.headers["location"].startswith(f"/{db}/search.json?q=")
    assert (await datasette.client.get(f"/{db}/reports", params={"_search": "应急微博"})).status_code == 200


@pytest.mark.asyncio
async def test_short_search_is_served_as_is_without_the_canned_query(seeds_db):
    ds = Datasette([str(seeds_db)])
    r = await ds.client.get(f"/{seeds_db.stem}/reports.json", params={"_search": "应急", "_shape": "array"})
    assert r.status_code == 200


@pytest.mark.asyncio
async def test_a_search_in_traditional_or_full_width_characters_finds_the_folded_text(datasette, seeds_db):
    """The index holds the texts folded; the canned query folds its term, and the table's search box
    redirects a term it would not find as typed to its folded form, keeping the other parameters."""
    db = seeds_db.stem
    for q in ("應急微博", "應急", "应急微博"):
        r = await datasette.client.get(f"/{db}/search.json", params={"q": q, "_shape": "array"})
        assert [row["source"] for row in r.json()] == [TRADITIONAL], q
    r = await datasette.client.get(f"/{db}/reports.json", params={"_search": "衡陽應急微博", "_col": "source"})
    assert r.status_code == 302
    assert r.headers["location"] == f"/{db}/reports.json?_search=%E8%A1%A1%E9%98%B3%E5%BA%94%E6%80%A5%E5%BE%AE%E5%8D%9A&_col=source"
    followed = await datasette.client.get(f"/{db}/reports.json", params={"_search": "衡陽應急微博", "_shape": "array"},
                                          follow_redirects=True)
    assert [row["source"] for row in followed.json()] == [TRADITIONAL]
    r = await datasette.client.get(f"/{db}/reports", params={"_search": "應急"})
    assert r.status_code == 302 and r.headers["location"] == f"/{db}/search?q=%E5%BA%94%E6%80%A5"
    assert (await datasette.client.get(f"/{db}/reports", params={"_search": "ＡＢＣ政府"})).headers["location"] == \
        f"/{db}/reports?_search=ABC%E6%94%BF%E5%BA%9C"
