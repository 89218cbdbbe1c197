"""Copying the database for an update: clone, copy in the kernel, or read and write, whichever works first."""

from __future__ import annotations

import errno
import os

import pytest

from datasette_gaireports import filecopy


@pytest.fixture
def source(tmp_path):
    path = tmp_path / "g.db"
    path.write_bytes(os.urandom(3 * 2**20 + 17))
    return path


def _refuse(code: int):
    def way(src: int, dst: int) -> None:
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
    monkeypatch.setattr(filecopy, "_copy_range", lambda src, dst: tried.append("kernel"))
    monkeypatch.setattr(filecopy.shutil, "copyfile", lambda src, dst: tried.append("read-write"))
    monkeypatch.setattr(filecopy.sys, "platform", "linux")
    with pytest.raises(OSError) as raised:
        filecopy.copy_file(source, tmp_path / "copy.db")
    assert raised.value.errno == errno.ENOSPC and tried == []
