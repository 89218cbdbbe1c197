"""The mypyc-compiled parsing modules against their Python sources, side by side on the same files.

    python scripts/bench_compiled.py                   # a generated corpus of 1,000 reports, HTML files only
    python scripts/bench_compiled.py --folder DIR --rounds 9

Each round runs two child processes in turn (the order alternating by round):
one imports the installed package (compiled), the other a copy of the
package's sources without the compiled copies. Each child parses every file
(read, decode, parse, check) and builds a database of them on one core, and
reports the CPU seconds of its fastest pass. Prints the medians and the median
of the rounds' ratios; writes them as JSON (``bench-compiled.json``).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

import datasette_gaireports
from datasette_gaireports.compiled import build_kind, copy_sources
from datasette_gaireports.corpus import generate_corpus

CHILD = """
import json, sys, time
from pathlib import Path
from datasette_gaireports.build import Parser, build
from datasette_gaireports.compiled import build_kind
folder, db, passes = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
files = sorted(folder.iterdir())
parser = Parser.load()
def parse():
    for f in files:
        parser((f, f.name))
def whole():
    build([folder], db, jobs=1, full=True)
parse()  # warm: caches, division data, page cache
whole()
out = {"kind": build_kind()}
for name, run in (("parse", parse), ("build", whole)):
    times = []
    for _ in range(passes):
        start = time.process_time()
        run()
        times.append(time.process_time() - start)
    out[name] = min(times)
print(json.dumps(out))
"""


def html_folder(work: Path, n: int) -> Path:
    """The HTML files of a generated corpus of ``n`` reports, in a folder of their own."""
    folder = work / f"compiled-html-{n}"
    if not folder.exists():
        generate_corpus(work / f"compiled-gen-{n}", n, seed=1)
        folder.mkdir(parents=True)
        for p in (work / f"compiled-gen-{n}" / "reports").iterdir():
            if p.suffix in (".html", ".htm"):
                shutil.copy(p, folder / p.name)
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, help="files to parse (default: the HTML files of a generated corpus)")
    parser.add_argument("--n", type=int, default=1000, help="reports in the generated corpus")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--passes", type=int, default=3, help="passes per child (its fastest counts)")
    parser.add_argument("--work", type=Path, default=Path(".bench"))
    parser.add_argument("--out", default="bench-compiled.json")
    args = parser.parse_args()
    if build_kind() != "compiled":
        sys.exit(f"the installed parsing modules are {build_kind()}: install with a C compiler and without "
                 "GAIREPORTS_PURE_PYTHON")
    args.work.mkdir(parents=True, exist_ok=True)
    folder = args.folder or html_folder(args.work, args.n)
    package = Path(datasette_gaireports.__file__).parent
    shutil.rmtree(args.work / "pure-sources", ignore_errors=True)
    sources = copy_sources(package, args.work / "pure-sources")
    envs = {"compiled": dict(os.environ), "pure": {**os.environ, "PYTHONPATH": str(sources)}}
    times: dict[str, list[dict]] = {"compiled": [], "pure": []}
    for i in range(args.rounds):
        for kind in (("compiled", "pure") if i % 2 == 0 else ("pure", "compiled")):
            db = args.work / f"compiled-{kind}.db"
            done = subprocess.run([sys.executable, "-c", CHILD, str(folder), str(db), str(args.passes)],
                                  env=envs[kind], check=True, capture_output=True, text=True, cwd=args.work)
            result = json.loads(done.stdout)
            assert result["kind"] == ("compiled" if kind == "compiled" else "pure Python"), result
            times[kind].append(result)
    files = len(list(folder.iterdir()))
    out: dict = {"files": files, "rounds": args.rounds}
    for step in ("parse", "build"):
        ratios = [p[step] / c[step] for p, c in zip(times["pure"], times["compiled"])]
        out[step] = {kind: files / statistics.median(t[step] for t in times[kind]) for kind in times}
        out[step]["compiled_vs_pure"] = statistics.median(ratios)
        print(f"{step:>5}: compiled {out[step]['compiled']:.1f}, pure Python {out[step]['pure']:.1f} reports per "
              f"CPU second; compiled {out[step]['compiled_vs_pure']:.2f}x as fast (median of {args.rounds} rounds, "
              f"{files} files)")
    Path(args.out).write_text(json.dumps(out, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
