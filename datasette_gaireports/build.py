"""Building the database from a set of files and folders, atomically."""

from __future__ import annotations

import hashlib
import os
import signal
import tempfile
import threading
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils

from . import pipeline
from .database import all_tables, init, write_reports
from .finish import finish_reports
from .readers import Unreadable, read_bytes
from .report import ParsedReport, parse_file, report_id
from .search import enable_search

SKIP_NAMES = frozenset({".DS_Store", "Thumbs.db"})


@dataclass
class Summary:
    """What a build did, in counts that add up to the files read."""

    files: int = 0
    parsed: Counter = field(default_factory=Counter)
    unparsed: int = 0
    failing: int = 0
    duplicates: int = 0
    unparsed_reasons: list[str] = field(default_factory=list)
    agencies: int = 0
    agency_levels: Counter = field(default_factory=Counter)

    def lines(self) -> list[str]:
        out = [f"reports read: {self.files}"]
        for fmt in sorted(self.parsed):
            out.append(f"  parsed as {fmt}: {self.parsed[fmt]}")
        out.append(f"  unparsed: {self.unparsed}")
        out.append(f"reports with failing checks: {self.failing}")
        if self.agencies:
            levels = ", ".join(f"{lvl} {n}" for lvl, n in sorted(self.agency_levels.items()))
            out.append(f"agencies: {self.agencies} ({levels})")
        if self.duplicates:
            out.append(f"files with the same bytes as an earlier file: {self.duplicates}")
        out += [f"  unparsed {r}" for r in self.unparsed_reasons]
        return out


def iter_sources(inputs: Iterable[str | Path]) -> Iterator[tuple[Path, str]]:
    """(path, source name) of every file under the inputs, recursively, in a stable order.

    The source name is the path relative to the folder given (a file given
    directly is named by its file name).
    """
    seen: set[Path] = set()
    for inp in inputs:
        root = Path(inp)
        if not root.exists():
            raise FileNotFoundError(f"{inp}: no such file or folder")
        if root.is_file():
            candidates = [(root, root.name)]
        else:
            candidates = sorted(
                (p, p.relative_to(root).as_posix())
                for p in root.rglob("*")
                if p.is_file() and p.name not in SKIP_NAMES and not any(part.startswith(".") for part in p.relative_to(root).parts)
            )
        for path, name in candidates:
            real = path.resolve()
            if real not in seen:
                seen.add(real)
                yield path, name


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

    def expire(signum, frame):
        raise TooSlow

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _unparsed(source: str, sha: str, size: int, reason: str) -> ParsedReport:
    return ParsedReport(report_id(source, sha), source, sha, size, reason=f"{source}: {reason}")


def parse_source(
    path: Path,
    source: str,
    families: tuple,
    markers: dict,
    reader,
    budget: Budget,
) -> ParsedReport:
    """Parse one file within its budget; every outcome is a :class:`ParsedReport`."""
    try:
        size = path.stat().st_size
        if size > budget.max_bytes:
            return _unparsed(source, _sha256_of(path), size,
                             f"too large: {size} bytes, over the budget of {budget.max_bytes} (--max-bytes)")
        data = path.read_bytes()
    except OSError as exc:
        return _unparsed(source, hashlib.sha256(b"").hexdigest(), 0, f"cannot be read: {exc.strerror or exc}")
    try:
        with time_limit(budget.max_seconds):
            return parse_file(data, source, families, markers, reader=lambda d: reader(d, source))
    except TooSlow:
        return _unparsed(source, hashlib.sha256(data).hexdigest(), len(data),
                         f"too slow: parsing took over {budget.max_seconds:g} s (--max-seconds)")


def parse_paths(inputs: Iterable[str | Path], budget: Budget | None = None) -> list[ParsedReport]:
    """Parse every file under the inputs (no database written)."""
    budget = budget or Budget()
    pm = pipeline.plugin_manager()
    families = pipeline.families(pm)
    markers = {f.code: f.markers for f in pipeline.formats(pm)}

    def reader(data: bytes, path: str = "") -> object:
        doc = pm.hook.gaireports_read(data=data, path=path)
        return doc if doc is not None else read_bytes(data)

    return [parse_source(path, source, families, markers, reader, budget) for path, source in iter_sources(inputs)]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_temporaries(db_path: Path) -> list[Path]:
    """Delete temporary files left beside ``db_path`` by builds that were killed."""
    removed = []
    for tmp in db_path.parent.glob(f".{db_path.name}.*.tmp*"):
        pid = tmp.name[len(db_path.name) + 2 :].split(".", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            tmp.unlink(missing_ok=True)
            removed.append(tmp)
    return removed


def write_database(reports: list[ParsedReport], db_path: str | Path) -> None:
    """Write a complete database to a temporary file beside ``db_path``, then move it into place.

    A failed or interrupted build leaves the previous database untouched.
    """
    reports = list(reports)
    finish_reports(reports)
    db_path = Path(db_path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(db_path)
    fd, tmp = tempfile.mkstemp(prefix=f".{db_path.name}.{os.getpid()}.", suffix=".tmp", dir=db_path.parent)
    os.close(fd)
    try:
        db = sqlite_utils.Database(tmp)
        pm = pipeline.plugin_manager()
        families = pipeline.families(pm)
        with db.conn:
            init(db, families, pipeline.formats(pm))
            write_reports(db, reports, families)
        db.conn.execute("PRAGMA foreign_keys = ON")
        problems = db.conn.execute("PRAGMA foreign_key_check").fetchall()
        if problems:
            raise RuntimeError(f"foreign key check failed: {problems[:5]}")
        db.conn.execute("VACUUM")
        enable_search(db, all_tables(families, pipeline.formats(pm)))  # after VACUUM: keyed by the final rowids
        db.close()
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, db_path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def summarise(reports: list[ParsedReport]) -> Summary:
    s = Summary(files=len(reports))
    seen: set[str] = set()
    for rep in reports:
        if rep.sha256 in seen:
            s.duplicates += 1
        seen.add(rep.sha256)
        if rep.status == "parsed":
            s.parsed[rep.format] += 1
            s.failing += rep.check_status == "fail"
        else:
            s.unparsed += 1
            s.unparsed_reasons.append(rep.reason)
    bodies = {rep.agency.agency_id: rep.agency for rep in reports if rep.status == "parsed" and rep.agency}
    s.agencies = len(bodies)
    s.agency_levels = Counter(a.level or ("placeholder" if a.placeholder else "unknown") for a in bodies.values())
    return s


def build(inputs: Iterable[str | Path], db_path: str | Path, budget: Budget | None = None) -> Summary:
    """Parse every report under ``inputs`` and write the database at ``db_path``."""
    reports = parse_paths(inputs, budget)
    write_database(reports, db_path)
    return summarise(reports)


__all__ = ["Budget", "Summary", "build", "iter_sources", "parse_paths", "write_database", "Unreadable"]
