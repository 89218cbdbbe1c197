"""Agency identity: normalised names, kinds, levels, regions, inference and placeholders."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlite_utils
from datasette.app import Datasette

from datasette_gaireports.agencies import PLACEHOLDER_NAME, identify
from datasette_gaireports.build import build
from datasette_gaireports.meta import Meta
from datasette_gaireports.names import normalise_name
from datasette_gaireports.regions import parse_name

from .conftest import SEEDS

ROOT = Path(__file__).parent.parent
SEED_001 = SEEDS / "001_6062cf8d5ea0336b.txt"


def titled(name: str) -> Meta:
    """Metadata of a report whose title prints ``name``."""
    return Meta(title=f"{name}2020年政府信息公开工作年度报告", agency=name, agency_printed=name, agency_source="title")


@pytest.mark.parametrize(
    ("printed", "normal"),
    [
        ("衡陽市應急管理局2018年度政府信息公開工作年度報告", "衡阳市应急管理局"),
        ("衡陽市應急管理局", "衡阳市应急管理局"),
        ("铁岭市人民政府（２０１９年度）", "铁岭市人民政府"),
        (" 唐河县人民政府 2018年政府信息公开工作年度报告", "唐河县人民政府"),
        ("关于肇庆市人民政府办公室2014年政府信息公开工作年度报告", "肇庆市人民政府办公室"),
        ("安丘经济开发区管委会2020年政务公开工作年度报告", "安丘经济开发区管委会"),
        ("某市政务公开办公室", "某市政务公开办公室"),
    ],
)
def test_normalised_name(printed, normal):
    assert normalise_name(printed) == normal
    assert normalise_name(normal) == normal, "idempotent"


@pytest.mark.parametrize(
    ("name", "kind", "department", "level"),
    [
        ("铁岭市人民政府", "government", "", "prefecture"),
        ("铁岭市人民政府办公室", "government_office", "", "prefecture"),
        ("辽宁省人民政府办公厅", "government_office", "", "province"),
        ("衡阳市应急管理局", "department", "应急管理局", "prefecture"),
        ("唐河县教育局", "department", "教育局", "county"),
        ("安丘经济开发区管委会", "development_zone", "", "county"),
        ("安丘经济开发区", "development_zone", "", "county"),
        ("昆山市千灯镇人民政府", "township", "", "township"),
        ("国家税务总局铁岭市税务局", "department", "税务局", "prefecture"),
        ("国务院办公厅", "government_office", "", "national"),
        ("教育部", "department", "教育部", "national"),
    ],
)
def test_kind_department_and_level(name, kind, department, level):
    agency = identify(titled(name), 2020, "", "sha")
    assert (agency.kind, agency.department, agency.level) == (kind, department, level)


@pytest.mark.parametrize(
    ("name", "year", "expected"),
    [
        ("辽宁省人民政府", 2019, ("辽宁省", None, None, None, "210000", "province")),
        ("铁岭市人民政府", 2019, ("辽宁省", "铁岭市", None, None, "211200", "prefecture")),
        ("唐河县人民政府", 2018, ("河南省", "南阳市", "唐河县", None, "411328", "county")),
        ("北京市朝阳区人民政府", 2020, ("北京市", None, "朝阳区", None, "110105", "county")),
        ("长阳县教育局", 2020, ("湖北省", "宜昌市", "长阳土家族自治县", None, "420528", "county")),
        ("昆山市千灯镇人民政府", 2020, ("江苏省", "苏州市", "昆山市", "千灯镇", "320583", "township")),
    ],
)
def test_region_from_the_name_at_every_level(name, year, expected):
    agency = identify(titled(name), year, "", "sha")
    r = agency.region
    assert (r.province, r.prefecture, r.county, r.township, r.adcode, agency.level) == expected
    assert r.source == "name" and r.evidence.startswith("name prints")


def test_region_uses_the_divisions_of_the_year_reported_on():
    """莱芜市 was merged into 济南市: its 莱城区 became 济南市莱芜区, with a new code but the same stable id."""
    before, after = parse_name("莱芜市莱城区人民政府", 2017).region, parse_name("济南市莱芜区人民政府", 2020).region
    assert (before.prefecture, before.county, before.adcode) == ("莱芜市", "莱城区", "371202")
    assert (after.prefecture, after.county, after.adcode) == ("济南市", "莱芜区", "370116")
    assert before.key == after.key, "the division's stable id"
    assert not parse_name("莱芜市莱城区人民政府", 2020).region.resolved, "莱芜市 is no division in 2020"


def test_township_region_from_the_text():
    agency = identify(titled("千灯镇人民政府"), 2020, "今年,昆山市千灯镇围绕……千灯镇政府", "sha")
    r = agency.region
    assert (agency.kind, agency.level, r.county, r.township, r.adcode) == ("township", "township", "昆山市", "千灯镇", "320583")
    assert r.source == "text" and "昆山市千灯镇" in r.evidence


def test_ambiguous_or_absent_place_is_left_unresolved():
    assert not parse_name("朝阳区教育委员会", 2020).region.resolved, "two 朝阳区: the name alone does not say which"
    agency = identify(titled("朝阳区教育委员会"), 2020, "", "sha")
    assert agency.region.source == "none" and agency.level is None
    found = identify(titled("朝阳区教育委员会"), 2020, "北京市朝阳区教育委员会负责", "sha")
    assert (found.region.province, found.region.county, found.level) == ("北京市", "朝阳区", "county")


def test_unresolved_local_bodies_of_one_name_are_kept_apart():
    """Beijing's and Changchun's 朝阳区人民政府 read alike when neither text names the city."""
    a = identify(titled("朝阳区人民政府"), 2020, "", "report-a")
    b = identify(titled("朝阳区人民政府"), 2021, "", "report-b")
    assert a.agency_id != b.agency_id
    assert "not resolved" in a.note
    national = [identify(titled("教育部"), y, "", f"r{y}") for y in (2020, 2021)]
    assert national[0].agency_id == national[1].agency_id and national[0].note == ""


def test_government_and_its_office_never_merge():
    gov = identify(titled("铁岭市人民政府"), 2019, "", "a")
    office = identify(titled("铁岭市人民政府办公室"), 2019, "", "b")
    assert gov.agency_id != office.agency_id
    assert gov.region.key == office.region.key


def test_same_name_in_two_places_is_two_bodies():
    tanghe = identify(titled("城关镇人民政府"), 2020, "唐河县城关镇2020年政务公开", "a")
    anqiu = identify(titled("城关镇人民政府"), 2020, "安丘市城关镇2020年政务公开", "b")
    assert tanghe.name == anqiu.name == "城关镇人民政府"
    assert (tanghe.region.county, anqiu.region.county) == ("唐河县", "安丘市")
    assert tanghe.agency_id != anqiu.agency_id


def test_one_body_keeps_its_id_across_years_and_spellings():
    a = identify(titled("衡阳市应急管理局"), 2018, "", "a")
    b = identify(titled("衡陽市應急管理局"), 2019, "", "b")
    assert a.agency_id == b.agency_id


def test_seed_agencies(seeds_db, gold):
    db = sqlite_utils.Database(seeds_db)
    rows = {r["name"]: r for r in db["agencies"].rows}
    assert set(rows) == {g["agency"] for g in gold}, "gold names come out exactly"
    got = {name: (r["kind"], r["level"], r["province"], r["adcode"], r["region_source"]) for name, r in rows.items()}
    assert got == {
        "铁岭市人民政府": ("government", "prefecture", "辽宁省", "211200", "name"),
        "安丘经济开发区管委会": ("development_zone", "county", "山东省", "370784", "name"),
        "衡阳市应急管理局": ("department", "prefecture", "湖南省", "430400", "name"),
        "肇庆市人民政府办公室": ("government_office", "prefecture", "广东省", "441200", "name"),
        "唐河县人民政府": ("government", "county", "河南省", "411328", "name"),
    }
    for r in rows.values():
        assert r["reports"] == 1 and r["first_year"] == r["last_year"]
    assert json.loads(rows["铁岭市人民政府"]["names_printed"]) == ["铁岭市"]


def test_inferred_agency_keeps_evidence_and_low_confidence(seeds_db):
    db = sqlite_utils.Database(seeds_db)
    rep = next(db.query("select * from reports where source = '002_87372135737a189f.txt'"))
    assert (rep["agency_source"], rep["agency_confidence"]) == ("inferred", "low")
    assert "衡阳应急" in rep["agency_evidence"] and "我局" in rep["agency_evidence"]
    agency = db.table("agencies").get(rep["agency_id"])
    assert agency["name"] == "衡阳市应急管理局"
    assert json.loads(agency["names_printed"]) == [], "the report prints no name"
    confidences = {r["source"]: r["agency_confidence"] for r in db.query("select source, agency_confidence from reports")}
    assert confidences["001_6062cf8d5ea0336b.txt"] == "high"
    assert confidences["000_02a42f32ea1aea98.txt"] == "medium", "bare 铁岭市 completed to its people's government"


def _unnamed(text: str, marker: str) -> str:
    """The report without any line that names its body, plus a marker so copies differ."""
    kept = [line for line in text.splitlines() if "安丘经济开发区管委会" not in line]
    return "\n".join(kept) + f"\n{marker}\n"


def test_report_without_a_name_gets_its_own_placeholder(tmp_path):
    text = SEED_001.read_text(encoding="utf-8")
    (tmp_path / "a.txt").write_text(_unnamed(text, "甲"), encoding="utf-8")
    (tmp_path / "b.txt").write_text(_unnamed(text, "乙"), encoding="utf-8")
    build([tmp_path], tmp_path / "o.db")
    db = sqlite_utils.Database(tmp_path / "o.db")
    reps = list(db.query("select * from reports order by source"))
    assert [r["status"] for r in reps] == ["parsed", "parsed"]
    assert all(r["agency_id"] for r in reps), "no parsed report without an agency row"
    assert reps[0]["agency_id"] != reps[1]["agency_id"], "unrelated unnamed reports never merge"
    for rep in reps:
        agency = db.table("agencies").get(rep["agency_id"])
        assert (agency["name"], agency["kind"], agency["level"]) == (PLACEHOLDER_NAME, "unidentified", None)
        assert "no body name" in agency["note"]
        assert (rep["agency_source"], rep["agency_confidence"]) == ("none", "none")
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []


def test_build_keeps_same_named_townships_apart(tmp_path):
    text = SEED_001.read_text(encoding="utf-8").replace("安丘经济开发区管委会", "城关镇人民政府")
    (tmp_path / "tanghe.txt").write_text(text.replace("经济开发区认真", "唐河县城关镇认真"), encoding="utf-8")
    (tmp_path / "anqiu.txt").write_text(text.replace("经济开发区认真", "安丘市城关镇认真"), encoding="utf-8")
    build([tmp_path], tmp_path / "o.db")
    db = sqlite_utils.Database(tmp_path / "o.db")
    rows = sorted((r["name"], r["county"], r["township"], r["level"], r["region_source"]) for r in db["agencies"].rows)
    assert rows == [
        ("城关镇人民政府", "唐河县", "城关镇", "township", "text"),
        ("城关镇人民政府", "安丘市", "城关镇", "township", "text"),
    ]


def test_agency_kinds_table_labels_every_kind(seeds_db):
    db = sqlite_utils.Database(seeds_db)
    labels = {r["kind"]: r["label"] for r in db["agency_kinds"].rows}
    assert labels["government_office"] == "人民政府办公室/办公厅" and labels["township"] == "乡/镇/街道"
    assert {r["kind"] for r in db["agencies"].rows} <= set(labels)


@pytest.mark.asyncio
async def test_province_aggregates(corpus_db):
    import yaml

    meta = yaml.safe_load((ROOT / "metadata.yml").read_text(encoding="utf-8"))
    meta["databases"] = {corpus_db.stem: meta["databases"]["gaireports"]}
    ds = Datasette([str(corpus_db)], metadata=meta)
    db = sqlite_utils.Database(corpus_db)

    rows = (await ds.client.get(f"/{corpus_db.stem}/requests_by_province.json?_shape=array")).json()
    liaoning = next(r for r in rows if (r["province"], r["year"], r["source"]) == ("辽宁省", 2019, "table 三"))
    new_totals = [r["total"] for r in db.query(
        "select q.total from requests q join reports r using (report_id) join agencies a using (agency_id) "
        "where a.province = '辽宁省' and r.year = 2019 and q.row = 'new'")]
    assert liaoning["reports"] == len(new_totals) == 2
    assert liaoning["requests_received"] == sum(new_totals)
    assert liaoning["grant_rate_pct"] == round(100 * 2 * 33 / (2 * 42), 1)
    henan = next(r for r in rows if (r["province"], r["year"]) == ("河南省", 2018))
    assert henan["source"] == "statistics table" and henan["requests_received"] == 1

    shares = (await ds.client.get(f"/{corpus_db.stem}/checks_passing_by_province.json?_shape=array")).json()
    expected: dict[tuple[str, int], tuple[int, int, int]] = {}
    for r in db.query("select a.province, r.year, r.check_status from reports r join agencies a using (agency_id) "
                      "where r.status = 'parsed'"):
        n, ok, failing = expected.get((r["province"], r["year"]), (0, 0, 0))
        expected[(r["province"], r["year"])] = (n + 1, ok + (r["check_status"] == "pass"),
                                                failing + (r["check_status"] == "fail"))
    got = {(r["province"], r["year"]): (r["reports"], r["passing_every_rule"], r["failing"]) for r in shares}
    assert got == expected
    assert got[("辽宁省", 2019)][2] == 1, "the imbalanced copy of 铁岭 2019 fails"


def test_a_place_printed_under_a_later_name_resolves_with_later_data():
    """延庆县 became 延庆区 in 2015; a 2012 report printing 延庆区 still finds it, under the same stable id."""
    old, new = parse_name("延庆县人民政府", 2012).region, parse_name("延庆区东城街道办事处", 2012)
    assert (old.county, old.adcode, old.year) == ("延庆县", "110229", 2012)
    assert (new.region.county, new.region.adcode, new.township) == ("延庆区", "110119", "东城街道")
    assert new.region.year is not None and new.region.year > 2012 and new.region.key == old.key
