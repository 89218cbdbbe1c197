"""The five real seed reports export exactly their hand-read gold values."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from datasette_gaireports.cli import cli


@pytest.fixture(scope="module")
def exported(seeds_db) -> dict[str, dict]:
    result = CliRunner().invoke(cli, ["export", "--db", str(seeds_db)])
    assert result.exit_code == 0, result.output
    objs = [json.loads(line) for line in result.output.splitlines()]
    return {o["source"]: o for o in objs}


def _gold_ids(gold):
    return [g["file"] for g in gold]


def test_every_seed_exported(exported, gold):
    assert sorted(exported) == sorted(g["file"] for g in gold)


@pytest.mark.parametrize("index", range(5))
def test_metadata_matches_gold(exported, gold, index):
    g = gold[index]
    got = exported[g["file"]]
    assert got["status"] == "parsed"
    assert (got["agency"], got["year"], got["format"]) == (g["agency"], g["year"], g["format"])
    if "published" in g:
        assert got["published"] == g["published"]


@pytest.mark.parametrize("index", range(5))
def test_every_cell_matches_gold(exported, gold, index):
    g = gold[index]
    got = exported[g["file"]]["tables"]
    assert set(got) == set(g["tables"]), "families present"
    for family, table in g["tables"].items():
        assert got[family] == table, family


@pytest.mark.parametrize("index", range(5))
def test_no_rule_fails_on_seeds(exported, gold, index):
    g = gold[index]
    checks = exported[g["file"]]["checks"]
    assert checks, "rules were run"
    failing = [(c["rule"], c["scope"]) for c in checks if c["status"] == "fail"]
    assert failing == [(f["rule"], f["scope"]) for f in g["checks_fail"]]


def test_blank_cells_are_null_not_zero(exported):
    legacy = exported["002_87372135737a189f.txt"]["tables"]["legacy"]
    assert legacy["requests_received"] == 0
    assert legacy["requests_in_person"] is None


def test_blank_cells_make_rules_incomplete(exported):
    checks = {(c["rule"], c["scope"]): c for c in exported["002_87372135737a189f.txt"]["checks"]}
    assert checks[("L1", "requests_received")]["status"] == "incomplete"
    assert checks[("L7", "staff")]["status"] == "pass"


def test_value_on_heading_row_is_kept_as_anomaly(seeds_db):
    import sqlite_utils

    db = sqlite_utils.Database(seeds_db)
    rows = list(db.query("select c.* from cells c join reports r using (report_id) "
                         "where r.source = '002_87372135737a189f.txt' and c.flag = 'value_on_heading'"))
    assert [(r["row_code"], r["raw"], r["value"]) for r in rows] == [("h_meetings", "1", 1)]
    rep = db.table("reports").get(rows[0]["report_id"])
    assert rep["anomalies"] == 1 and "value_on_heading" in rep["reason"]


def test_raw_text_and_position_kept(seeds_db):
    import sqlite_utils

    db = sqlite_utils.Database(seeds_db)
    cell = next(db.query(
        "select c.raw, c.value, c.flag, c.line from cells c join reports r using (report_id) "
        "where r.source = '000_02a42f32ea1aea98.txt' and c.cell = 'regulations.published'"
    ))
    assert cell == {"raw": "?13", "value": 13, "flag": "noise", "line": cell["line"]}
    assert cell["line"] > 0


def test_prose_figures_keep_their_sentence(seeds_db):
    import sqlite_utils

    db = sqlite_utils.Database(seeds_db)
    row = next(db.query(
        "select l.value, l.sentence from legacy l join reports r using (report_id) "
        "where r.source = '003_0f7dd0209a58a4d8.txt' and l.indicator = 'requests_in_person'"
    ))
    assert row["value"] == 7
    assert "当面申请7宗" in row["sentence"]


def test_inferred_agency_has_evidence(seeds_db):
    import sqlite_utils

    db = sqlite_utils.Database(seeds_db)
    rep = next(db.query("select * from reports where source = '002_87372135737a189f.txt'"))
    assert rep["agency_source"] == "inferred"
    assert "衡阳应急" in rep["agency_evidence"]
