"""Load: 32 concurrent clients for 30 s against a real ``datasette serve -i`` on 127.0.0.1, no errors;
the load tester refuses any address that is not loopback."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from datasette_gaireports import loadtest

from .conftest import live_datasette

SCRIPT = Path(__file__).parents[1] / "scripts" / "load_test.py"
PAGES = {"status", "status.json", "agency", "report", "report.json"}


@pytest.fixture(scope="module")
def server(corpus_db, tmp_path_factory) -> Iterator[str]:
    """``datasette serve -i corpus_db`` on a free port of 127.0.0.1, stopped after the module."""
    with live_datasette(corpus_db, tmp_path_factory.mktemp("load_server") / "datasette.log", "-i") as url:
        yield url


@pytest.mark.load
def test_32_clients_for_30_seconds_without_errors(server, capsys):
    result = asyncio.run(loadtest.run(server, seconds=30, clients=32, max_requests=200_000))
    with capsys.disabled():
        print("\n" + result.table())
    assert set(result.pages) == PAGES
    assert result.errors == 0, result.table()
    assert all(len(s.latencies) > 0 for s in result.pages.values()), result.table()
    assert result.seconds >= 30 and result.requests == sum(len(s.latencies) for s in result.pages.values())
    report = result.pages["report"].path
    assert report.startswith("/gaireports/-/gaireports/report/") and result.pages["report.json"].path == report + ".json"


@pytest.mark.load
def test_script_prints_the_figures(server):
    out = subprocess.run(
        [sys.executable, str(SCRIPT), server, "--seconds", "2", "--clients", "4", "--max-requests", "40", "--json"],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert out.returncode == 0, out.stderr
    figures = json.loads(out.stdout)
    assert figures["errors"] == 0 and 0 < figures["requests"] <= 40 and figures["clients"] == 4
    assert set(figures["pages"]) == PAGES
    for page in figures["pages"].values():
        assert page["requests"] > 0 and page["p50_ms"] <= page["p99_ms"]
    table = subprocess.run(
        [sys.executable, str(SCRIPT), server, "--seconds", "1", "--clients", "2", "--max-requests", "10"],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert table.returncode == 0 and "p50 ms" in table.stdout and "requests/s" in table.stdout


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:8001", "http://127.0.0.1", "http://127.5.6.7:9000/", "http://localhost:8001",
     "https://[::1]:8443/prefix/"],
)
def test_loopback_urls_are_accepted(url):
    base = loadtest.loopback_base(url)
    assert not base.endswith("/") and base.startswith(url.split(":")[0])


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.1:8001", "http://192.168.1.1", "http://0.0.0.0:8001", "http://8.8.8.8", "http://[::]:8001",
        "http://[::ffff:127.0.0.1]:8001", "http://example.com", "http://127.0.0.1.nip.io", "http://localhost.example",
        "http://2130706433", "http://0x7f000001", "http://127.0.0.1@example.com", "http://user:pw@127.0.0.1",
        "ftp://127.0.0.1", "127.0.0.1:8001", "http://127.0.0.1:8001/?x=1", "http://127.0.0.1:99999", "",
    ],
)
def test_other_addresses_are_refused(url):
    with pytest.raises(ValueError):
        loadtest.loopback_base(url)
    with pytest.raises(ValueError):
        asyncio.run(loadtest.run(url, seconds=1, clients=1, max_requests=1))


def test_script_refuses_before_connecting():
    out = subprocess.run(
        [sys.executable, str(SCRIPT), "http://10.255.255.1:8001", "--seconds", "1"],
        capture_output=True, text=True, timeout=30, check=False,
    )
    assert out.returncode == 2 and "refusing '10.255.255.1'" in out.stderr and out.stdout == ""


@pytest.mark.parametrize(
    "kwargs", [{"seconds": 0}, {"seconds": 601}, {"clients": 0}, {"clients": 257}, {"max_requests": 0}]
)
def test_runs_are_bounded(kwargs):
    with pytest.raises(ValueError):
        asyncio.run(loadtest.run("http://127.0.0.1:1", **kwargs))
