"""Rules across years: X1 (carried forward in Y = carried in in Y+1) and X2 (items the year before)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import sqlite_utils

from datasette_gaireports.build import build
from datasette_gaireports.crossrules import ACROSS_YEARS
from datasette_gaireports.families import requests
from datasette_gaireports.verify import verify

from .conftest import SEEDS

SEED_001 = SEEDS / "001_6062cf8d5ea0336b.txt"  # 安丘经济开发区管委会, 2020, 2019 format
SEED_004 = SEEDS / "004_4de4fcdb2784b386.txt"  # 唐河县人民政府, 2018, legacy
CARRIED_IN = "二、上年结转政府信息公开申请数量 |\n" + "0 |\n" * 7
LICENSING = "行政许可 |\n0 |\n0 |\n0 |\n"


def next_year(carried_in: tuple[int, ...] = (0,) * 7, licensing_prev_items: int = 0) -> str:
    """Seed 001 presented as the body's 2021 report, with 上年结转 and 行政许可·上一年项目数量 as given."""
    text = SEED_001.read_text(encoding="utf-8")
    assert CARRIED_IN in text and LICENSING in text
    text = text.replace("2020", "2021")
    text = text.replace(CARRIED_IN, "二、上年结转政府信息公开申请数量 |\n" + "".join(f"{n} |\n" for n in carried_in))
    return text.replace(LICENSING, f"行政许可 |\n{licensing_prev_items} |\n0 |\n0 |\n")


def build_pair(folder: Path, text_2021: str) -> sqlite_utils.Database:
    folder.mkdir()
    shutil.copy(SEED_001, folder / "2020.txt")
    (folder / "2021.txt").write_text(text_2021, encoding="utf-8")
    build([folder], folder / "o.db")
    return sqlite_utils.Database(folder / "o.db")


def checks_of(db: sqlite_utils.Database, source: str, rule: str) -> dict[str, dict]:
    sql = ("select c.*, i.cells, i.equation from checks c join reports r using (report_id)"
           " join rule_instances i using (instance) where r.source = ? and c.rule = ?")
    return {c["scope"]: c for c in db.query(sql, [source, rule])}


@pytest.fixture(scope="module")
def matching(tmp_path_factory) -> sqlite_utils.Database:
    return build_pair(tmp_path_factory.mktemp("x") / "matching", next_year())


@pytest.fixture(scope="module")
def mismatching(tmp_path_factory) -> sqlite_utils.Database:
    return build_pair(tmp_path_factory.mktemp("x") / "mismatching", next_year((3, 0, 0, 0, 0, 0, 3), 2))


def test_both_years_are_one_body(matching):
    reps = list(matching.query("select source, year, agency_id from reports order by year"))
    assert [(r["source"], r["year"]) for r in reps] == [("2020.txt", 2020), ("2021.txt", 2021)]
    assert reps[0]["agency_id"] == reps[1]["agency_id"]
    agency = matching["agencies"].get(reps[0]["agency_id"])
    assert (agency["name"], agency["reports"], agency["first_year"], agency["last_year"]) == (
        "安丘经济开发区管委会", 2, 2020, 2021)


def test_x1_passes_per_column_when_the_years_agree(matching):
    x1 = checks_of(matching, "2021.txt", "X1")
    assert set(x1) == set(requests.COLS)
    assert {c["status"] for c in x1.values()} == {"pass"}
    earlier = next(matching.query("select report_id from reports where source = '2020.txt'"))["report_id"]
    for c in x1.values():
        assert c["related_report_id"] == earlier
        assert "2020 report 2020.txt" in c["note"] and "2021 report 2021.txt" in c["note"]
        assert json.loads(c["cells"]) == [f"previous:carried_forward.{c['scope']}", f"carried_in.{c['scope']}"]
        assert c["equation"] == f"previous:carried_forward.{c['scope']} = carried_in.{c['scope']}"
    assert checks_of(matching, "2020.txt", "X1") == {}, "checks belong to the later year's report"


def test_x1_fails_where_carried_in_differs(mismatching):
    x1 = checks_of(mismatching, "2021.txt", "X1")
    failing = {scope: (c["left"], c["right"], c["difference"]) for scope, c in x1.items() if c["status"] == "fail"}
    assert failing == {"natural_person": (0, 3, -3), "total": (0, 3, -3)}
    assert {c["status"] for s, c in x1.items() if s not in failing} == {"pass"}
    rep = next(mismatching.query("select * from reports where source = '2021.txt'"))
    assert rep["check_status"] == "fail" and rep["checks_failed"] >= 2


def test_x2_reports_the_pair_as_warning_never_failure(matching, mismatching):
    assert {c["status"] for c in checks_of(matching, "2021.txt", "X2").values()} == {"pass"}
    x2 = checks_of(mismatching, "2021.txt", "X2")
    assert (x2["licensing"]["status"], x2["licensing"]["left"], x2["licensing"]["right"]) == ("warning", 0, 2)
    assert "fail" not in {c["status"] for c in x2.values()}


def test_legacy_pairs_get_no_across_year_check(tmp_path):
    text = SEED_004.read_text(encoding="utf-8")
    (tmp_path / "2018.txt").write_text(text, encoding="utf-8")
    (tmp_path / "2019.txt").write_text(text.replace("2018年", "2019年"), encoding="utf-8")
    build([tmp_path], tmp_path / "o.db")
    db = sqlite_utils.Database(tmp_path / "o.db")
    reps = list(db.query("select year, format, agency_id from reports order by year"))
    assert [(r["year"], r["format"]) for r in reps] == [(2018, "legacy"), (2019, "legacy")]
    assert reps[0]["agency_id"] == reps[1]["agency_id"]
    assert list(db.query("select * from checks where rule in ('X1', 'X2')")) == []


def test_unrelated_bodies_are_not_paired(seeds_db):
    db = sqlite_utils.Database(seeds_db)
    assert list(db.query("select * from checks where rule in ('X1', 'X2')")) == []


def test_rules_table_lists_the_rules_across_years(matching):
    rows = {r["rule"]: r for r in matching["rules"].rows}
    for rule in ACROSS_YEARS:
        assert rows[rule.id]["kind"] == "across_years"
        assert rows[rule.id]["description_zh"] == rule.zh
    assert (rows["X1"]["severity"], rows["X2"]["severity"]) == ("fail", "warning")


def test_verify_still_recomputes_only_the_family_rules(mismatching, tmp_path):
    result = verify(Path(mismatching.conn.execute("pragma database_list").fetchone()[2]))
    assert result.checks == [], result.lines()
