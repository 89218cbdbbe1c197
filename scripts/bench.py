"""Benchmarks of the build and the plugin's pages, measured side by side on the same generated files.

    python scripts/bench.py                      # N = 1,000 and 10,000
    python scripts/bench.py --n 1000 --runs 5    # one size, more runs
    python scripts/bench.py --national           # adds N = 100,000 (long)

(a) throughput in reports per CPU second of one core, HTML and text apart,
of the parser alone and of a whole one-core build, against
``pandas.read_html(flavor="lxml")`` (tables only) and a bare ``lxml.html``
parse of the same files, timed file by file in turn; (b) a full build's wall time, peak RSS and database
bytes per report at each N; (c) an incremental rebuild after adding 1% new
files against the full build; (d) HTTP latency (median, p95) of the status
page, an agency page (also a province's government, with the bodies it
oversees), a report page and the failing list's JSON (also filtered by the
province with the most bodies), against a ``datasette`` served
on 127.0.0.1 only. Prints a table, writes
``bench-results.json``. Needs the ``bench`` extra (pandas).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

import httpx

from datasette_gaireports.build import Parser, build
from datasette_gaireports.compiled import build_kind
from datasette_gaireports.corpus import generate_corpus
from datasette_gaireports.hashcache import cache_path

METADATA = Path(__file__).resolve().parents[1] / "metadata.yml"


def corpus(work: Path, n: int, seed: int = 1) -> Path:
    """The generated corpus of ``n`` reports (generated once; an interrupted generation resumes)."""
    folder = work / f"corpus-{n}-{seed}" / "reports"
    if not folder.is_dir() or len(list(folder.iterdir())) != n:
        generate_corpus(folder.parent, n, seed, resume=True)
    return folder


def _per_file(contenders: dict[str, Callable[[Path], object]], paths: list[Path], runs: int) -> dict[str, list]:
    """CPU seconds of each contender over ``paths``, per round: file by file, the contenders in turn (in an
    order that rotates), so a slow spell of the machine falls on all of them alike."""
    names = list(contenders)
    seconds: dict[str, list[float]] = {k: [] for k in names}
    for _ in range(runs):
        total = dict.fromkeys(names, 0.0)
        for i, path in enumerate(paths):
            for k in names[i % len(names):] + names[: i % len(names)]:
                start = time.process_time()
                contenders[k](path)
                total[k] += time.process_time() - start
        for k in names:
            seconds[k].append(total[k])
    return seconds


def _whole(contenders: dict[str, Callable[[], object]], runs: int) -> dict[str, list]:
    """CPU seconds of each contender, one after the other in each of ``runs`` rounds."""
    seconds: dict[str, list[float]] = {k: [] for k in contenders}
    for _ in range(runs):
        for k, fn in contenders.items():
            start = time.process_time()
            fn()
            seconds[k].append(time.process_time() - start)
    return seconds


def _ratio(seconds: dict[str, list], fast: str, slow: str) -> float:
    """How many times as fast ``fast`` ran as ``slow``: the median of the rounds' ratios."""
    return statistics.median(s / f for f, s in zip(seconds[fast], seconds[slow]))


def throughput(files: list[Path], runs: int, work: Path) -> dict:
    """Reports per second per core (CPU seconds of this one process).

    Our parser (read, decode, parse, check), ``pandas.read_html`` and a bare
    ``lxml.html`` parse are timed file by file in turn. Our whole one-core
    build of the HTML files (also writing the database and its cross-report
    steps) is timed in rounds that alternate it with the parser and
    ``pandas.read_html`` over all the files; its ratio to pandas is the
    median of those rounds'.
    """
    import lxml.html
    import pandas

    parser = Parser.load()
    html = [p for p in files if p.suffix in (".html", ".htm")]
    text = [p for p in files if p.suffix == ".txt"]
    html_folder = work / "throughput-html"
    shutil.rmtree(html_folder, ignore_errors=True)
    html_folder.mkdir(parents=True)
    for p in html:
        shutil.copy(p, html_folder / p.name)

    def ours(path: Path) -> None:
        parser((path, path.name))

    def read_html(path: Path) -> None:
        try:
            pandas.read_html(path, flavor="lxml")
        except ValueError:  # a page with no table
            pass

    def bare_lxml(path: Path) -> None:
        lxml.html.document_fromstring(path.read_bytes())

    def ours_build() -> None:
        build([html_folder], work / "throughput-html.db", jobs=1, full=True)

    for p in html:  # warm: caches, division data, page cache
        for warm in (ours, read_html, bare_lxml):
            warm(p)
    for p in text:
        ours(p)
    ours_build()
    files_timed = _per_file({"ours_html": ours, "pandas_read_html": read_html, "lxml_parse": bare_lxml}, html, runs)
    files_timed |= _per_file({"ours_text": ours}, text, runs)
    def ours_all() -> None:
        for p in html:
            ours(p)

    def read_html_all() -> None:
        for p in html:
            read_html(p)

    builds_timed = _whole({"ours_html_build": ours_build, "ours_html": ours_all, "pandas_read_html": read_html_all},
                          runs)
    out: dict = {"html_files": len(html), "text_files": len(text)}
    for key, paths in (("ours_html", html), ("ours_text", text), ("pandas_read_html", html), ("lxml_parse", html)):
        out[key] = len(paths) / statistics.median(files_timed[key]) if paths else None
    out["ours_html_build"] = len(html) / statistics.median(builds_timed["ours_html_build"])
    for ref in ("pandas_read_html", "lxml_parse"):
        out[f"ours_html_vs_{ref}"] = _ratio(files_timed, "ours_html", ref)
    out["ours_html_build_vs_pandas_read_html"] = _ratio(builds_timed, "ours_html_build", "pandas_read_html")
    out["ours_html_build_vs_ours_html"] = _ratio(builds_timed, "ours_html_build", "ours_html")
    out["ours_html_build_vs_lxml_parse"] = out["ours_html_build_vs_ours_html"] * out["ours_html_vs_lxml_parse"]
    return out


LAUNCHER = r"""
import json, os, subprocess, sys, tempfile, time
for line in sys.stdin:
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(json.loads(line), stdout=out, stderr=err)
        _pid, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        print(json.dumps({"seconds": seconds, "status": status, "maxrss_kib": usage.ru_maxrss,
                          "out": out.read().decode(), "err": err.read().decode()}), flush=True)
"""
"""Runs each timed build and reports its wall time and peak RSS. Linux counts in a child's peak RSS the pages of
the process it was forked from, as they were when it called exec: forked from this benchmark, grown by the
corpus it generated (hundreds of MiB at N = 100,000), a build would be charged for them. The launcher starts
small, before anything is measured, and every build is forked from it."""


class Launcher:
    """The process the builds are started from (:data:`LAUNCHER`)."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen([sys.executable, "-c", LAUNCHER], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True)

    def run(self, cmd: list[str]) -> dict:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(json.dumps(cmd) + "\n")
        self.proc.stdin.flush()
        return json.loads(self.proc.stdout.readline())


_launcher: Launcher | None = None


def build_once(folder: Path, db: Path, jobs: int, full: bool, *options: str) -> dict:
    """One ``gaireports build`` in a child process of the :class:`Launcher`: wall time and peak RSS (the child
    and its workers)."""
    global _launcher
    if _launcher is None:
        _launcher = Launcher()
    cmd = [sys.executable, "-m", "datasette_gaireports.cli", "build", str(folder), "--db", str(db),
           "--jobs", str(jobs), "--quiet", *(["--full"] if full else []), *options]
    done = _launcher.run(cmd)
    if done["status"]:
        raise RuntimeError(f"build failed: {done['err'][-2000:]}")
    return {"seconds": done["seconds"], "peak_rss_mib": done["maxrss_kib"] / 1024, "output": done["out"]}


def build_size(work: Path, n: int, jobs: int, runs: int, update_runs: int) -> dict:
    """Full build (median of ``runs``), its peak RSS and bytes, then incremental builds after 1% new files
    (medians of ``update_runs``): on a copy that replaces the database, and ``--in-place``, alternating, each
    from a fresh copy of the full build."""
    # The full build reads a copy of the corpus, to which the new files are then added: the incremental builds
    # update the full build's database (and the file hashes it keeps beside it) as a user's next build would.
    grown = work / f"grown-{n}"
    shutil.rmtree(grown, ignore_errors=True)
    shutil.copytree(corpus(work, n), grown)
    db = work / f"bench-{n}.db"
    results = [build_once(grown, db, jobs, full=True) for _ in range(runs)]
    full = statistics.median(r["seconds"] for r in results)
    size = db.stat().st_size
    with sqlite3.connect(db) as conn:
        reports = conn.execute("select count(*) from reports").fetchone()[0]
    extra = corpus(work, max(1, n // 100), seed=2)
    for p in extra.iterdir():
        shutil.copy(p, grown / f"new_{p.name}")
    incremental: dict[str, list[dict]] = {"copy": [], "in_place": []}
    for _ in range(update_runs):
        for mode, options in (("copy", ()), ("in_place", ("--in-place",))):
            inc_db = work / f"bench-{n}-inc.db"
            shutil.copy(db, inc_db)
            shutil.copy(cache_path(db), cache_path(inc_db))
            os.sync()  # the copy just made is on disk, as a database built earlier is: its writes are not timed
            incremental[mode].append(build_once(grown, inc_db, jobs, False, *options))
    inc = statistics.median(r["seconds"] for r in incremental["copy"])
    in_place = statistics.median(r["seconds"] for r in incremental["in_place"])
    return {
        "n": n,
        "jobs": jobs,
        "full_build_s": full,
        "reports_per_s": reports / full,
        "reports_per_s_per_core": reports / full / jobs,
        "peak_rss_mib": max(r["peak_rss_mib"] for r in results),
        "db_bytes": size,
        "db_bytes_per_report": size / reports,
        "new_files": len(list(extra.iterdir())),
        "incremental_build_s": inc,
        "incremental_vs_full": inc / full,
        "incremental_peak_rss_mib": max(r["peak_rss_mib"] for runs_ in incremental.values() for r in runs_),
        "incremental_in_place_s": in_place,
        "incremental_in_place_vs_full": in_place / full,
        "incremental_output": incremental["in_place"][-1]["output"].splitlines()[-4:],
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def latency(db: Path, requests: int) -> dict:
    """Median and p95 milliseconds of each page, from a ``datasette`` listening on 127.0.0.1 only, serving the
    database as the README says to serve a large one: named ``gaireports`` (a hard link), with ``metadata.yml``
    and without facet suggestions."""
    port = free_port()
    name = "gaireports"
    served = db.parent / "served" / f"{name}.db"
    served.parent.mkdir(exist_ok=True)
    served.unlink(missing_ok=True)
    os.link(db, served)
    with sqlite3.connect(db) as conn:
        agency = conn.execute("select agency_id from agencies order by reports desc, agency_id limit 1").fetchone()[0]
        report = conn.execute(
            "select report_id from reports where status = 'parsed' order by source limit 1 offset "
            "(select count(*) / 2 from reports where status = 'parsed')"
        ).fetchone()[0]
        government = conn.execute(
            "select agency_id from agencies where kind = 'government' and level = 'province' "
            "order by reports desc, agency_id limit 1"
        ).fetchone()[0]
        province = conn.execute(
            "select province from agencies where province is not null group by 1 order by count(*) desc, 1 limit 1"
        ).fetchone()[0]
    by_province = "?" + urlencode({"province": province})
    pages = {
        "status": f"/{name}/-/gaireports",
        "agency": f"/{name}/-/gaireports/agency/{agency}",
        "report": f"/{name}/-/gaireports/report/{report}",
        "failing_json": f"/{name}/-/gaireports/failing.json",
        "reports_table": f"/{name}/reports",
        "agency_province_government": f"/{name}/-/gaireports/agency/{government}",
        "status_province": f"/{name}/-/gaireports{by_province}",
        "failing_json_province": f"/{name}/-/gaireports/failing.json{by_province}",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "datasette", "serve", "-i", str(served), "--host", "127.0.0.1", "--port", str(port),
         "-m", str(METADATA), "--setting", "suggest_facets", "off"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    out: dict = {}
    try:
        with httpx.Client(base_url=base, timeout=60, trust_env=False, follow_redirects=False) as client:
            for _ in range(300):
                try:
                    client.get("/-/versions.json")
                    break
                except httpx.TransportError:
                    time.sleep(0.1)
            for key, path in pages.items():
                assert client.get(path).status_code == 200, path  # warm the caches
                times = []
                for _ in range(requests):
                    start = time.perf_counter()
                    r = client.get(path)
                    times.append((time.perf_counter() - start) * 1000)
                    assert r.status_code == 200, (path, r.status_code)
                times.sort()
                out[key] = {"median_ms": statistics.median(times), "p95_ms": times[int(0.95 * (len(times) - 1))],
                            "path": path}
    finally:
        proc.terminate()
        proc.wait(10)
        served.unlink(missing_ok=True)
    return out


def table(results: dict) -> str:
    lines = []
    t = results["throughput"]
    lines.append(f"throughput per core, reports per CPU second (N = {results['throughput_n']}: "
                 f"{t['html_files']} HTML, {t['text_files']} text files; median of {results['runs']} rounds, "
                 "the parsers file by file in turn, the build in alternation with whole passes; "
                 f"parsing modules {results['parsing_modules']})")
    for key, label in (("ours_html", "gaireports parse + check, HTML"),
                       ("ours_html_build", "gaireports build --jobs 1, HTML (also writes)"),
                       ("ours_text", "gaireports parse + check, text"),
                       ("pandas_read_html", "pandas.read_html (lxml), HTML tables only"),
                       ("lxml_parse", "lxml.html parse only, HTML")):
        lines.append(f"  {label:<48} {t[key]:>10.1f}" if t[key] else f"  {label:<48} {'-':>10}")
    for key, label in (("ours_html", "parse + check"), ("ours_html_build", "build")):
        lines.append(f"  {label} vs pandas.read_html: {t[key + '_vs_pandas_read_html']:.2f}x as fast; "
                     f"vs bare lxml: {1 / t[key + '_vs_lxml_parse']:.1f}x slower")
    lines.append(f"  build vs parse + check, round by round: {t['ours_html_build_vs_ours_html']:.2f}x as fast")
    lines.append("")
    lines.append(f"{'N':>8} {'jobs':>4} {'full s':>8} {'rep/s':>7} {'rep/s/core':>10} {'peak RSS MiB':>12} "
                 f"{'bytes/report':>12} {'+1% files':>9} {'incr. s':>8} {'incr/full':>9} {'in-place s':>10} "
                 f"{'in-place/full':>13}")
    for b in results["builds"]:
        lines.append(f"{b['n']:>8} {b['jobs']:>4} {b['full_build_s']:>8.1f} {b['reports_per_s']:>7.1f} "
                     f"{b['reports_per_s_per_core']:>10.1f} {b['peak_rss_mib']:>12.0f} {b['db_bytes_per_report']:>12.0f} "
                     f"{b['new_files']:>9} {b['incremental_build_s']:>8.1f} {b['incremental_vs_full']:>9.2f} "
                     f"{b['incremental_in_place_s']:>10.1f} {b['incremental_in_place_vs_full']:>13.3f}")
    for n, pages in results["latency"].items():
        lines.append("")
        lines.append(f"HTTP latency, N = {n} ({results['requests']} requests each), ms: median / p95")
        width = max(map(len, pages), default=0)
        for key, v in pages.items():
            lines.append(f"  {key:<{width}} {v['median_ms']:>8.1f} / {v['p95_ms']:>8.1f}   {v['path']}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, nargs="+", default=[1000, 10000], help="corpus sizes")
    parser.add_argument("--national", action="store_true", help="also N = 100,000")
    parser.add_argument("--runs", type=int, default=3, help="runs per measure (medians)")
    parser.add_argument("--sample", type=int, default=600, help="files of the smallest corpus the parse throughput is read on")
    parser.add_argument("--build-runs", type=int, default=1, help="full builds per size above 1,000 reports")
    parser.add_argument("--update-runs", type=int, default=3, help="incremental builds of each kind per size")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--requests", type=int, default=60, help="HTTP requests per page (at least 50)")
    parser.add_argument("--work", default=".bench", help="folder for the generated files and databases")
    parser.add_argument("--out", default="bench-results.json")
    args = parser.parse_args()
    global _launcher
    _launcher = Launcher()  # forked now, while this process is small
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    sizes = sorted(set(args.n) | ({100_000} if args.national else set()))
    small = corpus(work, min(sizes))
    results: dict = {"runs": args.runs, "requests": max(50, args.requests), "cores": os.cpu_count(),
                     "throughput_n": min(args.sample, min(sizes)), "parsing_modules": build_kind()}
    results["throughput"] = throughput(sorted(small.iterdir())[: args.sample], args.runs, work)
    results["builds"] = []
    results["latency"] = {}
    for n in sizes:
        runs = args.runs if n <= 1000 else args.build_runs
        results["builds"].append(build_size(work, n, args.jobs, runs, args.update_runs))
        results["latency"][n] = latency(work / f"bench-{n}.db", results["requests"])
        Path(args.out).write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    print(table(results))
    Path(args.out).write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
