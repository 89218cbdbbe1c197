"""Writing a corpus: N reports over every format × rendering, each beside its truth.

Layout of the output folder::

    OUT/reports/0001_2019_html_gbk.html      the report as published
    OUT/truth/0001_2019_html_gbk.html.json   its truth, in the export's JSON shape

Build ``OUT/reports`` and score the export against ``OUT/truth``
(:mod:`datasette_gaireports.corpus.score`). The same ``n`` and ``seed``
always give the same bytes.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import opencc

from ..families import BUILTIN
from ..layout import Family
from ..values import Number
from .document import Report, Table, checks_fail, compose
from .names import draw_agency
from .render_html import page_html
from .render_text import render_text
from .styles import Style, draw_style

FORMATS = ("2021", "2019", "legacy", "prose")
RENDERINGS = (
    "html",
    "html_gbk",
    "html_big5",
    "text_cells",
    "text_pipe",
    "text_pipe_lines",
    "text_tab",
    "text_spaced",
    "text_traditional",
    "prose_only",
)
YEARS = {"2021": (2021, 2023), "2019": (2019, 2020), "legacy": (2009, 2018), "prose": (2008, 2020)}
ERROR_SHARE = 0.2
"""Share of table reports with one misprinted figure."""
REUSE_AFTER = 200
"""Draws of bodies already taken before a body may report a second time."""
MAX_DRAWS = 20_000
TEXT_ERROR_SHARE = 0.05
"""Share of table reports whose text states a number of requests other than their table's."""

_S2T = opencc.OpenCC("s2tw")
_T2S = opencc.OpenCC("t2s")


@dataclass
class Generated:
    name: str
    data: bytes
    truth: dict[str, Any]


def _tables(values: dict[str, dict[str, Number | None]], fmt: str) -> dict[str, Any]:
    """Truth values in the export's shape: every row of the format for tables, the stated codes for prose."""
    fams: dict[str, Family] = {f.name: f for f in BUILTIN}
    out: dict[str, Any] = {}
    for name, cells in values.items():
        fam = fams[name]
        if fam.shape == "wide":
            out[name] = {col: cells.get(col) for col, _r, _c in fam.wide_columns()}
        elif fam.shape == "long":
            codes = [r.code for r in fam.data_rows(fmt)] if fmt != "prose" else list(cells)
            out[name] = {code: cells.get(code) for code in codes}
        else:
            merged = fam.merged_printed(fam.split_cell(cell)[1] for cell in cells)
            out[name] = {
                r.code: {c: cells.get(fam.cell_code(r.code, c)) for c in fam.row_columns(r, fmt, merged)}
                for r in fam.data_rows(fmt)
            }
    return out


def _round_trips(text: str) -> bool:
    return _T2S.convert(_S2T.convert(text)) == text


def _encode(text: str, wanted: str) -> tuple[bytes, str]:
    """Bytes in the wanted encoding, or UTF-8 where the text holds characters it cannot encode."""
    try:
        return text.encode(wanted), wanted
    except UnicodeEncodeError:
        return text.encode("utf-8"), "utf-8"


def layout_of(rendering: str, rng: random.Random) -> str:
    """The concrete layout a rendering uses: ``html`` or a text layout."""
    if rendering.startswith("html") or (rendering == "prose_only" and rng.random() < 0.7):
        return "html"
    fixed = {"text_cells": "cells", "text_pipe": "pipe", "text_pipe_lines": "pipe_lines", "text_tab": "tab", "text_spaced": "spaced"}
    return fixed.get(rendering) or rng.choice(("cells", "pipe", "pipe_lines"))


@dataclass
class Rendered:
    """A composed report as a file, and what its rendering adds to the truth."""

    suffix: str
    data: bytes
    encoding: str
    notes: list[str]
    links: dict[str, Any] = field(default_factory=dict)
    """For a web page: the addresses of its attachments and how many images its body shows."""


def render(rep: Report, rendering: str, layout: str, style: Style, rng: random.Random) -> Rendered:
    """A composed report rendered as a file."""
    notes: list[str] = []
    doc = rep.doc
    if layout == "html":
        wanted = {"html_gbk": "gbk", "html_big5": "big5"}.get(rendering, "utf-8")
        declared = wanted if wanted != "gbk" else rng.choice(("gb2312", "gbk", "GB2312"))
        if rng.random() < 0.2:
            declared = "utf-8" if wanted != "utf-8" else "gb2312"
            notes.append("charset_declared_wrongly")
        images = rendering == "prose_only"
        text, attachments = page_html(doc, style, rng, declared, images=images)
        if rendering == "html_big5":
            text = _S2T.convert(text)
        data, enc = _encode(text, wanted)
        shown = sum(1 for b in doc.blocks if isinstance(b, Table)) if images else 0
        return Rendered(".html" if rng.random() < 0.7 else ".htm", data, enc, notes,
                        {"attachments": attachments, "images": shown})
    notes.append(f"layout_{layout}")
    chrome = rng.random() < 0.3
    if chrome:
        notes.append("page_dump")
    if rendering == "prose_only":
        doc = type(doc)(doc.title, [b for b in doc.blocks if not hasattr(b, "grid")], doc.page, doc.signed)
    text = render_text(doc, style, rng, layout, chrome)
    if rendering == "text_traditional":
        text = _S2T.convert(text)
        data, enc = _encode(text, rng.choice(("utf-8", "big5")))
    else:
        data, enc = _encode(text, "gb18030" if rng.random() < 0.3 else "utf-8")
    return Rendered(".txt", data, enc, notes)


def published(rep: Report, data: bytes, suffix: str, notes: list[str]) -> str:
    """The publication date the report or its page prints first: the page's, else the signature's."""
    if suffix.startswith(".htm") or "page_dump" in notes:
        return rep.doc.page.published
    return rep.doc.signed


def page_fields(rep: Report, suffix: str, notes: list[str]) -> dict[str, str | None]:
    """The 索引号 and 文号 of the page (a web page, or a text dump of one) as the build should read them."""
    return rep.doc.page.fields if suffix.startswith(".htm") or "page_dump" in notes else {}


def generate_one(
    index: int, fmt: str, rendering: str, rng: random.Random, taken: dict[str, set[int]] | None = None
) -> Generated:
    """One report of format ``fmt`` in ``rendering``, by a body not in ``taken`` (body → years reported).

    One report per body, so no two reports form a year pair that the cross-year
    rules would compare; once the names run out (after :data:`REUSE_AFTER`
    draws of bodies already taken, as in a national-size corpus), a body reports
    again in a year at least two years from its others.
    """
    traditional = rendering in ("html_big5", "text_traditional")
    taken = taken if taken is not None else {}
    lo, hi = YEARS[fmt]
    year = None
    for attempt in range(1, MAX_DRAWS + 1):
        agency = draw_agency(rng)
        years = taken.get(agency.name)
        if years is None:
            if not traditional or _round_trips(agency.name):
                break
        elif attempt > REUSE_AFTER and (not traditional or _round_trips(agency.name)):
            free = [y for y in range(lo, hi + 1) if all(abs(y - t) >= 2 for t in years)]
            if free:
                year = rng.choice(free)
                break
    else:
        raise RuntimeError(f"report {index}: no body left to draw for format {fmt} ({len(taken)} bodies taken)")
    year = rng.randint(lo, hi) if year is None else year
    taken.setdefault(agency.name, set()).add(year)
    error = fmt != "prose" and rendering != "prose_only" and rng.random() < ERROR_SHARE
    layout = layout_of(rendering, rng)
    style = draw_style(rng, layout)
    text_error = fmt != "prose" and rendering != "prose_only" and rng.random() < TEXT_ERROR_SHARE
    rep = compose(fmt, agency, year, style, rng, error, table_text=rendering != "prose_only", text_error=text_error)
    rendered = render(rep, rendering, layout, style, rng)
    suffix, data, encoding, notes = rendered.suffix, rendered.data, rendered.encoding, rendered.notes
    name = f"{index:04d}_{fmt}_{rendering}{suffix}"
    truth_fmt = "prose" if rendering == "prose_only" else fmt
    truth = {
        "source": name,
        "agency": agency.name,
        "year": year,
        "format": truth_fmt,
        "published": published(rep, data, suffix, notes),
        **page_fields(rep, suffix, notes),
        **rendered.links,
        "tables": _tables(rep.truth_values, truth_fmt),
        "checks_fail": checks_fail(rep, truth_fmt),
        "template": fmt,
        "rendering": rendering,
        "encoding": encoding,
        "variants": rep.variants + notes,
    }
    return Generated(name, data, truth)


def plan(n: int, seed: int) -> list[tuple[str, str]]:
    """(format, rendering) of each report: every combination in turn, then shuffled."""
    combos = [(f, r) for f in FORMATS for r in RENDERINGS]
    picks = [combos[i % len(combos)] for i in range(n)]
    random.Random(seed).shuffle(picks)
    return picks


def generate_corpus(out_dir: str | Path, n: int, seed: int = 0, resume: bool = False) -> list[dict[str, Any]]:
    """Write ``n`` reports and their truth under ``out_dir``; return the truth objects.

    With ``resume``, reports whose truth file is already written are read back, not generated again
    (the output is the same as one uninterrupted run).
    """
    out = Path(out_dir)
    (out / "reports").mkdir(parents=True, exist_ok=True)
    (out / "truth").mkdir(parents=True, exist_ok=True)
    done = {p.name.split("_", 1)[0]: p for p in (out / "truth").glob("*.json")} if resume else {}
    truths = []
    taken: dict[str, set[int]] = {}
    for i, (fmt, rendering) in enumerate(plan(n, seed), 1):
        known = done.get(f"{i:04d}")
        if known is not None and (out / "reports" / known.name[: -len(".json")]).is_file():
            truth = json.loads(known.read_text(encoding="utf-8"))
            taken.setdefault(truth["agency"], set()).add(truth["year"])
            truths.append(truth)
            continue
        rng = random.Random(f"{seed}:{i}")
        g = generate_one(i, fmt, rendering, rng, taken)
        (out / "reports" / g.name).write_bytes(g.data)
        (out / "truth" / f"{g.name}.json").write_text(json.dumps(g.truth, ensure_ascii=False, indent=1), encoding="utf-8")
        truths.append(g.truth)
    return truths
