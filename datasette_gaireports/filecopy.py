"""Copying a database file: a clone where the file system shares blocks between files, else a copy in the kernel.

An update on a copy (the default) copies the whole database before it writes
the new reports. On a file system with shared extents (XFS with reflink,
Btrfs) a clone costs no time whatever the size, and the update's writes then
take new blocks, leaving the original as it was. ``shutil.copyfile`` (sendfile)
never clones; ``FICLONE`` and ``copy_file_range`` do where they can, and
``copy_file_range`` copies within the kernel where they cannot (ext4).
"""

from __future__ import annotations

import errno
import os
import shutil
import sys
from pathlib import Path

FICLONE = 0x40049409
"""Linux ioctl: make the target file share all of the source file's blocks."""


def _clone(src: int, dst: int) -> None:
    import fcntl

    fcntl.ioctl(dst, FICLONE, src)


def _copy_range(src: int, dst: int) -> None:
    size = os.fstat(src).st_size
    done = 0
    while done < size:
        n = os.copy_file_range(src, dst, size - done)
        if n == 0:
            raise OSError(f"copy_file_range stopped at byte {done} of {size}")
        done += n


def copy_file(src: str | Path, dst: str | Path) -> str:
    """Copy ``src`` to ``dst`` (created or truncated); returns how: ``clone``, ``kernel`` or ``read-write``."""
    ways = []
    if sys.platform.startswith("linux"):
        ways.append(("clone", _clone))
    if hasattr(os, "copy_file_range"):
        ways.append(("kernel", _copy_range))
    for name, way in ways:
        try:
            with open(src, "rb") as fin, open(dst, "wb") as fout:
                way(fin.fileno(), fout.fileno())
            return name
        except OSError as exc:  # not on this file system (or across two): the next way starts again from empty
            if exc.errno in (errno.ENOSPC, errno.EDQUOT):
                raise
    shutil.copyfile(src, dst)
    return "read-write"
