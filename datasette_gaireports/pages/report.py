"""The report page: a report's tables rebuilt in the official layout from the database.

The layout is read from the family descriptions (rows, levels, headings,
column groups); values come from the family tables, raw text and position
from ``cells``, failing marks from ``checks``. The page, ``.json`` and
``.csv`` renditions share one model built by :func:`report_model`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any
from urllib.parse import urlsplit

from datasette.utils import tilde_decode
from datasette.utils.asgi import NotFound, Response

from ..layout import Family, Row
from ..tables import ANOMALY_FLAGS
from ..webpage import web_address
from .common import (
    STATUS_ORDER,
    Source,
    Urls,
    database_source,
    ensure_allowed,
    families,
    json_list,
    number,
    page_or_rendition,
    plain,
    quote,
    rule_sort_key,
    slug,
    visible_sources,
)
from .labels import cell_label, column_label, scope_label

BASE_TABLES = ("reports", "agencies", "formats", "cells", "checks", "rules", "rule_instances")

REPORT_FIELDS = (
    "report_id", "source", "file_name", "status", "reason", "format", "year", "published", "agency_id",
    "agency_printed", "agency_source", "title", "index_no", "doc_no", "attachments", "images", "tables_missing",
    "sha256", "bytes", "encoding", "reader", "parser_version", "duplicate_of", "check_status", "checks_failed",
    "checks_incomplete", "anomalies",
)
CSV_COLUMNS = (
    "family", "table_no", "row", "row_label", "level", "column", "column_label", "cell", "value", "unit",
    "raw", "position", "line", "flag", "failing_checks", "warning_checks",
)


class _Builder:
    """Builds one family's table for one report."""

    def __init__(self, fam: Family, fmt: str, rows: list[dict], cells: dict, marks: dict):
        self.fam, self.fmt, self.cells, self.marks = fam, fmt, cells, marks
        self.merged = fam.merged_printed(read.get("column_code") or "" for (family, _code), read in cells.items()
                                         if family == fam.name)
        """The merged columns the report's table prints in place of their parts (法人或其他组织)."""
        self.placed: set[str] = set()
        self.db_rows = rows
        if fam.shape == "wide":
            self.by_row = {"": rows[0]} if rows else {}
        else:
            self.by_row = {r[fam.row_key]: r for r in rows}
        self.absent = frozenset(r.code for r in fam.rows if fmt in r.optional and not self._has(r))
        """The rows the format prints in some reports only (:attr:`.layout.Row.optional`, the 2021 subtotal
        (六)其他处理) that this report has not."""

    def _has(self, row: Row) -> bool:
        return any((self.fam.name, self.fam.cell_code(row.code, c)) in self.cells or self.value(row, c) is not None
                   for c in self.columns(row))

    def heading(self, row: Row) -> bool:
        """A heading row, or an optional row the report has not (:attr:`absent`): shown as the template prints
        it, a label over its rows."""
        return row.heading or row.code in self.absent

    def columns(self, row: Row) -> tuple[str, ...]:
        """The columns ``row`` has in the report's table."""
        return self.fam.row_columns(row, self.fmt, self.merged)

    def value(self, row: Row, col: str) -> Any:
        if self.fam.shape == "wide":
            return self.by_row.get("", {}).get(self.fam.cell_code(row.code, col))
        db_row = self.by_row.get(row.code, {})
        return db_row.get("value" if self.fam.shape == "long" else col)

    def cell(self, row_code: str, col: str, value: Any, unit: str | None = None, code: str | None = None) -> dict:
        code = code or self.fam.cell_code(row_code, col)
        self.placed.add(code)
        read = self.cells.get((self.fam.name, code), {})
        mark = self.marks.get((self.fam.name, code), {})
        failing = mark.get("fail", [])
        warnings = mark.get("warning", [])
        return {
            "type": "value",
            "id": f"gr-{slug(self.fam.name)}-{slug(code)}",
            "cell": code,
            "row": row_code,
            "column": col,
            "label": cell_label(self.fam, code, self.fmt) if code == self.fam.cell_code(row_code, col) else code,
            "value": plain(value),
            "display": number(value),
            "blank": value is None,
            "unit": unit if unit is not None else read.get("unit"),
            "raw": read.get("raw"),
            "position": read.get("position"),
            "line": read.get("line"),
            "flag": read.get("flag"),
            "anomaly": read.get("flag") in ANOMALY_FLAGS,
            "read": bool(read),
            "failing_checks": failing,
            "failing": list(dict.fromkeys(k.split(":", 1)[0] for k in failing)),
            "warning_checks": warnings,
            "warnings": list(dict.fromkeys(k.split(":", 1)[0] for k in warnings)),
        }

    def shown_rows(self) -> list[Row]:
        """Template rows for this format: headings and data rows, in printed order."""
        fam, fmt = self.fam, self.fmt
        if fam.shape == "long" and fmt == "prose":
            return [r for r in fam.data_rows(fmt) if r.code in self.by_row]
        return [r for r in fam.rows if fmt in r.columns]

    def semantic(self, shown: list[Row]) -> list[dict]:
        out = []
        for r in shown:
            cols = self.columns(r)
            heading = self.heading(r)
            entry: dict[str, Any] = {"code": r.code, "label": r.label_for(self.fmt), "level": r.level, "heading": heading}
            if self.fam.shape == "long" and not heading:
                db_row = self.by_row.get(r.code, {})
                entry["unit"] = db_row.get("unit") or r.unit
                if db_row.get("sentence"):
                    entry["sentence"] = db_row["sentence"]
            entry["cells"] = [] if heading else [
                self.cell(r.code, c, self.value(r, c), unit=entry.get("unit")) for c in cols
            ]
            out.append(entry)
        return out

    def leftovers(self) -> list[dict]:
        """Cells read from the report that the layout has no place for (values on headings, extra values)."""
        out = []
        for (family, code), read in self.cells.items():
            if family != self.fam.name or code in self.placed:
                continue
            c = self.cell(read.get("row_code") or code, read.get("column_code") or "", read.get("value"), code=code)
            c["label"] = code
            out.append(c)
        return out

    # Layouts ---------------------------------------------------------------

    def build(self) -> dict:
        fam = self.fam
        shown = self.shown_rows()
        rows = self.semantic(shown)
        by_code = {r["code"]: r for r in rows}
        if fam.shape == "wide":
            layout, head, body = "wide", *self._wide(shown, by_code)
        elif fam.shape == "long":
            layout, head, body = "long", *self._long(shown, by_code)
        elif len({self.columns(r) for r in shown if not self.heading(r)}) <= 1:
            layout, head, body = "grid", *self._grid(shown, by_code)
        else:
            layout, head, body = "sectioned", *self._sectioned(shown, by_code)
        return {
            "family": fam.name,
            "table_no": fam.table_no,
            "title": fam.title,
            "en": fam.en,
            "format": self.fmt,
            "layout": layout,
            "head": head,
            "body": body,
            "rows": rows,
            "unplaced": self.leftovers(),
        }

    def _grid(self, shown: list[Row], by_code: dict) -> tuple[list, list]:
        """One header over all rows (multi-level from column groups); row labels as a tree."""
        fam = self.fam
        data = [r for r in shown if not self.heading(r)]
        cols = [fam.column(c) for c in (self.columns(data[0]) if data else ())]
        max_level = max((r.level for r in shown), default=0)
        top = fam.column_header
        grouped = any(c.group for c in cols)
        levels = (1 if top else 0) + (2 if grouped else 1)
        corner = fam.corner or (f"({fam.notes})" if fam.notes else "")
        head: list[list[dict]] = [[{"text": corner, "colspan": max_level + 1, "rowspan": levels, "cls": "gr-corner"}]]
        if top:
            head[0].append({"text": top, "colspan": len(cols), "rowspan": 1})
            head.append([])
        group_row = head[-1]
        leaf_row: list[dict] = []
        if grouped:
            head.append(leaf_row)
        i = 0
        while i < len(cols):
            col = cols[i]
            if not col.group:
                group_row.append({"text": col.label, "colspan": 1, "rowspan": 2 if grouped else 1, "column": col.code})
                i += 1
                continue
            j = i
            while j < len(cols) and cols[j].group == col.group:
                leaf_row.append({"text": cols[j].label, "colspan": 1, "rowspan": 1, "column": cols[j].code})
                j += 1
            group_row.append({"text": col.group, "colspan": j - i, "rowspan": 1})
            i = j

        # Row labels: a heading with rows under it becomes a cell spanning those rows.
        def descendants(k: int) -> list[Row]:
            out = []
            for r in shown[k + 1 :]:
                if r.level <= shown[k].level:
                    break
                out.append(r)
            return out

        spanning = {r.code for k, r in enumerate(shown) if self.heading(r) and descendants(k)}
        emitted_under = {
            r.code: sum(1 for d in descendants(k) if d.code not in spanning)
            for k, r in enumerate(shown)
            if r.code in spanning
        }
        body: list[dict] = []
        pending: list[dict] = []
        active: dict[int, int] = {}  # level → rows its spanning heading still covers
        for r in shown:
            if r.code in spanning:
                pending.append(
                    {"type": "label", "text": r.label_for(self.fmt), "level": r.level, "heading": True,
                     "colspan": 1, "rowspan": emitted_under[r.code], "code": r.code}
                )
                active[r.level] = emitted_under[r.code]
                continue
            items: list[dict] = []
            covered = {lvl for lvl, n in active.items() if n > 0}
            fresh = {p["level"] for p in pending}
            for lvl in range(r.level):
                if lvl in fresh:
                    items.append(next(p for p in pending if p["level"] == lvl))
                elif lvl not in covered:
                    items.append({"type": "spacer", "colspan": 1, "rowspan": 1})
            pending = []
            items.append(
                {"type": "label", "text": r.label_for(self.fmt), "level": r.level, "heading": self.heading(r),
                 "colspan": max_level - r.level + 1, "rowspan": 1, "code": r.code}
            )
            if self.heading(r):
                items += [{"type": "none"} for _ in cols]
            else:
                items += by_code[r.code]["cells"]
            body.append({"kind": "data", "code": r.code, "items": items})
            for lvl in list(active):
                active[lvl] -= 1
                if active[lvl] <= 0:
                    del active[lvl]
        return head, body

    def _sectioned(self, shown: list[Row], by_code: dict) -> tuple[list, list]:
        """Sections under full-width heading rows, each with its own column header."""
        fam = self.fam
        width = max((len(self.columns(r)) for r in shown if not self.heading(r)), default=0)
        corner = fam.corner
        body: list[dict] = []
        current: tuple[str, ...] | None = None
        for r in shown:
            if self.heading(r):
                body.append(
                    {"kind": "section", "code": r.code,
                     "items": [{"type": "label", "text": r.label_for(self.fmt), "level": r.level, "heading": True,
                                "colspan": width + 1, "rowspan": 1, "code": r.code}]}
                )
                current = None
                continue
            cols = self.columns(r)
            if cols != current:
                header = [{"type": "th", "text": corner, "colspan": 1, "cls": "gr-corner"}]
                header += [{"type": "th", "text": column_label(fam, c), "colspan": 1, "column": c} for c in cols]
                if len(cols) < width:
                    header.append({"type": "th", "text": "", "colspan": width - len(cols)})
                body.append({"kind": "columns", "code": r.code, "items": header})
                current = cols
            items = [{"type": "label", "text": r.label_for(self.fmt), "level": r.level, "heading": False,
                      "colspan": 1, "rowspan": 1, "code": r.code}]
            items += by_code[r.code]["cells"]
            if len(cols) < width:
                items.append({"type": "none", "colspan": width - len(cols)})
            body.append({"kind": "data", "code": r.code, "items": items})
        return [], body

    def _wide(self, shown: list[Row], by_code: dict) -> tuple[list, list]:
        """No row labels: a header of row groups, rows and columns over one line of figures."""
        fam = self.fam
        groups = fam.row_groups
        segments = [(r, [fam.column(c) for c in self.columns(r)]) for r in shown if not self.heading(r)]
        three = any(groups.get(r.code) for r, _ in segments)
        first: list[dict] = []
        second: list[dict] = []
        third: list[dict] = []
        k = 0
        while k < len(segments):
            r, cols = segments[k]
            group = groups.get(r.code)
            if group:
                span = 0
                while k < len(segments) and groups.get(segments[k][0].code) == group:
                    rr, cc = segments[k]
                    second.append({"text": rr.label_for(self.fmt), "colspan": len(cc), "rowspan": 1, "row": rr.code})
                    third += [{"text": c.label, "colspan": 1, "rowspan": 1, "column": c.code} for c in cc]
                    span += len(cc)
                    k += 1
                first.append({"text": group, "colspan": span, "rowspan": 1})
                continue
            first.append({"text": r.label_for(self.fmt), "colspan": len(cols), "rowspan": 1, "row": r.code})
            second += [
                {"text": c.label, "colspan": 1, "rowspan": 2 if three else 1, "column": c.code} for c in cols
            ]
            k += 1
        head = [first, second] + ([third] if three else [])
        items = [c for r, _ in segments for c in by_code[r.code]["cells"]]
        return head, [{"kind": "data", "code": "", "items": items}]

    def _long(self, shown: list[Row], by_code: dict) -> tuple[list, list]:
        """Indicator, unit and figure per line (and the sentence, for prose reports)."""
        fam = self.fam
        prose = self.fmt == "prose"
        head_row = [
            {"text": fam.corner, "colspan": 1, "rowspan": 1, "cls": "gr-corner"},
            {"text": fam.unit_header, "colspan": 1, "rowspan": 1},
            {"text": fam.columns[0].label, "colspan": 1, "rowspan": 1, "column": fam.columns[0].code},
        ]
        if prose:
            head_row.append({"text": "出处语句", "colspan": 1, "rowspan": 1})
        on_heading = defaultdict(list)
        for (family, _code), read in self.cells.items():
            if family == fam.name and read.get("flag") == "value_on_heading":
                on_heading[read.get("row_code")].append(read)
        body = []
        for r in shown:
            entry = by_code[r.code]
            label = {"type": "label", "text": entry["label"], "level": r.level, "heading": self.heading(r),
                     "colspan": 1, "rowspan": 1, "code": r.code}
            if self.heading(r):
                extra = on_heading.get(r.code, [])
                value_items = [
                    self.cell(r.code, "", extra[0].get("value"), code=extra[0]["cell"]) if extra else {"type": "none"}
                ]
                items = [label, {"type": "unit", "text": ""}, *value_items]
            else:
                items = [label, {"type": "unit", "text": entry.get("unit") or ""}, *entry["cells"]]
            if prose:
                items.append({"type": "sentence", "text": entry.get("sentence") or ""})
            body.append({"kind": "heading" if self.heading(r) else "data", "code": r.code, "items": items})
        return [head_row], body


def web_link(url: object) -> str | None:
    """``url`` where it is an absolute web address (:func:`.webpage.web_address`) with a host, which a page may
    link to; ``None`` for anything else (a relative address of the report's site, ``javascript:``, ``data:``,
    an address that cannot be split)."""
    if not isinstance(url, str) or not web_address(url):
        return None
    return url if urlsplit(url).netloc else None


def reconstruct(fam: Family, fmt: str, rows: list[dict], cells: dict, marks: dict) -> dict | None:
    """One family's table of a report, or ``None`` where the report has none."""
    if not rows or fmt not in fam.formats:
        return None
    return _Builder(fam, fmt, rows, cells, marks).build()


async def _report_row(src: Source, report_id: str) -> dict:
    have = await src.columns("reports")  # a database of an earlier version lacks the newer fields: null
    fields = ", ".join(f"r.{quote(f)}" if f in have else f"null as {quote(f)}" for f in REPORT_FIELDS)
    rep = await src.one(
        f"""
        select {fields}, r.text, a.name as agency,
               f.title as format_title
        from reports r
        left join agencies a on a.agency_id = r.agency_id
        left join formats f on f.format = r.format
        where r.report_id = ?
        """,
        [report_id],
    )
    if rep is None:
        raise NotFound(f"Report not found: {report_id}")
    return rep


async def report_model(datasette, src: Source, report_id: str) -> dict:
    """Everything the report page shows, as plain data."""
    rep = await _report_row(src, report_id)
    urls = Urls(datasette)
    fams = families()
    checks = await src.rows(
        """
        select c.*, ru.family, ru.relation, ru.severity, ru.description_zh, ru.description_en, ru.formula,
               ri.cells, ri.left_cells
        from checks c
        left join rules ru on ru.rule = c.rule
        left join rule_instances ri on ri.instance = c.instance
        where c.report_id = ?
        """,
        [report_id],
    )
    checks.sort(key=lambda c: (rule_sort_key(c["rule"]), c["scope"]))
    marks: dict[tuple[str, str], dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    legend: list[dict] = []
    warnings: list[dict] = []
    for n, c in enumerate(checks):
        key = f"{c['rule']}:{c['scope']}"
        cell_codes = [str(code) for code in json_list(c["cells"])]
        fam = fams.get(c["family"] or "")
        entry = {
            "id": f"gr-check-{slug(c['rule'])}-{n}",
            "key": key,
            "rule": c["rule"],
            "scope": c["scope"],
            "scope_label": scope_label(fam, c["scope"], rep["format"]) if fam else c["scope"],
            "family": c["family"],
            "status": c["status"],
            "relation": c["relation"],
            "severity": c["severity"],
            "description_zh": c["description_zh"],
            "description_en": c["description_en"],
            "formula": c["formula"],
            "left": plain(c["left"]),
            "right": plain(c["right"]),
            "difference": plain(c["difference"]),
            "cells": cell_codes,
            "left_cells": c["left_cells"] if isinstance(c["left_cells"], int) else None,
            "missing": json_list(c["missing"]),
            "check_url": urls.row(src.name, "checks", report_id, c["rule"], c["scope"]),
            "note": c.get("note"),
            "related_report_id": c.get("related_report_id"),
            "related_url": urls.report(src.name, c["related_report_id"]) if c.get("related_report_id") else None,
        }
        if c["status"] in ("fail", "warning"):
            for code in cell_codes:
                marks[(c["family"], code)][c["status"]].append(key)
            (legend if c["status"] == "fail" else warnings).append(entry)
    cells = {
        (r["family"], r["cell"]): r
        for r in await src.rows(
            "select family, cell, row_code, column_code, raw, value, unit, flag, line, position"
            " from cells where report_id = ?",
            [report_id],
        )
    }
    tables = []
    if rep["status"] == "parsed" and rep["format"]:
        for fam in fams.values():
            if fam.name not in src.tables:
                continue
            rows = await src.rows(f"select * from {quote(fam.name)} where report_id = ?", [report_id])
            table = reconstruct(fam, rep["format"], rows, cells, marks)
            if table is not None:
                table["table_url"] = urls.table(src.name, fam.name, report_id=report_id)
                tables.append(table)
    labels: dict[str, dict] = {t["family"]: {} for t in tables}
    for t in tables:
        for r in t["rows"]:
            for c in r["cells"]:
                labels[t["family"]][c["cell"]] = c
    for entry in legend + warnings:
        placed = labels.get(entry["family"] or "", {})
        fam = fams.get(entry["family"] or "")
        left = entry["left_cells"]
        entry["cell_details"] = [
            {
                "cell": code,
                "side": None if left is None else "left" if k < left else "right",
                "label": cell_label(fam, code, rep["format"]) if fam else code,
                "here": code in placed,
                "display": placed[code]["display"] if code in placed else "",
                "blank": placed[code]["blank"] if code in placed else None,
                "raw": placed[code]["raw"] if code in placed else None,
                "line": placed[code]["line"] if code in placed else None,
            }
            for k, code in enumerate(entry["cells"])
        ]
    counts = Counter(c["status"] for c in checks)
    text = rep.pop("text") or ""
    marked_lines = sorted(
        {c["line"] for t in tables for r in t["rows"] for c in r["cells"] if c["failing"] and c["line"]}
    )
    report = {k: plain(v) for k, v in rep.items()}
    report["attachments"] = [
        {"href": a.get("href"), "text": a.get("text"), "link": web_link(a.get("href"))}
        for a in json_list(rep["attachments"]) if isinstance(a, dict)
    ]
    report["images"] = [{"src": src, "link": web_link(src)} for src in json_list(rep["images"]) if isinstance(src, str)]
    crumbs = [("勾稽检查", urls.status(src.name))]
    if rep["agency_id"]:
        crumbs.append((rep["agency"] or rep["agency_id"], urls.agency(src.name, rep["agency_id"])))
    crumbs.append((f"{rep['year'] or ''} 报告".strip(), urls.report(src.name, report_id)))
    return {
        "database": src.name,
        "gr_crumbs": crumbs,
        "report": report,
        "tables": tables,
        "failing": legend,
        "warnings": warnings,
        "check_counts": {s: counts.get(s, 0) for s in STATUS_ORDER if s != "none"},
        "text": text,
        "text_lines": text.splitlines(),
        "marked_lines": marked_lines,
        "links": {
            "page": urls.report(src.name, report_id),
            "json": urls.report(src.name, report_id, "json"),
            "csv": urls.report(src.name, report_id, "csv"),
            "row": urls.row(src.name, "reports", report_id),
            "checks": urls.table(src.name, "checks", report_id=report_id),
            "cells": urls.table(src.name, "cells", report_id=report_id),
            "agency": urls.agency(src.name, rep["agency_id"]) if rep["agency_id"] else None,
            "agency_row": urls.row(src.name, "agencies", rep["agency_id"]) if rep["agency_id"] else None,
            "duplicate_of": urls.report(src.name, rep["duplicate_of"]) if rep["duplicate_of"] else None,
            "status": urls.status(src.name),
        },
    }


def _json(model: dict) -> dict:
    """The ``.json`` rendition: the model without the page-only layout grid."""
    return {
        **{k: v for k, v in model.items() if k not in ("tables", "text_lines", "marked_lines", "gr_crumbs")},
        "tables": [
            {k: v for k, v in t.items() if k != "body"} for t in model["tables"]
        ],
    }


def _column_label(fam: Family | None, code: str) -> str:
    if fam is None:
        return code
    if fam.shape == "long":
        return fam.columns[0].label
    return column_label(fam, code)


def _csv_rows(model: dict):
    fams = families()
    for t in model["tables"]:
        fam = fams.get(t["family"])
        for r in t["rows"]:
            for c in r["cells"]:
                yield [
                    t["family"], t["table_no"], r["code"], r["label"], r["level"], c["column"],
                    _column_label(fam, c["column"]), c["cell"], c["value"], c["unit"], c["raw"], c["position"], c["line"], c["flag"],
                    " ".join(c["failing_checks"]), " ".join(c["warning_checks"]),
                ]
        for c in t["unplaced"]:
            yield [
                t["family"], t["table_no"], c["row"], "", "", c["column"], "", c["cell"], c["value"], c["unit"],
                c["raw"], c["position"], c["line"], c["flag"], " ".join(c["failing_checks"]),
                " ".join(c["warning_checks"]),
            ]


async def report_view(datasette, request) -> Response:
    """``/<database>/-/gaireports/report/<report_id>`` and its ``.json`` and ``.csv`` renditions."""
    src = await database_source(datasette, request, BASE_TABLES)
    report_id = tilde_decode(request.url_vars["report_id"])
    model = await report_model(datasette, src, report_id)
    return await page_or_rendition(datasette, request, "gaireports_report.html", model, _json, CSV_COLUMNS, _csv_rows,
                                   f"{slug(report_id)}.csv")


async def find_report(datasette, request) -> Response:
    """``/-/gaireports/report/<report_id>``: redirect to the first visible database holding the report."""
    await ensure_allowed(datasette, request.actor)
    report_id = tilde_decode(request.url_vars["report_id"])
    for src in await visible_sources(datasette, request.actor, BASE_TABLES):
        if await src.one("select 1 as found from reports where report_id = ?", [report_id]):
            url = Urls(datasette).report(src.name, report_id, request.url_vars.get("ext"))
            if request.query_string:
                url += "?" + request.query_string
            return Response.redirect(url)
    raise NotFound(f"Report not found: {report_id}")
