"""Score an export against labelled truth: cell accuracy, metadata accuracy, check agreement.

    python scripts/score.py TRUTH_DIR EXPORT.jsonl [--show 50]

TRUTH_DIR holds truth files (a generated corpus's ``truth/`` folder, or a
folder with ``seeds.gold.json``). Exits 1 unless the export is entirely right.
"""

from __future__ import annotations

import argparse
import sys

from datasette_gaireports.corpus.score import lines, load_export, load_truth, perfect, score


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("truth_dir")
    parser.add_argument("export")
    parser.add_argument("--show", type=int, default=20, help="how many mistakes to list")
    args = parser.parse_args()
    result = score(load_truth(args.truth_dir), load_export(args.export))
    for line in lines(result, args.show):
        print(line)
    sys.exit(0 if perfect(result) else 1)


if __name__ == "__main__":
    main()
