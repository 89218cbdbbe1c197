"""Parsing on a Dask cluster (``gaireports build --dask ADDRESS``), with the reports of a local build.

The client reads each file and sends its bytes with the task, so the workers
share no filesystem with it; the workers need this package (and any pipeline
plugins) installed. Reports come back in the order of the files, so the
database is the one a local build writes. ``dask`` is imported only here, and
only when a cluster is used: the extra ``datasette-gaireports[dask]`` is optional.
"""

from __future__ import annotations

import ctypes
import hashlib
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain
from pathlib import Path
from types import ModuleType, TracebackType
from typing import TYPE_CHECKING, Any

from . import __version__
from .build import Budget, Parser, TooSlow, _unparsed, parse_bytes, read_source
from .finish import identify_agencies
from .report import PARSER_VERSION, ParsedReport

if TYPE_CHECKING:
    from distributed import Client

MISSING = "parsing on a Dask cluster (--dask) needs the dask extra: pip install 'datasette-gaireports[dask]'"
TASKS_PER_THREAD = 4
"""Tasks in flight per worker thread: enough to keep every thread busy while results are fetched in order."""
MIN_WINDOW = 8
WINDOW_BYTES = 256 * 2**20
"""At most this many bytes of files in flight (past the first), whatever the window's count."""
SCATTER_BYTES = 2**20
"""Files larger than this are scattered to a worker rather than embedded in their task."""


class ClusterError(RuntimeError):
    """The Dask scheduler cannot be reached, or its workers cannot run this package's parser."""


def require_distributed() -> ModuleType:
    """The ``distributed`` module, or an :class:`ImportError` saying how to install it."""
    try:
        import distributed
    except ImportError as exc:
        raise ImportError(MISSING) from exc
    return distributed


def _async_raise(thread_id: int, exc: type[BaseException] | None) -> None:
    """Raise ``exc`` in thread ``thread_id`` at its next bytecode (None withdraws a pending one)."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), ctypes.py_object(exc) if exc else None)


class thread_time_limit:
    """Raise :class:`TooSlow` in the block after ``seconds``, in any thread (0: no limit).

    A timer thread raises the exception in the calling thread, which sees it
    between two bytecodes, as the main thread sees the SIGALRM of
    :func:`.build.time_limit`: a long call into C (an lxml parse) finishes
    first. Once the time is up the block ends in :class:`TooSlow` in any case
    (an exception landing in a weakref callback is dropped by Python and the
    block runs on), and one still pending when it ends is withdrawn, so it
    never reaches the worker's next task.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.lock = threading.Lock()
        self.armed = self.fired = False
        self.timer: threading.Timer | None = None

    def __enter__(self) -> thread_time_limit:
        if self.seconds > 0 and hasattr(ctypes, "pythonapi"):
            self.thread = threading.get_ident()
            self.armed = True
            self.timer = threading.Timer(self.seconds, self._expire)
            self.timer.daemon = True
            self.timer.start()
        return self

    def _expire(self) -> None:
        with self.lock:
            if self.armed:
                self.fired = True
                _async_raise(self.thread, TooSlow)

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        with self.lock:
            self.armed = False
            if self.fired:
                _async_raise(self.thread, None)
        if self.timer is not None:
            self.timer.cancel()
        if self.fired and exc_type is None:
            raise TooSlow


@lru_cache(maxsize=1)
def _worker_parser() -> Parser:
    """The parser of this worker process, built on its first task (its reader holds pluggy closures)."""
    return Parser.load()


def parse_task(data: bytes, source: str, budget: Budget) -> ParsedReport:
    """A worker's task: parse one file's bytes within the time budget and identify its body."""
    p = _worker_parser()
    rep = parse_bytes(data, source, p.families, p.markers, p.reader, budget, limit=thread_time_limit)
    identify_agencies([rep])
    return rep


def worker_versions() -> tuple[str, str]:
    """Run on every worker before parsing: the package and parser versions it has."""
    return __version__, PARSER_VERSION


@dataclass
class _Task:
    """One file on its way: its task on the cluster, or the report made here (too large, unreadable)."""

    source: str
    sha256: str
    size: int
    future: Any = None
    data: Any = None
    """The scattered bytes, held until the task is done."""
    report: ParsedReport | None = None

    @property
    def sent(self) -> int:
        """Bytes sent to the cluster."""
        return self.size if self.future is not None else 0

    def result(self) -> ParsedReport:
        if self.report is not None:
            return self.report
        try:
            return self.future.result()
        except Exception as exc:
            if self.future.status != "error":  # the cluster, not the file: the build stops
                raise ClusterError(f"lost the Dask cluster while parsing {self.source}: {exc}") from exc
            return _unparsed(self.source, self.sha256, self.size,
                             f"could not be parsed on the Dask cluster ({type(exc).__name__}: {exc}); "
                             "please report this file")


def _submit(client: Client, path: Path, source: str, budget: Budget) -> _Task:
    data = read_source(path, source, budget)
    if isinstance(data, ParsedReport):
        return _Task(source, data.sha256, data.size, report=data)
    task = _Task(source, hashlib.sha256(data).hexdigest(), len(data))
    if len(data) > SCATTER_BYTES:
        task.data = data = client.scatter(data, hash=False)
    task.future = client.submit(parse_task, data, source, budget, pure=False)
    return task


def connect(address: str) -> Client:
    """A client of the scheduler at ``address``, or a :class:`ClusterError`."""
    distributed = require_distributed()
    try:
        return distributed.Client(address, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise ClusterError(f"cannot reach the Dask scheduler at {address}: {exc}") from exc


def check_workers(client: Client) -> int:
    """The cluster's worker threads, once every worker has shown it runs this package's parser version."""
    try:
        seen = client.run(worker_versions)
    except Exception as exc:
        raise ClusterError(f"the Dask workers cannot run datasette-gaireports ({type(exc).__name__}: {exc}); "
                           "install it on every worker") from exc
    wrong = sorted(f"{addr} has {'/'.join(v)}" for addr, v in seen.items() if tuple(v) != worker_versions())
    if wrong:
        raise ClusterError(f"Dask workers with another datasette-gaireports/parser version than "
                           f"{'/'.join(worker_versions())}: {'; '.join(wrong)}")
    return sum(client.nthreads().values())


def parse_on_dask(
    cluster: str | Client, items: Iterable[tuple[Path, str]], budget: Budget | None = None
) -> Iterator[ParsedReport]:
    """Parse ``items`` on a Dask cluster, yielding their reports in the order of ``items``.

    ``cluster`` is a scheduler address (a client is opened and closed here) or
    a ``distributed.Client``. At most a window of a few tasks per worker thread
    (and :data:`WINDOW_BYTES` of files) is in flight, its reports fetched in
    order as they complete, so memory does not grow with the number of files. A
    file whose task fails gets an unparsed report naming it; losing the cluster
    stops the build.
    """
    budget = budget or Budget()
    items = iter(items)
    first = next(items, None)
    if first is None:
        return
    client = connect(cluster) if isinstance(cluster, str) else cluster
    own = client is not cluster
    window: deque[_Task] = deque()
    try:
        limit = max(MIN_WINDOW, TASKS_PER_THREAD * check_workers(client))
        in_flight = 0
        for path, source in chain([first], items):
            window.append(_submit(client, path, source, budget))
            in_flight += window[-1].sent
            while window and (len(window) >= limit or in_flight > WINDOW_BYTES):
                task = window.popleft()
                in_flight -= task.sent
                yield task.result()
        while window:
            yield window.popleft().result()
    finally:
        pending = [t.future for t in window if t.future is not None]
        if pending:
            client.cancel(pending)
        if own:
            client.close()
