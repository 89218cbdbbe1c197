"""datapackage.json and metadata.yml: generated, current, valid, and matching the database."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import sqlite_utils
import yaml
from click.testing import CliRunner
from frictionless import Package

from datasette_gaireports.cli import cli
from datasette_gaireports.describe import datapackage_text, metadata, metadata_text
from datasette_gaireports.search import fts_tables

ROOT = Path(__file__).parent.parent


def test_committed_files_are_current():
    assert (ROOT / "datapackage.json").read_text(encoding="utf-8") == datapackage_text(), "run: gaireports describe"
    assert (ROOT / "metadata.yml").read_text(encoding="utf-8") == metadata_text(), "run: gaireports describe"


def test_describe_check_flags_stale_files(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    assert runner.invoke(cli, ["describe", "--check"]).exit_code == 1
    assert runner.invoke(cli, ["describe"]).exit_code == 0
    assert runner.invoke(cli, ["describe", "--check"]).exit_code == 0
    Path("metadata.yml").write_text("title: edited by hand\n", encoding="utf-8")
    assert runner.invoke(cli, ["describe", "--check"]).exit_code == 1


@pytest.fixture()
def package_dir(seeds_db, tmp_path, monkeypatch) -> Path:
    """The top-level datapackage.json beside a sample build, as a user validates it."""
    shutil.copy(seeds_db, tmp_path / "gaireports.db")
    shutil.copy(ROOT / "datapackage.json", tmp_path / "datapackage.json")
    monkeypatch.chdir(tmp_path)
    assert (tmp_path / "gaireports.db").stat().st_size > 0
    return tmp_path


def test_frictionless_validates_the_sample_build(package_dir):
    report = Package("datapackage.json").validate()
    errors = [e.message for task in report.tasks for e in task.errors]
    assert report.valid, errors[:5]
    assert {t.name for t in report.tasks} >= {"reports", "requests", "active", "review", "legacy", "checks", "cells"}


def test_frictionless_catches_a_broken_foreign_key(package_dir):
    db = sqlite_utils.Database("gaireports.db")
    db.execute("update checks set rule = 'R99' where rowid = 1")
    db.conn.commit()
    report = Package("datapackage.json").validate()
    assert not report.valid
    assert any(e.type in ("foreign-key", "constraint-error") for task in report.tasks for e in task.errors)


def test_each_resource_matches_its_sqlite_table(seeds_db):
    db = sqlite_utils.Database(seeds_db)
    package = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    assert fts_tables(db), "the search index is built"
    assert {r["name"] for r in package["resources"]} == set(db.table_names()) - fts_tables(db)
    for res in package["resources"]:
        table = db.table(res["name"])
        assert [f["name"] for f in res["schema"]["fields"]] == list(table.columns_dict), res["name"]
        assert res["schema"]["primaryKey"] == table.pks, res["name"]
        declared = {(fk["fields"][0], fk["reference"]["resource"]) for fk in res["schema"].get("foreignKeys", [])}
        assert declared == {(fk.column, fk.other_table) for fk in table.foreign_keys}, res["name"]
        for field in res["schema"]["fields"]:
            assert field["title"] and field["description"], (res["name"], field["name"])


def test_family_fields_carry_chinese_titles():
    package = json.loads(datapackage_text())
    requests = next(r for r in package["resources"] if r["name"] == "requests")
    titles = {f["name"]: f["title"] for f in requests["schema"]["fields"]}
    assert titles["natural_person"] == "自然人"
    assert titles["commercial"] == "法人或其他组织·商业企业"
    review = next(r for r in package["resources"] if r["name"] == "review")
    assert {f["name"]: f["title"] for f in review["schema"]["fields"]}["suit_direct_upheld"] == "未经复议直接起诉·结果维持"


def test_metadata_describes_every_table_and_column(seeds_db):
    meta = yaml.safe_load((ROOT / "metadata.yml").read_text(encoding="utf-8"))
    assert meta == metadata()
    tables = meta["databases"]["gaireports"]["tables"]
    db = sqlite_utils.Database(seeds_db)
    for name in set(db.table_names()) - fts_tables(db):
        assert tables[name]["description"]
        assert set(tables[name]["columns"]) == set(db[name].columns_dict)
    assert tables["reports"]["facets"] == ["year", "format", "status", "check_status"]
    assert meta["source"] and meta["license"]


@pytest.mark.asyncio
async def test_canned_queries_run_and_answer(corpus_db):
    from datasette.app import Datasette

    meta = yaml.safe_load((ROOT / "metadata.yml").read_text(encoding="utf-8"))
    meta["databases"] = {corpus_db.stem: meta["databases"]["gaireports"]}
    ds = Datasette([str(corpus_db)], metadata=meta)
    db = corpus_db.stem
    per_year = (await ds.client.get(f"/{db}/requests_per_year_and_format.json?_shape=array")).json()
    assert {"year": 2019, "format": "2019", "reports": 2, "reports_with_figure": 2, "requests_received": 84} in per_year
    rate = (await ds.client.get(f"/{db}/grant_rate.json?_shape=array")).json()
    tieling = [r for r in rate if r["agency"] == "铁岭市人民政府"]
    assert tieling and tieling[0]["grant_rate_pct"] == round(100 * 33 / 42, 1)
    failing = (await ds.client.get(f"/{db}/reports_failing_r1.json?_shape=array")).json()
    assert failing == []
    for name in ("anomalies", "unparsed"):
        assert (await ds.client.get(f"/{db}/{name}.json")).status_code == 200
    page = await ds.client.get(f"/{db}/reports")
    assert page.status_code == 200 and "勾稽状态" in page.text


def test_the_anomalies_query_lists_every_anomaly_flag():
    """The canned query names its flags in SQL; they must be the parser's (``tables.ANOMALY_FLAGS``)."""
    from datasette_gaireports.tables import ANOMALY_FLAGS

    meta = yaml.safe_load((ROOT / "metadata.yml").read_text(encoding="utf-8"))
    sql = meta["databases"]["gaireports"]["queries"]["anomalies"]["sql"]
    listed = sql.split("c.flag in (", 1)[1].split(")", 1)[0]
    assert {f.strip().strip("'") for f in listed.split(",")} == ANOMALY_FLAGS
