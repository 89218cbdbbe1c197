"""Writing parsed reports into SQLite, and reading them back."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable

import sqlite_utils

from .agencies import Agency
from .crossrules import RULE_KINDS
from .crossrules import RULES as CROSS_RULES
from .formats import Format
from .layout import Family, Rule
from .names import KINDS
from .report import PARSER_VERSION, ParsedReport
from .schema import Table, create_tables, tables
from .values import Number


def all_tables(families: tuple[Family, ...], formats: tuple[Format, ...]) -> tuple[Table, ...]:
    return tables(families, tuple(f.code for f in formats))


def init(db: sqlite_utils.Database, families: tuple[Family, ...], formats: tuple[Format, ...]) -> None:
    """Create the schema and fill the lookup tables (formats, rules)."""
    create_tables(db, all_tables(families, formats))
    db["formats"].insert_all(
        {
            "format": f.code,
            "title": f.title,
            "years": f.years,
            "families": ",".join(f.families),
            "description": f.description,
        }
        for f in formats
    )
    db["agency_kinds"].insert_all({"kind": k.code, "label": k.label, "description": k.en} for k in KINDS)
    rule_rows: dict[str, dict] = {}
    family_rules: list[tuple[str, Rule]] = [(fam.name, rule) for fam in families for rule in fam.rules]
    for family, rule in family_rules + [(r.family, r) for r in CROSS_RULES]:
        fmts = sorted({x for inst in rule.instances for x in inst.formats})
        rule_rows[rule.id] = {
            "rule": rule.id,
            "family": family,
            "relation": rule.relation,
            "severity": rule.severity,
            "formula": rule.formula,
            "description_zh": rule.zh,
            "description_en": rule.en,
            "formats": ",".join(fmts),
            "kind": RULE_KINDS.get(rule.id, "within_report"),
        }
    db["rules"].insert_all(rule_rows[k] for k in sorted(rule_rows))


def _family_rows(fam: Family, rep: ParsedReport, values: dict[str, Number | None]) -> list[dict]:
    fmt = rep.format or ""
    units = {c.cell: c.unit for c in rep.cells if c.family == fam.name and c.unit}
    sentences = {c.cell: c.sentence for c in rep.cells if c.family == fam.name and c.sentence}
    if fam.shape == "wide":
        row = {"report_id": rep.report_id}
        for name, _r, _c in fam.wide_columns():
            row[name] = values.get(name)
        return [row]
    out = []
    for r in fam.data_rows(fmt):
        cells = [fam.cell_code(r.code, c) for c in fam.row_columns(r, fmt)]
        if fam.shape == "long":
            if r.code not in values and fmt == "prose":
                continue
            out.append(
                {
                    "report_id": rep.report_id,
                    fam.row_key: r.code,
                    "label": r.label_for(fmt),
                    "value": values.get(r.code),
                    "unit": units.get(r.code) or r.unit,
                    "sentence": sentences.get(r.code),
                }
            )
            continue
        row = {"report_id": rep.report_id, fam.row_key: r.code, "label": r.label_for(fmt)}
        for c in fam.row_columns(r, fmt):
            row[c] = values.get(fam.cell_code(r.code, c))
        row["unit"] = next((units[c] for c in cells if c in units), None)
        out.append(row)
    return out


def write_reports(
    db: sqlite_utils.Database, reports: Iterable[ParsedReport], families: tuple[Family, ...]
) -> None:
    """Insert reports, their family rows, cells and checks, and the agencies they name."""
    fam_by_name = {f.name: f for f in families}
    reports = sorted(reports, key=lambda r: (r.source, r.sha256))
    seen_sha: dict[str, str] = {}
    batches: dict[str, list[dict]] = defaultdict(list)
    for rep in reports:
        aid = rep.agency.agency_id if rep.agency and rep.status == "parsed" else None
        values = rep.values()
        batches["reports"].append(
            {
                "report_id": rep.report_id,
                "source": rep.source,
                "file_name": rep.file_name,
                "status": rep.status,
                "reason": rep.reason or None,
                "format": rep.format if rep.status == "parsed" else None,
                "year": rep.meta.year,
                "published": rep.meta.published,
                "agency_id": aid,
                "agency_printed": rep.meta.agency_printed or None,
                "agency_source": rep.meta.agency_source,
                "agency_evidence": (rep.agency.note if rep.agency and rep.agency.placeholder else rep.meta.agency_evidence)
                or None,
                "agency_confidence": rep.agency.confidence if aid and rep.agency else None,
                "title": rep.meta.title or None,
                "sha256": rep.sha256,
                "bytes": rep.size,
                "encoding": rep.encoding or None,
                "reader": rep.reader or None,
                "parser_version": PARSER_VERSION,
                "duplicate_of": seen_sha.get(rep.sha256),
                "check_status": rep.check_status,
                "checks_failed": sum(1 for c in rep.checks if c.status == "fail"),
                "checks_incomplete": sum(1 for c in rep.checks if c.status == "incomplete"),
                "anomalies": sum(1 for c in rep.cells if c.anomaly),
                "text": rep.text or None,
            }
        )
        seen_sha.setdefault(rep.sha256, rep.report_id)
        if rep.status != "parsed":
            continue
        for name in rep.families:
            batches[name].extend(_family_rows(fam_by_name[name], rep, values.get(name, {})))
        batches["cells"].extend(
            {
                "report_id": rep.report_id,
                "family": c.family,
                "cell": c.cell,
                "row_code": c.row_code,
                "column_code": c.column_code or None,
                "raw": c.raw,
                "value": c.value,
                "unit": c.unit or None,
                "flag": c.flag or None,
                "line": c.line,
                "position": c.position,
            }
            for c in rep.cells
        )
        batches["checks"].extend(
            {
                "report_id": rep.report_id,
                "rule": c.rule,
                "scope": c.scope,
                "status": c.status,
                "left": c.left,
                "right": c.right,
                "difference": c.difference,
                "cells": json.dumps(c.cells),
                "missing": json.dumps(c.missing) if c.missing else None,
                "related_report_id": c.related,
                "note": c.note or None,
            }
            for c in rep.checks
        )
    db["agencies"].insert_all(agency_rows(reports))
    for name in ("reports", *fam_by_name, "cells", "checks"):
        if batches.get(name):
            db[name].insert_all(batches[name], batch_size=1000)


def _agency_row(agency: Agency) -> dict:
    r = agency.region
    return {
        "agency_id": agency.agency_id,
        "name": agency.name,
        "kind": agency.kind,
        "department": agency.department or None,
        "level": agency.level,
        "province": r.province,
        "prefecture": r.prefecture,
        "county": r.county,
        "township": r.township,
        "adcode": r.adcode,
        "region_source": r.source,
        "region_evidence": r.evidence or None,
        "division_year": r.year if r.resolved else None,
        "note": agency.note or None,
    }


def agency_rows(reports: Iterable[ParsedReport]) -> list[dict]:
    """One row per body across its parsed reports.

    The region's names and code are those of the body's latest report (a
    division can be renamed or recoded over the years; its stable id, part of
    the agency id, is not).
    """
    by_id: dict[str, list[ParsedReport]] = defaultdict(list)
    for rep in reports:
        if rep.status == "parsed" and rep.agency:
            by_id[rep.agency.agency_id].append(rep)
    rows = []
    for aid in sorted(by_id):
        reps = sorted(by_id[aid], key=lambda r: (r.meta.year or 0, r.source))
        years = [r.meta.year for r in reps if r.meta.year is not None]
        printed = sorted({r.agency.printed for r in reps if r.agency and r.agency.printed})
        row = _agency_row(reps[-1].agency)  # type: ignore[arg-type]
        row |= {
            "names_printed": json.dumps(printed, ensure_ascii=False),
            "reports": len(reps),
            "first_year": min(years) if years else None,
            "last_year": max(years) if years else None,
        }
        rows.append(row)
    return rows
