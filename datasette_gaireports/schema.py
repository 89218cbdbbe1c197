"""The database's tables, described once.

The SQLite tables (:func:`create_tables`), ``datapackage.json``
(:mod:`.describe`) and Datasette's ``metadata.yml`` are all generated from
:func:`tables`, which derives the family tables from the family layouts.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import sqlite_utils

from .agencies import AGENCY_LEVELS, CONFIDENCES, REGION_SOURCES
from .crossrules import KIND_CODES as RULE_KIND_CODES
from .crossrules import RULES as CROSS_RULES
from .layout import Column, Family
from .names import KIND_CODES
from .summaries import FAILING_FILTERS, FAILING_REGION_FILTERS

SQL_TYPES = {"string": "TEXT", "integer": "INTEGER", "number": "ANY", "date": "TEXT"}
"""Frictionless type → SQLite column type (``ANY`` gives NUMERIC affinity, so 3 stays 3 and 2.5 stays 2.5)."""

STATUSES = ("parsed", "unparsed")
CHECK_STATUSES = ("pass", "fail", "incomplete", "warning")
REPORT_CHECK_STATUSES = ("pass", "fail", "incomplete", "warning", "none")
FAILING_INDEXES = (
    *(combo for k in (1, 2, 3) for combo in combinations(FAILING_FILTERS, k)),
    *((name,) for name in FAILING_REGION_FILTERS),
)
"""One index per combination of the failing list's filters, and one per filter by the body (a province holds a
small share of the list, read from its index and filtered further row by row). ``position`` is the rowid, which
ends every index, so a filtered page is a range of one index, already in list order."""


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    title: str
    description: str
    required: bool = False
    enum: tuple[str, ...] = ()
    minimum: int | None = None

    def frictionless(self) -> dict:
        d: dict = {"name": self.name, "type": self.type, "title": self.title, "description": self.description}
        constraints: dict = {}
        if self.required:
            constraints["required"] = True
        if self.enum:
            constraints["enum"] = list(self.enum)
        if self.minimum is not None:
            constraints["minimum"] = self.minimum
        if constraints:
            d["constraints"] = constraints
        return d


@dataclass(frozen=True)
class ForeignKey:
    fields: tuple[str, ...]
    table: str
    columns: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    description: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...] = ()
    indexes: tuple[tuple[str, ...], ...] = ()
    facets: tuple[str, ...] = ()
    label_column: str | None = None
    sort: str | None = None
    search: tuple[str, ...] = ()
    """Columns indexed for full-text search (an FTS5 table ``<name>_fts``, trigram tokenizer)."""
    without_rowid: bool = False
    """Stored in primary-key order with no rowid (SQLite ``WITHOUT ROWID``): no second copy of a long key."""
    sparse_indexes: tuple[str, ...] = ()
    """Columns indexed where they hold a value only (``where … is not null``), for columns mostly null."""

    def field(self, name: str) -> Field:
        return {f.name: f for f in self.fields}[name]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)


def S(name: str, title: str, description: str, **kw) -> Field:
    return Field(name, "string", title, description, **kw)


def I(name: str, title: str, description: str, **kw) -> Field:  # noqa: E743
    return Field(name, "integer", title, description, **kw)


REPORT_ID = S("report_id", "报告编号", "Report id (from the source path and the file's sha256)", required=True)
TO_REPORT = ForeignKey(("report_id",), "reports", ("report_id",))


def _value_field(col: Column, name: str | None = None, title: str | None = None) -> Field:
    ftype = "integer" if col.kind in ("count", "change") else "number"
    return Field(
        name or col.code,
        ftype,
        title or (f"{col.group}·{col.label}" if col.group else col.label),
        col.en,
        minimum=0 if col.kind == "count" else None,
    )


def family_table(fam: Family) -> Table:
    """The SQL table of one family, derived from its layout."""
    title = f"表{fam.table_no} {fam.title}" if fam.table_no != "附表" else fam.title
    row_codes = tuple(r.code for r in fam.data_rows())
    if fam.shape == "matrix":
        fields = (
            REPORT_ID,
            S(fam.row_key, "行", "Row code (see the family layout)", required=True, enum=row_codes),
            S("label", "行标签", "The row's label as the template prints it, for the report's format"),
            *(_value_field(c) for c in fam.sql_value_columns()),
            S("unit", "单位", "Unit printed in an amount cell, if any"),
        )
        pk: tuple[str, ...] = ("report_id", fam.row_key)
    elif fam.shape == "wide":
        fields = (
            REPORT_ID,
            *(
                _value_field(col, name, f"{r.label}·{col.label}")
                for name, r, col in fam.wide_columns()
            ),
        )
        pk = ("report_id",)
    else:
        fields = (
            REPORT_ID,
            S(fam.row_key, "指标", "Indicator code (see the family layout)", required=True, enum=row_codes),
            S("label", "指标名称", "The indicator's label as the template prints it"),
            Field("value", "number", "统计数", "The figure; null where the cell is blank", minimum=0),
            S("unit", "单位", "Unit as printed (条, 件, 次, 篇, 个, 人, 人次, 万元)"),
            S("sentence", "出处语句", "For prose reports: the sentence the figure was read from"),
        )
        pk = ("report_id", fam.row_key)
    return Table(
        name=fam.name,
        title=title,
        description=fam.en,
        fields=fields,
        primary_key=pk,
        foreign_keys=(TO_REPORT,),
        facets=(fam.row_key,) if fam.row_key else (),
        without_rowid=True,  # read by report: its rows sit together, the key kept once
    )


def tables(families: tuple[Family, ...], formats: tuple[str, ...]) -> tuple[Table, ...]:
    """Every table of the database, in creation order."""
    rule_ids = tuple(sorted({r.id for f in families for r in f.rules} | {r.id for r in CROSS_RULES}))
    family_names = tuple(f.name for f in families)
    core = (
        Table(
            "formats",
            "报告格式",
            "The report formats: which template a report's tables follow",
            (
                S("format", "格式", "Format code", required=True),
                S("title", "名称", "Name of the format"),
                S("years", "适用年度", "Report years the format is used for"),
                S("families", "表格", "Table families the format carries (comma-separated)"),
                S("description", "说明", "What carries the figures"),
            ),
            ("format",),
            label_column="title",
        ),
        Table(
            "agency_kinds",
            "机构类型",
            "The kinds of reporting body, recognised by the end of the body's name",
            (
                S("kind", "类型", "Kind code", required=True),
                S("label", "名称", "The kind in Chinese"),
                S("description", "说明", "The kind in English"),
            ),
            ("kind",),
            label_column="label",
        ),
        Table(
            "agencies",
            "机构",
            "Government bodies that published reports: one row per body across its years "
            "(normalised name and region; two bodies of the same name in different places are two rows)",
            (
                S("agency_id", "机构编号", "Agency id (from the normalised name and the region's stable id)", required=True),
                S("name", "机构名称", "Normalised name: simplified characters, half-width forms, no year or report-title words",
                  required=True),
                S("names_printed", "报告所印名称", "Names as printed in the reports (JSON list; empty where no report prints one)"),
                S("kind", "机构类型", "Kind of body (see agency_kinds)", required=True, enum=KIND_CODES),
                S("department", "部门", "For a department: the department's own name (教育局, 应急管理局)"),
                S("level", "层级", "Level of government the body belongs to", enum=AGENCY_LEVELS),
                S("province", "省级", "Province-level division"),
                S("prefecture", "地级", "Prefecture-level division (none for a municipality's districts)"),
                S("county", "县级", "County-level division"),
                S("township", "乡级", "Township, town or sub-district (乡/镇/街道) named by the body's name"),
                S("adcode", "行政区划代码", "GB/T 2260 code of the deepest county-or-higher division resolved"),
                S("region_source", "地区来源", "Where the region was read: the name, the report's text, or none found",
                  enum=REGION_SOURCES),
                S("region_evidence", "地区依据", "The place names the region was read from"),
                I("division_year", "区划年份", "Year of the division data the region was resolved with", minimum=1980),
                I("reports", "报告数", "Number of reports in the database", minimum=0),
                I("first_year", "最早年度", "Earliest year reported on", minimum=2000),
                I("last_year", "最近年度", "Latest year reported on", minimum=2000),
                S("note", "说明", "Why the body is kept to its own report: no name could be read (a placeholder), "
                  "or its region could not be resolved"),
            ),
            ("agency_id",),
            foreign_keys=(ForeignKey(("kind",), "agency_kinds", ("kind",)),),
            indexes=(("name",), ("province", "prefecture", "county", "adcode"), ("level",)),
            facets=("kind", "level", "province"),
            label_column="name",
            sort="name",
        ),
        Table(
            "reports",
            "报告",
            "One row per source file: its metadata, how it was read, and its check status",
            (
                REPORT_ID,
                S("source", "来源文件", "Path of the source file, relative to the build input", required=True),
                S("file_name", "文件名", "File name of the source", required=True),
                S("status", "状态", "parsed, or unparsed (see reason)", required=True, enum=STATUSES),
                S("reason", "原因", "Why the report is unparsed, or what was odd about it"),
                S("format", "格式", "Report format", enum=tuple(formats)),
                I("year", "年度", "The year reported on (not the year of publication)", minimum=2000),
                Field("published", "date", "发布日期", "Publication date where the report or its page prints one"),
                S("agency_id", "机构编号", "The reporting body"),
                S("agency_printed", "所印机构名称", "The body's name as printed (or inferred, see agency_source)"),
                S("agency_source", "机构名称来源", "Where the name came from", enum=("title", "text", "page", "inferred", "none")),
                S("agency_evidence", "机构名称依据", "The text the name was read or inferred from"),
                S("agency_confidence", "机构名称可信度",
                  "high (printed in the title or text), medium (a bare place completed, or the page's publisher), "
                  "low (inferred from the text), none (placeholder)", enum=CONFIDENCES),
                S("title", "标题", "Report title as printed"),
                S("index_no", "索引号", "The report's number in its government's catalogue of information (索引号), "
                  "as its page prints it"),
                S("doc_no", "文号", "The report's document number (文号), as its page prints it"),
                S("attachments", "附件", "Documents the report's page links (PDF, Word, spreadsheets, archives): a JSON "
                  "list of {href, text}, href null where a text dump names one without its link; where the "
                  "standard tables are not on the page, they are often in these"),
                S("images", "正文图片", "Images in the report's body (a JSON list of their addresses, or of their parts "
                  "in a Word document; page furniture left out); where the standard tables are not on the page as "
                  "text, they are often these"),
                S("tables_missing", "缺少的统计表", "Where the report's page shows images in its body or links "
                  "documents and lacks standard tables its format prints: their numbers (三 四), or all where it has "
                  "no standard table; those tables are likely in the images or documents (canned query "
                  "tables_elsewhere)"),
                S("sha256", "SHA-256", "sha256 of the source file's bytes", required=True),
                I("bytes", "字节数", "Size of the source file in bytes", required=True, minimum=0),
                S("encoding", "编码", "Text encoding the file was decoded with"),
                S("reader", "读取方式", "Reader used (text, html)"),
                S("parser_version", "解析器版本", "Version of the parser that read it", required=True),
                S("duplicate_of", "重复于", "report_id of an earlier file with the same bytes"),
                S("check_status", "勾稽状态", "fail if any rule fails, else warning, incomplete, pass; none without checks",
                  enum=REPORT_CHECK_STATUSES),
                I("checks_failed", "未通过规则数", "Number of failing rule instances", minimum=0),
                I("checks_incomplete", "不完整规则数", "Number of rule instances with blank cells", minimum=0),
                I("anomalies", "异常单元格数", "Cells flagged as anomalies (text in a value cell, value on a heading row…)", minimum=0),
                S("text", "报告全文", "The report's text as decoded from the source"),
            ),
            ("report_id",),
            foreign_keys=(
                ForeignKey(("agency_id",), "agencies", ("agency_id",)),
                ForeignKey(("format",), "formats", ("format",)),
            ),
            # (source, sha256, parser_version, report_id): what an update compares the files with, read from the
            # index alone, not from the rows with their texts; and the table's default order
            indexes=(("year",), ("format",), ("status",), ("agency_id",), ("sha256",), ("check_status",),
                     ("duplicate_of",), ("source", "sha256", "parser_version", "report_id")),
            facets=("year", "format", "status", "check_status"),
            # the few reports whose page shows images, links documents or lacks its tables, found without reading
            # the others' rows
            sparse_indexes=("images", "attachments", "tables_missing"),
            label_column="title",
            sort="source",
            search=("title", "agency_printed", "text"),
        ),
        Table(
            "report_agencies",
            "报告所示机构",
            "The body as each parsed report presents it (name, kind and region as of that report); "
            "agencies aggregates these per body",
            (
                REPORT_ID,
                S("agency_id", "机构编号", "The reporting body", required=True),
                S("printed", "所印名称", "The body's name as printed in this report"),
                S("name", "机构名称", "Normalised name", required=True),
                S("kind", "机构类型", "Kind of body (see agency_kinds)", required=True, enum=KIND_CODES),
                S("department", "部门", "For a department: the department's own name"),
                S("level", "层级", "Level of government the body belongs to", enum=AGENCY_LEVELS),
                S("province", "省级", "Province-level division"),
                S("prefecture", "地级", "Prefecture-level division"),
                S("county", "县级", "County-level division"),
                S("township", "乡级", "Township, town or sub-district named by the body's name"),
                S("adcode", "行政区划代码", "GB/T 2260 code of the deepest county-or-higher division resolved"),
                S("region_source", "地区来源", "Where the region was read", enum=REGION_SOURCES),
                S("region_evidence", "地区依据", "The place names the region was read from"),
                I("division_year", "区划年份", "Year of the division data the region was resolved with", minimum=1980),
                S("note", "说明", "Why the body is kept to its own report"),
            ),
            ("report_id",),
            foreign_keys=(TO_REPORT, ForeignKey(("agency_id",), "agencies", ("agency_id",))),
            indexes=(("agency_id",),),
        ),
        *(family_table(f) for f in families),
        Table(
            "cells",
            "单元格",
            "Provenance: every cell read from a report, with its raw text and position",
            (
                REPORT_ID,
                S("family", "表格", "Table family", required=True, enum=family_names),
                S("cell", "单元格代码", "Canonical cell code (row.column, group_outcome or indicator)", required=True),
                S("row_code", "行", "Row code (a heading code for a value printed on a heading row)"),
                S("column_code", "列", "Column code"),
                S("raw", "原文", "The cell's text exactly as printed"),
                Field("value", "number", "数值", "The number read; null where blank or not a number"),
                S("unit", "单位", "Unit printed in or beside the cell"),
                S("flag", "标记", "noise, blank, dash, not_a_number, out_of_range, value_on_heading, extra_value, "
                  "short_row, prose; unlabelled_row: a figure of a row whose label the table leaves out, read by its "
                  "place after its heading's label; stray_row: a figure of a row the template does not have, coded "
                  "by the row's label as printed and the figure's place (其他主动公开文件+2)"),
                I("line", "行号", "Line of the decoded source text", minimum=0),
                S("position", "位置", "Where in the source: line, or table/row/column"),
            ),
            ("report_id", "family", "cell"),
            foreign_keys=(TO_REPORT,),
            facets=("family", "flag"),
            without_rowid=True,
            sparse_indexes=("flag",),
        ),
        Table(
            "rules",
            "勾稽规则",
            "The balance rules (勾稽关系) as data",
            (
                S("rule", "规则", "Rule id", required=True),
                S("family", "表格", "Table family the rule checks", required=True, enum=family_names),
                S("relation", "关系", "= or <=", enum=("=", "<=")),
                S("severity", "级别", "fail, or warning where a breach can be legitimate", enum=("fail", "warning")),
                S("formula", "公式", "The rule in cell codes"),
                S("description_zh", "规则说明", "The rule in Chinese"),
                S("description_en", "Description", "The rule in English"),
                S("formats", "适用格式", "Formats the rule applies to (comma-separated)"),
                S("kind", "比较对象", "within_report (a report's own tables), across_years (a body's report against "
                  "the year before), text_vs_table (figures the text states against the tables)",
                  enum=RULE_KIND_CODES),
            ),
            ("rule",),
            label_column="description_zh",
        ),
        Table(
            "rule_instances",
            "勾稽等式",
            "The equations the checks evaluate: a rule's instance for one scope (and the formats that print "
            "its cells), numbered",
            (
                I("instance", "等式编号", "Equation number, which a check refers to", required=True, minimum=1),
                S("rule", "规则", "Rule id", required=True, enum=rule_ids),
                S("scope", "范围", "The column, row or group the equation is about", required=True),
                S("formats", "适用格式", "Formats whose reports are checked by this equation (comma-separated)"),
                S("equation", "等式", "The equation in cell codes (left side, relation, right side)", required=True),
                S("cells", "单元格", "Cells in the equation (JSON list, left side first; previous: marks the year "
                  "before's report, prose: a figure stated in the text)", required=True),
                I("left_cells", "左边单元格数", "How many of the cells, from the first, form the left side",
                  required=True, minimum=1),
            ),
            ("instance",),
            foreign_keys=(ForeignKey(("rule",), "rules", ("rule",)),),
            label_column="equation",
            facets=("rule",),
        ),
        Table(
            "checks",
            "勾稽检查",
            "One row per report, rule and scope: the outcome of a balance rule, a rule across years or a "
            "text-against-table rule",
            (
                REPORT_ID,
                S("rule", "规则", "Rule id", required=True, enum=rule_ids),
                S("scope", "范围", "The column, row or group the equation is about", required=True),
                S("status", "结果", "pass, fail, incomplete (a needed cell is blank) or warning", required=True,
                  enum=CHECK_STATUSES),
                Field("left", "number", "左边", "Sum of the left side's known cells"),
                Field("right", "number", "右边", "Sum of the right side's known cells"),
                Field("difference", "number", "差额", "left - right"),
                I("instance", "等式编号", "The equation evaluated (rule_instances), which lists its cells",
                  required=True, minimum=1),
                S("missing", "空白单元格", "Cells that are blank (JSON list)"),
                S("related_report_id", "对照报告", "For a rule across years: the same body's report for the year before"),
                S("note", "说明", "The sentence a text figure was read from, or the reports compared across years"),
            ),
            ("report_id", "rule", "scope"),
            foreign_keys=(
                TO_REPORT,
                ForeignKey(("rule",), "rules", ("rule",)),
                ForeignKey(("instance",), "rule_instances", ("instance",)),
                ForeignKey(("related_report_id",), "reports", ("report_id",)),
            ),
            indexes=(("rule", "status"), ("status",)),
            facets=("rule", "status"),
        ),
        Table(
            "check_summary",
            "勾稽检查汇总",
            "Counts of the checks per rule, result, year and format, kept at build time for the status pages",
            (
                I("summary_id", "编号", "Row number", required=True, minimum=1),
                S("rule", "规则", "Rule id", required=True, enum=rule_ids),
                S("status", "结果", "pass, fail, incomplete or warning", required=True, enum=CHECK_STATUSES),
                I("year", "年度", "The year reported on", minimum=2000),
                S("format", "格式", "Report format", enum=tuple(formats)),
                I("checks", "检查数", "Number of rule instances with this result", required=True, minimum=0),
                I("reports", "报告数", "Number of reports with at least one such instance", required=True, minimum=0),
            ),
            ("summary_id",),
            foreign_keys=(ForeignKey(("rule",), "rules", ("rule",)),),
            indexes=(("status", "rule"),),
        ),
        Table(
            "report_summary",
            "报告汇总",
            "Counts of the reports per year, format, status and check status, kept at build time for the status pages",
            (
                I("summary_id", "编号", "Row number", required=True, minimum=1),
                I("year", "年度", "The year reported on", minimum=2000),
                S("format", "格式", "Report format", enum=tuple(formats)),
                S("status", "状态", "parsed or unparsed", required=True, enum=STATUSES),
                S("check_status", "勾稽状态", "The reports' overall check status", enum=REPORT_CHECK_STATUSES),
                I("reports", "报告数", "Number of reports", required=True, minimum=0),
                I("tables_elsewhere", "统计表在图片或附件中的报告数", "Of those, the reports whose standard tables are "
                  "likely in images or attachments (reports.tables_missing)", required=True, minimum=0),
            ),
            ("summary_id",),
        ),
        Table(
            "agency_summary",
            "机构维度汇总",
            "Counts of the reports per province and level of their body and per check status, kept at build time "
            "for the status pages' breakdowns",
            (
                I("summary_id", "编号", "Row number", required=True, minimum=1),
                S("province", "省级", "The body's province-level division (null where none was resolved)"),
                S("level", "层级", "The body's level of government", enum=AGENCY_LEVELS),
                S("check_status", "勾稽状态", "The reports' overall check status", enum=REPORT_CHECK_STATUSES),
                I("reports", "报告数", "Number of reports", required=True, minimum=0),
            ),
            ("summary_id",),
        ),
        Table(
            "failing_checks",
            "未通过的检查",
            "The failing checks in the status pages' order (body name, year, report, rule, scope), with what the "
            "list shows, kept at build time so a page of the list is read by position",
            (
                I("position", "序号", "Place in the list: 1, 2, 3, … without gaps", required=True, minimum=1),
                REPORT_ID,
                S("rule", "规则", "Rule id", required=True, enum=rule_ids),
                S("scope", "范围", "The column, row or group the equation is about", required=True),
                S("agency_id", "机构编号", "The reporting body"),
                S("agency", "机构", "The body's normalised name, or the name as printed where the report has no body"),
                S("province", "省级", "The body's province-level division"),
                S("prefecture", "地级", "The body's prefecture-level division"),
                S("county", "县级", "The body's county-level division"),
                S("level", "层级", "The body's level of government", enum=AGENCY_LEVELS),
                I("year", "年度", "The year reported on", minimum=2000),
                S("format", "格式", "Report format", enum=tuple(formats)),
                S("family", "表格", "Table family the rule checks", enum=family_names),
                Field("left", "number", "左边", "Sum of the left side's known cells"),
                Field("right", "number", "右边", "Sum of the right side's known cells"),
                Field("difference", "number", "差额", "left - right"),
                S("source", "来源文件", "Path of the report's source file"),
            ),
            ("position",),
            foreign_keys=(
                TO_REPORT,
                ForeignKey(("rule",), "rules", ("rule",)),
                ForeignKey(("agency_id",), "agencies", ("agency_id",)),
            ),
            indexes=FAILING_INDEXES,
            facets=("rule", "province", "level"),
        ),
    )
    return core


def create_tables(db: sqlite_utils.Database, all_tables: tuple[Table, ...], indexes: bool = True) -> None:
    """Create every table, with primary keys and foreign keys, and with its indexes unless ``indexes`` is false
    (a full build adds them once its rows are in: :func:`create_indexes`)."""
    for t in all_tables:
        sql = db.create_table_sql(
            t.name,
            {f.name: SQL_TYPES[f.type] for f in t.fields},
            pk=t.primary_key if len(t.primary_key) > 1 else t.primary_key[0],
            foreign_keys=[(fk.fields[0], fk.table, fk.columns[0]) for fk in t.foreign_keys],
            not_null=[f.name for f in t.fields if f.required],
        )
        db.conn.execute(sql.rstrip().removesuffix(";") + (" WITHOUT ROWID" if t.without_rowid else ""))
    if indexes:
        create_indexes(db, all_tables)


def create_indexes(db: sqlite_utils.Database, all_tables: tuple[Table, ...]) -> None:
    """Create every table's indexes."""
    for t in all_tables:
        for cols in t.indexes:
            db.table(t.name).create_index(list(cols))
        for col in t.sparse_indexes:
            db.conn.execute(f'CREATE INDEX "idx_{t.name}_{col}" ON "{t.name}" ("{col}") WHERE "{col}" IS NOT NULL')
