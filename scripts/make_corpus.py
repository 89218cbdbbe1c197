"""Generate a labelled corpus: N reports in every format × rendering, each beside its truth.

    python scripts/make_corpus.py OUT_DIR --n 500 --seed 1
    gaireports build OUT_DIR/reports --db corpus.db
    gaireports export --db corpus.db -o corpus.jsonl
    python scripts/score.py OUT_DIR/truth corpus.jsonl
"""

from __future__ import annotations

import argparse
from collections import Counter

from datasette_gaireports.corpus import generate_corpus


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir")
    parser.add_argument("--n", type=int, default=500, help="number of reports")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--resume", action="store_true", help="keep the reports an interrupted run wrote")
    args = parser.parse_args()
    truths = generate_corpus(args.out_dir, args.n, args.seed, resume=args.resume)
    combos = Counter((t["template"], t["rendering"]) for t in truths)
    failing = sum(1 for t in truths if t["checks_fail"])
    print(f"wrote {len(truths)} reports to {args.out_dir}/reports and their truth to {args.out_dir}/truth")
    print(f"format × rendering combinations: {len(combos)}; reports with failing rules: {failing}")


if __name__ == "__main__":
    main()
