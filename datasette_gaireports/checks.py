"""Evaluating the balance rules (勾稽关系) on one report's cells, and its text against its tables."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from mypy_extensions import mypyc_attr

from .crossrules import NONE_RULES, PROSE, TEXT_VS_TABLE, is_none_statement
from .layout import Family, Instance, Rule
from .tables import Cell
from .values import Number


@mypyc_attr(native_class=False)  # frozen native classes cannot be unpickled
@dataclass(frozen=True)
class Check:
    """The outcome of one rule instance on one report."""

    rule: str
    family: str
    scope: str
    status: str
    left: Number | None
    right: Number | None
    cells: tuple[str, ...]
    missing: tuple[str, ...]
    note: str = ""
    """What a reader needs besides the figures: the sentence a figure was read from, the reports compared."""
    related: str | None = None
    """The other report the check compares with (the year before), if any."""

    @property
    def difference(self) -> Number | None:
        if self.left is None or self.right is None:
            return None
        return _tidy(self.left - self.right)


def _tidy(x: Number) -> Number:
    return int(x) if isinstance(x, float) and x.is_integer() else (round(x, 6) if isinstance(x, float) else x)


def _side(cells: tuple[str, ...], values: Mapping[str, Number | None]) -> tuple[Number, list[str]]:
    known: list[Number] = [v for c in cells if (v := values.get(c)) is not None]
    missing = [c for c in cells if values.get(c) is None]
    total: Number = sum(known)
    return _tidy(total), missing


def evaluate(rule: Rule, inst: Instance, values: Mapping[str, Number | None]) -> Check:
    """One equation: pass, fail, warning or incomplete.

    Blank cells make an equation ``incomplete``, except where the known cells
    already break it: counts are never negative, so a side whose known cells
    exceed a complete other side fails whatever the blanks hold.
    """
    left, miss_l = _side(inst.left, values)
    right, miss_r = _side(inst.right, values)
    missing = tuple(miss_l + miss_r)
    if not missing:
        ok = left == right if rule.relation == "=" else left <= right
        status: str = "pass" if ok else rule.severity
    elif rule.relation == "=" and not miss_l and right > left:
        status = rule.severity
    elif not miss_r and left > right:
        status = rule.severity
    else:
        status = "incomplete"
    return Check(rule.id, rule.family, inst.scope, status, left, right, inst.cells, missing)


def run_checks(families: Iterable[Family], fmt: str, values: Mapping[str, Mapping[str, Number | None]]) -> list[Check]:
    """Every rule instance that applies to a report of format ``fmt``.

    ``values`` maps a family name to its cell values by cell code; families
    absent from it are not checked.
    """
    out: list[Check] = []
    for fam in families:
        if fam.name not in values:
            continue
        cells = values[fam.name]
        merged = prints_merged(fam, cells)
        for rule, inst, optional in fam.instances_for(fmt):
            if inst.merged not in (None, merged) or (optional and not any(c in cells for c in optional)):
                continue
            out.append(evaluate(rule, inst, cells))
    return out


def prints_merged(fam: Family, cells: Iterable[str]) -> bool:
    """True where a report's cells of ``fam`` (their codes) include one of a merged column
    (:attr:`.layout.Column.parts`): its table prints that column in place of its parts."""
    suffixes = fam.merged_suffixes
    return bool(suffixes) and any(code.endswith(suffixes) for code in cells)


def text_vs_table(fmt: str, values: Mapping[str, Mapping[str, Number | None]], figures: Iterable[Cell]) -> list[Check]:
    """The figures a report's text states (legacy codes, see :func:`.prose.figures`) against its tables.

    Only figures the text states are checked, each by the rule for its kind of
    statement (a count, or a statement of none); a table cell left blank makes
    the check ``incomplete``. Each check carries the sentence as its note.
    """
    stated = {c.cell: c for c in figures if c.value is not None}
    out: list[Check] = []
    for rule in TEXT_VS_TABLE:
        if rule.family not in values:
            continue
        for inst in rule.instances:
            code = inst.scope
            if fmt not in inst.formats or code not in stated:
                continue
            if is_none_statement(stated[code]) != (rule.id in NONE_RULES):
                continue
            cells = {**values[rule.family], f"{PROSE}{code}": stated[code].value}
            check = evaluate(rule, inst, cells)
            out.append(replace(check, note=stated[code].sentence or stated[code].raw))
    return out


def summary_status(checks: Iterable[Check]) -> str:
    """A report's overall status: fail, else warning, else incomplete, else pass; none without checks."""
    return overall_status(c.status for c in checks)


def overall_status(statuses: Iterable[str]) -> str:
    """The overall status of checks with these statuses (see :func:`summary_status`)."""
    seen = set(statuses)
    for s in ("fail", "warning", "incomplete", "pass"):
        if s in seen:
            return s
    return "none"
