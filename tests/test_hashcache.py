"""An update hashes only the files whose size, times or inode changed since the last build."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
import sqlite_utils

from datasette_gaireports import build as build_mod
from datasette_gaireports import hashcache
from datasette_gaireports.build import build
from datasette_gaireports.hashcache import HashCache, cache_path

from .conftest import SEEDS


@pytest.fixture
def hashed(monkeypatch) -> list[Path]:
    """The files an update hashes (the cache takes files as settled at once)."""
    monkeypatch.setattr(hashcache, "SETTLED_NS", 0)
    seen: list[Path] = []
    original = build_mod._sha256_of

    def counting(path: Path) -> str:
        seen.append(path)
        return original(path)

    monkeypatch.setattr(build_mod, "_sha256_of", counting)
    return seen


@pytest.fixture
def folder(tmp_path) -> Path:
    out = tmp_path / "reports"
    shutil.copytree(SEEDS, out)
    return out


def test_an_update_hashes_only_new_and_changed_files(folder, tmp_path, hashed):
    db = tmp_path / "g.db"
    build([folder], db)
    assert len(json.loads(cache_path(db).read_text())["files"]) == 5
    summary = build([folder], db, full=False)
    assert (summary.skipped, hashed) == (5, [])
    first = sorted(folder.iterdir())[0]
    extra = folder / "extra.txt"
    shutil.copy(first, extra)
    summary = build([folder], db, full=False, in_place=True)
    assert (summary.skipped, hashed) == (5, [extra])


def test_a_file_rewritten_with_its_old_size_and_time_is_hashed_again(folder, tmp_path, hashed):
    db = tmp_path / "g.db"
    build([folder], db)
    target = sorted(folder.iterdir())[-1]
    st = target.stat()
    data = target.read_bytes()
    changed = data.replace(b"2", b"3", 1)
    assert len(changed) == len(data) and changed != data
    target.write_bytes(changed)
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns))  # size and modification time as they were
    summary = build([folder], db, full=False)
    assert hashed == [target], "its change time moved, and no tool can set that back"
    assert (summary.skipped, summary.removed) == (4, 1)
    stored = sqlite_utils.Database(db).execute("select sha256 from reports where source = ?", [target.name]).fetchone()
    assert stored == (build_mod._sha256_of(target),)


def test_files_changed_just_before_the_build_are_not_remembered(folder, tmp_path):
    db = tmp_path / "g.db"
    build([folder], db)  # the files were copied a moment ago: too recent to trust their times next time
    assert json.loads(cache_path(db).read_text())["files"] == {}


@pytest.mark.parametrize("junk", ["not json", '{"version": 99, "files": {}}', '{"version": 1, "files": [1]}', "[]"])
def test_an_unreadable_cache_means_hashing_everything(folder, tmp_path, hashed, junk):
    db = tmp_path / "g.db"
    build([folder], db)
    cache_path(db).write_text(junk)
    assert HashCache.load(db).entries == {}
    summary = build([folder], db, full=False)
    assert summary.skipped == 5 and len(hashed) == 5


def test_a_path_that_is_not_utf8_is_remembered(folder, tmp_path, hashed):
    """A file named in GBK (undecodable bytes in its path) has its hash kept and found again."""
    gbk = folder / os.fsdecode("报告.txt".encode("gbk"))
    shutil.move(folder / "000_02a42f32ea1aea98.txt", gbk)
    db_path = tmp_path / "g.db"
    build([folder], db_path)
    assert os.path.abspath(gbk) in json.loads(cache_path(db_path).read_text(encoding="utf-8"))["files"]
    hashed.clear()
    assert build([folder], db_path, full=False).skipped == 5
    assert hashed == []
