"""Shared fixtures: the seed reports, their gold values, and databases built from them."""

from __future__ import annotations

import json
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from datasette_test import wait_until_responds

import datasette_gaireports
from datasette_gaireports.build import build
from datasette_gaireports.compiled import stale_modules

FIXTURES = Path(__file__).parent / "fixtures"
SEEDS = FIXTURES / "seeds"
IMBALANCED_SOURCE = "imbalanced/000_imbalanced.txt"


def pytest_sessionstart(session: pytest.Session) -> None:
    """Refuse to test compiled copies older than their sources (an edit since the last ``pip install -e .``)."""
    stale = stale_modules(Path(datasette_gaireports.__file__).parent)
    if stale:
        pytest.exit(f"compiled copies older than their sources: {', '.join(stale)}; run `pip install -e .` again", 2)


@pytest.fixture(scope="session")
def gold() -> list[dict]:
    return json.loads((FIXTURES / "seeds.gold.json").read_text(encoding="utf-8"))


def make_imbalanced(folder: Path) -> Path:
    """Seed 000 (铁岭 2019) with one figure changed: table 三 予以公开·自然人 27 → 29.

    R2 (natural_person column), R3 (granted row) fail; everything else still passes.
    """
    text = (SEEDS / "000_02a42f32ea1aea98.txt").read_text(encoding="utf-8")
    marker = "(一)予以公开\n\n27\n"
    assert marker in text
    target = folder / IMBALANCED_SOURCE
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text.replace(marker, "(一)予以公开\n\n29\n"), encoding="utf-8")
    return target


@pytest.fixture(scope="session")
def corpus_dir(tmp_path_factory) -> Path:
    """The five seeds plus the imbalanced copy of seed 000, as a folder to build from."""
    folder = tmp_path_factory.mktemp("corpus")
    shutil.copytree(SEEDS, folder / "seeds")
    make_imbalanced(folder)
    return folder


@pytest.fixture(scope="session")
def seeds_db(tmp_path_factory) -> Path:
    """A database built by the project's own build from the five seeds."""
    db = tmp_path_factory.mktemp("seeds_db") / "gaireports.db"
    build([SEEDS], db)
    return db


@pytest.fixture(scope="session")
def corpus_db(corpus_dir, tmp_path_factory) -> Path:
    """A database built from the seeds plus one report with a deliberate imbalance."""
    db = tmp_path_factory.mktemp("corpus_db") / "gaireports.db"
    build([corpus_dir], db)
    return db


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def live_datasette(db: Path, log: Path, *options: str) -> Iterator[str]:
    """A real ``datasette serve`` of ``db`` on a free port of 127.0.0.1; yields its base URL."""
    port = free_port()
    with log.open("wb") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "datasette", "serve", *options, str(db), "--host", "127.0.0.1", "--port", str(port)],
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_responds(url + "/-/versions.json", timeout=20)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def report_ids(db: Path) -> dict[str, str]:
    """Source → report id of every report in a database."""
    conn = sqlite3.connect(db)
    try:
        return dict(conn.execute("select source, report_id from reports"))
    finally:
        conn.close()


def earlier_version(db: Path, target: Path, *columns: str) -> Path:
    """A copy of database ``db`` at ``target`` whose ``reports`` lacks ``columns`` (and their indexes), as a
    database an earlier version built."""
    with sqlite3.connect(db) as source, sqlite3.connect(target) as copy:
        source.backup(copy)
    with sqlite3.connect(target) as conn:
        for column in columns:
            conn.execute(f"drop index if exists idx_reports_{column}")
            conn.execute(f"alter table reports drop column {column}")
    return target


def found(pattern: str, text: str, flags: int = 0, *, group: int = 1, match: bool = False) -> str:
    """Group ``group`` of ``pattern`` in ``text`` (``re.search``, or ``re.match`` when ``match``); fails when absent."""
    m = (re.match if match else re.search)(pattern, text, flags)
    if m is None:
        excerpt = text[:200] + ("…" if len(text) > 200 else "")
        raise AssertionError(f"no match for {pattern!r} in {excerpt!r}")
    return m[group]
