"""The rules across years (X1, X2): a body's report for year Y+1 against its report for year Y.

Run once all reports are parsed and their bodies identified. Each outcome is
a check of the Y+1 report, with the Y report as its ``related`` report. A
pair is compared only where both reports are of a format the rule's
instance names (a legacy-format year gives no pair).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace

from .checks import Check, evaluate, prints_merged
from .crossrules import ACROSS_YEARS, ACROSS_YEARS_FAMILIES, PREVIOUS
from .report import ParsedReport
from .values import Number


def _by_body_and_year(reports: Iterable[ParsedReport]) -> dict[tuple[str, int], list[ParsedReport]]:
    groups: dict[tuple[str, int], list[ParsedReport]] = defaultdict(list)
    for rep in sorted(reports, key=lambda r: (r.source, r.sha256)):
        if rep.status == "parsed" and rep.agency and not rep.agency.placeholder and rep.meta.year is not None:
            groups[(rep.agency.agency_id, rep.meta.year)].append(rep)
    return groups


def pair_checks(rep: ParsedReport, previous: list[ParsedReport]) -> list[Check]:
    """The across-year checks of ``rep`` against the first of ``previous`` each instance can use."""
    out: list[Check] = []
    values = rep.values()
    pair_of: dict[tuple[str, str], tuple[dict[str, Number | None], bool]] = {}
    """(earlier report's id, family) → the family's values of both reports (the earlier one's under ``previous:``),
    and whether the earlier one's table prints the merged column: worked out once per earlier report."""
    for rule in ACROSS_YEARS:
        if rule.family not in values:
            continue
        fam = ACROSS_YEARS_FAMILIES[rule.family]
        merged = prints_merged(fam, values[rule.family])
        for inst in rule.instances:
            if rep.format not in inst.formats or inst.merged not in (None, merged):
                continue
            prev = next((p for p in previous if p.format in inst.formats and rule.family in p.families), None)
            if prev is None:
                continue
            key = (prev.report_id, rule.family)
            if key not in pair_of:
                before = prev.values()[rule.family]
                both = {**values[rule.family], **{f"{PREVIOUS}{cell}": v for cell, v in before.items()}}
                pair_of[key] = (both, prints_merged(fam, before))
            both, prev_merged = pair_of[key]
            if inst.previous_merged not in (None, prev_merged):
                continue
            check = evaluate(rule, inst, both)
            note = f"{prev.meta.year} report {prev.source} against {rep.meta.year} report {rep.source}"
            out.append(replace(check, note=note, related=prev.report_id))
    return out


def add_across_year_checks(reports: list[ParsedReport]) -> int:
    """Append the across-year checks to every report whose body also reported the year before.

    Returns how many checks were added.
    """
    groups = _by_body_and_year(reports)
    added = 0
    for (aid, year), reps in groups.items():
        previous = groups.get((aid, year - 1))
        if not previous:
            continue
        for rep in reps:
            checks = pair_checks(rep, previous)
            rep.checks.extend(checks)
            added += len(checks)
    return added
