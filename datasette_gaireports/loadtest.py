"""A bounded load test of the plugin's pages against a Datasette already running on this machine.

Only loopback addresses are ever requested: :func:`loopback_base` refuses any base
URL whose host is not in 127.0.0.0/8, ``::1`` or ``localhost`` (resolving only to
those), every request is checked against that host before it is sent, proxies
from the environment are ignored and redirects are not followed. The run is
bounded by time and by request count. Ids are discovered through Datasette's
JSON API; each client cycles through the status page, its failing list as JSON,
an agency page, a report page and the report's JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import json
import math
import socket
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit

import httpx
from datasette.utils import tilde_encode

MAX_SECONDS = 600.0
MAX_CLIENTS = 256
MAX_REQUESTS = 1_000_000
REQUEST_TIMEOUT = 30.0


def _loopback_host(host: str) -> bool:
    if host == "localhost":
        try:
            infos = socket.getaddrinfo(host, None)
        except OSError:
            return False
        return bool(infos) and all(ipaddress.ip_address(str(info[4][0]).split("%")[0]).is_loopback for info in infos)
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def loopback_base(url: str) -> str:
    """``url`` without its trailing slash, if it is an http(s) URL on this machine's loopback interface.

    Raises ``ValueError`` for any other host (names other than ``localhost``,
    private or public addresses, ``0.0.0.0``), for credentials, a query or a fragment.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise ValueError(f"not an http(s) URL: {url!r}")
    if parts.username is not None or parts.password is not None or parts.query or parts.fragment:
        raise ValueError(f"a base URL has no credentials, query or fragment: {url!r}")
    host = parts.hostname or ""
    if not _loopback_host(host):
        raise ValueError(f"refusing {host!r}: the load test only targets 127.0.0.0/8, ::1 or localhost")
    try:
        _ = parts.port
    except ValueError as e:
        raise ValueError(f"bad port in {url!r}") from e
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"


@dataclass
class PageStats:
    """Latencies (seconds) of the successful and failed requests to one page."""

    path: str
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)

    def record(self, seconds: float, error: str | None) -> None:
        self.latencies.append(seconds)
        if error is not None:
            self.errors += 1
            if len(self.error_samples) < 5:
                self.error_samples.append(error)

    def percentile(self, p: float) -> float | None:
        """Nearest-rank percentile of every request's latency, in seconds."""
        if not self.latencies:
            return None
        ordered = sorted(self.latencies)
        return ordered[max(math.ceil(p / 100 * len(ordered)) - 1, 0)]


@dataclass
class Result:
    """What one load run measured."""

    base: str
    clients: int
    seconds: float
    pages: dict[str, PageStats]

    @property
    def requests(self) -> int:
        return sum(len(s.latencies) for s in self.pages.values())

    @property
    def errors(self) -> int:
        return sum(s.errors for s in self.pages.values())

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def as_dict(self) -> dict:
        return {
            "base": self.base,
            "clients": self.clients,
            "seconds": round(self.seconds, 3),
            "requests": self.requests,
            "errors": self.errors,
            "throughput": round(self.throughput, 1),
            "pages": {
                name: {
                    "path": s.path,
                    "requests": len(s.latencies),
                    "errors": s.errors,
                    "p50_ms": _ms(s.percentile(50)),
                    "p99_ms": _ms(s.percentile(99)),
                    "max_ms": _ms(max(s.latencies, default=None)),
                    "error_samples": s.error_samples,
                }
                for name, s in self.pages.items()
            },
        }

    def table(self) -> str:
        rows = [f"{'page':<12} {'requests':>9} {'errors':>7} {'p50 ms':>8} {'p99 ms':>8}  path"]
        for name, s in self.pages.items():
            p50, p99 = _ms(s.percentile(50)), _ms(s.percentile(99))
            rows.append(f"{name:<12} {len(s.latencies):>9} {s.errors:>7} {p50!s:>8} {p99!s:>8}  {s.path}")
        rows.append(
            f"{self.requests} requests, {self.errors} errors in {self.seconds:.1f} s with {self.clients} clients:"
            f" {self.throughput:.1f} requests/s"
        )
        for name, s in self.pages.items():
            rows += [f"  {name}: {e}" for e in s.error_samples]
        return "\n".join(rows)


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 1)


def _client(base: str, clients: int) -> httpx.AsyncClient:
    host = urlsplit(base).hostname

    async def only_loopback(request: httpx.Request) -> None:
        if request.url.host != host or not _loopback_host(request.url.host):
            raise RuntimeError(f"refusing a request to {request.url.host!r}")

    return httpx.AsyncClient(
        base_url=base,
        trust_env=False,
        follow_redirects=False,
        timeout=REQUEST_TIMEOUT,
        limits=httpx.Limits(max_connections=clients, max_keepalive_connections=clients),
        event_hooks={"request": [only_loopback]},
    )


async def _json(client: httpx.AsyncClient, path: str) -> Any:
    r = await client.get(path)
    r.raise_for_status()
    return r.json()


async def discover(client: httpx.AsyncClient, database: str | None = None) -> dict[str, str]:
    """Page name → path: the status page, its failing list as JSON, an agency page, a report page
    and its JSON, with ids read from the first gaireports database's ``reports`` table."""
    if database is None:
        names = [d["name"] for d in await _json(client, "/-/databases.json") if d["name"] != "_internal"]
    else:
        names = [database]
    for name in names:
        db = quote(tilde_encode(name), safe="~")
        tables = await _json(client, f"/{db}.json")
        if "reports" not in {t["name"] for t in tables.get("tables", [])}:
            continue
        rows = await _json(
            client,
            f"/{db}/reports.json?_shape=objects&_size=100&status=parsed&agency_id__notblank=1"
            "&_col=agency_id&_col=check_status&_sort=report_id",
        )
        rows = rows["rows"]
        if not rows:
            continue
        row = next((r for r in rows if r.get("check_status") == "fail"), rows[0])
        report, agency = tilde_encode(row["report_id"]), tilde_encode(row["agency_id"])
        base = f"/{db}/-/gaireports"
        return {
            "status": base,
            "status.json": f"{base}/failing.json",
            "agency": f"{base}/agency/{agency}",
            "report": f"{base}/report/{report}",
            "report.json": f"{base}/report/{report}.json",
        }
    raise LookupError("no served database has a parsed report with an agency")


class _Budget:
    """The requests left to send (the event loop runs one client at a time, so no lock)."""

    def __init__(self, total: int):
        self.left = total

    def take(self) -> bool:
        if self.left <= 0:
            return False
        self.left -= 1
        return True


async def _worker(
    index: int,
    client: httpx.AsyncClient,
    targets: Sequence[tuple[str, str]],
    pages: dict[str, PageStats],
    deadline: float,
    budget: _Budget,
) -> None:
    k = index
    while time.monotonic() < deadline and budget.take():
        name, path = targets[k % len(targets)]
        k += 1
        start = time.perf_counter()
        error = None
        try:
            r = await client.get(path)
            if not 200 <= r.status_code < 300:
                error = f"HTTP {r.status_code} {path}"
        except Exception as e:  # every failure counts as an error
            error = f"{type(e).__name__}: {e} {path}"
        pages[name].record(time.perf_counter() - start, error)


async def run(
    base_url: str,
    seconds: float = 30.0,
    clients: int = 32,
    max_requests: int = 200_000,
    database: str | None = None,
) -> Result:
    """Run ``clients`` concurrent clients for ``seconds`` (or until ``max_requests``) against ``base_url``."""
    base = loopback_base(base_url)
    if not 0 < seconds <= MAX_SECONDS:
        raise ValueError(f"seconds must be in (0, {MAX_SECONDS:g}]")
    if not 0 < clients <= MAX_CLIENTS:
        raise ValueError(f"clients must be in [1, {MAX_CLIENTS}]")
    if not 0 < max_requests <= MAX_REQUESTS:
        raise ValueError(f"max_requests must be in [1, {MAX_REQUESTS}]")
    async with _client(base, clients) as client:
        paths = await discover(client, database)
        targets = list(paths.items())
        pages = {name: PageStats(path) for name, path in targets}
        budget = _Budget(max_requests)
        start = time.monotonic()
        deadline = start + seconds
        await asyncio.gather(*(_worker(i, client, targets, pages, deadline, budget) for i in range(clients)))
        elapsed = time.monotonic() - start
    return Result(base, clients, elapsed, pages)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url", help="base URL of a running datasette, e.g. http://127.0.0.1:8001")
    parser.add_argument("--seconds", type=float, default=30.0, help=f"duration (at most {MAX_SECONDS:g})")
    parser.add_argument("--clients", type=int, default=32, help=f"concurrent clients (at most {MAX_CLIENTS})")
    parser.add_argument("--max-requests", type=int, default=200_000, help=f"request budget (at most {MAX_REQUESTS})")
    parser.add_argument("--database", help="database to read ids from (default: the first with reports)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    try:
        loopback_base(args.url)
    except ValueError as e:
        parser.error(str(e))
    try:
        result = asyncio.run(run(args.url, args.seconds, args.clients, args.max_requests, args.database))
    except (ValueError, LookupError, httpx.HTTPError) as e:
        print(f"load test not run: {e}", file=sys.stderr)
        return 2
    print(json.dumps(result.as_dict(), ensure_ascii=False, indent=2) if args.json else result.table())
    return 1 if result.errors else 0
