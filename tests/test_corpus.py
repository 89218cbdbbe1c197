"""A generated corpus with known truth, through the real build and export: every cell, every failing rule."""

from __future__ import annotations

import hashlib
import json
import random
import re
import sqlite3
from collections import Counter

import pytest
from click.testing import CliRunner

from datasette_gaireports.cli import cli
from datasette_gaireports.corpus import generate_corpus
from datasette_gaireports.corpus.generate import FORMATS, RENDERINGS
from datasette_gaireports.corpus.score import lines, load_export, load_truth, perfect, score

N = 3 * len(FORMATS) * len(RENDERINGS)
SEED = 2024


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    out = tmp_path_factory.mktemp("generated")
    truths = generate_corpus(out, N, SEED)
    runner = CliRunner()
    built = runner.invoke(cli, ["build", str(out / "reports"), "--db", str(out / "c.db")])
    assert built.exit_code == 0, built.output
    exported = runner.invoke(cli, ["export", "--db", str(out / "c.db"), "-o", str(out / "c.jsonl")])
    assert exported.exit_code == 0, exported.output
    return out, truths


def test_every_format_and_rendering_is_covered(corpus):
    _out, truths = corpus
    combos = Counter((t["template"], t["rendering"]) for t in truths)
    assert set(combos) == {(f, r) for f in FORMATS for r in RENDERINGS}
    assert min(combos.values()) >= 3
    assert {t["encoding"] for t in truths} >= {"utf-8", "gbk", "big5", "gb18030"}
    assert sum(1 for t in truths if t["checks_fail"]) >= 5, "a share of reports carries an injected error"
    assert sum(1 for t in truths if "three_column_requests" in t["variants"]) >= 3, "table 三 in three columns"
    assert len({t["agency"] for t in truths}) == len(truths), "one report per body"


def test_export_matches_the_truth_exactly(corpus):
    out, _truths = corpus
    result = score(load_truth(out / "truth"), load_export(out / "c.jsonl"))
    assert perfect(result), "\n".join(lines(result, show=40))


def test_truth_fails_only_where_an_error_was_injected(corpus):
    """Balanced figures, blanks included, break no rule; a misprinted figure or a text stating another
    number of requests than the table breaks at least one."""
    _out, truths = corpus
    for t in truths:
        injected = any(v.startswith("error_") or v == "text_disagrees_with_table" for v in t["variants"])
        assert bool(t["checks_fail"]) == injected, t["source"]


def test_a_row_the_template_lacks_is_noted_where_printed(corpus):
    """Table 二 printing a row of its own among the template's (``其他主动公开文件`` and figures): the row is left
    out (the export matches the truth) and the report's reason says where it stands; no other report says so."""
    out, truths = corpus
    with sqlite3.connect(out / "c.db") as db:
        reasons = dict(db.execute("select source, reason from reports"))
    printed = {t["source"] for t in truths if "stray_row" in t["variants"] and t["rendering"] != "prose_only"}
    noted = {source for source, reason in reasons.items() if "row not in the template" in (reason or "")}
    assert len(printed) >= 2 and noted == printed
    for source in printed:
        assert re.search(r"row not in the template at (line|table) \d+.*: '(其他主动公开文件|其他文件|政府信息公开目录)' \(\d+",
                         reasons[source]), reasons[source]


def test_generation_is_deterministic(tmp_path):
    def digest(folder):
        return hashlib.sha256(b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())).hexdigest()

    generate_corpus(tmp_path / "a", 12, 5)
    generate_corpus(tmp_path / "b", 12, 5)
    assert digest(tmp_path / "a") == digest(tmp_path / "b")
    truth = json.loads(next((tmp_path / "a" / "truth").iterdir()).read_text(encoding="utf-8"))
    assert {"source", "agency", "year", "format", "published", "tables", "checks_fail"} <= set(truth)


def test_resumed_generation_is_the_same(tmp_path):
    generate_corpus(tmp_path / "a", 12, 5)
    first = generate_corpus(tmp_path / "b", 12, 5)
    for p in sorted((tmp_path / "b" / "reports").iterdir())[6:]:
        p.unlink()
    resumed = generate_corpus(tmp_path / "b", 12, 5, resume=True)
    assert resumed == first
    for a in sorted((tmp_path / "a").rglob("*.*")):
        assert a.read_bytes() == (tmp_path / "b" / a.relative_to(tmp_path / "a")).read_bytes(), a.name


def test_bodies_report_again_only_when_names_run_out(monkeypatch):
    from datasette_gaireports.corpus import generate

    taken: dict[str, set[int]] = {}
    first = generate.generate_one(1, "legacy", "text_cells", random.Random("x"), taken)
    again = generate.generate_one(2, "legacy", "text_cells", random.Random("x"), taken)
    assert again.truth["agency"] != first.truth["agency"]
    monkeypatch.setattr(generate, "REUSE_AFTER", 0)
    reused = generate.generate_one(3, "legacy", "text_cells", random.Random("x"), taken)
    assert reused.truth["agency"] == first.truth["agency"]
    years = sorted(taken[first.truth["agency"]])
    assert len(years) == 2 and years[1] - years[0] >= 2


def test_score_reports_mistakes(corpus):
    out, _truths = corpus
    export = load_export(out / "c.jsonl")
    source = next(s for s, o in export.items() if o["tables"].get("requests"))
    export[source]["tables"]["requests"]["new"]["total"] = -1
    export[source]["agency"] = "某某局"
    result = score(load_truth(out / "truth"), export)
    assert not perfect(result)
    assert any(f"{source}: requests new.total" in m for m in result.mistakes)
    assert any(f"{source}: agency" in m for m in result.mistakes)
