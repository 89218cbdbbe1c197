"""Property: changing any one checked cell of a seed report makes a rule covering it fail."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from datasette_gaireports import pipeline
from datasette_gaireports.checks import evaluate, run_checks
from datasette_gaireports.layout import Family

FAMILIES = {f.name: f for f in pipeline.families()}


def _values(gold_report: dict) -> dict[str, dict]:
    """Gold tables as family → cell code → value."""
    out: dict[str, dict] = {}
    for name, table in gold_report["tables"].items():
        fam: Family = FAMILIES[name]
        cells: dict = {}
        for row, v in table.items():
            if isinstance(v, dict):
                for col, n in v.items():
                    cells[fam.cell_code(row, col)] = n
            else:
                cells[row] = v
        out[name] = cells
    return out


def _covered(gold_report: dict) -> list[tuple[str, str]]:
    """(family, cell) pairs covered by an equality rule that passes with all its cells known."""
    values = _values(gold_report)
    out: set[tuple[str, str]] = set()
    for name, cells in values.items():
        for rule in FAMILIES[name].rules:
            if rule.relation != "=":
                continue
            for inst in rule.instances:
                if gold_report["format"] in inst.formats and evaluate(rule, inst, cells).status == "pass":
                    out.update((name, c) for c in inst.cells)
    return sorted(out)


def test_gold_seeds_pass_every_rule(gold):
    for g in gold:
        checks = run_checks(FAMILIES.values(), g["format"], _values(g))
        assert checks
        assert not [c for c in checks if c.status == "fail"], g["file"]


def test_most_cells_of_table_seeds_are_covered(gold):
    for g in gold[:2]:
        assert len(_covered(g)) > 150


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_changing_a_covered_cell_fails_a_rule(gold, data):
    g = data.draw(st.sampled_from([g for g in gold if _covered(g)]), label="report")
    family, cell = data.draw(st.sampled_from(_covered(g)), label="cell")
    values = _values(g)
    old = values[family][cell]
    new = data.draw(st.integers(min_value=0, max_value=10**6).filter(lambda n: n != old), label="new value")
    values[family][cell] = new
    checks = run_checks([FAMILIES[family]], g["format"], {family: values[family]})
    failing = [c for c in checks if c.status == "fail" and cell in c.cells]
    assert failing, f"{g['file']}: {family} {cell} {old} -> {new} breaks no rule"


def test_inequality_rule_fails_when_part_exceeds_whole(gold):
    g = next(g for g in gold if g["file"].startswith("004"))
    values = _values(g)
    values["legacy"]["active_normative_docs"] = values["legacy"]["active_total"] + 1
    checks = run_checks([FAMILIES["legacy"]], "legacy", values)
    assert any(c.rule == "L8" and c.status == "fail" for c in checks)


def test_known_parts_exceeding_total_fail_despite_blanks():
    fam = FAMILIES["legacy"]
    rule = next(r for r in fam.rules if r.id == "L1")
    inst = rule.instances[0]
    cells = {"requests_received": 3, "requests_in_person": 5}
    assert evaluate(rule, inst, cells).status == "fail"
    cells = {"requests_received": 9, "requests_in_person": 5}
    assert evaluate(rule, inst, cells).status == "incomplete"
