"""Builds are atomic and deterministic."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from concurrent.futures import Future
from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner

from datasette_gaireports import build as build_mod
from datasette_gaireports import dbfile, filecopy
from datasette_gaireports.build import build
from datasette_gaireports.cli import cli
from datasette_gaireports.verify import verify

from .conftest import SEEDS
from .test_scale import content


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _content(path: Path) -> dict[str, list]:
    db = sqlite_utils.Database(path)
    return {t: sorted(map(repr, db[t].rows)) for t in sorted(db.table_names())}


def test_failed_build_leaves_previous_database(tmp_path, monkeypatch):
    db_path = tmp_path / "g.db"
    build([SEEDS], db_path)
    before = _digest(db_path)

    def explode(*args, **kwargs):
        raise RuntimeError("disk full (simulated)")

    monkeypatch.setattr(build_mod, "write_reports", explode)
    with pytest.raises(RuntimeError, match="simulated"):
        build([SEEDS], db_path)
    assert _digest(db_path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [".g.db.hashes.json", "g.db"], "no temporary file left"


def _two_states(tmp_path: Path) -> tuple[Path, Path]:
    """A folder of four seeds built into a database, then changed: one seed gone, the fifth added."""
    folder = tmp_path / "reports"
    shutil.copytree(SEEDS, folder)
    seeds = sorted(folder.iterdir())
    held = tmp_path / seeds[-1].name
    seeds[-1].rename(held)
    db_path = tmp_path / "g.db"
    build([folder], db_path)
    seeds[0].unlink()
    held.rename(seeds[-1])
    return folder, db_path


def test_failed_update_in_place_rolls_back(tmp_path, monkeypatch):
    folder, db_path = _two_states(tmp_path)
    before = _content(db_path)

    def explode(*args, **kwargs):
        raise RuntimeError("disk full (simulated)")

    monkeypatch.setattr(build_mod, "_check_foreign_keys", explode)  # the last step: everything else is written by then
    with pytest.raises(RuntimeError, match="simulated"):
        build([folder], db_path, full=False, in_place=True)
    assert _content(db_path) == before
    assert not Path(f"{db_path}-journal").exists()
    monkeypatch.undo()
    summary = build([folder], db_path, full=False, in_place=True)
    assert (summary.skipped, summary.removed, summary.files) == (3, 1, 4)


def _copying(monkeypatch, during) -> None:
    """Run ``during()`` inside the update's copy of the database, before the copy is made."""
    copy_file = build_mod.copy_file

    def copy(src, dst, *rest, **options):
        during()
        return copy_file(src, dst, *rest, **options)

    monkeypatch.setattr(build_mod, "copy_file", copy)


def test_the_copy_holds_off_an_update_in_place(tmp_path, monkeypatch):
    """The update copies the database under a read lock: a writer elsewhere cannot commit halfway through
    the copy."""
    folder, db_path = _two_states(tmp_path)
    refused = []

    def write_elsewhere():
        other = sqlite3.connect(db_path, timeout=0.2)
        try:
            other.execute("update reports set title = 'changed meanwhile'")
            other.commit()
        except sqlite3.OperationalError as exc:
            refused.append(str(exc))
        finally:
            other.close()

    _copying(monkeypatch, write_elsewhere)
    build([folder], db_path, full=False)
    assert refused == ["database is locked"]
    assert sqlite_utils.Database(db_path).execute(
        "select count(*) from reports where title = 'changed meanwhile'").fetchone()[0] == 0


def test_the_copy_drops_the_replaced_database_from_the_page_cache(tmp_path, monkeypatch):
    """The database an update replaces is read once, by the copy: its pages leave the page cache as they are
    copied, and the update's database is the same."""
    folder, db_path = _two_states(tmp_path)
    asked: list[dict[str, object]] = []
    copy_file = build_mod.copy_file

    def recorded_copy(*a, **options):
        asked.append(options)
        return copy_file(*a, **options)

    monkeypatch.setattr(build_mod, "copy_file", recorded_copy)
    build([folder], db_path, full=False)
    assert asked == [{"drop_source": True}]
    fresh = tmp_path / "fresh.db"
    build([folder], fresh)
    assert content(db_path) == content(fresh)


def test_failed_copy_leaves_the_database(tmp_path, monkeypatch):
    folder, db_path = _two_states(tmp_path)
    before = _digest(db_path)

    def full_disk():
        raise OSError(28, "No space left on device (simulated)")

    _copying(monkeypatch, full_disk)
    with pytest.raises(OSError, match="simulated"):
        build([folder], db_path, full=False, jobs=2)
    assert _digest(db_path) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".g.db.")) == [".g.db.hashes.json"]


def _no_clone(src, dst, stopped, copied):
    raise OSError(95, "no shared blocks on this file system (simulated)")


@pytest.mark.skipif(not hasattr(os, "copy_file_range"), reason="no copy_file_range here")
def test_an_interrupt_stops_the_copy_without_waiting_for_it(tmp_path, monkeypatch):
    """Ctrl-C while a large database is copied: the copy stops at its next chunk, the build stops, and the
    database and the folder are as they were."""
    folder, db_path = _two_states(tmp_path)
    before = _digest(db_path)
    chunks = -(-db_path.stat().st_size // 4096)
    copied: list[int] = []
    copy_range = os.copy_file_range

    def slow_copy_range(src, dst, count):
        time.sleep(0.01)
        copied.append(count)
        return copy_range(src, dst, count)

    def interrupted_plan(*args, **kwargs):
        deadline = time.monotonic() + 10
        while len(copied) < 2 and time.monotonic() < deadline:
            time.sleep(0.005)
        raise KeyboardInterrupt

    monkeypatch.setattr(filecopy, "CHUNK", 4096)
    monkeypatch.setattr(filecopy, "_clone", _no_clone)
    monkeypatch.setattr(os, "copy_file_range", slow_copy_range)
    monkeypatch.setattr(build_mod, "_plan_update", interrupted_plan)
    with pytest.raises(KeyboardInterrupt):
        build([folder], db_path, full=False)
    assert 2 <= len(copied) < 10 < chunks, f"{len(copied)} of {chunks} chunks copied"
    assert _digest(db_path) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".g.db.")) == [".g.db.hashes.json"]


def test_an_update_lists_and_parses_the_files_during_the_copy(tmp_path, monkeypatch):
    """Copying a large database takes what the disk takes: the files are listed, hashed and the new ones
    parsed meanwhile (the update planned from the database as it is copied), and the result is the database
    a full build gives."""
    folder, db_path = _two_states(tmp_path)
    events: list[str] = []
    copying = threading.Event()
    listed, rows = build_mod._sorted_sources, build_mod.report_rows

    def listing(inputs, database):
        events.append("listed during the copy" if copying.wait(10) else "listed before the copy")
        return listed(inputs, database)

    def counted(*args):
        events.append("parsed")
        return rows(*args)

    def held():
        copying.set()
        deadline = time.monotonic() + 10
        while "parsed" not in events and time.monotonic() < deadline:
            time.sleep(0.01)
        events.append("copied")

    monkeypatch.setattr(build_mod, "_sorted_sources", listing)
    monkeypatch.setattr(build_mod, "report_rows", counted)
    _copying(monkeypatch, held)
    summary = build([folder], db_path, full=False)
    assert events == ["listed during the copy", "parsed", "copied"]
    assert (summary.skipped, summary.removed, summary.files) == (3, 1, 4)
    monkeypatch.undo()
    build([folder], tmp_path / "full.db")
    assert content(db_path) == content(tmp_path / "full.db")


def test_the_files_parsed_during_the_copy_are_bounded():
    """While the copy runs, parsed reports wait in memory: at most the limit of them."""
    taken: list[int] = []

    def rows():
        for i in range(10):
            taken.append(i)
            yield i

    copying: Future[str] = Future()
    copied: Future[str] = Future()
    copied.set_result("kernel")
    ahead = build_mod._parsed_ahead(rows(), copying, 3)
    assert taken == [0, 1, 2]
    assert list(ahead) == list(range(10))
    taken.clear()
    ahead = build_mod._parsed_ahead(rows(), copied, 3)
    assert taken == []
    assert list(ahead) == list(range(10))


def test_a_database_in_wal_mode_is_updated_in_place_only(tmp_path):
    """A new file put in place of a database in WAL mode would be read with the old one's -wal file."""
    folder, db_path = _two_states(tmp_path)
    sqlite_utils.Database(db_path).enable_wal()
    assert dbfile.in_wal_mode(db_path) and not dbfile.in_wal_mode(tmp_path / "none.db")
    before = _content(db_path)
    for full in (False, True):
        with pytest.raises(build_mod.Unreplaceable, match=r"g\.db: the database is in WAL mode.*--in-place"):
            build([folder], db_path, full=full)
    out = CliRunner().invoke(cli, ["build", str(folder), "--db", str(db_path), "-q"])
    assert out.exit_code == 1 and "WAL mode" in out.output and f"{db_path} was left as it was" in out.output
    assert _content(db_path) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
    summary = build([folder], db_path, full=False, in_place=True)
    assert (summary.skipped, summary.removed, summary.files) == (3, 1, 4)


KILL_SCRIPT = """
import sys, time
from datasette_gaireports import database
from datasette_gaireports.build import build
original = database.write_reports
def slow(db, reports, families):
    reports = list(reports)
    original(db, reports[:2], families)
    print("writing", flush=True)
    time.sleep(60)
database.write_reports = slow
import datasette_gaireports.build as b
b.write_reports = slow
build([sys.argv[1]], sys.argv[2], full=sys.argv[3] == "full", in_place=sys.argv[3] == "in-place")
"""


def _kill_while_writing(folder: Path, db_path: Path, mode: str) -> None:
    with subprocess.Popen(
        [sys.executable, "-c", KILL_SCRIPT, str(folder), str(db_path), mode],
        stdout=subprocess.PIPE,
        text=True,
    ) as proc:
        try:
            assert proc.stdout is not None and proc.stdout.readline().strip() == "writing"
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        finally:
            if proc.poll() is None:
                proc.kill()


def test_a_file_that_is_no_database_of_ours_is_not_replaced(tmp_path):
    """``--db`` naming another file by mistake (a report, another program's database) stops the build; an
    empty file, or a database a build wrote, is replaced."""
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SEEDS / "001_6062cf8d5ea0336b.txt", folder)
    text = tmp_path / "report.html"
    text.write_text("<html><body>某县2020年政府信息公开工作年度报告</body></html>", encoding="utf-8")
    other = tmp_path / "other.db"
    sqlite_utils.Database(other).table("notes").insert({"note": "keep"})
    for path, why in ((text, "it is not an SQLite database"),
                      (other, "it is an SQLite database without the tables checks, reports, rules")):
        before = path.read_bytes()
        with pytest.raises(build_mod.Unreplaceable, match=re.escape(f"{path}: {why}")):
            build([folder], path)
        out = CliRunner().invoke(cli, ["build", str(folder), "--db", str(path), "-q"])
        assert out.exit_code == 1 and why in out.output and f"{path} was left as it was" in out.output
        assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
    empty = tmp_path / "empty.db"
    empty.touch()
    for _ in range(2):
        assert build([folder], empty).files == 1
    assert sqlite_utils.Database(empty).table("reports").count == 1


def test_a_database_built_into_its_own_folder_is_no_input(tmp_path):
    """``gaireports build reports --db reports/g.db``: updates (on a copy, in place) and verify leave the
    database and SQLite's files beside it out of the inputs."""
    folder = tmp_path / "reports"
    shutil.copytree(SEEDS, folder)
    db_path = folder / "g.db"
    build([folder], db_path)
    for in_place in (False, True):
        summary = build([folder], db_path, full=False, in_place=in_place)
        assert (summary.files, summary.skipped, summary.unparsed) == (5, 5, 0), in_place
    assert [r["source"] for r in sqlite_utils.Database(db_path).query("select source from reports where source "
                                                                       "like 'g.db%'")] == []
    result = verify(db_path, [str(folder)])
    assert result.ok and result.new == []
    companion = folder / "g.db-wal"
    companion.write_bytes(b"\x00" * 32)
    names = {name for _path, name in build_mod.iter_sources([folder], db_path)}
    assert names == {p.name for p in SEEDS.iterdir()}
    assert {"g.db", "g.db-wal"} <= {name for _path, name in build_mod.iter_sources([folder])}


def test_killed_build_leaves_previous_database(tmp_path):
    db_path = tmp_path / "g.db"
    build([SEEDS], db_path)
    before = _digest(db_path)
    _kill_while_writing(SEEDS, db_path, "full")
    assert _digest(db_path) == before


def test_killed_update_in_place_leaves_previous_database(tmp_path):
    folder, db_path = _two_states(tmp_path)
    before = _content(db_path)
    _kill_while_writing(folder, db_path, "in-place")
    assert Path(f"{db_path}-journal").exists(), "killed with the update half written"
    assert _content(db_path) == before, "SQLite rolls the half-written update back on the next open"


def test_build_is_deterministic_whatever_the_order(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    for folder in (a, b):
        folder.mkdir()
    names = sorted(p.name for p in SEEDS.iterdir())
    for name in names:
        shutil.copy(SEEDS / name, a / name)
    for name in reversed(names):
        shutil.copy(SEEDS / name, b / name)
        time.sleep(0.01)
    build([a / n for n in names], tmp_path / "a.db")
    build([b / n for n in reversed(names)], tmp_path / "b.db")
    assert _content(tmp_path / "a.db") == _content(tmp_path / "b.db")


def test_schema_declares_keys_and_indexes(seeds_db):
    db = sqlite_utils.Database(seeds_db)
    assert db.table("reports").pks == ["report_id"]
    assert db.table("requests").pks == ["report_id", "row"]
    assert db.table("checks").pks == ["report_id", "rule", "scope"]
    fks = {(fk.column, fk.other_table) for fk in db.table("reports").foreign_keys}
    assert fks == {("agency_id", "agencies"), ("format", "formats")}
    assert {fk.other_table for fk in db.table("checks").foreign_keys} == {"reports", "rules", "rule_instances"}
    indexed = {tuple(i.columns) for i in db.table("reports").indexes}
    assert ("year",) in indexed and ("format",) in indexed
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []


def test_cells_are_kept_in_key_order_with_their_flags_indexed_where_set(seeds_db):
    """``cells``, the largest table, is stored by its key (no rowid, no second copy of the key), and its mostly
    empty ``flag`` column is indexed only where it holds a flag; lookups by report and by flag use them."""
    db = sqlite_utils.Database(seeds_db)
    assert db.table("cells").pks == ["report_id", "family", "cell"]
    assert db["cells"].schema.rstrip().endswith("WITHOUT ROWID")
    assert db.execute("select name from sqlite_master where type = 'index' and tbl_name = 'cells'").fetchall() == [
        ("idx_cells_flag",)], "no separate index of the key"
    assert db.execute("select sql from sqlite_master where name = 'idx_cells_flag'").fetchone()[0].endswith(
        'WHERE "flag" IS NOT NULL')
    plans = {
        q: " ".join(row[3] for row in db.execute(f"explain query plan {q}", ["x"]))
        for q in ("select * from cells where report_id = ?", "select count(*) from cells where flag = ?")
    }
    assert plans == {
        "select * from cells where report_id = ?": "SEARCH cells USING PRIMARY KEY (report_id=?)",
        "select count(*) from cells where flag = ?": "SEARCH cells USING COVERING INDEX idx_cells_flag (flag=?)",
    }
    for fam in ("active", "requests", "review", "legacy"):  # the family tables too, read by report like cells
        assert db[fam].schema.rstrip().endswith("WITHOUT ROWID"), fam
        assert db.execute("select count(*) from sqlite_master where type = 'index' and tbl_name = ?",
                          [fam]).fetchone() == (0,), f"{fam}: no separate index of the key"
    flagged, = db.execute("select count(*) from cells where flag is not null").fetchone()
    assert 0 < flagged == sum(db.execute("select count(*) from cells where flag = ?", [f]).fetchone()[0]
                              for (f,) in db.execute("select distinct flag from cells where flag is not null"))


def _orphan(db: sqlite_utils.Database, table: str) -> None:
    """Insert a copy of one of ``table``'s rows under a report id that no report has."""
    row = db.execute(f"select * from [{table}] limit 1").fetchone()
    cols = [c[1] for c in db.execute(f"pragma table_info([{table}])").fetchall()]
    db.table(table).insert(dict(zip(cols, row)) | {"report_id": "no-such-report"})


def _appended(seeds_db, tmp_path):
    from datasette_gaireports import pipeline
    from datasette_gaireports.database import all_tables

    pm = pipeline.plugin_manager()
    families = pipeline.families(pm)
    copy = tmp_path / "copy.db"
    shutil.copy(seeds_db, copy)
    return sqlite_utils.Database(copy), all_tables(families, pipeline.formats(pm)), build_mod.appended_tables(families)


def test_foreign_keys_of_appended_rows_are_checked(seeds_db, tmp_path):
    """A table with a rowid: the rows after its last rowid before the build."""
    db, tables, appended = _appended(seeds_db, tmp_path)
    assert build_mod.foreign_key_problems(db, tables, {}) == []
    before = build_mod._last_rowids(db, appended)
    assert "checks" in before and "cells" not in before, "cells has no rowid"
    _orphan(db, "checks")
    assert build_mod.foreign_key_problems(db, tables, before) == [("checks", db.execute("select max(rowid) from checks").fetchone()[0], "reports")]
    assert build_mod.foreign_key_problems(db, tables, {}), "a full check finds it too"
    assert build_mod.foreign_key_problems(db, tables, build_mod._last_rowids(db, appended)) == [], (
        "rows from before the build are not read again"
    )


def test_foreign_keys_of_rows_appended_to_a_table_without_rowid_are_logged_and_checked(seeds_db, tmp_path):
    """``cells`` (WITHOUT ROWID): the rows inserted while a trigger logs their foreign keys."""
    db, tables, appended = _appended(seeds_db, tmp_path)
    before = build_mod._last_rowids(db, appended)
    cells = [t for t in tables if t.name == "cells"]
    with build_mod._new_rows_logged(db, cells) as logs:
        assert build_mod.foreign_key_problems(db, tables, before, logs) == []
        _orphan(db, "cells")
        assert build_mod.foreign_key_problems(db, tables, before, logs) == [("cells", None, "reports")]
    assert db.execute("select name from sqlite_temp_master").fetchall() == [], "the log and its trigger are gone"
    with build_mod._new_rows_logged(db, cells) as logs:
        assert build_mod.foreign_key_problems(db, tables, before, logs) == [], (
            "rows from before the build are not read again"
        )
    assert build_mod.foreign_key_problems(db, tables, {}), "a full check finds it"
