"""One generated report as a rendering-neutral document: paragraphs, tables and page metadata.

:func:`compose` decides everything about a report that does not depend on how
it is rendered: its title, sections, the rows each table prints (and, for
2019 reports, how loosely they follow the template), the figures, and the
truth the build must recover from any rendering.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from ..families import BUILTIN
from ..layout import Family, Row
from ..values import Number
from . import narrative
from .figures import FAMILIES, Figures, apply_blanks, draw_figures, failing, inject_error
from .grids import Grid, TablePlan, Writer, build_grid, is_tree
from .names import Agency, scale
from .styles import Style


@dataclass
class Para:
    text: str
    role: str = "body"
    """title, heading, body, note, signature, date."""


@dataclass
class Table:
    family: str
    grid: Grid
    header_rows: int
    """Rows of column headers at the top (repeated where a table is split over pages)."""


@dataclass
class PageMeta:
    """What the publishing site prints around the report."""

    site: str
    publisher: str
    published: str
    """ISO date of publication on the site."""
    index_no: str
    doc_no: str
    """The document number, or what the page prints without one (``无``, nothing)."""
    category: str

    @property
    def fields(self) -> dict[str, str | None]:
        """The 索引号 and 文号 as the build should read them from the page (no 文号 where it prints 无)."""
        return {"index_no": self.index_no, "doc_no": self.doc_no if self.doc_no not in ("", "无") else None}


def spaced_label(label: str, rng: random.Random) -> str:
    """A label of two or three characters spaced out to the width of four, as a page aligns its metadata
    block (``文　　号``, ``索 引 号``)."""
    if len(label) == 2:
        return label[0] + rng.choice(("\u3000", "  ", "&nbsp;&nbsp;")) + label[1]
    return rng.choice((" ", "\u3000", "&nbsp;")).join(label) if len(label) == 3 else label


@dataclass
class Doc:
    title: str
    blocks: list[Para | Table]
    page: PageMeta
    signed: str
    """ISO date printed under the signature."""


@dataclass
class Report:
    """A composed report and what the build must read from it."""

    doc: Doc
    fmt: str
    agency: Agency
    year: int
    figures: Figures
    truth_values: dict[str, dict[str, Number | None]]
    facts: dict[str, Number]
    variants: list[str] = field(default_factory=list)


SHORT_TITLE_SHARE = 0.3
"""Share of the townships' reports whose title prints the township's name without its county's (the signature
under the report names it in full)."""


def _title(agency: Agency, year: int, rng: random.Random, variants: list[str]) -> str:
    printed = rng.choice(agency.printed)
    forms = (
        "{p}{y}年政府信息公开工作年度报告",
        "{p}{y}年度政府信息公开工作年度报告",
        "{p}{y}年政府信息公开工作年度报告",
        "{p}关于{y}年度政府信息公开工作的年度报告",
        "{y}年{p}政府信息公开工作年度报告",
        "{p}政府信息公开工作{y}年度报告",
        "{y}年度政府信息公开工作年度报告",
    )
    form = rng.choice(forms)
    if "{p}" not in form:
        variants.append("title_without_body")
    elif agency.short and random.Random(f"short title {agency.name} {year}").random() < SHORT_TITLE_SHARE:
        printed = agency.short
        variants.append("title_short_name")
    return form.format(p=printed, y=year)


def _plan_rows(
    fam: Family, fmt: str, rng: random.Random, loose: bool, variants: list[str], year: int | None = None
) -> tuple[list[Row], frozenset[str], str, bool]:
    """The rows a table prints, in order; for loose 2019 reports some are dropped, merged or moved;
    legacy tables of earlier years lack the rows later templates added (回应解读, 政务微博/微信)."""
    rows = [r for r in fam.rows if fmt in r.columns]
    merged: set[str] = set()
    repeated = ""
    extra_total = False
    if loose and fam.name == "requests" and rng.random() < 0.4:
        heading = rng.choice([r for r in rows if r.heading and r.level == 1])
        merged.add(heading.code)
        variants.append(f"merged_{heading.code}")
    if loose and fam.name == "active":
        choice = rng.random()
        headings = [i for i, r in enumerate(rows) if r.heading]
        if choice < 0.3:
            start = rng.choice(headings[1:])
            end = next((h for h in headings if h > start), len(rows))
            dropped = rows[start:end]
            rows = rows[:start] + rows[end:]
            variants.append("dropped_" + "_".join(r.code for r in dropped if not r.heading))
        elif choice < 0.6:
            a, b = sorted(rng.sample(range(len(headings)), 2))
            blocks = [rows[h : (headings + [len(rows)])[k + 1]] for k, h in enumerate(headings)]
            blocks[a], blocks[b] = blocks[b], blocks[a]
            rows = [r for block in blocks for r in block]
            variants.append("reordered_blocks")
        else:
            extra_total = True
            variants.append("extra_total_row")
    if loose and fam.name == "requests" and rng.random() < 0.3:
        groups = [i for i, r in enumerate(rows) if r.heading and r.level == 1 and r.code not in merged]
        h = rng.choice(groups)
        end = next((k for k in range(h + 1, len(rows)) if rows[k].level <= rows[h].level), len(rows))
        kids = rows[h + 1 : end]
        rng.shuffle(kids)
        rows[h + 1 : end] = kids
        variants.append(f"shuffled_{rows[h].code}")
    if loose and fam.name == "requests" and not merged and rng.random() < 0.5:
        leaves = [r for r in rows if not r.heading and r.level == 2]
        drop = rng.choice(leaves)
        rows = [r for r in rows if r is not drop]
        variants.append(f"dropped_{drop.code}")
    if fam.name == "legacy" and year is not None:
        older = [r for r in rows if (year < 2016 and "response" in r.code) or (year < 2014 and r.code in ("channel_weibo", "channel_wechat"))]
        if older:
            rows = [r for r in rows if r not in older]
            variants.append("older_legacy_table")
    if rng.random() < 0.1 and fam.shape != "wide":
        repeated = rng.choice([r.code for r in rows if not r.heading and r.code not in merged])
        variants.append(f"repeated_{repeated}")
    return rows, frozenset(merged), repeated, extra_total


def _truth_for(plan: TablePlan) -> dict[str, Number | None]:
    """The cells the build must read from a printed table: every cell of the format, blank where unprinted."""
    fam, fmt = plan.family, plan.fmt
    printed: set[str] = set()
    skip: set[str] = set()
    rows = plan.rows
    for i, r in enumerate(rows):
        if r.code in plan.merged:
            for s in rows[i + 1 :]:
                if s.level <= r.level:
                    break
                skip.add(s.code)
    tree = is_tree(fam, fmt)
    for i, r in enumerate(rows):
        if r.heading or r.code in skip:
            continue
        has_kids = i + 1 < len(rows) and rows[i + 1].level > r.level
        if tree and has_kids and not plan.other_subtotal:
            continue
        printed.add(r.code)
    out: dict[str, Number | None] = {}
    for r in fam.data_rows(fmt):
        for c in plan.columns(r):
            cell = fam.cell_code(r.code, c)
            out[cell] = plan.values.get(cell) if r.code in printed else None
    return out


THREE_COLUMN_SHARE = 0.08
"""Share of the table reports whose table 三 prints 法人或其他组织 as one column."""
LOST_LABELS_SHARE = 0.1
"""Share of the table reports whose table 三, dumped one cell per line, leaves out the labels of one heading's
rows (``(三)不予公开`` followed by its eight rows' figures)."""


BLANK_TEMPLATE_SHARE = 0.03
"""Share of the table reports (with no misprint) printing tables 二 and 三 with every cell blank, as a body with
nothing to report may: the build reads the template's rows and invents no figure."""
BLANK_TEMPLATE_FAMILIES = ("active", "requests")


def merged_values(fam: Family, fmt: str, values: dict[str, Number | None]) -> dict[str, Number | None]:
    """``values`` with each merged column's cells (the sum of its parts', blank where one is blank) in place of
    its parts'."""
    out = dict(values)
    for r in fam.data_rows(fmt):
        for m in fam.merged_columns:
            parts = [fam.cell_code(r.code, c) for c in m.parts if c in fam.row_columns(r, fmt)]
            if not parts:
                continue
            got = [out.pop(cell, None) for cell in parts]
            out[fam.cell_code(r.code, m.code)] = None if any(v is None for v in got) else sum(got)  # type: ignore[arg-type]
    return out


def _lost_labels(plan: TablePlan, seed: str) -> str | None:
    """For :data:`LOST_LABELS_SHARE` of tables 三, drawn from a generator of its own (so that the other draws stay
    those of earlier corpora): a row grouping others (a heading, or 2021's ``(六)其他处理``) whose rows are all
    printed, in the template's order, once each."""
    fam, fmt = plan.family, plan.fmt
    if fam.name != "requests" or plan.merged or random.Random(seed).random() >= LOST_LABELS_SHARE:
        return None
    printed = [r.code for r in plan.rows]
    fits = []
    for group in (r for r in plan.rows if r.level > 0):
        under = [r.code for r in fam.rows_under(group, fmt)]
        at = printed.index(group.code)
        if under and printed[at + 1 : at + 1 + len(under)] == under and plan.repeated not in (group.code, *under):
            fits.append(group.code)
    return random.Random(seed + " heading").choice(fits) if fits else None


STRAY_ROW_SHARE = 0.08
"""Share of the table reports whose table 二 prints a row the template does not have among its rows."""
STRAY_LABELS = ("其他主动公开文件", "其他文件", "政府信息公开目录")


def _stray_row(plan: TablePlan, seed: str) -> tuple[str, str, tuple[int, ...]] | None:
    """For :data:`STRAY_ROW_SHARE` of tables 二, drawn from a generator of its own: a printed data row other than
    the last, a label of :data:`STRAY_LABELS` and figures for its columns (see :attr:`TablePlan.stray`)."""
    rng = random.Random(seed)
    if plan.family.name != "active" or rng.random() >= STRAY_ROW_SHARE:
        return None
    data = [r for r in plan.rows if not r.heading][:-1]
    if not data:
        return None
    after = rng.choice(data)
    return after.code, rng.choice(STRAY_LABELS), tuple(rng.randint(0, 60) for _ in plan.columns(after))


def _present(fam: Family, values: dict[str, Number | None]) -> bool:
    return any(v is not None for v in values.values())


def _enough_rows(fam: Family, fmt: str, values: dict[str, Number | None]) -> int:
    return sum(
        1 for r in fam.data_rows(fmt) if any(values.get(fam.cell_code(r.code, c)) is not None for c in fam.row_columns(r, fmt))
    )


def _section_heading(fam: Family) -> str:
    return f"{fam.table_no}、{fam.title}"


def _date_text(iso: str, rng: random.Random) -> str:
    """A signature's date: ``2022年1月20日``, ``2022年01月20日`` or in Chinese numerals ``二〇二二年一月二十日``."""
    y, m, d = (int(x) for x in iso.split("-"))
    cn = "".join(narrative.DIGITS[int(c)] for c in str(y)) + f"年{narrative.chinese_numeral(m)}月{narrative.chinese_numeral(d)}日"
    return rng.choice((f"{y}年{m}月{d}日", f"{y}年{m:02d}月{d:02d}日", cn))


def compose(
    fmt: str, agency: Agency, year: int, style: Style, rng: random.Random, error: bool,
    table_text: bool = True, text_error: bool = False,
) -> Report:
    """A report of format ``fmt`` (``2021``, ``2019``, ``legacy`` or ``prose``) by ``agency`` on ``year``.

    ``error`` misprints one figure of a table; ``text_error`` makes the text state a number of
    requests other than the table's."""
    variants: list[str] = []
    size = scale(agency)
    fig = draw_figures(rng, fmt, size)
    apply_blanks(rng, fmt, fig)
    table_fams = [f for f in BUILTIN if fmt in f.formats and fmt != "prose"]
    if table_fams and sum(_enough_rows(f, fmt, fig.values[f.name]) for f in table_fams) < 8:
        fig = draw_figures(random.Random(rng.random()), fmt, size)
        fig.blanks = "none"
    if error and fmt != "prose":
        inject_error(rng, fmt, fig)
    elif fmt in ("2019", "2021") and not text_error and \
            random.Random(f"blank template {agency.name} {year}").random() < BLANK_TEMPLATE_SHARE:
        for name in BLANK_TEMPLATE_FAMILIES:
            fig.values[name] = dict.fromkeys(fig.values[name])
        fig.blanks = "template"
    variants.append(f"blanks_{fig.blanks}")
    if fig.error:
        variants.append("error_" + fig.error[1])
    loose = fmt == "2019" and rng.random() < 0.35
    if loose:
        variants.append("loose_template")
    other_subtotal = fmt == "2021" and rng.random() < 0.4
    if other_subtotal:
        variants.append("other_subtotal")
    # drawn from a generator of its own, so that the reports' other draws are those of the corpora before it
    three_column = fmt in ("2019", "2021") and random.Random(f"{agency.name} {year}").random() < THREE_COLUMN_SHARE
    if three_column:
        variants.append("three_column_requests")
    writer = Writer(style, rng)
    published = f"{year + 1}-{rng.randint(1, 3):02d}-{rng.randint(1, 28):02d}"
    title = _title(agency, year, rng, variants)
    blocks: list[Para | Table] = [Para(title, "title")]
    split = next((p for p in agency.printed if title.startswith(p) and title[len(p) : len(p) + 4].isdigit()), "")
    if split and rng.random() < 0.2:
        blocks = [Para(split, "title"), Para(title[len(split) :], "title")]
        variants.append("title_over_two_lines")
    period = f"本报告所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。"
    blocks.append(Para(
        "本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）的规定编制，"
        + ("全文包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议和行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项。" if fmt in ("2019", "2021") else "全文包括概述、主动公开政府信息情况、依申请公开政府信息情况、复议诉讼情况、存在的主要问题和改进措施。")
        + (period if rng.random() < 0.7 else "")
    ))
    truth: dict[str, dict[str, Number | None]] = {}
    facts_in: dict[str, Number | None] = {}
    if fmt in ("2019", "2021"):
        req, rev = fig.values["requests"], fig.values["review"]
        facts_in["requests_received"] = req.get("new.total")
        if all(rev.get(f"{g}_total") is not None for g in ("review", "suit_direct", "suit_after_review")):
            facts_in["reviews"] = rev["review_total"]
            facts_in["lawsuits"] = rev["suit_direct_total"] + rev["suit_after_review_total"]  # type: ignore[operator]
    else:
        facts_in = dict(fig.values["legacy"])
    if text_error and facts_in.get("requests_received") is not None:
        facts_in["requests_received"] += rng.choice((1, 2, 5, 10))  # type: ignore[operator]
        variants.append("text_disagrees_with_table")
    sentences, facts = narrative.request_sentences(facts_in, agency, year, rng)
    if fmt in ("2019", "2021"):
        blocks.append(Para("一、总体情况", "heading"))
        blocks += [Para(t) for t in narrative.filler(agency, year, rng, 3)]
        blocks += [Para(t) for t in sentences]
        for fam in table_fams:
            rows, merged, repeated, extra_total = _plan_rows(fam, fmt, rng, loose, variants)
            plan = TablePlan(fam, fmt, fig.values[fam.name], {c: u for (f, c), u in fig.units.items() if f == fam.name},
                             rows, merged, extra_total, repeated, other_subtotal and fam.name == "requests")
            if three_column and fam.merged_columns:
                plan.merged_columns = frozenset(m.code for m in fam.merged_columns)
                plan.values = merged_values(fam, fmt, plan.values)
            if (stray := _stray_row(plan, f"stray {agency.name} {year}")) is not None:
                plan.stray = stray
                variants.append("stray_row")
            if (lost := _lost_labels(plan, f"labels {agency.name} {year}")) is not None:
                plan.lost_labels = frozenset({lost})
                variants.append(f"unlabelled_{lost}")
            values = _truth_for(plan)
            if _present(fam, values):
                truth[fam.name] = values
            blocks.append(Para(_section_heading(fam), "heading"))
            if fam.notes and rng.random() < 0.3:
                blocks.append(Para(f"（{fam.notes}）", "note"))
            grid = build_grid(plan, writer)
            header_rows = {"requests": 2 if plan.merged_columns else 3, "review": 3}.get(fam.name, 0)
            blocks.append(Table(fam.name, grid, header_rows))
        blocks.append(Para("五、存在的主要问题及改进情况", "heading"))
        blocks += [Para(t) for t in narrative.problems(agency, year, rng)]
        blocks.append(Para("六、其他需要报告的事项", "heading"))
        blocks += [Para(t) for t in narrative.other_matters(agency, year, rng)]
    else:
        heads = ("一、概述", "二、主动公开政府信息情况", "三、依申请公开政府信息情况", "四、因政府信息公开申请行政复议、提起行政诉讼的情况", "五、存在的主要问题及改进措施")
        blocks.append(Para(heads[0], "heading"))
        blocks += [Para(t) for t in narrative.filler(agency, year, rng, 2)]
        blocks.append(Para(heads[1], "heading"))
        blocks += [Para(t) for t in narrative.filler(agency, year, rng, 1)]
        blocks.append(Para(heads[2], "heading"))
        blocks += [Para(t) for t in sentences] or [Para("依申请公开工作运行平稳。")]
        blocks.append(Para(heads[4], "heading"))
        blocks += [Para(t) for t in narrative.problems(agency, year, rng)]
    signed_iso = published
    signature = [Para(agency.name, "signature"), Para(_date_text(signed_iso, rng), "date")]
    if fmt == "legacy":
        fam = FAMILIES["legacy"]
        rows, _merged, repeated, _extra = _plan_rows(fam, fmt, rng, False, variants, year)
        plan = TablePlan(fam, fmt, fig.values["legacy"], {c: u for (f, c), u in fig.units.items() if f == "legacy"}, rows, repeated=repeated)
        values = _truth_for(plan)
        if _present(fam, values):
            truth["legacy"] = values
        blocks += signature
        blocks.append(Para("附件", "note"))
        blocks.append(Para(fam.title, "heading"))
        blocks.append(Para(f"（{year}年度）", "note"))
        blocks.append(Table("legacy", build_grid(plan, writer, with_units=rng.random() < 0.85), 1))
    else:
        blocks += signature
    if fmt == "prose" or not table_text:
        truth = {"legacy": dict(facts)} if facts else {}
    page_day = int(published[-2:]) + rng.choice((0, 0, 1, 2))
    page = PageMeta(
        site=agency.site,
        publisher=agency.name if rng.random() < 0.8 else agency.parent_office,
        published=f"{published[:-2]}{page_day:02d}",
        index_no=f"{rng.randint(10**8, 10**9 - 1)}/{year + 1}-{rng.randint(1, 99999):05d}",
        doc_no=rng.choice(("无", "", f"{agency.name[:2]}政办〔{year + 1}〕{rng.randint(1, 60)}号")),
        category="政府信息公开工作年度报告",
    )
    doc = Doc(title, blocks, page, signed_iso)
    rep = Report(doc, fmt, agency, year, fig, truth, facts, variants)
    return rep


def checks_fail(rep: Report, fmt: str) -> list[dict[str, str]]:
    """The rule instances the build must find failing on this report's truth."""
    return failing(rep.truth_values, fmt, rep.facts)
