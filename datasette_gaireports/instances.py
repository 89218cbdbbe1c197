"""The equations the checks evaluate, numbered: the rows of ``rule_instances``.

A rule has an instance per scope (a column, a row, a group), and some scopes
an instance per format where the formats print different rows. Each distinct
(rule, scope, cells) is one equation with a number; a check stores that
number, not its list of cells, which a corpus repeats on every report.
The numbering follows the rules as the layouts list them (the families', then
the rules across years and text against table), so the same rules give the
same numbers.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, replace

from .checks import Check
from .crossrules import RULES as CROSS_RULES
from .layout import Family, Instance, Rule

InstanceKey = tuple[str, str, tuple[str, ...]]
"""(rule id, scope, cells): what identifies an equation."""


@dataclass(frozen=True)
class Equation:
    """One numbered equation: a rule's instance, its formats those of every instance with the same cells."""

    number: int
    rule: Rule
    instance: Instance

    @property
    def key(self) -> InstanceKey:
        return (self.rule.id, self.instance.scope, self.instance.cells)

    def text(self) -> str:
        """The equation in cell codes, e.g. ``new.total = granted.total + partial.total``."""
        return f"{' + '.join(self.instance.left)} {self.rule.relation} {' + '.join(self.instance.right)}"

    def row(self) -> dict:
        """Its ``rule_instances`` row."""
        inst = self.instance
        return {
            "instance": self.number,
            "rule": self.rule.id,
            "scope": inst.scope,
            "formats": ",".join(sorted(inst.formats)),
            "equation": self.text(),
            "cells": json.dumps(list(inst.cells), ensure_ascii=False),
            "left_cells": len(inst.left),
        }


def equations(families: Iterable[Family]) -> tuple[Equation, ...]:
    """Every equation of the families' rules and of the rules across reports, numbered from 1."""
    found: dict[InstanceKey, Equation] = {}
    for rule in [r for fam in families for r in fam.rules] + list(CROSS_RULES):
        for inst in rule.instances:
            key = (rule.id, inst.scope, inst.cells)
            seen = found.get(key)
            if seen is None:
                found[key] = Equation(len(found) + 1, rule, inst)
            elif seen.instance.left != inst.left:
                raise ValueError(f"rule {rule.id}, scope {inst.scope}: two instances have the same cells on "
                                 "different sides")
            else:
                found[key] = replace(seen, instance=replace(inst, formats=seen.instance.formats | inst.formats))
    return tuple(found.values())


_NUMBERS: dict[tuple[int, ...], tuple[tuple[Family, ...], dict[InstanceKey, int]]] = {}


def numbering(families: Iterable[Family]) -> dict[InstanceKey, int]:
    """(rule, scope, cells) → the equation's number, for these families (kept once worked out)."""
    fams = tuple(families)
    ident = tuple(map(id, fams))
    if ident not in _NUMBERS:  # the families are held with their numbers, so their ids stay theirs
        _NUMBERS[ident] = (fams, {e.key: e.number for e in equations(fams)})
    return _NUMBERS[ident][1]


def instance_of(check: Check, numbers: dict[InstanceKey, int]) -> int:
    """The number of the equation ``check`` evaluated; a check of no known rule instance is an error."""
    try:
        return numbers[(check.rule, check.scope, check.cells)]
    except KeyError:
        raise ValueError(f"check {check.rule} {check.scope} is of no rule instance the layouts define") from None
