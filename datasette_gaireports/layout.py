"""The vocabulary every table family is written in: rows, columns, rules.

A family module (``families/active.py`` …) describes one statistical table as
data built from these classes. The parser, the SQL schema, the datapackage,
the balance checks, the export and the reconstruction page all read the same
description.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

Shape = Literal["matrix", "wide", "long"]
"""How a family is stored: ``matrix`` one SQL row per template row with one
column per value column; ``wide`` one SQL row per report, a column per cell;
``long`` one SQL row per indicator with a value and a unit."""

ALL_FORMATS = frozenset({"2019", "2021", "legacy", "prose"})


@dataclass(frozen=True)
class Column:
    """A value column of a family's table."""

    code: str
    label: str
    en: str
    kind: Literal["count", "amount", "change"] = "count"
    group: str = ""
    """Upper header level the column sits under (e.g. 法人或其他组织)."""
    parts: tuple[str, ...] = ()
    """The columns this one stands for where a table prints them as one column under their group's header
    (法人或其他组织 for its five kinds of organisation): a report's table has either this column or its parts."""

    @property
    def sql_type(self) -> str:
        return "INTEGER" if self.kind in ("count", "change") else "NUMERIC"


@dataclass(frozen=True)
class Row:
    """A template row: a label, and the columns it has in each format."""

    code: str
    label: str
    en: str
    columns: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Format → the column codes this row carries, in printed order."""
    labels: dict[str, str] = field(default_factory=dict)
    """Format → the label where a format prints it differently."""
    aliases: tuple[str, ...] = ()
    """Further spellings seen in real reports (matched like the label)."""
    heading: bool = False
    """A heading row: it groups the rows below it and carries no cells."""
    unit: str = ""
    level: int = 0
    """Indentation level on the reconstruction page (0 = top)."""
    optional: frozenset[str] = frozenset()
    """Formats whose template leaves the row out, printed by some reports only (table 三's subtotal (六)其他处理
    in 2021): a rule instance with its cells is checked only where the report has one of them."""

    @cached_property
    def formats(self) -> frozenset[str]:
        return frozenset(self.columns)

    @cached_property
    def width(self) -> int:
        """The most value cells the row has in any format (with the unit cell of a long family's row)."""
        return max((len(cols) for cols in self.columns.values()), default=0)

    def label_for(self, fmt: str) -> str:
        return self.labels.get(fmt, self.label)

    def all_labels(self) -> tuple[str, ...]:
        return (self.label, *self.labels.values(), *self.aliases)


@dataclass(frozen=True)
class Instance:
    """One equation of a rule, for one scope (a column, a row, a group)."""

    scope: str
    left: tuple[str, ...]
    right: tuple[str, ...]
    formats: frozenset[str]
    merged: bool | None = None
    """For a family with a merged column (:attr:`Column.parts`): the instance applies only where the report's
    table prints the merged column (True), only where it prints the parts (False), or either way (None)."""
    previous_merged: bool | None = None
    """For a rule across years: the same as :attr:`merged`, of the report of the year before."""

    @property
    def cells(self) -> tuple[str, ...]:
        return self.left + self.right


@dataclass(frozen=True)
class Rule:
    """A balance rule (勾稽关系) as data: Σ left ``relation`` Σ right."""

    id: str
    family: str
    relation: Literal["=", "<="]
    zh: str
    en: str
    formula: str
    instances: tuple[Instance, ...]
    severity: Literal["fail", "warning"] = "fail"


@dataclass(frozen=True)
class Family:
    """One table family: its layout, where it sits in a report, its rules."""

    name: str
    table_no: str
    title: str
    en: str
    shape: Shape
    row_key: str
    """Name of the SQL column holding the row code (matrix and long shapes)."""
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    sections: tuple[str, ...] = ()
    """Normalised heading keys that open this table in a report."""
    rules: tuple[Rule, ...] = ()
    notes: str = ""
    corner: str = ""
    """Header of the label column where the template prints one (信息内容, 统计指标)."""
    column_header: str = ""
    """Header spanning the value columns (table 三's 申请人情况)."""
    unit_header: str = ""
    """Header of the unit column of ``long`` families (单位)."""
    row_groups: dict[str, str] = field(default_factory=dict)
    """Row code → the upper header it sits under in ``wide`` families (table 四's 行政诉讼)."""

    # What the methods below read is worked out from the layout once, on first use, and kept on the family
    # (a family's layout never changes): one cached property each.

    def row(self, code: str) -> Row:
        return self._rows_by_code[code]

    def column(self, code: str) -> Column:
        return self._columns_by_code[code]

    @cached_property
    def _rows_by_code(self) -> dict[str, Row]:
        return {r.code: r for r in self.rows}

    @cached_property
    def _columns_by_code(self) -> dict[str, Column]:
        return {c.code: c for c in self.columns}

    @cached_property
    def row_order(self) -> dict[str, int]:
        """Row code → its place among :meth:`data_rows` of every format: the order a report's rows are printed in."""
        return {r.code: k for k, r in enumerate(self.data_rows())}

    def rows_under(self, row: Row, fmt: str) -> tuple[Row, ...]:
        """The rows holding cells in ``fmt`` that ``row`` groups: those after it, up to the next row at its level
        or above (``(三)不予公开``: its eight reasons; 2021's ``(六)其他处理``: its three)."""
        return self._rows_under.get((row.code, fmt), ())

    @cached_property
    def _rows_under(self) -> dict[tuple[str, str], tuple[Row, ...]]:
        out: dict[tuple[str, str], tuple[Row, ...]] = {}
        for k, row in enumerate(self.rows):
            under = []
            for r in self.rows[k + 1 :]:
                if r.level <= row.level:
                    break
                under.append(r)
            for fmt in row.formats:
                if rows := tuple(r for r in under if not r.heading and fmt in r.columns):
                    out[(row.code, fmt)] = rows
        return out

    @cached_property
    def formats(self) -> frozenset[str]:
        """The formats that print this table."""
        return frozenset().union(*(r.formats for r in self.rows if not r.heading))

    def data_rows(self, fmt: str | None = None) -> tuple[Row, ...]:
        """The rows that hold cells, in printed order (for one format if given)."""
        return tuple(
            r for r in self.rows if not r.heading and (fmt is None or fmt in r.columns)
        )

    def row_columns(self, row: Row, fmt: str, merged: frozenset[str] = frozenset()) -> tuple[str, ...]:
        """The columns ``row`` has in ``fmt``, with the parts of each column of ``merged`` (see
        :meth:`merged_printed`) replaced by that one column."""
        cols = row.columns.get(fmt, ())
        for code in merged:
            parts = self._columns_by_code[code].parts
            if parts and parts[0] in cols:
                k = cols.index(parts[0])
                cols = (*cols[:k], code, *(c for c in cols[k:] if c not in parts))
        return cols

    @cached_property
    def merged_columns(self) -> tuple[Column, ...]:
        """The columns a table may print in place of their parts (:attr:`Column.parts`)."""
        return tuple(c for c in self.columns if c.parts)

    def merged_printed(self, columns: Iterable[str]) -> frozenset[str]:
        """The merged columns among ``columns`` (the column codes of a report's cells)."""
        return frozenset(columns).intersection(c.code for c in self.merged_columns)

    def merged_pairs(self, row: Row) -> tuple[tuple[str, str], ...]:
        """(column, cell code) of each merged column ``row`` has where a table prints it."""
        return self._merged_pairs.get(row.code, ())

    @cached_property
    def _merged_pairs(self) -> dict[str, tuple[tuple[str, str], ...]]:
        out: dict[str, tuple[tuple[str, str], ...]] = {}
        for r in self.data_rows():
            used = {c for cols in r.columns.values() for c in cols}
            pairs = tuple((m.code, self.cell_code(r.code, m.code)) for m in self.merged_columns if used & set(m.parts))
            if pairs:
                out[r.code] = pairs
        return out

    def cell_code(self, row: str, column: str) -> str:
        """The canonical code of a cell, as rules, checks and the export name it."""
        if self.shape == "matrix":
            return f"{row}.{column}"
        if self.shape == "wide":
            return f"{row}_{column}"
        return row

    def printed_rows(self, fmt: str) -> tuple[tuple[Row, str, tuple[tuple[str, str], ...]], ...]:
        """:meth:`data_rows` of ``fmt`` with what a report's rows are written from: (row, its label in ``fmt``,
        its (column, cell code) pairs)."""
        return self._printed_rows.get(fmt, ())

    @cached_property
    def _printed_rows(self) -> dict[str, tuple[tuple[Row, str, tuple[tuple[str, str], ...]], ...]]:
        return {
            fmt: tuple(
                (r, r.label_for(fmt), tuple((c, self.cell_code(r.code, c)) for c in self.row_columns(r, fmt)))
                for r in self.data_rows(fmt)
            )
            for fmt in sorted(self.formats)
        }

    def optional_cells(self, fmt: str) -> frozenset[str]:
        """The cells of the rows ``fmt`` prints in some reports only (:attr:`Row.optional`)."""
        return self._optional_cells.get(fmt, frozenset())

    @cached_property
    def _optional_cells(self) -> dict[str, frozenset[str]]:
        out: dict[str, set[str]] = {}
        for r in self.data_rows():
            for fmt in r.optional:
                out.setdefault(fmt, set()).update(self.cell_code(r.code, c) for c in self.row_columns(r, fmt))
                out[fmt].update(cell for _column, cell in self.merged_pairs(r))
        return {fmt: frozenset(cells) for fmt, cells in out.items()}

    def instances_for(self, fmt: str) -> tuple[tuple[Rule, Instance, tuple[str, ...]], ...]:
        """The rule instances that check a report of ``fmt``, in the rules' order, each with its cells of
        optional rows (:meth:`optional_cells`): an instance with such cells applies only where the report
        has one of them."""
        return self._instances.get(fmt, ())

    @cached_property
    def _instances(self) -> dict[str, tuple[tuple[Rule, Instance, tuple[str, ...]], ...]]:
        formats = {fmt for rule in self.rules for inst in rule.instances for fmt in inst.formats}
        return {
            fmt: tuple(
                (rule, inst, tuple(c for c in inst.cells if c in self.optional_cells(fmt)))
                for rule in self.rules for inst in rule.instances if fmt in inst.formats
            )
            for fmt in sorted(formats)
        }

    @cached_property
    def merged_suffixes(self) -> tuple[str, ...]:
        """How the codes of a merged column's cells end (``.legal_person``): a report has the column where
        one of its cells' codes does."""
        return tuple(f".{c.code}" for c in self.merged_columns) if self.shape == "matrix" else ()

    def cell_codes(self, fmt: str) -> tuple[str, ...]:
        """The codes of the cells ``fmt`` prints, in printed order."""
        return tuple(cell for _row, _label, cells in self.printed_rows(fmt) for _column, cell in cells)

    def split_cell(self, cell: str) -> tuple[str, str]:
        """Inverse of :meth:`cell_code`: (row code, column code); :class:`KeyError` for a cell the family lacks
        (``wide`` families)."""
        if self.shape == "matrix":
            row, _, column = cell.partition(".")
            return row, column
        if self.shape == "wide":
            return self._wide_cells[cell]
        return cell, "value"

    @cached_property
    def _wide_cells(self) -> dict[str, tuple[str, str]]:
        return {name: (r.code, c.code) for name, r, c in self._wide_columns}

    def wide_columns(self) -> tuple[tuple[str, Row, Column], ...]:
        """For ``wide`` families: (SQL column name, row, column) in printed order."""
        return self._wide_columns

    @cached_property
    def _wide_columns(self) -> tuple[tuple[str, Row, Column], ...]:
        by_code = self._columns_by_code
        seen: dict[str, tuple[str, Row, Column]] = {}
        for r in self.data_rows():
            for cols in r.columns.values():
                for c in cols:
                    name = self.cell_code(r.code, c)
                    seen.setdefault(name, (name, r, by_code[c]))
        return tuple(seen.values())

    def sql_value_columns(self) -> tuple[Column, ...]:
        """For ``matrix`` families: every value column any row uses (a merged column where its parts are
        used), in order."""
        used = {c for r in self.data_rows() for cols in r.columns.values() for c in cols}
        return tuple(c for c in self.columns if c.code in used or used.intersection(c.parts))


def sum_rule(
    id: str,
    family: str,
    zh: str,
    en: str,
    formula: str,
    instances: list[Instance],
    relation: Literal["=", "<="] = "=",
    severity: Literal["fail", "warning"] = "fail",
) -> Rule:
    """Build a :class:`Rule` from a list of instances (a readability helper)."""
    return Rule(id, family, relation, zh, en, formula, tuple(instances), severity)
