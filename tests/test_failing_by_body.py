"""The failing list filtered by the body: province, prefecture, county and level of government, on the status
pages, in their CSV and JSON, read from ``failing_checks`` and, for an older database, from the full tables."""

from __future__ import annotations

import csv
import io
import re
import shutil
import sqlite3
from pathlib import Path
from urllib.parse import urlencode

import pytest
from datasette.app import Datasette

from datasette_gaireports import regions
from datasette_gaireports.agencies import AGENCY_LEVELS
from datasette_gaireports.build import build
from datasette_gaireports.pages.labels import LEVEL_ZH, PROVINCES, province_key
from datasette_gaireports.summaries import FAILING_REGION_FILTERS

from .conftest import found, make_imbalanced

DB_STATUS = "/gaireports/-/gaireports"
TIELING = ("铁岭市人民政府", "辽宁省", "铁岭市", None, "prefecture")
TANGHE = ("唐河县人民政府", "河南省", "南阳市", "唐河县", "county")


@pytest.fixture(scope="module")
def two_places(tmp_path_factory) -> Path:
    """Two reports that fail R2 and R3: 铁岭市人民政府 (辽宁省, a prefecture) and the same text as 唐河县人民政府
    (河南省南阳市, a county)."""
    folder = tmp_path_factory.mktemp("two_places")
    tieling = make_imbalanced(folder / "in")
    text = tieling.read_text(encoding="utf-8")
    (tieling.parent / "tanghe.txt").write_text(text.replace("铁岭市", "唐河县").replace("铁岭", "唐河"), encoding="utf-8")
    db = folder / "gaireports.db"
    build([folder / "in"], db)
    return db


def url(path: str, **params: str) -> str:
    return f"{path}?{urlencode(params)}" if params else path


async def listed(ds: Datasette, **params: str) -> list[tuple]:
    """(agency, province, prefecture, county, level, rule) of each row of the failing list's JSON."""
    data = (await ds.client.get(url(f"{DB_STATUS}/failing.json", **params))).json()
    rows = [(r["agency"], *(r[c] for c in FAILING_REGION_FILTERS), r["rule"]) for r in data["rows"]]
    assert data["total"] == len(rows)
    assert data["filters"] == params
    return rows


def test_the_kept_list_carries_the_body(two_places):
    conn = sqlite3.connect(two_places)
    rows = conn.execute(
        "select agency, province, prefecture, county, level, rule from failing_checks order by position"
    ).fetchall()
    assert rows == [(*TANGHE, "R2"), (*TANGHE, "R3"), (*TIELING, "R2"), (*TIELING, "R3")]


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "params, expected",
    [
        ({}, [TANGHE, TANGHE, TIELING, TIELING]),
        ({"province": "辽宁省"}, [TIELING, TIELING]),
        ({"province": "河南省"}, [TANGHE, TANGHE]),
        ({"province": "广东省"}, []),
        ({"prefecture": "南阳市"}, [TANGHE, TANGHE]),
        ({"province": "河南省", "prefecture": "南阳市", "county": "唐河县"}, [TANGHE, TANGHE]),
        ({"province": "辽宁省", "prefecture": "南阳市"}, []),
        ({"level": "prefecture"}, [TIELING, TIELING]),
        ({"level": "county", "rule": "R3"}, [TANGHE]),
        ({"province": "辽宁省", "rule": "R2", "year": "2019", "format": "2019"}, [TIELING]),
    ],
)
async def test_the_failing_list_by_the_body(two_places, params, expected):
    ds = Datasette([str(two_places)])
    rows = await listed(ds, **params)
    assert [r[:5] for r in rows] == expected
    html = (await ds.client.get(url(DB_STATUS, **params))).text
    assert int(found(r'data-figure="failing-total">(\d+)<', html)) == len(expected)
    assert [a for a in re.findall(r'<a href="[^"]*/agency/[^"]*">([^<]+)</a>', html)] == [e[0] for e in expected]
    lines = list(csv.DictReader(io.StringIO((await ds.client.get(url(f"{DB_STATUS}/failing.csv", **params))).text)))
    assert [(x["agency"], x["province"], x["prefecture"], x["county"] or None, x["level"]) for x in lines] == expected


@pytest.mark.asyncio
async def test_an_older_failing_list_without_the_body_is_read_from_the_full_tables(two_places, tmp_path):
    """A database whose ``failing_checks`` predates the body's columns answers a filter by the body from ``checks``,
    with the same rows; filters by the check alone still read the kept list."""
    old = tmp_path / "gaireports.db"
    shutil.copy(two_places, old)
    conn = sqlite3.connect(old)
    for name in FAILING_REGION_FILTERS:
        conn.execute(f"drop index idx_failing_checks_{name}")
        conn.execute(f"alter table failing_checks drop column {name}")
    conn.commit()
    conn.close()
    new_ds, old_ds = Datasette([str(two_places)]), Datasette([str(old)])
    for params in ({"province": "辽宁省"}, {"level": "county", "rule": "R3"}, {"prefecture": "南阳市"}):
        assert await listed(old_ds, **params) == await listed(new_ds, **params)
    unfiltered = (await old_ds.client.get(f"{DB_STATUS}/failing.json")).json()["rows"]
    assert [r["province"] for r in unfiltered] == [None] * 4  # the kept list, which holds no body columns


@pytest.mark.asyncio
async def test_a_database_whose_bodies_have_no_region_lists_its_failures_all_the_same(two_places, tmp_path):
    """A database of an early version (no failing list kept, bodies without a region): the list answers from
    ``checks``, the body's columns are blank, and a filter by them matches nothing."""
    old = tmp_path / "gaireports.db"
    shutil.copy(two_places, old)
    conn = sqlite3.connect(old)
    conn.execute("drop table failing_checks")
    conn.execute("drop table agency_summary")
    for name in ("province", "prefecture", "county"):
        for (index,) in conn.execute(
            "select name from sqlite_master where type = 'index' and tbl_name = 'agencies' and sql like ?", [f"%{name}%"]
        ).fetchall():
            conn.execute(f"drop index {index}")
        conn.execute(f"alter table agencies drop column {name}")
    conn.commit()
    conn.close()
    ds = Datasette([str(old)])
    assert [r[:5] for r in await listed(ds)] == [
        (name, None, None, None, level) for name, *_, level in (TANGHE, TANGHE, TIELING, TIELING)
    ]
    assert await listed(ds, level="county") == [(TANGHE[0], None, None, None, "county", rule) for rule in ("R2", "R3")]
    assert await listed(ds, province="河南省") == []
    assert (await ds.client.get(url(DB_STATUS, province="河南省"))).status_code == 200


@pytest.mark.asyncio
async def test_the_form_offers_the_places_within_the_one_chosen(two_places):
    ds = Datasette([str(two_places)])

    def options(html: str, name: str) -> list[str]:
        select = found(rf'<select id="gr-{name}" name="{name}">(.*?)</select>', html, re.S)
        return re.findall(r'<option value="([^"]+)"', select)

    html = (await ds.client.get(DB_STATUS)).text
    assert options(html, "province") == ["辽宁省", "河南省"], "in the order of their codes"
    assert options(html, "level") == ["prefecture", "county"]
    assert 'name="prefecture"' not in html and 'name="county"' not in html
    html = (await ds.client.get(url(DB_STATUS, province="河南省"))).text
    assert options(html, "prefecture") == ["南阳市"] and 'name="county"' not in html
    assert '<option value="河南省" selected>' in html
    html = (await ds.client.get(url(DB_STATUS, province="河南省", prefecture="南阳市"))).text
    assert options(html, "county") == ["唐河县"]
    html = (await ds.client.get(url(DB_STATUS, province="辽宁省", prefecture="南阳市"))).text
    assert '<option value="南阳市" selected>' in html, "a chosen place shows as chosen though no body is there"
    html = (await ds.client.get(url(DB_STATUS, prefecture="南阳市"))).text
    assert 'name="county"' not in html, "counties are offered within a chosen province and prefecture"


def test_the_levels_named_in_chinese_are_the_levels_of_the_bodies():
    assert tuple(LEVEL_ZH) == AGENCY_LEVELS  # the pages name them without loading the agencies module


def test_the_provinces_are_listed_in_the_order_of_their_codes():
    divisions = regions.divisions(2020)
    by_code = sorted({(d.adcode, d.name) for found in divisions.values() for d, _ in found if d.level == "province"})
    assert PROVINCES == tuple(name for _, name in by_code)
    assert sorted(["(空)", "其他", "广东省", "北京市", None], key=province_key) == ["北京市", "广东省", "(空)", "其他", None]


@pytest.mark.asyncio
async def test_the_breakdowns_by_province_and_level_link_to_the_list(two_places):
    ds = Datasette([str(two_places)])
    html = (await ds.client.get(DB_STATUS)).text
    province = found(r'data-breakdown="province">(.*?)</table>', html, re.S)
    link = found(r'<a href="([^"]+)">辽宁省</a>', province).replace("&amp;", "&")
    assert link == url(DB_STATUS, province="辽宁省") + "#failing"
    level = found(r'data-breakdown="level">(.*?)</table>', html, re.S)
    link = found(r'<a href="([^"]+)">县级 · county</a>', level)
    assert link == url(DB_STATUS, level="county") + "#failing"
    listed_there = (await ds.client.get(link.removesuffix("#failing"))).text
    assert int(found(r'data-figure="failing-total">(\d+)<', listed_there)) == 2


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "query", ["province=" + "省" * 41, "prefecture=%01", "county=a%0Ab", "level=%E5%8E%BF%E7%BA%A7", "province=a&province=b"]
)
async def test_bad_body_filters_are_400(two_places, query):
    ds = Datasette([str(two_places)])
    for path in (DB_STATUS, f"{DB_STATUS}/failing.json", f"{DB_STATUS}/failing.csv"):
        r = await ds.client.get(f"{path}?{query}")
        assert r.status_code == 400, (path, query)
