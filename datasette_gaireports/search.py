"""Full-text search over the reports: SQLite FTS5 with the ``trigram`` tokenizer.

The trigram tokenizer indexes every run of three characters, so a Chinese
phrase of three or more characters is found anywhere in a text without word
segmentation. The index holds the texts normalised (simplified characters,
half-width forms), so 应急微博 finds a report printed as 應急微博. Datasette
is pointed at it by the ``fts_table`` of the table's metadata and puts its
search box on the table.

A full-text query of one or two characters matches nothing in a trigram
index (SQLite's design); ``LIKE '%应急%'`` on the index table still answers it,
by reading the stored texts: the canned query ``search`` does that.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable

import sqlite_utils

from .changes import IN_IDS, as_param
from .schema import Table
from .text import normalise

TRIGRAM_SINCE = (3, 34, 0)
FTS_SHADOW_SUFFIXES = ("_data", "_idx", "_docsize", "_config", "_content")


def trigram_available() -> bool:
    """True where the SQLite library has the FTS5 trigram tokenizer (3.34 and later)."""
    return sqlite3.sqlite_version_info >= TRIGRAM_SINCE


def fts_name(table: str) -> str:
    return f"{table}_fts"


def enable_search(
    db: sqlite_utils.Database, tables: Iterable[Table], normalise_text: Callable[[str], str] = normalise
) -> list[str]:
    """Create and fill the FTS5 index of every table that declares search columns.

    The index's rows carry the table's rowids: build it after the last
    ``VACUUM``. Returns the FTS tables created (none where SQLite lacks the
    trigram tokenizer).
    """
    if not trigram_available():
        return []
    created = []
    for t in tables:
        if not t.search:
            continue
        name = fts_name(t.name)
        cols = ", ".join(f"[{c}]" for c in t.search)
        with db.conn:
            db.conn.execute(f"create virtual table [{name}] using fts5({cols}, tokenize = 'trigram')")
            _fill(db, t, "", normalise_text)
        created.append(name)
    return created


def _fill(db: sqlite_utils.Database, t: Table, where: str, normalise_text: Callable[[str], str]) -> None:
    name = fts_name(t.name)
    cols = ", ".join(f"[{c}]" for c in t.search)
    marks = ", ".join("?" for _ in t.search)
    rows = db.conn.execute(f"select rowid, {cols} from [{t.name}] {where} order by rowid")
    db.conn.executemany(
        f"insert into [{name}] (rowid, {cols}) values (?, {marks})",
        ((rowid, *(normalise_text(v) if isinstance(v, str) else v for v in values)) for rowid, *values in rows),
    )


def add_to_search(
    db: sqlite_utils.Database, tables: Iterable[Table], after: dict[str, int],
    normalise_text: Callable[[str], str] = normalise,
) -> None:
    """Index the rows an update added to every searchable table: those past ``after`` (table → its last rowid
    before the update). Runs within the caller's transaction."""
    have = set(db.table_names())
    for t in tables:
        if t.search and fts_name(t.name) in have:
            _fill(db, t, f"where rowid > {int(after.get(t.name, 0))}", normalise_text)


def remove_from_search(db: sqlite_utils.Database, tables: Iterable[Table], report_ids: list[str]) -> None:
    """Drop the index rows of the given reports' rows (before the rows themselves are deleted)."""
    have = set(db.table_names())
    for t in tables:
        if not (t.search and fts_name(t.name) in have and "report_id" in t.names):
            continue
        db.conn.execute(
            f"delete from [{fts_name(t.name)}] where rowid in "
            f"(select rowid from [{t.name}] where report_id in {IN_IDS})",
            [as_param(report_ids)],
        )


def fts_tables(db: sqlite_utils.Database) -> set[str]:
    """The FTS virtual tables of a database and their shadow tables."""
    virtual = {
        name for (name,) in db.execute(
            "select name from sqlite_master where type = 'table' and sql like 'CREATE VIRTUAL TABLE%USING FTS%'"
        ).fetchall()
    }
    shadows = {f"{v}{suffix}" for v in virtual for suffix in FTS_SHADOW_SUFFIXES}
    return virtual | (shadows & set(db.table_names()))
