"""``gaireports verify`` finds every kind of discrepancy and passes a sound database."""

from __future__ import annotations

import shutil

import pytest
import sqlite_utils
from click.testing import CliRunner

from datasette_gaireports.build import build
from datasette_gaireports.cli import cli

from .conftest import SEEDS


@pytest.fixture()
def built(tmp_path):
    src = tmp_path / "src"
    shutil.copytree(SEEDS, src)
    db_path = tmp_path / "g.db"
    build([src], db_path)
    return src, db_path


def _run(*args):
    return CliRunner().invoke(cli, ["verify", *map(str, args)])


def test_sound_database_verifies(built):
    src, db_path = built
    result = _run("--db", db_path, src)
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("OK")
    assert "check outcomes recomputed: 116" in result.output


def test_tampered_cell_is_found(built):
    src, db_path = built
    db = sqlite_utils.Database(db_path)
    db.execute(
        "update cells set value = value + 1 where cell = 'new.total' and report_id = "
        "(select report_id from reports where source = '000_02a42f32ea1aea98.txt')"
    )
    db.conn.commit()
    result = _run("--db", db_path, src)
    assert result.exit_code == 1
    assert "000_02a42f32ea1aea98.txt R1 total: stored pass, recomputed fail" in result.output
    assert "000_02a42f32ea1aea98.txt R3 new: stored pass, recomputed fail" in result.output


def test_tampered_check_is_found(built):
    _src, db_path = built
    db = sqlite_utils.Database(db_path)
    db.execute("update checks set status = 'fail' where rule = 'L7'")
    db.conn.commit()
    result = _run("--db", db_path)
    assert result.exit_code == 1
    assert "stored fail, recomputed pass" in result.output


def test_changed_missing_and_new_sources(built):
    src, db_path = built
    (src / "000_02a42f32ea1aea98.txt").write_text("edited", encoding="utf-8")
    (src / "003_0f7dd0209a58a4d8.txt").unlink()
    (src / "005_new.txt").write_text("新文件", encoding="utf-8")
    result = _run("--db", db_path, src)
    assert result.exit_code == 1
    assert "sources whose bytes changed: 1\n  000_02a42f32ea1aea98.txt" in result.output
    assert "sources missing: 1\n  003_0f7dd0209a58a4d8.txt" in result.output
    assert "files not in the database (not an error): 1\n  005_new.txt" in result.output


def test_broken_foreign_key_is_found(built):
    _src, db_path = built
    db = sqlite_utils.Database(db_path)
    db.execute("update reports set agency_id = 'nobody' where source = '001_6062cf8d5ea0336b.txt'")
    db.conn.commit()
    result = _run("--db", db_path)
    assert result.exit_code == 1 and "foreign keys: 1" in result.output


def test_corrupt_file_is_found(built, tmp_path):
    _src, db_path = built
    data = bytearray(db_path.read_bytes())
    page = 4096
    data[page * 3 : page * 3 + 200] = b"\xff" * 200
    bad = tmp_path / "bad.db"
    bad.write_bytes(bytes(data))
    result = _run("--db", bad)
    assert result.exit_code == 1
    assert "integrity_check" in result.output or "not a sound SQLite database" in result.output


def test_missing_database_is_a_clear_error(tmp_path):
    result = _run("--db", tmp_path / "none.db")
    assert result.exit_code != 0 and "none.db: no such database" in result.output


@pytest.mark.parametrize("command", ["verify", "export"])
def test_a_file_that_is_no_build_is_named_with_the_reason(tmp_path, command):
    """verify and export given a report, another program's database or an empty file say which and why."""
    text = tmp_path / "report.txt"
    text.write_text("某县2020年政府信息公开工作年度报告\n", encoding="utf-8")
    other = tmp_path / "other.db"
    sqlite_utils.Database(other).table("reports").insert({"id": 1})
    empty = tmp_path / "empty.db"
    empty.touch()
    for path, why in ((text, "it is not an SQLite database"),
                      (other, "it is an SQLite database without the tables checks, rules"),
                      (empty, "it is empty")):
        result = CliRunner().invoke(cli, [command, "--db", str(path)])
        assert result.exit_code == 1, (command, path.name, result.output)
        assert result.output.startswith(f"Error: {path}: {why}"), (command, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit)
