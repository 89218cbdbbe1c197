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
HASH_BYTES = 16 << 20
"""FTS5's ``hashsize``: the index data it gathers in memory before writing a segment out (SQLite's default is
1 MiB). A trigram index makes a term of every three characters, so the default writes a segment every few
reports, and merging them was a third of the index's cost; 16 MiB costs about 20 MB more memory at most."""
FTS_SHADOW_SUFFIXES = ("_data", "_idx", "_docsize", "_config", "_content")


FOLD_FUNCTION = "gaireports_fold"
"""The SQL function the plugin registers (:func:`fold`): a query folded as the index is (the ``search``
canned query calls it on its ``q``)."""


def fold(value: object) -> object:
    """A search term in the index's form (:func:`.text.normalise`: 應急 → 应急, full-width → ASCII); other
    values as they are."""
    return normalise(value) if isinstance(value, str) else value


def trigram_available() -> bool:
    """True where the SQLite library has the FTS5 trigram tokenizer (3.34 and later)."""
    return sqlite3.sqlite_version_info >= TRIGRAM_SINCE


def fts_name(table: str) -> str:
    return f"{table}_fts"


def create_search(db: sqlite_utils.Database, tables: Iterable[Table]) -> list[str]:
    """Create the empty FTS5 index of every table that declares search columns; the writer fills them
    (:func:`search_rows`, :func:`insert_search_rows`). Returns the FTS tables created (none where
    SQLite lacks the trigram tokenizer)."""
    if not trigram_available():
        return []
    created = []
    for t in tables:
        if t.search:
            cols = ", ".join(f"[{c}]" for c in t.search)
            name = fts_name(t.name)
            db.conn.execute(f"create virtual table [{name}] using fts5({cols}, tokenize = 'trigram')")
            db.conn.execute(f"insert into [{name}] ([{name}], rank) values ('hashsize', ?)", [HASH_BYTES])
            created.append(name)
    return created


def search_rows(table: Table, rows: list[dict], normalise_text: Callable[[str], str] = normalise) -> list[dict]:
    """The index rows of ``rows`` of ``table``: the primary key and the search columns, normalised.

    Built where the rows are built (a build's worker processes), where the
    report's normalised text is still in :func:`.text.normalise`'s cache.
    """
    return [
        {k: row[k] for k in table.primary_key}
        | {c: normalise_text(v) if isinstance(v, str) else v for c in table.search for v in (row.get(c),)}
        for row in rows
    ]


def insert_search_rows(db: sqlite_utils.Database, table: Table, rows: list[dict]) -> None:
    """Index rows from :func:`search_rows`, each under the rowid of its row in ``table`` (inserted before).

    The rowids are looked up first and the index rows go in as values. Put in
    by ``insert … select``, each index row cost three times as much: FTS5 wrote
    its pending data out in many more small segments (28 against 2 for 223
    reports, with automatic merging off), to be merged again.
    """
    cols = ", ".join(f"[{c}]" for c in table.search)
    marks = ", ".join("?" for _ in table.search)
    lookup = f"select rowid from [{table.name}] where " + " and ".join(f"[{k}] = ?" for k in table.primary_key)
    execute = db.conn.execute
    values = []
    for row in rows:
        found = execute(lookup, [row[k] for k in table.primary_key]).fetchone()
        if found is None:
            raise ValueError(f"no row of table {table.name} for index row {[row[k] for k in table.primary_key]}")
        values.append((found[0], *(row[c] for c in table.search)))
    db.conn.executemany(f"insert into [{fts_name(table.name)}] (rowid, {cols}) values (?, {marks})", values)


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
