"""Parallel, streaming and incremental builds give the same database as a plain build."""

from __future__ import annotations

import shutil
import time
from collections.abc import Generator
from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner

from datasette_gaireports.build import Budget, build
from datasette_gaireports.cli import cli
from datasette_gaireports.corpus import generate_corpus
from datasette_gaireports.database import ReportWriter, insert_rows, write_reports
from datasette_gaireports.report import ParsedReport, report_id
from datasette_gaireports.search import FTS_SHADOW_SUFFIXES

from .conftest import SEEDS
from .test_crossyear import next_year

SEED_001 = SEEDS / "001_6062cf8d5ea0336b.txt"


def content(path: Path) -> dict[str, list]:
    """Every table's rows, sorted (FTS shadow tables left out: their bytes depend on insertion order)."""
    db = sqlite_utils.Database(path)
    out = {}
    for t in sorted(db.table_names()):
        if not t.endswith(tuple(f"_fts{s}" for s in FTS_SHADOW_SUFFIXES)):
            out[t] = sorted(map(repr, db.execute(f"select * from [{t}]").fetchall()))
    return out


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """30 generated reports, plus one body's 2020 and 2021 reports (a pair for the rules across years)."""
    root = tmp_path_factory.mktemp("scale")
    generate_corpus(root / "gen", 30, seed=7)
    folder = root / "reports"
    shutil.copytree(root / "gen" / "reports", folder)
    shutil.copy(SEED_001, folder / "pair_2020.txt")
    (folder / "pair_2021.txt").write_text(next_year((3, 0, 0, 0, 0, 0, 3), 2), encoding="utf-8")
    shutil.copy(SEED_001, folder / "pair_copy.txt")
    return folder


@pytest.fixture(scope="module")
def serial(corpus, tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("serial") / "serial.db"
    build([corpus], db, jobs=1)
    return db


def test_parallel_build_equals_serial(corpus, serial, tmp_path):
    db = tmp_path / "parallel.db"
    summary = build([corpus], db, jobs=2)
    assert summary.files == 33
    assert content(db) == content(serial)
    rules = {r for (r,) in sqlite_utils.Database(db).execute("select distinct rule from checks where rule like 'X%'")}
    assert rules == {"X1", "X2"}


def test_time_budget_holds_in_workers(corpus, tmp_path):
    db = tmp_path / "slow.db"
    summary = build([corpus], db, Budget(max_seconds=1e-6), jobs=2)
    assert summary.unparsed == summary.files == 33
    assert all("too slow" in r for r in summary.unparsed_reasons)


@pytest.mark.parametrize("in_place", [False, True], ids=["copy", "in-place"])
def test_incremental_build_equals_full(corpus, serial, tmp_path, in_place):
    folder = tmp_path / "reports"
    shutil.copytree(corpus, folder)
    gone = sorted(folder.glob("00*"))[:3]
    held = [folder / "pair_2020.txt", folder / "pair_copy.txt"]
    moved = tmp_path / "held"
    moved.mkdir()
    for p in held:
        p.rename(moved / p.name)
    db = tmp_path / "g.db"
    first = build([folder], db, jobs=2, full=False)
    assert not first.incremental
    for p in gone:
        p.unlink()
    for p in held:
        (moved / p.name).rename(p)
    second = build([folder], db, jobs=2, full=False, in_place=in_place)
    assert (second.incremental, second.skipped, second.removed) == (True, 28, 3)
    assert "unchanged (skipped): 28" in second.lines() and "removed: 3" in second.lines()
    full = tmp_path / "full.db"
    build([folder], full, jobs=1)
    assert content(db) == content(full)
    assert sqlite_utils.Database(db).execute(
        "select count(*) from reports_fts where reports_fts match '医疗保障局'"
    ).fetchone() == sqlite_utils.Database(full).execute(
        "select count(*) from reports_fts where reports_fts match '医疗保障局'"
    ).fetchone()
    # A changed file is its old report removed and its new one parsed.
    (folder / "pair_2021.txt").write_text(next_year(), encoding="utf-8")
    third = build([folder], db, jobs=1, full=False, in_place=in_place)
    assert (third.skipped, third.removed) == (29, 1)
    build([folder], full, jobs=1)
    assert content(db) == content(full)
    assert content(db) != content(serial)


@pytest.mark.parametrize("in_place", [False, True], ids=["copy", "in-place"])
def test_an_update_reads_again_what_an_older_parser_read(corpus, serial, tmp_path, in_place):
    """Reports another parser version wrote are read again, counted apart from the removed ones; the
    result is the database a full build gives."""
    db = tmp_path / "g.db"
    shutil.copy(serial, db)
    with sqlite_utils.Database(db).conn as conn:
        conn.execute("update reports set parser_version = '0.9' where source in ('pair_2020.txt', 'pair_2021.txt')")
    summary = build([corpus], db, jobs=1, full=False, in_place=in_place)
    assert (summary.incremental, summary.skipped, summary.removed, summary.reread) == (True, 31, 0, 2)
    assert "read again (an older parser had read them): 2" in summary.lines()
    assert content(db) == content(serial)


def test_updates_that_empty_and_refill_the_counts_equal_full_builds(corpus, serial, tmp_path):
    """Removing all but one report drops most rows of the count tables; putting them back brings them back."""
    folder = tmp_path / "reports"
    shutil.copytree(corpus, folder)
    away = tmp_path / "away"
    away.mkdir()
    db = tmp_path / "g.db"
    shutil.copy(serial, db)
    for p in sorted(folder.iterdir())[1:]:
        p.rename(away / p.name)
    assert build([folder], db, jobs=1, full=False, in_place=True).removed == 32
    build([folder], tmp_path / "one.db", jobs=1)
    assert content(db) == content(tmp_path / "one.db")
    for p in away.iterdir():
        p.rename(folder / p.name)
    assert build([folder], db, jobs=2, full=False, in_place=True).skipped == 1
    assert content(db) == content(serial)


def test_full_flag_rebuilds(corpus, serial, tmp_path):
    db = tmp_path / "g.db"
    shutil.copy(serial, db)
    summary = build([corpus], db, jobs=1, full=True)
    assert not summary.incremental
    assert content(db) == content(serial)


def test_reports_stream_into_the_database(tmp_path):
    db = sqlite_utils.Database(tmp_path / "w.db")
    from datasette_gaireports import pipeline
    from datasette_gaireports.database import init

    pm = pipeline.plugin_manager()
    families = pipeline.families(pm)
    init(db, families, pipeline.formats(pm))
    seen = []

    def reports():
        for k in range(12):
            seen.append(db.execute("select count(*) from reports").fetchone()[0])
            sha = f"{k:064x}"
            yield ParsedReport(report_id(f"f{k}", sha), f"f{k}", sha, 0, reason="f: empty")

    writer = ReportWriter(db, families, batch_rows=8)  # an unparsed report is two rows: reports and its search row
    for rep in reports():
        writer.add(rep)
        assert writer.queued < 8
    writer.flush()
    assert seen == [0, 0, 0, 0, 4, 4, 4, 4, 8, 8, 8, 8]
    assert write_reports(db, [], families) == 0


def test_insert_rows_puts_null_for_a_left_out_column_and_refuses_an_unknown_one():
    db = sqlite_utils.Database(memory=True)
    db.execute("create table t (a integer, b text, c text)")
    insert_rows(db, "t", [{"a": 1, "b": "x", "c": "y"}, {"a": 2, "c": "z"}, {"c": "w", "b": "v", "a": 3}], batch=2)
    assert db.execute("select * from t order by a").fetchall() == [(1, "x", "y"), (2, None, "z"), (3, "v", "w")]
    every_column_and_one_more = {"a": 4, "b": "x", "c": "y", "d": 1}
    left_out_and_unknown = {"a": 5, "d": 1, "e": 2}
    for rows in ([{"a": 0, "b": "", "c": ""}, every_column_and_one_more], [left_out_and_unknown]):
        with pytest.raises(ValueError, match=r"rows for table t have no such columns: \['d'"):
            insert_rows(db, "t", rows)
    assert db.execute("select count(*) from t").fetchone() == (3,)


def test_each_batch_goes_into_a_table_stored_by_key_in_key_order(corpus, tmp_path, monkeypatch):
    """``cells`` and the family tables (``WITHOUT ROWID``) fill their pages in order; the others keep the
    order of the reports, whose rowids the search index follows."""
    from datasette_gaireports import database, pipeline

    inserted: dict[str, list[list[dict]]] = {}
    real = database.insert_rows

    def spy(db, name, rows, columns=None, batch=1000):
        inserted.setdefault(name, []).append(list(rows))
        real(db, name, rows, columns, batch)

    monkeypatch.setattr(database, "insert_rows", spy)
    build([corpus], tmp_path / "k.db", jobs=1)
    assert {name for name, batches in inserted.items() if any(len(b) > 1 for b in batches)} >= {
        "reports", "cells", "checks", "requests", "legacy"}
    db = sqlite_utils.Database(tmp_path / "k.db")
    for name, batches in inserted.items():
        if name not in ("reports", "cells", "checks", *(f.name for f in pipeline.families())):
            continue
        by_key = database.stored_by_key(db, name)
        assert by_key == (name not in ("reports", "checks")), name
        for rows in batches:
            keys = [tuple(r[k] for k in db.table(name).pks) for r in rows]
            if by_key:
                assert keys == sorted(keys), name
    sources = [r["source"] for b in inserted["reports"] for r in b]
    assert sources == sorted(sources), "reports go in in the order of their files"


def test_cli_options(corpus, tmp_path):
    db = tmp_path / "c.db"
    runner = CliRunner()
    out = runner.invoke(cli, ["build", str(corpus), "--db", str(db), "--jobs", "2"])
    assert out.exit_code == 0, out.output
    assert "reports read: 33" in out.output and "unchanged" not in out.output
    again = runner.invoke(cli, ["build", str(corpus), "--db", str(db), "--quiet"])
    assert "unchanged (skipped): 33" in again.output and "removed: 0" in again.output
    full = runner.invoke(cli, ["build", str(corpus), "--db", str(db), "--full", "-j", "1"])
    assert "unchanged" not in full.output
    inode = db.stat().st_ino
    in_place = runner.invoke(cli, ["build", str(corpus), "--db", str(db), "--in-place", "-q"])
    assert in_place.exit_code == 0, in_place.output
    assert "unchanged (skipped): 33" in in_place.output
    assert db.stat().st_ino == inode, "updated in the file itself, not replaced"


class Recording:
    """A progress display that remembers what it was told."""

    def __init__(self) -> None:
        self.total: int | None = None
        self.done = 0

    def start(self, total: int) -> None:
        self.total = total

    def advance(self, n: int) -> None:
        self.done += n


def test_progress_counts_every_file(tmp_path):
    fresh, again = Recording(), Recording()
    build([SEEDS], tmp_path / "p.db", progress=fresh, full=False)
    build([SEEDS], tmp_path / "p.db", progress=again, full=False)
    files = len(list(SEEDS.iterdir()))
    assert (fresh.total, fresh.done) == (files, files)
    assert (again.total, again.done) == (files, files), "skipped files count as done"


def test_no_progress_bar_without_a_terminal():
    from datasette_gaireports.progress import progress_bar

    with progress_bar(enabled=True) as bar:  # pytest captures stderr: not a terminal
        assert bar is None


def _mark(item: tuple[Path, str]) -> str:
    item[0].joinpath(item[1]).touch()
    return item[1]


def test_workers_parse_a_bounded_window_ahead_of_a_slow_writer(tmp_path):
    from datasette_gaireports import build as build_mod

    items = [(tmp_path, f"{k:05d}") for k in range(8000)]
    chunksize, window = build_mod._batching(2, len(items))
    stream = build_mod._pooled(_mark, items, build_mod.Parser.load(), jobs=2)
    assert isinstance(stream, Generator)
    try:
        assert next(stream) == "00000"
        time.sleep(2)  # the writer stalls: the workers stop at the window instead of parsing everything
        assert len(list(tmp_path.iterdir())) <= window + chunksize < len(items)
        assert [next(stream) for _ in range(3)] == ["00001", "00002", "00003"]
    finally:
        stream.close()
    assert len(list(tmp_path.iterdir())) < len(items)
