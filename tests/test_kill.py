"""A build killed with SIGKILL at any point leaves the previous database byte-for-byte intact."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from datasette_gaireports.build import build

from .conftest import SEEDS

KILL_AT = (0.05, 0.25, 0.5, 0.75, 0.9, 0.97)
"""Fractions of a full build's measured duration: the kills fall in start-up, parsing, writing
the tables, and the final VACUUM and rename."""


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def many(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("many")
    for i in range(50):
        for seed in SEEDS.iterdir():
            shutil.copy(seed, folder / f"{i:03d}_{seed.name}")
    return folder


def _build_command(folder: Path, db: Path) -> list[str]:
    return [sys.executable, "-m", "datasette_gaireports.cli", "build", str(folder), "--db", str(db)]


@pytest.fixture(scope="module")
def duration(many, tmp_path_factory) -> float:
    db = tmp_path_factory.mktemp("timed") / "gaireports.db"
    start = time.monotonic()
    subprocess.run(_build_command(many, db), check=True, stdout=subprocess.DEVNULL)
    return time.monotonic() - start


@pytest.fixture(scope="module")
def previous(tmp_path_factory) -> tuple[Path, str]:
    db = tmp_path_factory.mktemp("prev") / "gaireports.db"
    build([SEEDS], db)
    return db, _digest(db)


@pytest.mark.parametrize("fraction", KILL_AT)
def test_sigkill_leaves_previous_database(many, previous, duration, tmp_path, fraction):
    db = tmp_path / "gaireports.db"
    shutil.copy(previous[0], db)
    proc = subprocess.Popen(_build_command(many, db), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + duration * fraction
    while time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.01)
    was_running = proc.poll() is None
    os.kill(proc.pid, signal.SIGKILL) if was_running else None
    proc.wait(timeout=30)
    if _digest(db) != previous[1]:
        # Only a complete database may have replaced the old one: a kill that lands after the
        # rename, while the process is exiting, leaves the finished build.
        conn = sqlite3.connect(db)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("select count(*) from reports").fetchone()[0] == len(list(many.iterdir()))
        conn.close()
    else:
        assert was_running, "a build that finished has replaced the database"
    kept = {"gaireports.db", ".gaireports.db.hashes.json"}  # the database and the hashes of its files
    leftovers = [p for p in tmp_path.iterdir() if p.name not in kept]
    assert all(p.name.startswith(f".gaireports.db.{proc.pid}.") for p in leftovers), leftovers
    build([SEEDS], db)
    assert {p.name for p in tmp_path.iterdir()} == kept, "the next build removes the leftovers"


def test_completed_build_replaces_database_readable_by_others(many, tmp_path):
    db = tmp_path / "gaireports.db"
    build([SEEDS], db)
    assert stat.S_IMODE(db.stat().st_mode) & stat.S_IROTH
