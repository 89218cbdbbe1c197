"""The figures of a generated report: realistic magnitudes that balance, then blanks and errors.

Leaf cells are drawn with magnitudes that follow the body's size; every total
is then computed from the families' own sum rules (a rule whose left side is
one cell fixes that cell), so R1–R4 and L1–L9 hold in the truth before any
error is injected. Blanks are ``None`` (printed blank), never 0.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..checks import run_checks, text_vs_table
from ..families import BUILTIN
from ..layout import Family
from ..tables import Cell
from ..values import Number

FAMILIES: dict[str, Family] = {f.name: f for f in BUILTIN}
Values = dict[str, Number | None]


@dataclass
class Figures:
    """Family → cell code → value of one report, with the units printed inside cells."""

    values: dict[str, Values]
    units: dict[tuple[str, str], str] = field(default_factory=dict)
    blanks: str = "none"
    """The blank policy applied (none, zeros, sparse, only_totals, sub_items; template: tables 二 and 三 all blank)."""
    error: tuple[str, str, Number, Number] | None = None
    """An injected arithmetic error: (family, cell, true value, printed value)."""


def _count(rng: random.Random, mean: float) -> int:
    """A non-negative count around ``mean`` with a long right tail."""
    if mean <= 0:
        return 0
    if rng.random() < min(0.5, 0.6 / (1 + mean)):
        return 0
    return max(0, int(rng.lognormvariate(0, 0.9) * mean))


def _split(rng: random.Random, total: int, weights: Iterable[float]) -> list[int]:
    """``total`` split into len(weights) non-negative parts at random, proportionally to the weights."""
    ws = list(weights)
    parts = [0] * len(ws)
    for _ in range(total):
        parts[rng.choices(range(len(ws)), weights=ws)[0]] += 1
    return parts


def solve_sums(family: Family, fmt: str, values: Values) -> None:
    """Fill every total the family's "=" rules define from its parts (a single cell on the left)."""
    pending = [
        inst
        for rule in family.rules
        if rule.relation == "="
        for inst in rule.instances
        if fmt in inst.formats and len(inst.left) == 1
    ]
    changed = True
    while changed:
        changed = False
        for inst in pending:
            (left,) = inst.left
            if values.get(left) is None and all(values.get(c) is not None for c in inst.right):
                total = sum(values[c] for c in inst.right)  # type: ignore[misc]
                values[left] = round(total, 2) if isinstance(total, float) else total
                changed = True


def _instance(family: Family, rule_id: str, fmt: str, scope: str):
    rule = next(r for r in family.rules if r.id == rule_id)
    return next(i for i in rule.instances if fmt in i.formats and i.scope == scope)


def draw_requests(rng: random.Random, fmt: str, size: float) -> Values:
    """Table 三: per applicant type, new and carried-in requests, their outcomes and the carry-forward."""
    fam = FAMILIES["requests"]
    r3 = _instance(fam, "R3", fmt, "new")
    applicants = [c.split(".")[1] for c in r3.right]
    total_col = r3.left[0].split(".")[1]
    outcomes = [c.split(".")[0] for c in _instance(fam, "R2", fmt, total_col).right]
    weights = {"natural_person": 80, "commercial": 12, "research": 0.6, "public_interest": 1, "legal_service": 4, "other_org": 2.5}
    outcome_weights = {
        "granted": 45, "partial": 8, "unavailable_not_held": 20, "unavailable_needs_creation": 3,
        "unavailable_unclear": 2, "other": 8, "other_no_correction": 3, "other_no_fee": 0.3, "other_misc": 5,
        "rejected_petition": 2, "rejected_duplicate": 2, "rejected_publication": 0.5, "rejected_vexatious": 0.5,
        "rejected_confirmation": 0.5, "withheld_state_secret": 0.5, "withheld_law": 0.5, "withheld_security": 0.3,
        "withheld_third_party": 1, "withheld_internal": 1, "withheld_process": 1.5, "withheld_enforcement": 0.3,
        "withheld_query": 0.5,
    }
    values: Values = {}
    new_total = _count(rng, 18 * size)
    carry_total = _count(rng, 1.5 * size) if new_total else 0
    new = _split(rng, new_total, (weights.get(a, 1) for a in applicants))
    carried = _split(rng, carry_total, (weights.get(a, 1) for a in applicants))
    for a, n, c in zip(applicants, new, carried):
        values[f"new.{a}"], values[f"carried_in.{a}"] = n, c
        forward = min(n + c, _count(rng, (n + c) * 0.06))
        parts = _split(rng, n + c - forward, (outcome_weights.get(o, 1) for o in outcomes))
        for o, k in zip(outcomes, parts):
            values[f"{o}.{a}"] = k
        values[f"carried_forward.{a}"] = forward
        if "other_misc" in outcomes:
            values[f"other.{a}"] = sum(values[f"{o}.{a}"] for o in ("other_no_correction", "other_no_fee", "other_misc"))  # type: ignore[misc]
    solve_sums(fam, fmt, values)
    return values


def draw_review(rng: random.Random, fmt: str, size: float) -> Values:
    """Table 四: per group, outcomes of reconsiderations and lawsuits, and their totals."""
    fam = FAMILIES["review"]
    values: Values = {}
    means = {"upheld": 0.5, "corrected": 0.12, "other": 0.15, "pending": 0.2}
    for row in fam.data_rows(fmt):
        factor = {"review": 1.0, "suit_direct": 0.6, "suit_after_review": 0.3}.get(row.code, 0.5)
        for col in fam.row_columns(row, fmt):
            if col in means:
                values[fam.cell_code(row.code, col)] = _count(rng, means[col] * size * factor)
    solve_sums(fam, fmt, values)
    return values


# Magnitudes of table 二's cells, per county-government-sized body: (mean, kind).
ACTIVE_MEANS: dict[str, float] = {
    "regulations.made": 0.3, "regulations.published": 0.3, "regulations.total_public": 3,
    "normative_docs.made": 8, "normative_docs.published": 7, "normative_docs.total_public": 60,
    "regulations.issued": 0.3, "regulations.repealed": 0.2, "regulations.in_force": 4,
    "normative_docs.issued": 8, "normative_docs.repealed": 3, "normative_docs.in_force": 55,
    "prev_items": 120, "decisions": 2500, "procurement_items": 40, "procurement_amount": 900,
    "fee_amount": 60,
}


def draw_active(rng: random.Random, fmt: str, size: float, units: dict[tuple[str, str], str]) -> Values:
    """Table 二: documents made and published, items and decisions, fees and procurement."""
    fam = FAMILIES["active"]
    values: Values = {}
    for row in fam.data_rows(fmt):
        for col in fam.row_columns(row, fmt):
            cell = fam.cell_code(row.code, col)
            mean = ACTIVE_MEANS.get(cell, ACTIVE_MEANS.get(col, 10))
            if col == "change":
                prev = values.get(fam.cell_code(row.code, "prev_items")) or 0
                values[cell] = rng.randint(-min(int(prev), 30), 40) if rng.random() < 0.6 else 0
            elif col in ("procurement_amount", "fee_amount"):
                amount = round(rng.lognormvariate(0, 1.0) * mean * size, 2) if rng.random() < 0.8 else 0
                if col == "procurement_amount" and rng.random() < 0.5:
                    values[cell] = int(amount * 10000)
                    units[("active", cell)] = rng.choice(("", "元"))
                else:
                    values[cell] = amount if amount % 1 else int(amount)
                    units[("active", cell)] = "万元" if col == "procurement_amount" and rng.random() < 0.5 else ""
            else:
                values[cell] = _count(rng, mean * size)
    for row in fam.data_rows(fmt):
        published, made = fam.cell_code(row.code, "published"), fam.cell_code(row.code, "made")
        if published in values and made in values:
            values[published] = min(values[published], values[made])  # type: ignore[type-var]
    return values


LEGACY_MEANS: dict[str, float] = {
    "active_total": 900, "active_normative_docs": 6, "normative_docs_issued": 6, "channel_gazette": 20,
    "channel_website": 700, "channel_weibo": 150, "channel_wechat": 250, "channel_other": 60,
    "response_hotspots": 8, "response_press_conferences": 5, "response_press_conferences_by_head": 2,
    "response_online_interviews": 4, "response_online_interviews_by_head": 2, "response_policy_explanations": 15,
    "response_weibo_wechat": 20, "response_other": 10, "complaints": 0.5, "bodies": 1, "reading_points": 3,
    "staff_full_time": 2, "staff_part_time": 4, "meetings": 3, "trainings": 2, "trainees": 60,
}


def draw_legacy(rng: random.Random, size: float) -> Values:
    """The 政府信息公开情况统计表: channels, responses, requests and their replies, staff and money."""
    fam = FAMILIES["legacy"]
    values: Values = {}
    for code, mean in LEGACY_MEANS.items():
        scaled = mean * (size if code not in ("bodies",) else 1)
        values[code] = max(1, _count(rng, scaled)) if code in ("bodies", "reading_points", "staff_full_time") else _count(rng, scaled)
    for part, whole in (("active_normative_docs", "active_total"), ("response_press_conferences_by_head", "response_press_conferences"),
                        ("response_online_interviews_by_head", "response_online_interviews")):
        values[part] = min(values[part], values[whole])  # type: ignore[type-var]
    received = _count(rng, 15 * size)
    for code, k in zip(("requests_in_person", "requests_fax", "requests_online", "requests_letter"),
                       _split(rng, received, (30, 1, 55, 14))):
        values[code] = k
    closed = received - min(received, _count(rng, 0.4))
    extended = min(closed, _count(rng, closed * 0.05))
    values["requests_closed_on_time"], values["requests_closed_extended"] = closed - extended, extended
    denied = _count(rng, closed * 0.05)
    reply_kinds = ("replies_already_public", "replies_granted", "replies_partial", "replies_not_this_agency",
                   "replies_not_exist", "replies_correction", "replies_other_channel")
    for code, k in zip(reply_kinds, _split(rng, closed - min(closed, denied), (20, 45, 8, 10, 8, 4, 5))):
        values[code] = k
    grounds = ("denied_state_secret", "denied_commercial_secret", "denied_privacy", "denied_security",
               "denied_not_gov_info", "denied_other_law")
    for code, k in zip(grounds, _split(rng, min(closed, denied), (1, 1, 2, 0.5, 3, 1))):
        values[code] = k
    for group in ("reviews", "lawsuits"):
        for code, k in zip((f"{group}_upheld", f"{group}_corrected", f"{group}_other"),
                           (_count(rng, 0.3 * size), _count(rng, 0.05 * size), _count(rng, 0.05 * size))):
            values[code] = k
    values["fees_collected"] = 0 if rng.random() < 0.9 else round(rng.random() * 0.5, 2)
    values["budget"] = round(rng.lognormvariate(0, 0.8) * 3 * size, 1) if rng.random() < 0.8 else 0
    solve_sums(fam, "legacy", values)
    return values


BLANK_POLICIES = ("none", "none", "none", "zeros", "sparse", "only_totals", "sub_items")


def apply_blanks(rng: random.Random, fmt: str, fig: Figures) -> None:
    """Leave some cells blank the ways real tables do: zeros left empty, scattered gaps, only totals filled."""
    policy = rng.choice(BLANK_POLICIES)
    fig.blanks = policy
    for name, values in fig.values.items():
        fam = FAMILIES[name]
        for cell in list(values):
            v = values[cell]
            row, col = fam.split_cell(cell)
            if policy == "zeros" and v == 0 and rng.random() < 0.9:
                values[cell] = None
            elif policy == "sparse" and rng.random() < 0.03:
                values[cell] = None
            elif policy == "only_totals" and name == "requests" and col != "total" and row not in ("new",):
                values[cell] = None
            elif policy == "sub_items" and name == "legacy" and v == 0 and fam.row(row).level >= 2:
                values[cell] = None


def failing(values: dict[str, Values], fmt: str, stated: dict[str, Number] | None = None) -> list[dict[str, str]]:
    """The rule instances that fail on these values, and (for table formats) on the figures the
    text states against the tables: what the build must report."""
    present = {k: v for k, v in values.items() if v}
    checks = run_checks(BUILTIN, fmt, present)
    if stated and fmt != "prose":
        cells = [Cell("legacy", code, code, "value", str(v), v, "", "prose", 0, "") for code, v in stated.items()]
        checks += text_vs_table(fmt, present, cells)
    return [{"rule": c.rule, "scope": c.scope} for c in checks if c.status == "fail"]


def inject_error(rng: random.Random, fmt: str, fig: Figures) -> None:
    """Misprint one figure that a balance rule covers, so that at least one rule instance fails."""
    candidates: list[tuple[str, str]] = []
    for name, values in fig.values.items():
        fam = FAMILIES[name]
        for rule in fam.rules:
            if rule.relation != "=":
                continue
            for inst in rule.instances:
                if fmt in inst.formats and all(values.get(c) is not None for c in inst.cells):
                    candidates.extend((name, c) for c in inst.cells)
    rng.shuffle(candidates)
    for name, cell in candidates[:20]:
        true = fig.values[name][cell]
        assert true is not None
        if isinstance(true, float):
            continue
        delta = rng.choice((1, 2, 3, 10, max(1, true // 10)))
        printed = true + delta if true < delta or rng.random() < 0.6 else true - delta
        fig.values[name][cell] = printed
        if failing(fig.values, fmt):
            fig.error = (name, cell, true, printed)
            return
        fig.values[name][cell] = true


def draw_figures(rng: random.Random, fmt: str, size: float) -> Figures:
    """Balanced figures for a report of format ``fmt`` (``prose`` reports draw the legacy table's)."""
    units: dict[tuple[str, str], str] = {}
    if fmt in ("2019", "2021"):
        values = {
            "active": draw_active(rng, fmt, size, units),
            "requests": draw_requests(rng, fmt, size),
            "review": draw_review(rng, fmt, size),
        }
    else:
        values = {"legacy": draw_legacy(rng, size)}
    fig = Figures(values, units)
    assert not failing(values, fmt), "drawn figures must balance"
    return fig
