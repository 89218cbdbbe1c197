"""Copying a database file: a clone where the file system shares blocks between files, else a copy in the kernel.

An update on a copy (the default) copies the whole database before it writes
the new reports. On a file system with shared extents (XFS with reflink,
Btrfs) a clone costs no time whatever the size, and the update's writes then
take new blocks, leaving the original as it was. ``shutil.copyfile`` (sendfile)
never clones; ``FICLONE`` and ``copy_file_range`` do where they can, and
``copy_file_range`` copies within the kernel where they cannot (ext4).

A copy that is not a clone goes in chunks and stops at the next one once its
``stop`` event is set: an interrupted update does not wait for the whole file.
With ``drop_source``, each chunk of the source leaves the page cache once copied
(``POSIX_FADV_DONTNEED``): nobody reads the pages of a database about to be
replaced again, the copy's own pages take their memory, and replacing the file
then frees fewer cached pages (the README gives what it saved).
"""

from __future__ import annotations

import errno
import os
import sys
import threading
from collections.abc import Callable
from pathlib import Path

FICLONE = 0x40049409
"""Linux ioctl: make the target file share all of the source file's blocks."""
CHUNK = 64 * 2**20
"""Bytes copied between two looks at the ``stop`` event."""


class CopyStopped(Exception):
    """The copy was stopped (its ``stop`` event set) before it was whole."""


def _clone(src: int, dst: int, stopped: Callable[[], bool], copied: Callable[[int, int], None]) -> None:
    import fcntl

    fcntl.ioctl(dst, FICLONE, src)


def _chunks(size: int, stopped: Callable[[], bool]) -> Callable[[int], int]:
    """How much to copy next, given how much is done (0 once the file is whole); :class:`CopyStopped` once
    ``stopped()``."""

    def step(done: int) -> int:
        if stopped():
            raise CopyStopped(f"copy stopped at byte {done} of {size}")
        return min(CHUNK, size - done)

    return step


def _copy_range(src: int, dst: int, stopped: Callable[[], bool], copied: Callable[[int, int], None]) -> None:
    size = os.fstat(src).st_size
    step = _chunks(size, stopped)
    done = 0
    while want := step(done):
        n = os.copy_file_range(src, dst, want)
        if n == 0:
            raise OSError(f"copy_file_range stopped at byte {done} of {size}")
        copied(done, n)
        done += n


def _read_write(src: int, dst: int, stopped: Callable[[], bool], copied: Callable[[int, int], None]) -> None:
    size = os.fstat(src).st_size
    step = _chunks(size, stopped)
    done = 0
    while want := step(done):
        block = os.read(src, want)
        if not block:
            raise OSError(f"the file ended at byte {done} of {size}")
        view = memoryview(block)
        while view:
            view = view[os.write(dst, view):]
        copied(done, len(block))
        done += len(block)


def _after_copy(src: int, drop: bool) -> Callable[[int, int], None]:
    """What to do with each (offset, length) of the source once copied: drop it from the page cache where
    asked (and the system can), else nothing."""
    if drop and hasattr(os, "posix_fadvise"):
        return lambda offset, length: os.posix_fadvise(src, offset, length, os.POSIX_FADV_DONTNEED)
    return lambda offset, length: None


def copy_file(src: str | Path, dst: str | Path, stop: threading.Event | None = None, *,
              drop_source: bool = False) -> str:
    """Copy ``src`` to ``dst`` (created or truncated); returns how: ``clone``, ``kernel`` or ``read-write``.

    Raises :class:`CopyStopped` where ``stop`` is set before the copy is whole. With ``drop_source``, the
    source's pages leave the page cache as they are copied (for a file the copy replaces).
    """
    stopped = stop.is_set if stop is not None else lambda: False
    ways = []
    if sys.platform.startswith("linux"):
        ways.append(("clone", _clone))
    if hasattr(os, "copy_file_range"):
        ways.append(("kernel", _copy_range))
    for name, way in ways:
        try:
            _copy_with(way, src, dst, stopped, drop_source)
            return name
        except OSError as exc:  # not on this file system (or across two): the next way starts again from empty
            if exc.errno in (errno.ENOSPC, errno.EDQUOT):
                raise
    _copy_with(_read_write, src, dst, stopped, drop_source)
    return "read-write"


def _copy_with(way: Callable, src: str | Path, dst: str | Path, stopped: Callable[[], bool], drop: bool) -> None:
    with open(src, "rb") as fin, open(dst, "wb") as fout:
        way(fin.fileno(), fout.fileno(), stopped, _after_copy(fin.fileno(), drop))
