"""``datapackage.json`` and Datasette's ``metadata.yml``, generated from the schema.

Both come from :func:`datasette_gaireports.schema.tables` (itself derived
from the family layouts) plus the hand-written prose in ``about.yml``.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from . import pipeline
from .layout import Family
from .schema import Table, tables

DATABASE = "gaireports"
ELSEWHERE_QUERY = "tables_elsewhere"
"""The canned query of reports whose tables are images or in attachments (:func:`tables_elsewhere_query`)."""


@lru_cache(maxsize=1)
def about() -> dict[str, Any]:
    """The hand-written prose (title, description, licence, source, canned queries)."""
    text = resources.files("datasette_gaireports").joinpath("about.yml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def schema_tables() -> tuple[Table, ...]:
    return tables(pipeline.families(), tuple(f.code for f in pipeline.formats()))


def resource(t: Table, db_name: str) -> dict[str, Any]:
    """One table as a Frictionless SQL resource."""
    schema: dict[str, Any] = {
        "fields": [f.frictionless() for f in t.fields],
        "primaryKey": list(t.primary_key),
    }
    if t.foreign_keys:
        schema["foreignKeys"] = [
            {"fields": list(fk.fields), "reference": {"resource": fk.table, "fields": list(fk.columns)}}
            for fk in t.foreign_keys
        ]
    return {
        "name": t.name,
        "type": "table",
        "title": t.title,
        "description": t.description,
        "path": f"sqlite:///{db_name}",
        "scheme": "sqlite",
        "format": "sql",
        "dialect": {"sql": {"table": t.name}},
        "schema": schema,
    }


def datapackage(db_name: str = "gaireports.db") -> dict[str, Any]:
    """The Frictionless data package descriptor of a database file named ``db_name``."""
    a = about()
    return {
        "name": a["name"],
        "title": a["title"],
        "description": a["description"],
        "licenses": a["licenses"],
        "sources": a["sources"],
        "resources": [resource(t, db_name) for t in schema_tables()],
    }


def datapackage_text(db_name: str = "gaireports.db") -> str:
    return json.dumps(datapackage(db_name), ensure_ascii=False, indent=2) + "\n"


def table_metadata(t: Table) -> dict[str, Any]:
    """Datasette metadata for one table: title, description, columns, facets."""
    meta: dict[str, Any] = {
        "title": f"{t.title} · {t.name}",
        "description": t.description,
        "columns": {f.name: f"{f.title} · {f.description}" for f in t.fields},
    }
    if t.facets:
        meta["facets"] = list(t.facets)
    if t.label_column:
        meta["label_column"] = t.label_column
    if t.sort:
        meta["sort"] = t.sort
    if t.search:
        meta["fts_table"] = f"{t.name}_fts"
        meta["fts_pk"] = "rowid"
    return meta


def tables_elsewhere_query(families: tuple[Family, ...]) -> dict[str, str]:
    """The canned query of reports whose standard tables are not on the page as text (none, or fewer than
    their format prints) while the page shows images in the report's body or links documents; written from
    the families (which tables each format prints)."""
    absent = [
        (f, f"r.format in ({', '.join(repr(fmt) for fmt in sorted(f.formats))}) and not exists "
            f"(select 1 from [{f.name}] x where x.report_id = r.report_id)")
        for f in families if f.formats
    ]
    missing = " || ".join(f"(case when {cond} then '{f.table_no} ' else '' end)" for f, cond in absent)
    where = " or ".join(f"({cond})" for _f, cond in absent)
    return {
        "title": "统计表为图片或在附件中的报告 · Reports whose tables are images or in attachments",
        "description": (
            "Reports whose page holds none of the standard tables as text, or fewer than their format prints, "
            "while it shows images in the report's body or links documents (PDF, Word, spreadsheets): the tables "
            "are likely there. Images need OCR; an attachment can be fetched and built like any report."
        ),
        "sql": (  # the candidates from the two sparse indexes, not from a scan of every report
            "with shown as (select report_id from reports where images is not null\n"
            "               union select report_id from reports where attachments is not null)\n"
            "select r.report_id, a.name as agency, r.year, r.format, r.status,\n"
            f"       trim({missing}) as tables_missing,\n"
            "       json_array_length(r.images) as images, json_array_length(r.attachments) as attachments,\n"
            "       r.attachments as attachment_links, r.source\n"
            "from shown join reports r on r.report_id = shown.report_id\n"
            "left join agencies a on a.agency_id = r.agency_id\n"
            f"where r.format is null or r.format = 'prose' or {where}\n"
            "order by r.year, a.name, r.source"
        ),
    }


def metadata(database: str = DATABASE) -> dict[str, Any]:
    """Datasette metadata for a database named ``database`` (the file's stem)."""
    a = about()
    return {
        "title": a["title"],
        "description_html": a["description_html"].strip(),
        "source": a["source_line"],
        "source_url": a["source_url"],
        "license": a["license_line"],
        "license_url": a["license_url"],
        "databases": {
            database: {
                "description": a["description"],
                "tables": {t.name: table_metadata(t) for t in schema_tables()},
                "queries": {**a["queries"], ELSEWHERE_QUERY: tables_elsewhere_query(pipeline.families())},
            }
        },
    }


def metadata_text(database: str = DATABASE) -> str:
    header = "# Generated by `gaireports describe` from the family definitions and datasette_gaireports/about.yml.\n"
    return header + yaml.safe_dump(metadata(database), allow_unicode=True, sort_keys=False, width=100)
