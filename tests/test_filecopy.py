"""Copying the database for an update: clone, copy in the kernel, or read and write, whichever works first;
stopped between two chunks when asked."""

from __future__ import annotations

import errno
import os
import threading

import pytest

from datasette_gaireports import filecopy


@pytest.fixture
def source(tmp_path):
    path = tmp_path / "g.db"
    path.write_bytes(os.urandom(3 * 2**20 + 17))
    return path


def _refuse(code: int):
    def way(src: int, dst: int, stopped, copied) -> None:
        os.write(dst, b"half a copy")
        raise OSError(code, os.strerror(code))

    return way


def test_copy_is_the_same_bytes(source, tmp_path):
    target = tmp_path / "copy.db"
    target.write_bytes(b"an older, longer file" * 500_000)
    how = filecopy.copy_file(source, target)
    assert how in {"clone", "kernel", "read-write"}
    assert target.read_bytes() == source.read_bytes()


@pytest.mark.skipif(not hasattr(os, "copy_file_range"), reason="no copy_file_range here")
def test_where_no_clone_can_be_made_the_kernel_copies(source, tmp_path, monkeypatch):
    monkeypatch.setattr(filecopy, "_clone", _refuse(errno.EOPNOTSUPP))
    target = tmp_path / "copy.db"
    assert filecopy.copy_file(source, target) == "kernel"
    assert target.read_bytes() == source.read_bytes()


def test_each_way_that_fails_leaves_nothing_behind_for_the_next(source, tmp_path, monkeypatch):
    monkeypatch.setattr(filecopy, "_clone", _refuse(errno.EOPNOTSUPP))
    monkeypatch.setattr(filecopy, "_copy_range", _refuse(errno.EXDEV))
    target = tmp_path / "copy.db"
    assert filecopy.copy_file(source, target) == "read-write"
    assert target.read_bytes() == source.read_bytes()


def test_a_full_disk_is_not_tried_again(source, tmp_path, monkeypatch):
    tried = []
    monkeypatch.setattr(filecopy, "_clone", _refuse(errno.ENOSPC))
    monkeypatch.setattr(filecopy, "_copy_range", lambda src, dst, stopped, copied: tried.append("kernel"))
    monkeypatch.setattr(filecopy, "_read_write", lambda src, dst, stopped, copied: tried.append("read-write"))
    monkeypatch.setattr(filecopy.sys, "platform", "linux")
    with pytest.raises(OSError) as raised:
        filecopy.copy_file(source, tmp_path / "copy.db")
    assert raised.value.errno == errno.ENOSPC and tried == []


class _SetAfter(threading.Event):
    """An event that is set once it has been looked at ``looks`` times."""

    def __init__(self, looks: int) -> None:
        super().__init__()
        self.looks = looks

    def is_set(self) -> bool:
        self.looks -= 1
        if self.looks < 0:
            self.set()
        return super().is_set()


def _chunked(monkeypatch, way: str) -> None:
    """Copy in chunks of 1 MiB, by ``way`` (``kernel`` or ``read-write``) alone."""
    monkeypatch.setattr(filecopy, "CHUNK", 2**20)
    monkeypatch.setattr(filecopy, "_clone", _refuse(errno.EOPNOTSUPP))
    if way == "read-write":
        monkeypatch.setattr(filecopy, "_copy_range", _refuse(errno.EXDEV))
    elif not hasattr(os, "copy_file_range"):
        pytest.skip("no copy_file_range here")


@pytest.mark.parametrize("way", ["kernel", "read-write"])
def test_a_stopped_copy_stops_at_the_next_chunk(source, tmp_path, monkeypatch, way):
    _chunked(monkeypatch, way)
    target = tmp_path / "copy.db"
    with pytest.raises(filecopy.CopyStopped, match=f"stopped at byte {2 * 2**20} of {3 * 2**20 + 17}"):
        filecopy.copy_file(source, target, _SetAfter(2))
    assert target.read_bytes() == source.read_bytes()[: 2 * 2**20], "two whole chunks, then nothing"


def test_an_unset_stop_lets_the_copy_finish(source, tmp_path, monkeypatch):
    monkeypatch.setattr(filecopy, "CHUNK", 2**20)
    target = tmp_path / "copy.db"
    filecopy.copy_file(source, target, threading.Event())
    assert target.read_bytes() == source.read_bytes()


@pytest.mark.skipif(not hasattr(os, "posix_fadvise"), reason="no posix_fadvise here")
@pytest.mark.parametrize("way", ["kernel", "read-write"])
def test_the_source_leaves_the_page_cache_chunk_by_chunk_when_asked(source, tmp_path, monkeypatch, way):
    _chunked(monkeypatch, way)
    advised: list[tuple[int, int, int, int]] = []
    fadvise = os.posix_fadvise

    def spy(fd: int, offset: int, length: int, advice: int) -> None:
        advised.append((os.fstat(fd).st_ino, offset, length, advice))
        fadvise(fd, offset, length, advice)

    monkeypatch.setattr(os, "posix_fadvise", spy)
    target = tmp_path / "copy.db"
    assert filecopy.copy_file(source, target) == way and advised == [], "only when asked"
    assert filecopy.copy_file(source, target, drop_source=True) == way
    assert target.read_bytes() == source.read_bytes()
    size, ino = source.stat().st_size, source.stat().st_ino
    assert advised == [(ino, k * 2**20, min(2**20, size - k * 2**20), os.POSIX_FADV_DONTNEED) for k in range(4)]
