"""rule_instances: the equations the checks evaluate, numbered once, each check pointing at its own."""

from __future__ import annotations

import json
import shutil
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest
import sqlite_utils

from datasette_gaireports.build import build
from datasette_gaireports.crossrules import RULES as CROSS_RULES
from datasette_gaireports.instances import equations, numbering
from datasette_gaireports.layout import Instance, sum_rule
from datasette_gaireports.pipeline import families

SEEDS = Path(__file__).parent / "fixtures" / "seeds"


def test_every_instance_of_the_layouts_is_one_numbered_equation():
    fams = families()
    eqs = equations(fams)
    assert [e.number for e in eqs] == list(range(1, len(eqs) + 1))
    rules = [r for f in fams for r in f.rules] + list(CROSS_RULES)
    by_key = {e.key: e for e in eqs}
    for rule in rules:
        for inst in rule.instances:
            e = by_key[(rule.id, inst.scope, inst.cells)]
            assert inst.formats <= e.instance.formats and (e.instance.left, e.instance.right) == (inst.left, inst.right)
    # An instance that prints different rows in two formats is two equations (R2's 其他处理 rows).
    r2_total = [e for e in eqs if e.rule.id == "R2" and e.instance.scope == "total"]
    assert sorted(",".join(sorted(e.instance.formats)) for e in r2_total) == ["2019", "2021"]
    assert numbering(fams) is numbering(tuple(fams)), "worked out once per set of families"
    assert equations(fams) == eqs, "the same rules give the same numbers"


def test_each_check_points_at_the_equation_of_its_rule_scope_and_format(seeds_db):
    db = sqlite_utils.Database(seeds_db)
    stored = list(db["rule_instances"].rows_where(order_by="instance"))
    assert stored == [e.row() for e in equations(families())]
    rows = list(db.query(
        """select c.rule, c.scope, c.missing, r.format, i.rule as i_rule, i.scope as i_scope, i.formats, i.cells
        from checks c join reports r using (report_id) join rule_instances i using (instance)"""
    ))
    assert len(rows) == db["checks"].count > 0
    for row in rows:
        assert (row["i_rule"], row["i_scope"]) == (row["rule"], row["scope"])
        assert row["format"] in row["formats"].split(",")
        assert set(json.loads(row["missing"] or "[]")) <= set(json.loads(row["cells"]))
    assert db.execute("PRAGMA foreign_key_check(checks)").fetchall() == []


def test_an_update_onto_other_equations_rebuilds_in_full(tmp_path):
    folder = tmp_path / "in"
    shutil.copytree(SEEDS, folder)
    db_path = tmp_path / "g.db"
    build([folder], db_path)
    expected = list(sqlite_utils.Database(db_path)["rule_instances"].rows)
    with sqlite_utils.Database(db_path).conn as conn:  # as a database of an earlier rule set would hold
        conn.execute("update rule_instances set cells = '[\"new.total\"]', left_cells = 1 where instance = 1")
    summary = build([folder], db_path, full=False)
    assert not summary.incremental and summary.skipped == 0
    assert summary.lines()[0] == "built anew, not updated: its rules' equations are not this version's"
    assert list(sqlite_utils.Database(db_path)["rule_instances"].rows) == expected
    again = build([folder], db_path, full=False)
    assert again.incremental and again.outdated is None, "the rebuilt database is updated as usual"


@pytest.mark.parametrize(
    "edit, reason",
    [
        (
            "drop index idx_failing_checks_province; alter table failing_checks drop column province",
            "its table failing_checks has no column province",
        ),
        ("drop index idx_failing_checks_level", "its table failing_checks has no index on (level)"),
        ("drop index idx_reports_images", "its table reports has no index on (images) where it holds a value"),
        ("drop table agency_summary", "it has no table agency_summary"),
    ],
)
@pytest.mark.parametrize("in_place", [False, True], ids=["copy", "in-place"])
def test_an_update_onto_the_tables_of_an_older_version_rebuilds_in_full(tmp_path, edit, reason, in_place):
    """A database an older version built, whose tables lack a column, an index or a table this version writes, is
    built anew (an update would fail writing the column, or leave a page without its index), saying why."""
    folder = tmp_path / "in"
    shutil.copytree(SEEDS, folder)
    db_path, fresh = tmp_path / "g.db", tmp_path / "fresh.db"
    build([folder], fresh)
    shutil.copy(fresh, db_path)
    conn = sqlite3.connect(db_path)
    conn.executescript(edit)
    conn.close()
    summary = build([folder], db_path, full=False, in_place=in_place)
    assert (summary.incremental, summary.outdated) == (False, reason)
    assert f"built anew, not updated: {reason}" in summary.lines()
    assert sqlite3.connect(db_path).execute("select sql from sqlite_master order by name").fetchall() == (
        sqlite3.connect(fresh).execute("select sql from sqlite_master order by name").fetchall()
    )
    assert build([folder], db_path, full=False, in_place=in_place).incremental


def test_two_instances_with_the_same_cells_on_different_sides_are_a_layout_error():
    rule = sum_rule("Z1", "requests", "", "", "a = b + c", [
        Instance("total", ("a",), ("b", "c"), frozenset({"2019"})),
        Instance("total", ("a", "b"), ("c",), frozenset({"2021"})),
    ])
    requests = next(f for f in families() if f.name == "requests")
    with pytest.raises(ValueError, match="rule Z1, scope total: two instances have the same cells"):
        equations([replace(requests, rules=(rule,))])
