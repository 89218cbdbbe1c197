"""The sha256 of the source files, remembered beside the database so an update hashes only the files that changed.

An incremental build compares files with the database by (source, sha256).
Hashing every file of a large corpus reads all of it; instead, as version
control tools do, a file whose size, modification time, change time and
inode are those it had when it was last hashed keeps that hash. A file
rewritten in place gets a new change time, which no tool can set back, so
it is hashed again. Entries are only kept for files last changed well
before they were listed, so a file changed during a build is hashed the next
time too.

The cache is a JSON file ``.<database name>.hashes.json`` beside the
database, written (atomically) once a build has hashed the files, or once a
full build has written them; the database itself holds no machine-local
file times. Deleting it, or ``--full``, makes
the next build hash everything.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path

VERSION = 1
SETTLED_NS = 2_000_000_000
"""How long before the listing a file must have last changed for its hash to be remembered (2 s)."""

Stamp = tuple[int, int, int, int]
"""(size, mtime_ns, ctime_ns, inode) of a file."""


def cache_path(db_path: Path) -> Path:
    """Where the hashes of the files built into ``db_path`` are kept."""
    return db_path.parent / f".{db_path.name}.hashes.json"


def _stamp(path: Path) -> Stamp | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


class HashCache:
    """Hashes of files by path and :data:`Stamp`, read from and written to :func:`cache_path`."""

    def __init__(self, db_path: Path, entries: dict[str, list] | None = None) -> None:
        self.db_path = db_path
        self.path = cache_path(db_path)
        self.entries = entries or {}
        self.listed_ns = time.time_ns()
        self.fresh: dict[str, list] = {}

    @classmethod
    def load(cls, db_path: Path) -> HashCache:
        """The cache beside ``db_path`` (empty where there is none or it cannot be read)."""
        try:
            data = json.loads(cache_path(db_path).read_text(encoding="utf-8"))
            entries = data["files"] if data.get("version") == VERSION else {}
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            entries = {}
        return cls(db_path, entries if isinstance(entries, dict) else {})

    def hashes(self, paths: list[Path], hash_all: Callable[[list[Path]], Iterable[str]]) -> list[str]:
        """The sha256 of each file: remembered where its stamp is unchanged, else from ``hash_all`` (in order)."""
        stamps = [_stamp(p) for p in paths]
        keys = [os.path.abspath(p) for p in paths]
        out: list[str | None] = []
        for key, stamp in zip(keys, stamps):
            entry = self.entries.get(key)
            out.append(entry[4] if stamp and entry and tuple(entry[:4]) == stamp else None)
        missing = [i for i, sha in enumerate(out) if sha is None]
        for i, hashed in zip(missing, hash_all([paths[i] for i in missing])):
            out[i] = hashed
        for key, stamp, sha in zip(keys, stamps, out):
            self.remember(key, stamp, sha)
        return [sha or "" for sha in out]

    def remember(self, key: str, stamp: Stamp | None, sha: str | None) -> None:
        """Keep a file's hash for the next build, if the file had settled before this build listed it."""
        if stamp and sha and max(stamp[1], stamp[2]) < self.listed_ns - SETTLED_NS:
            self.fresh[key] = [*stamp, sha]

    def remember_built(self, sources: list[tuple[Path, str]], stored: dict[str, str]) -> None:
        """Keep the hashes a full build stored (``stored``: source name → sha256) for the files it listed."""
        for path, source in sources:
            if source in stored:
                self.remember(os.path.abspath(path), _stamp(path), stored[source])

    def save(self) -> None:
        """Write the hashes remembered so far (those of files no longer listed are dropped), then let them go.

        The hashes are the files', not the database's: they stay right whatever becomes of the build.
        """
        # named as the build's temporary files are, so one left by a killed build is removed by the next
        fd, tmp = tempfile.mkstemp(prefix=f".{self.db_path.name}.{os.getpid()}.hashes.", suffix=".tmp",
                                   dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                # ASCII escapes: a path that is not UTF-8 holds lone surrogates, which only an escape can write
                json.dump({"version": VERSION, "files": self.fresh}, f)
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
            os.replace(tmp, self.path)
        except (OSError, ValueError):  # a cache: the next build hashes the files instead
            Path(tmp).unlink(missing_ok=True)
        self.entries, self.fresh = {}, {}
