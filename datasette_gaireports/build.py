"""Building the database from a set of files and folders, atomically."""

from __future__ import annotations

import gc
import hashlib
import multiprocessing
import os
import signal
import sqlite3
import stat
import tempfile
import threading
from collections import Counter
from collections.abc import Callable, Generator, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from functools import cached_property, partial
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import sqlite_utils

from . import pipeline
from .changes import IN_IDS, Changes, as_param
from .database import ReportRows, all_tables, init, report_rows, stored_by_key, write_reports
from .dbfile import DATABASE_COMPANIONS, in_wal_mode, not_a_build
from .filecopy import copy_file
from .finish import finish_database, identify_agencies
from .hashcache import HashCache
from .instances import equations
from .layout import Family
from .progress import Progress
from .readers import Unreadable, read_bytes
from .report import PARSER_VERSION, ParsedReport, parse_file, report_id
from .schema import Table, create_indexes
from .search import remove_from_search

if TYPE_CHECKING:
    from distributed import Client

SKIP_NAMES = frozenset({".DS_Store", "Thumbs.db"})
CACHE_KIB = 64 * 1024
"""SQLite page cache of a build, in KiB: the indexes keyed by report id take random inserts."""
SORT_CACHE_KIB = 16 * 1024
"""The page cache of a full build once its rows are in: its indexes and its steps across reports sort much and
look little up, and SQLite sorts in as much memory again as the page cache; a small one is as fast."""


LISTED_UNPARSED = 20
"""How many unparsed files a build's summary names; it counts them all by reason."""


def reason_kind(source: str, reason: str) -> str:
    """What an unparsed file's reason says without the file and the details: ``a.pdf: scanned, needs OCR
    (3 pages)`` → ``scanned, needs OCR``."""
    text = reason.removeprefix(f"{source}: ")
    return text.split(": ", 1)[0].split(" (", 1)[0]


@dataclass
class Summary:
    """What a build did, in counts that add up to the files read."""

    files: int = 0
    parsed: Counter = field(default_factory=Counter)
    unparsed: int = 0
    failing: int = 0
    duplicates: int = 0
    unparsed_reasons: list[str] = field(default_factory=list)
    """The reasons of the first :data:`LISTED_UNPARSED` unparsed files, in source order (each names its file)."""
    unparsed_kinds: Counter = field(default_factory=Counter)
    """Why files are unparsed (a reason without its file and details) → how many."""
    agencies: int = 0
    agency_levels: Counter = field(default_factory=Counter)
    incremental: bool = False
    skipped: int = 0
    removed: int = 0
    """Reports removed because their file is gone or changed."""
    reread: int = 0
    """Files an older parser read, read again (their reports replaced)."""
    outdated: str | None = None
    """Why the database given could not be updated and was built anew (its tables are of another version)."""

    def lines(self) -> list[str]:
        out = [f"built anew, not updated: {self.outdated}"] if self.outdated else []
        out.append(f"reports read: {self.files}")
        for fmt in sorted(self.parsed):
            out.append(f"  parsed as {fmt}: {self.parsed[fmt]}")
        out.append(f"  unparsed: {self.unparsed}")
        out.append(f"reports with failing checks: {self.failing}")
        if self.agencies:
            levels = ", ".join(f"{lvl} {n}" for lvl, n in sorted(self.agency_levels.items()))
            out.append(f"agencies: {self.agencies} ({levels})")
        if self.duplicates:
            out.append(f"files with the same bytes as an earlier file: {self.duplicates}")
        if self.unparsed_kinds:
            out.append("unparsed, by reason:")
            out += [f"  {n:>7,}  {kind}" for kind, n in sorted(self.unparsed_kinds.items(), key=lambda kn: (-kn[1], kn[0]))]
        out += [f"  unparsed {r}" for r in self.unparsed_reasons]
        if self.unparsed > len(self.unparsed_reasons):
            out.append(f"  … and {self.unparsed - len(self.unparsed_reasons):,} more unparsed files "
                       "(the `unparsed` query lists them all)")
        if self.incremental:
            out.append(f"unchanged (skipped): {self.skipped}")
            out.append(f"removed: {self.removed}")
            if self.reread:
                out.append(f"read again (an older parser had read them): {self.reread}")
        return out


def iter_sources(inputs: Iterable[str | Path], database: str | Path | None = None) -> Iterator[tuple[Path, str]]:
    """(path, source name) of every file under the inputs, recursively, in a stable order; the ``database``
    and its journals are left out (a database written into the folder it is built from).

    The source name is the path relative to the folder given (a file given
    directly is named by its file name); with several inputs, relative to the
    folder they share (``2019/r.html`` and ``2020/r.html`` for the inputs
    ``reports/2019`` and ``reports/2020``), so no two files share a name. It is
    written as :func:`source_name` writes it.
    """
    roots = existing(inputs)
    folders = [os.path.abspath(root if root.is_dir() else root.parent) for root in roots]
    base = os.path.commonpath(folders) if len(set(folders)) > 1 else None
    seen: set[tuple[int, int]] = set()
    if database is not None:
        for own in (Path(database), *(Path(f"{database}{suffix}") for suffix in DATABASE_COMPANIONS)):
            try:
                st = own.stat()
            except OSError:
                continue
            seen.add((st.st_dev, st.st_ino))
    for root, folder in zip(roots, folders):
        if root.is_file():
            candidates = [(root, root.name)]
        else:
            candidates = sorted(_files_under(root), key=lambda c: c[1])
        within = os.path.relpath(folder, base).replace(os.sep, "/") if base is not None else "."
        prefix = "" if within == "." else within + "/"
        for path, name in candidates:
            name = prefix + name
            try:
                st = path.stat()
            except OSError:
                continue
            if stat.S_ISREG(st.st_mode) and (st.st_dev, st.st_ino) not in seen:
                seen.add((st.st_dev, st.st_ino))
                yield path, source_name(name)


def source_name(name: str) -> str:
    """A file name as the database stores it: as it is where the file system's bytes are UTF-8, else with each
    byte that is not written ``\\xNN``. A folder unpacked from an archive made on Windows names its files in
    GBK; Python gives such a name undecodable bytes as lone surrogates, which no text column can hold. The
    escaped name is stable and distinct per file, so an update and ``gaireports verify`` find the file
    again."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(name).decode("utf-8", "backslashreplace")
    return name


def existing(inputs: Iterable[str | Path]) -> list[Path]:
    """The inputs as paths, or :class:`FileNotFoundError` naming the first that does not exist."""
    paths = [Path(inp) for inp in inputs]
    for path in paths:
        if not path.exists():
            raise FileNotFoundError(f"{path}: no such file or folder")
    return paths


def _files_under(root: Path) -> Iterator[tuple[Path, str]]:
    """(path, name relative to ``root``) of the entries under ``root`` that may be files: hidden
    files and folders and :data:`SKIP_NAMES` left out, symbolic links to folders not followed."""
    for folder, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        rel = os.path.relpath(folder, root)
        prefix = "" if rel == "." else rel.replace(os.sep, "/") + "/"
        for f in filenames:
            if not f.startswith(".") and f not in SKIP_NAMES:
                yield Path(folder, f), prefix + f


@dataclass(frozen=True)
class Budget:
    """Per-file limits past which a file is recorded as unparsed and the build goes on."""

    max_bytes: int = 50 * 2**20
    max_seconds: float = 60.0


class TooSlow(Exception):
    """Parsing one file took longer than its time budget."""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise :class:`TooSlow` in the block after ``seconds`` (main thread, POSIX; else no limit)."""
    usable = seconds > 0 and hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return

    fired = False

    def expire(signum, frame):
        nonlocal fired
        fired = True
        raise TooSlow

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    if fired:  # raised where Python drops it (a weakref callback, a __del__): the block ran on to its end
        raise TooSlow


def _sha256_of(path: Path) -> str:
    with path.open("rb") as f:
        if hasattr(hashlib, "file_digest"):  # Python 3.11+
            return hashlib.file_digest(f, "sha256").hexdigest()
        digest = hashlib.sha256()
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
        return digest.hexdigest()


def _hashes(paths: list[Path], jobs: int) -> Iterator[str]:
    """The sha256 of each file, in order (in ``jobs`` processes where there are many)."""
    if _local(jobs, paths) or len(paths) < 1000:
        yield from map(_sha256_of, paths)
        return
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        yield from pool.imap(_sha256_of, paths, chunksize=256)


def _unparsed(source: str, sha: str, size: int, reason: str) -> ParsedReport:
    return ParsedReport(report_id(source, sha), source, sha, size, reason=f"{source}: {reason}")


def read_source(path: Path, source: str, budget: Budget) -> bytes | ParsedReport:
    """A file's bytes, or its unparsed report where it is over the size budget or cannot be read."""
    try:
        size = path.stat().st_size
        if size > budget.max_bytes:
            return _unparsed(source, _sha256_of(path), size,
                             f"too large: {size} bytes, over the budget of {budget.max_bytes} (--max-bytes)")
        return path.read_bytes()
    except OSError as exc:
        return _unparsed(source, hashlib.sha256(b"").hexdigest(), 0, f"cannot be read: {exc.strerror or exc}")


def parse_bytes(
    data: bytes,
    source: str,
    families: tuple,
    markers: dict,
    reader,
    budget: Budget,
    limit: Callable[[float], AbstractContextManager] = time_limit,
) -> ParsedReport:
    """Parse one file's bytes within the time budget, which ``limit`` enforces."""
    try:
        with limit(budget.max_seconds):
            return parse_file(data, source, families, markers, reader=lambda d: reader(d, source))
    except TooSlow:
        return _unparsed(source, hashlib.sha256(data).hexdigest(), len(data),
                         f"too slow: parsing took over {budget.max_seconds:g} s (--max-seconds)")


def parse_source(
    path: Path,
    source: str,
    families: tuple,
    markers: dict,
    reader,
    budget: Budget,
) -> ParsedReport:
    """Parse one file within its budget; every outcome is a :class:`ParsedReport`."""
    data = read_source(path, source, budget)
    if isinstance(data, ParsedReport):
        return data
    return parse_bytes(data, source, families, markers, reader, budget)


@dataclass(frozen=True)
class Parser:
    """What parsing one file needs: the families, the format markers, the reader and the budget."""

    families: tuple
    markers: dict
    reader: Callable
    budget: Budget

    @classmethod
    def load(cls, budget: Budget | None = None) -> Parser:
        pm = pipeline.plugin_manager()

        def reader(data: bytes, path: str = "") -> object:
            doc = pm.hook.gaireports_read(data=data, path=path)
            return doc if doc is not None else read_bytes(data)

        markers = {f.code: f.markers for f in pipeline.formats(pm)}
        return cls(pipeline.families(pm), markers, reader, budget or Budget())

    @cached_property
    def fam_by_name(self) -> dict[str, Family]:
        return {f.name: f for f in self.families}

    def __call__(self, item: tuple[Path, str]) -> ParsedReport:
        """Parse one file and identify its body."""
        rep = parse_source(item[0], item[1], self.families, self.markers, self.reader, self.budget)
        identify_agencies([rep])
        return rep


T = TypeVar("T")
AHEAD_PER_JOB = 1024
"""Reports each worker process may parse ahead of the process writing them (several seconds of work, at most
some 60 MB of rows): enough to keep the workers busy while the writer merges its search index, and a bound, so
that a writer slower than the workers piles no more parsed reports up in memory."""
_PARSER: Parser | None = None
"""The parser of a build's worker processes (set before they fork)."""


def _parse_in_worker(item: tuple[Path, str]) -> ParsedReport:
    assert _PARSER is not None
    return _PARSER(item)


def _rows_in_worker(item: tuple[Path, str]) -> ReportRows:
    assert _PARSER is not None
    return report_rows(_PARSER(item), _PARSER.fam_by_name)


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _local(jobs: int, items: list) -> bool:
    return jobs <= 1 or len(items) < 2 or "fork" not in multiprocessing.get_all_start_methods()


def _batching(jobs: int, n: int) -> tuple[int, int]:
    """(files per task, files the workers may take ahead of the writer) for ``n`` files in ``jobs`` processes."""
    chunksize = max(1, min(32, n // (jobs * 16)))
    return chunksize, jobs * max(4 * chunksize, AHEAD_PER_JOB)


def _pooled(work: Callable[[tuple[Path, str]], T], items: list[tuple[Path, str]], parser: Parser,
            jobs: int) -> Iterator[T]:
    """``work`` over ``items`` in order, in ``jobs`` forked processes that share ``parser``."""
    global _PARSER
    _PARSER = parser
    chunksize, window = _batching(jobs, len(items))
    ahead = threading.Semaphore(window)
    stop = threading.Event()

    def gated() -> Iterator[tuple[Path, str]]:  # the pool's feeder thread waits here once the window is full
        for item in items:
            while not ahead.acquire(timeout=0.5):
                if stop.is_set() or not threading.main_thread().is_alive():
                    return
            yield item

    gc.freeze()  # the workers inherit the loaded data outside the collector's reach: no scans, no copied pages
    try:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            try:
                for result in pool.imap(work, gated(), chunksize):
                    ahead.release()
                    yield result
            finally:
                stop.set()  # a closed or failed stream: the feeder stops asking for files
    finally:
        gc.unfreeze()
        _PARSER = None


def parse_stream(
    items: list[tuple[Path, str]], parser: Parser, jobs: int = 1, dask: str | Client | None = None
) -> Iterator[ParsedReport]:
    """Parse ``items`` in order, in ``jobs`` forked processes (in this process for one job).

    With ``dask`` (a scheduler address or a ``distributed.Client``) the cluster's workers parse instead.
    """
    if dask is not None:
        from .distributed import parse_on_dask

        yield from parse_on_dask(dask, items, parser.budget)
    elif _local(jobs, items):
        yield from map(parser, items)
    else:
        yield from _pooled(_parse_in_worker, items, parser, jobs)


def row_stream(
    items: list[tuple[Path, str]], parser: Parser, jobs: int = 1, dask: str | Client | None = None
) -> Iterator[ReportRows]:
    """The rows of ``items``' reports, in order: with several jobs the worker processes build them too,
    so the process writing the database only inserts."""
    if dask is not None or _local(jobs, items):
        for rep in parse_stream(items, parser, jobs, dask):
            yield report_rows(rep, parser.fam_by_name)
    else:
        yield from _pooled(_rows_in_worker, items, parser, jobs)


def parse_paths(inputs: Iterable[str | Path], budget: Budget | None = None, jobs: int = 1) -> list[ParsedReport]:
    """Parse every file under the inputs (no database written)."""
    return list(parse_stream(list(iter_sources(inputs)), Parser.load(budget), jobs))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class Unreplaceable(Exception):
    """The database cannot be safely replaced by a new file."""


def remove_stale_temporaries(db_path: Path) -> list[Path]:
    """Delete temporary files left beside ``db_path`` by builds that were killed."""
    removed = []
    for tmp in db_path.parent.glob(f".{db_path.name}.*.tmp*"):
        pid = tmp.name[len(db_path.name) + 2 :].split(".", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            tmp.unlink(missing_ok=True)
            removed.append(tmp)
    return removed


def _sorted_sources(inputs: Iterable[str | Path], database: Path) -> list[tuple[Path, str]]:
    return sorted(iter_sources(inputs, database), key=lambda item: item[1])


def _outdated(db_path: Path, tables: tuple, families: tuple[Family, ...]) -> str | None:
    """Why the database at ``db_path`` cannot be updated by this version, or None where it can: it must have every
    table with every column and index (sparse ones too) this version makes, and its checks must be numbered by the
    equations of the same rules."""
    try:
        db = sqlite_utils.Database(db_path)
        try:
            have = set(db.table_names())
            for t in tables:
                if t.name not in have:
                    return f"it has no table {t.name}"
                table = db.table(t.name)
                columns = {c.name for c in table.columns}
                if missing := [f.name for f in t.fields if f.name not in columns]:
                    return f"its table {t.name} has no column {', '.join(missing)}"
                indexed = {tuple(ix.columns) for ix in table.indexes}
                if missing_ix := [ix for ix in t.indexes if tuple(ix) not in indexed]:
                    return f"its table {t.name} has no index on ({', '.join(missing_ix[0])})"
                if missing_sparse := [c for c in t.sparse_indexes if (c,) not in indexed]:
                    return f"its table {t.name} has no index on ({missing_sparse[0]}) where it holds a value"
            if list(db["rule_instances"].rows_where(order_by="instance")) != [e.row() for e in equations(families)]:
                return "its rules' equations are not this version's"
            return None
        finally:
            db.close()
    except Exception as exc:
        return f"it cannot be read ({exc})"


def _stored_files(conn: sqlite3.Connection) -> dict[tuple[str, str], str]:
    """(source, sha256) → report id of every report the database holds that this parser version read."""
    return {
        (source, sha): rid
        for rid, source, sha in conn.execute(
            "select report_id, source, sha256 from reports where parser_version = ?", [PARSER_VERSION]
        )
    }


@dataclass
class _Plan:
    """What an update does: the files it parses, how many it keeps, and the reports it removes (``outdated`` of
    them an older parser's, whose files are read again)."""

    todo: list[tuple[Path, str]]
    kept: int
    gone: list[str]
    outdated: int = 0


def _plan_update(conn: sqlite3.Connection, sources: list[tuple[Path, str]], hashes: list[str]) -> _Plan:
    """The update of the database on ``conn`` with ``sources`` (of the given hashes): the files whose
    (source, sha256) it does not hold are parsed, and the reports whose file is gone, or which an older
    parser read, are removed."""
    stored = _stored_files(conn)
    todo, keep = [], set()
    for (path, source), sha in zip(sources, hashes):
        if (source, sha) in stored:
            keep.add((source, sha))
        else:
            todo.append((path, source))
    gone = sorted(stored[k] for k in stored.keys() - keep)
    every = {rid for (rid,) in conn.execute("select report_id from reports")}
    outdated = sorted(every - set(stored.values()))
    if not outdated:
        return _Plan(todo, len(keep), gone)
    listed = {report_id(source, sha) for (_path, source), sha in zip(sources, hashes)}
    return _Plan(todo, len(keep), gone + outdated, sum(rid in listed for rid in outdated))


def _remove_reports(db: sqlite_utils.Database, report_ids: list[str], tables: tuple) -> None:
    """Delete reports and every row that hangs off them (their search rows included)."""
    ids = [as_param(report_ids)]
    for t in tables:
        if t.name != "reports" and "report_id" in t.names:
            db.conn.execute(f"delete from [{t.name}] where report_id in {IN_IDS}", ids)
    remove_from_search(db, tables, report_ids)
    db.conn.execute(f"delete from reports where report_id in {IN_IDS}", ids)


@dataclass
class _Job:
    """What one build writes: the sources (listed when first asked for) or parsed reports, how they are parsed,
    and what reports progress."""

    listing: Callable[[], list[tuple[Path, str]]]
    reports: Iterable[ParsedReport] | None
    parser: Parser | None
    jobs: int
    dask: str | Client | None
    progress: Progress | None
    families: tuple[Family, ...]
    tables: tuple
    stream: Iterator | None = None

    @cached_property
    def sources(self) -> list[tuple[Path, str]]:
        return self.listing()

    def rows(self, todo: list[tuple[Path, str]], skipped: int = 0) -> Iterator:
        """Start parsing ``todo`` (or take the parsed reports given): the stream of their rows, counted by the
        progress bar (which counts the ``skipped`` files as done) as they come."""
        if self.reports is None:
            self.stream = row_stream(todo, self.parser or Parser.load(), self.jobs, self.dask)
        else:
            self.stream = _identified(self.reports)
        rows: Iterator = self.stream
        if self.progress:
            self.progress.start(len(self.sources))
            self.progress.advance(skipped)
            rows = _counted(rows, self.progress)
        return rows

    def write(self, db: sqlite_utils.Database, rows: Iterable) -> None:
        """Stream ``rows`` (from :meth:`rows`) into ``db``."""
        write_reports(db, rows, self.families)

    def hashes(self, cache: HashCache) -> list[str]:
        """The sha256 of every source, from ``cache`` where the file is unchanged, else hashed (then kept)."""
        hashes = cache.hashes([p for p, _s in self.sources], lambda paths: _hashes(paths, self.jobs))
        cache.save()
        return hashes

    def close(self) -> None:
        """Stop the worker processes at once (a failed build)."""
        if isinstance(self.stream, Generator):
            self.stream.close()


def _create(db: sqlite_utils.Database, job: _Job, formats: tuple) -> None:
    """Write a new database: schema, every report (with its search index rows), the indexes, then the steps
    across reports."""
    with db.conn:
        init(db, job.families, formats, indexes=False)
        job.write(db, job.rows(job.sources))
        db.conn.execute(f"PRAGMA cache_size = -{SORT_CACHE_KIB}")
        create_indexes(db, job.tables)  # once the rows are in: one sort each, not a B-tree kept up per row
        finish_database(db, job.families)
    _check_foreign_keys(db, job.tables, {})


def _update(db: sqlite_utils.Database, job: _Job, plan: _Plan, rows: Iterable) -> tuple[int, int, int]:
    """Carry out ``plan`` within the caller's transaction: remove its reports, write ``rows`` (its files'),
    and redo the steps across reports for what changed. Returns (skipped, removed, read again)."""
    changes = Changes()
    changes.removing(db, plan.gone)
    _remove_reports(db, plan.gone, job.tables)
    appended = appended_tables(job.families)
    appended_after = _last_rowids(db, appended)
    reports_after = _last_rowids(db, ["reports"])["reports"]
    with _new_rows_logged(db, [t for t in job.tables if t.name in appended and t.name not in appended_after]) as logs:
        job.write(db, rows)
        new = db.conn.execute("select report_id from reports where rowid > ?", [reports_after])
        changes.adding(db, (rid for (rid,) in new))
        finish_database(db, job.families, changes)
        _check_foreign_keys(db, job.tables, appended_after, logs)
    return plan.kept, len(plan.gone) - plan.outdated, plan.outdated


def _parsed_ahead(rows: Iterator[T], busy: Future, limit: int) -> Iterator[T]:
    """``rows``, of which as many as come (up to ``limit``) are taken while ``busy`` runs."""
    ahead: list[T] = []
    if limit > 0 and not busy.done():
        for row in rows:
            ahead.append(row)
            if busy.done() or len(ahead) >= limit:
                break
    return chain(ahead, rows)


def _copy_and_start(db_path: Path, tmp: str, job: _Job) -> tuple[_Plan, Iterator]:
    """Copy the database to ``tmp``; meanwhile list and hash the files, plan the update and start parsing
    the new files. Returns the plan and the stream of the new files' rows, the first of them parsed during the copy.

    The copy is made in a read transaction on the database, so an update in place elsewhere cannot commit
    halfway through it, and the plan, read in the same transaction, is of what the copy holds. A failure or
    an interrupt (Ctrl-C) stops the copy at its next chunk.
    """
    reader = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True)
    stop = threading.Event()
    try:
        reader.execute("begin")
        reader.execute("select count(*) from sqlite_master").fetchone()  # takes the shared lock
        with ThreadPoolExecutor(1) as copier:  # the kernel copies while the files are listed, hashed and parsed
            copied = copier.submit(copy_file, db_path, tmp, stop, drop_source=True)
            try:
                cache = HashCache.load(db_path)  # before the listing, which its entries must predate
                plan = _plan_update(reader, job.sources, job.hashes(cache))
                rows = _parsed_ahead(job.rows(plan.todo, plan.kept), copied, AHEAD_PER_JOB)
                copied.result()
            except BaseException:
                stop.set()  # leaving the executor waits for the copier: not for the rest of the file
                raise
    finally:
        reader.close()
    return plan, rows


def _check_foreign_keys(
    db: sqlite_utils.Database, tables: tuple, appended_after: dict[str, int], logs: dict[str, str] | None = None
) -> None:
    problems = foreign_key_problems(db, tables, appended_after, logs)
    if problems:
        raise RuntimeError(f"foreign key check failed: {problems[:5]}")


def write_database(
    reports: Iterable[ParsedReport] | None,
    db_path: str | Path,
    *,
    sources: list[tuple[Path, str]] | Callable[[], list[tuple[Path, str]]] | None = None,
    parser: Parser | None = None,
    jobs: int = 1,
    full: bool = True,
    in_place: bool = False,
    progress: Progress | None = None,
    dask: str | Client | None = None,
) -> Summary:
    """Write the database to a temporary file beside ``db_path``, then move it into place.

    Either ``reports`` (already parsed) or ``sources`` (parsed here, streamed
    into the database as they come) is given; ``sources`` may be a function
    that lists them, called once (an update on a copy lists the files while
    the database is copied). Unless ``full``, an existing
    database is updated: files whose (source, sha256) it holds are skipped
    and reports whose file is gone are removed. The update is made on a copy
    that then replaces the database, or with ``in_place`` in the file itself
    within one SQLite transaction (its readers see the old database until the
    new one is committed; do not update in place a file served as immutable,
    whose readers take no locks). A failed or interrupted build leaves the
    previous database untouched.
    """
    db_path = Path(db_path)
    earlier = db_path.is_file() and db_path.stat().st_size > 0
    if earlier and (why := not_a_build(db_path)):
        raise Unreplaceable(f"{db_path}: {why}, and a build would replace it; give another --db, or delete the "
                            "file first")
    db_path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(db_path)
    pm = pipeline.plugin_manager()
    families, formats = pipeline.families(pm), pipeline.formats(pm)
    tables = all_tables(families, formats)
    updating = earlier and not full and reports is None
    outdated = _outdated(db_path, tables, families) if updating else None
    incremental = updating and outdated is None
    listing = sources if callable(sources) else lambda: list(sources or [])
    job = _Job(listing, reports, parser, jobs, dask, progress, families, tables)
    if incremental and in_place:
        return _update_in_place(db_path, job, HashCache.load(db_path))
    cache = HashCache(db_path)  # a full build's: it hashes no file, and keeps the hashes of the files it stored
    if in_wal_mode(db_path):
        raise Unreplaceable(
            f"{db_path}: the database is in WAL mode, and a database put in its place would be read with its "
            f"-wal file; run `sqlite-utils disable-wal {db_path}` while no other program has it open, or "
            "update it with --in-place"
        )
    fd, tmp = tempfile.mkstemp(prefix=f".{db_path.name}.{os.getpid()}.", suffix=".tmp", dir=db_path.parent)
    os.close(fd)
    skipped = removed = reread = 0
    try:
        if incremental:
            plan, rows = _copy_and_start(db_path, tmp, job)
        db = sqlite_utils.Database(tmp)
        # The temporary file is discarded on any failure, so it needs no rollback journal nor a sync per
        # commit; it is synced once before it replaces the database.
        for pragma in ("synchronous = OFF", "journal_mode = OFF", f"cache_size = -{CACHE_KIB}"):
            db.conn.execute(f"PRAGMA {pragma}")
        if incremental:
            with db.conn:
                skipped, removed, reread = _update(db, job, plan, rows)
        else:
            _create(db, job, formats)
            if reports is None:
                cache.remember_built(job.sources, _built_hashes(db, job.sources))
        summary = summarise_database(db)
        db.close()
        with open(tmp, "rb") as f:
            os.fsync(f.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, db_path)
        if reports is None and not incremental:
            cache.save()
    except BaseException:
        job.close()
        Path(tmp).unlink(missing_ok=True)
        raise
    summary.skipped, summary.removed, summary.reread, summary.incremental = skipped, removed, reread, incremental
    summary.outdated = outdated
    return summary


def _built_hashes(db: sqlite_utils.Database, sources: list[tuple[Path, str]]) -> dict[str, str]:
    """Source name → sha256 of the reports just built, for the names only one listed file has."""
    names = Counter(source for _p, source in sources)
    return {source: sha for source, sha in db.conn.execute("select source, sha256 from reports") if names[source] == 1}


def _update_in_place(db_path: Path, job: _Job, cache: HashCache) -> Summary:
    """Update the database file itself, in one transaction that a failure rolls back."""
    db = sqlite_utils.Database(db_path)
    try:
        db.conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        hashes = job.hashes(cache)
        db.conn.execute("BEGIN IMMEDIATE")  # takes the write lock now: a second build waits or fails here
        with db.conn:
            plan = _plan_update(db.conn, job.sources, hashes)
            skipped, removed, reread = _update(db, job, plan, job.rows(plan.todo, plan.kept))
        summary = summarise_database(db)
    except BaseException:
        job.close()
        raise
    finally:
        db.close()
    summary.skipped, summary.removed, summary.reread, summary.incremental = skipped, removed, reread, True
    return summary


def appended_tables(families: tuple[Family, ...]) -> tuple[str, ...]:
    """The large tables a build only appends to (besides removing a vanished report's rows)."""
    return ("cells", "checks", *(f.name for f in families))


def _last_rowids(db: sqlite_utils.Database, names: Iterable[str]) -> dict[str, int]:
    """Table → its last rowid, for the tables of ``names`` the database has with a rowid."""
    have = set(db.table_names())
    return {
        n: db.conn.execute(f"select coalesce(max(rowid), 0) from [{n}]").fetchone()[0]
        for n in names
        if n in have and not stored_by_key(db, n)  # a WITHOUT ROWID table: its new rows are logged instead
    }


@contextmanager
def _new_rows_logged(db: sqlite_utils.Database, tables: Iterable[Table]) -> Iterator[dict[str, str]]:
    """Within the block, the foreign keys of every row inserted into ``tables`` (tables without a rowid to
    tell their new rows by) are copied into a temporary table by a temporary trigger. Yields table → log."""
    logs = {}
    for t in tables:
        fields = list(dict.fromkeys(f for fk in t.foreign_keys for f in fk.fields))
        if not fields:
            continue
        log = f"new_{t.name}"
        db.conn.execute(f"create temp table [{log}] ({', '.join(f'[{f}]' for f in fields)})")
        db.conn.execute(
            f"create temp trigger [log_new_{t.name}] after insert on main.[{t.name}] begin "
            f"insert into [{log}] values ({', '.join(f'new.[{f}]' for f in fields)}); end"
        )
        logs[t.name] = log
    yield logs  # a failure leaves them: the connection that holds them is closed then
    for name, log in logs.items():
        db.conn.execute(f"drop trigger temp.[log_new_{name}]")
        db.conn.execute(f"drop table temp.[{log}]")


def foreign_key_problems(
    db: sqlite_utils.Database, tables: tuple, appended_after: dict[str, int], logs: dict[str, str] | None = None
) -> list[tuple]:
    """Rows whose foreign keys point nowhere: every table in full, except the tables in
    ``appended_after`` (table → last rowid before this build) and in ``logs`` (table → the temporary table
    its new rows' foreign keys were logged in), whose new rows alone are checked."""
    logs = logs or {}
    problems: list[tuple] = []
    for t in tables:
        if not t.foreign_keys:
            continue
        if t.name not in appended_after and t.name not in logs:
            problems += db.conn.execute(f"PRAGMA foreign_key_check([{t.name}])").fetchall()
            continue
        if t.name in logs:  # every row of the log is new
            source, rowid, newer, params = f"temp.[{logs[t.name]}]", "null", "", []
        else:
            source, rowid, newer, params = f"[{t.name}]", "c.rowid", "c.rowid > ? and ", [appended_after[t.name]]
        for fk in t.foreign_keys:
            cols = " and ".join(f"c.[{a}] = p.[{b}]" for a, b in zip(fk.fields, fk.columns))
            present = " and ".join(f"c.[{a}] is not null" for a in fk.fields)
            problems += db.conn.execute(
                f"select distinct '{t.name}', {rowid}, '{fk.table}' from {source} c where {newer}{present} "
                f"and not exists (select 1 from [main].[{fk.table}] p where {cols})",
                params,
            ).fetchall()
    return problems


def _identified(reports: Iterable[ParsedReport]) -> Iterator[ParsedReport]:
    for rep in reports:
        identify_agencies([rep])
        yield rep


def _counted(reports: Iterable[T], progress: Progress) -> Iterator[T]:
    for rep in reports:
        yield rep
        progress.advance(1)


def summarise_database(db: sqlite_utils.Database) -> Summary:
    """The summary of what a database holds, in counts that add up to its reports (read from the count table
    and indexes a build keeps, so it reads no report rows but the unparsed ones)."""
    q = db.conn.execute
    s = Summary()
    for fmt, status, check_status, n in q(
        "select format, status, check_status, sum(reports) from report_summary group by 1, 2, 3"
    ):
        s.files += n
        if status == "parsed":
            s.parsed[fmt] += n
        else:
            s.unparsed += n
        if check_status == "fail":
            s.failing += n
    s.duplicates = q("select count(*) from reports where duplicate_of is not null").fetchone()[0]
    for source, reason in q("select source, reason from reports where status = 'unparsed' order by source, sha256"):
        if len(s.unparsed_reasons) < LISTED_UNPARSED:
            s.unparsed_reasons.append(reason)
        s.unparsed_kinds[reason_kind(source, reason)] += 1
    s.agency_levels = Counter(dict(q(
        "select coalesce(level, case kind when 'unidentified' then 'placeholder' else 'unknown' end), count(*) "
        "from agencies group by 1"
    )))
    s.agencies = sum(s.agency_levels.values())
    return s


def build(
    inputs: Iterable[str | Path],
    db_path: str | Path,
    budget: Budget | None = None,
    *,
    jobs: int = 1,
    full: bool = True,
    in_place: bool = False,
    progress: Progress | None = None,
    dask: str | Client | None = None,
) -> Summary:
    """Parse every report under ``inputs`` and write the database at ``db_path``.

    ``jobs`` processes parse, or with ``dask`` (a scheduler address or a
    ``distributed.Client``) the Dask cluster's workers; unless ``full``, an
    existing database is updated (unchanged files skipped, reports of vanished
    files removed): on a copy that replaces it, or with ``in_place`` in the
    file itself, in one transaction (see :func:`write_database`).
    """
    roots = existing(inputs)  # a missing input is named before anything is written
    return write_database(None, db_path, sources=partial(_sorted_sources, roots, Path(db_path)),
                          parser=Parser.load(budget), jobs=jobs, full=full, in_place=in_place, progress=progress,
                          dask=dask)


__all__ = ["Budget", "Summary", "Unreadable", "Unreplaceable", "build", "iter_sources", "parse_paths", "write_database"]
