"""Scoring an export against labelled truth: cell accuracy, metadata accuracy, check agreement.

Truth is read from a folder (recursively) of ``.json`` files, each holding one
truth object or a list of them (the seeds' ``seeds.gold.json`` names its
source ``file``), or ``.jsonl`` files. An object carries ``source``/``file``,
``agency``, ``year``, ``format``, optionally ``published`` and the page's
``index_no`` and ``doc_no``, its ``attachments`` and ``images`` (:data:`OPTIONAL_FIELDS`), ``tables`` in the
export's shape, and ``checks_fail`` (the rule instances that must fail).
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

META_FIELDS = ("agency", "year", "format")
OPTIONAL_FIELDS = ("published", "index_no", "doc_no", "attachments", "images")
"""Fields scored only where the truth holds them (the page's 索引号 and 文号, its attachments and the count of
images in its body only where there is a page)."""
COMPARED_AS: dict[str, Callable[[Any], Any]] = {
    "attachments": lambda got: [a["href"] for a in got or []],
    "images": lambda got: len(got or []),
}
"""How an export's field is compared with the truth where the truth holds less of it: the attachments'
addresses (their texts are the page's, simplified), the number of images."""


def load_truth(folder: str | Path) -> dict[str, dict[str, Any]]:
    """Truth objects by source name."""
    out: dict[str, dict[str, Any]] = {}
    root = Path(folder)
    paths = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.suffix in (".json", ".jsonl"))
    for path in paths:
        text = path.read_text(encoding="utf-8")
        objs = [json.loads(line) for line in text.splitlines() if line.strip()] if path.suffix == ".jsonl" else json.loads(text)
        for obj in objs if isinstance(objs, list) else [objs]:
            out[obj.get("source") or obj["file"]] = obj
    return out


def load_export(path: str | Path) -> dict[str, dict[str, Any]]:
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return {o["source"]: o for o in (json.loads(line) for line in lines if line.strip())}


def flat_cells(tables: dict[str, Any]) -> dict[tuple[str, str], Any]:
    """(family, cell) → value for any table shape of the export."""
    out: dict[tuple[str, str], Any] = {}
    for fam, table in (tables or {}).items():
        for key, v in table.items():
            if isinstance(v, dict):
                for col, x in v.items():
                    out[(fam, f"{key}.{col}")] = x
            else:
                out[(fam, key)] = v
    return out


@dataclass
class Tally:
    """Counts for one group of reports (all, or one format / rendering)."""

    reports: int = 0
    cells: int = 0
    cells_right: int = 0
    meta: Counter = field(default_factory=Counter)
    optional: Counter = field(default_factory=Counter)
    """Reports whose truth holds each of :data:`OPTIONAL_FIELDS`."""
    optional_right: Counter = field(default_factory=Counter)
    expected_fails: int = 0
    found_fails: int = 0
    agreed_fails: int = 0
    reports_checks_exact: int = 0
    reports_exact: int = 0

    def pct(self, a: int, b: int) -> str:
        return f"{100 * a / b:.2f}% ({a}/{b})" if b else "n/a"


@dataclass
class Score:
    total: Tally = field(default_factory=Tally)
    groups: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    mistakes: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def _fails(checks: Iterable[dict[str, Any]]) -> set[tuple[str, str]]:
    return {(c["rule"], c["scope"]) for c in checks if c.get("status", "fail") == "fail"}


def score_report(truth: dict[str, Any], got: dict[str, Any] | None) -> tuple[dict[str, Any], list[str]]:
    """One report's counts and its mistakes, in words."""
    mistakes: list[str] = []
    src = truth.get("source") or truth["file"]
    got = got or {"tables": {}, "checks": []}
    want_cells = flat_cells(truth.get("tables", {}))
    got_cells = flat_cells(got.get("tables", {}))
    keys = set(want_cells) | {k for k, v in got_cells.items() if v is not None or k[0] in truth.get("tables", {})}
    right = 0
    for key in sorted(keys):
        w, g = want_cells.get(key), got_cells.get(key)
        if key in want_cells and key in got_cells and w == g or (key not in want_cells and g is None and w is None):
            right += 1
        else:
            mistakes.append(f"{src}: {key[0]} {key[1]}: want {w!r}, got {g!r}")
    meta = {}
    for f in META_FIELDS:
        meta[f] = truth.get(f) == got.get(f)
        if not meta[f]:
            mistakes.append(f"{src}: {f}: want {truth.get(f)!r}, got {got.get(f)!r}")
    optional = {}
    for f in OPTIONAL_FIELDS:
        if f in truth:
            value = COMPARED_AS[f](got.get(f)) if f in COMPARED_AS else got.get(f)
            optional[f] = truth[f] == value
            if not optional[f]:
                mistakes.append(f"{src}: {f}: want {truth[f]!r}, got {value!r}")
    want_f = {(c["rule"], c["scope"]) for c in truth.get("checks_fail", [])}
    got_f = _fails(got.get("checks", []))
    for rule, scope in sorted(want_f ^ got_f):
        side = "expected, not found" if (rule, scope) in want_f else "found, not expected"
        mistakes.append(f"{src}: check {rule} {scope!r}: failing {side}")
    counts = {
        "cells": len(keys), "cells_right": right, "meta": meta, "optional": optional,
        "expected_fails": len(want_f), "found_fails": len(got_f), "agreed_fails": len(want_f & got_f),
        "checks_exact": want_f == got_f,
    }
    return counts, mistakes


def _add(t: Tally, c: dict[str, Any]) -> None:
    t.reports += 1
    t.cells += c["cells"]
    t.cells_right += c["cells_right"]
    for f, ok in c["meta"].items():
        t.meta[f] += ok
    for f, ok in c["optional"].items():
        t.optional[f] += 1
        t.optional_right[f] += ok
    t.expected_fails += c["expected_fails"]
    t.found_fails += c["found_fails"]
    t.agreed_fails += c["agreed_fails"]
    t.reports_checks_exact += c["checks_exact"]
    t.reports_exact += c["checks_exact"] and c["cells"] == c["cells_right"] and all(c["meta"].values())


def score(truth: dict[str, dict[str, Any]], export: dict[str, dict[str, Any]]) -> Score:
    """Compare every truth object with the export object of the same source."""
    s = Score()
    for src in sorted(truth):
        t = truth[src]
        got = export.get(src)
        if got is None:
            s.missing.append(src)
        counts, mistakes = score_report(t, got)
        s.mistakes += mistakes
        _add(s.total, counts)
        for key in ("template", "rendering"):
            if key in t:
                _add(s.groups[f"{key} {t[key]}"], counts)
    return s


def lines(s: Score, show: int = 20) -> Iterator[str]:
    """The score as text: totals, per-group accuracy, and the first mistakes."""
    t = s.total
    yield f"reports: {t.reports} (missing from the export: {len(s.missing)})"
    yield f"cell accuracy: {t.pct(t.cells_right, t.cells)}"
    for f in META_FIELDS:
        yield f"{f} accuracy: {t.pct(t.meta[f], t.reports)}"
    for f in OPTIONAL_FIELDS:
        if t.optional[f]:
            yield f"{f} accuracy: {t.pct(t.optional_right[f], t.optional[f])}"
    yield (f"failing rule instances: expected {t.expected_fails}, found {t.found_fails}, agreed {t.agreed_fails}; "
           f"reports whose failing rules match exactly: {t.pct(t.reports_checks_exact, t.reports)}")
    yield f"reports entirely right: {t.pct(t.reports_exact, t.reports)}"
    if s.groups:
        yield "by group (cells, metadata all three, checks exact):"
        for name in sorted(s.groups):
            g = s.groups[name]
            meta_ok = min(g.meta[f] for f in META_FIELDS)
            yield (f"  {name:28} n={g.reports:4}  cells {g.pct(g.cells_right, g.cells):28} "
                   f"meta {g.pct(meta_ok, g.reports):22} checks {g.pct(g.reports_checks_exact, g.reports)}")
    if s.mistakes:
        yield f"mistakes: {len(s.mistakes)} (first {min(show, len(s.mistakes))})"
        yield from (f"  {m}" for m in s.mistakes[:show])


def perfect(s: Score) -> bool:
    """Every cell, agency, year and format right and the failing rules exactly the expected ones."""
    t = s.total
    return (
        not s.missing and t.cells == t.cells_right and all(t.meta[f] == t.reports for f in META_FIELDS)
        and t.reports_checks_exact == t.reports
    )
