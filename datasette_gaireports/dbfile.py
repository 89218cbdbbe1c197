"""What a database file given as ``--db`` is: a database a build wrote or not, in write-ahead-log mode or not.

Every command reads these from the file before it opens it as a database, so
that a file given by mistake gets a reason naming it, not an SQLite error, and
a build never replaces a file that is not its own.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

SQLITE_MAGIC = b"SQLite format 3\x00"
"""The first bytes of every SQLite database file."""
DATABASE_COMPANIONS = ("-journal", "-wal", "-shm")
"""The files SQLite keeps beside a database (its rollback journal, write-ahead log and shared memory)."""
OWN_TABLES = frozenset({"reports", "checks", "rules"})
"""Tables every database a build writes has: a file that lacks them is no database of this project's."""


class NotABuild(Exception):
    """The file is not a database a build wrote; ``str(exc)`` names it and says why."""


def not_a_build(db_path: Path) -> str | None:
    """Why the file at ``db_path`` is not a database a build wrote (one with :data:`OWN_TABLES`), or None."""
    try:
        with open(db_path, "rb") as f:
            header = f.read(len(SQLITE_MAGIC))
    except OSError as exc:
        return f"it cannot be read ({exc.strerror})"
    if not header:
        return "it is empty"
    if header != SQLITE_MAGIC:
        return "it is not an SQLite database"
    try:
        conn = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            have = {name for (name,) in conn.execute("select name from sqlite_master where type = 'table'")}
        finally:
            conn.close()
    except sqlite3.Error as exc:
        return f"it cannot be read as a database ({exc})"
    missing = sorted(OWN_TABLES - have)
    return f"it is an SQLite database without the tables {', '.join(missing)}: not one gaireports built" if missing \
        else None


def require_build(db_path: str | Path) -> Path:
    """``db_path`` as a path, once it is known to hold a database a build wrote; else :class:`NotABuild` or
    :class:`FileNotFoundError`, naming it."""
    path = Path(db_path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such database")
    why = not_a_build(path)
    if why:
        raise NotABuild(f"{path}: {why}")
    return path


def in_wal_mode(db_path: Path) -> bool:
    """True where ``db_path`` is an SQLite database in write-ahead-log mode (its header says so)."""
    try:
        with open(db_path, "rb") as f:
            header = f.read(20)
    except OSError:
        return False
    return header.startswith(SQLITE_MAGIC) and len(header) == 20 and header[18] == 2
