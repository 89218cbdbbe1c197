"""The build steps that need every report parsed: who reported, then the rules across years."""

from __future__ import annotations

from .agencies import identify
from .crossrules import ACROSS_YEARS
from .crossyear import add_across_year_checks
from .report import ParsedReport


def identify_agencies(reports: list[ParsedReport]) -> None:
    """Give every parsed report its agency: name, kind, level and region (a placeholder where none)."""
    for rep in reports:
        if rep.status == "parsed" and rep.agency is None:
            rep.agency = identify(rep.meta, rep.meta.year, rep.text, rep.sha256)


def finish_reports(reports: list[ParsedReport]) -> None:
    """Identify the agencies, then (re)compute the checks across years. Safe to run twice."""
    identify_agencies(reports)
    across = {r.id for r in ACROSS_YEARS}
    for rep in reports:
        rep.checks = [c for c in rep.checks if c.rule not in across]
    add_across_year_checks(reports)
