"""A third party adds a table family and a reader through the pipeline's pluggy hooks."""

from __future__ import annotations

import json

import pytest
import sqlite_utils

from datasette_gaireports import pipeline
from datasette_gaireports.build import build
from datasette_gaireports.describe import datapackage
from datasette_gaireports.export import iter_export
from datasette_gaireports.hookspecs import hookimpl
from datasette_gaireports.layout import Column, Family, Instance, Row, sum_rule
from datasette_gaireports.readers import Unreadable, read_text

from .conftest import SEEDS

HOTLINE = Family(
    name="hotline",
    table_no="附",
    title="政务热线情况",
    en="Government hotline calls (a family added by a plugin)",
    shape="long",
    row_key="indicator",
    columns=(Column("value", "数量", "value"),),
    rows=(
        Row("calls", "热线受理数", "calls received", {"legacy": ("value",)}, unit="件"),
        Row("calls_closed", "其中:办结数", "of which closed", {"legacy": ("value",)}, unit="件"),
    ),
    rules=(
        sum_rule("H1", "hotline", "办结数不大于受理数", "closed <= received", "calls_closed <= calls",
                 [Instance("calls", ("calls_closed",), ("calls",), frozenset({"legacy"}))], relation="<="),
    ),
)


class HotlinePlugin:
    @hookimpl
    def gaireports_families(self):
        return [HOTLINE]

    @hookimpl
    def gaireports_read(self, data, path):
        if data.startswith(b"GAI-UTF16\n"):
            return read_text(data[len(b"GAI-UTF16\n"):].decode("utf-16"), "utf-16 (plugin)")
        if data.startswith(b"GAI-REFUSE"):
            raise Unreadable("refused by the hotline plugin")
        return None


@pytest.fixture()
def hotline_plugin():
    pm = pipeline.plugin_manager()
    plugin = HotlinePlugin()
    pm.register(plugin, name="hotline-test")
    try:
        yield plugin
    finally:
        pm.unregister(name="hotline-test")


def test_plugin_family_is_parsed_stored_checked_and_described(tmp_path, hotline_plugin):
    text = (SEEDS / "004_4de4fcdb2784b386.txt").read_text(encoding="utf-8")
    text += "\n热线受理数 | 件 | 12 |\n其中:办结数 | 件 | 15 |\n"
    (tmp_path / "r.txt").write_text(text, encoding="utf-8")
    build([tmp_path], tmp_path / "o.db")
    db = sqlite_utils.Database(tmp_path / "o.db")
    assert [(r["indicator"], r["value"]) for r in db["hotline"].rows] == [("calls", 12), ("calls_closed", 15)]
    check = next(db.query("select * from checks where rule = 'H1'"))
    assert (check["status"], check["left"], check["right"]) == ("fail", 15, 12)
    exported = next(iter_export(str(tmp_path / "o.db")))
    assert exported["tables"]["hotline"] == {"calls": 12, "calls_closed": 15}
    assert exported["tables"]["legacy"]["trainees"] == 264
    assert "hotline" in {r["name"] for r in datapackage()["resources"]}


def test_plugin_reader_reads_and_refuses(tmp_path, hotline_plugin):
    text = (SEEDS / "001_6062cf8d5ea0336b.txt").read_text(encoding="utf-8")
    (tmp_path / "a.gai").write_bytes(b"GAI-UTF16\n" + text.encode("utf-16"))
    (tmp_path / "b.gai").write_bytes(b"GAI-REFUSE this one")
    build([tmp_path], tmp_path / "o.db")
    rows = {r["source"]: r for r in sqlite_utils.Database(tmp_path / "o.db")["reports"].rows}
    assert (rows["a.gai"]["status"], rows["a.gai"]["format"], rows["a.gai"]["encoding"]) == ("parsed", "2019", "utf-16 (plugin)")
    assert rows["b.gai"]["status"] == "unparsed" and "refused by the hotline plugin" in rows["b.gai"]["reason"]


def test_without_the_plugin_the_family_is_absent():
    assert "hotline" not in {f.name for f in pipeline.families()}
    assert "hotline" not in json.dumps(datapackage())
