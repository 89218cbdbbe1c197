"""How one report prints its labels and figures: numbering, width, notes, blanks, noise.

A :class:`Style` is drawn once per report, so a report is consistent with
itself the way a real one is (one numbering habit, one way of leaving a cell
blank), while the corpus as a whole covers the habits seen in the wild.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from ..values import Number

_CN_NUM = "一二三四五六七八九十"
_LEAD = re.compile(rf"^(?:(?P<cn>[{_CN_NUM}]+)、|\((?P<paren>[{_CN_NUM}]+)\)|(?P<arabic>\d+)\.|(?P<of>其中):)")
_NOTE = re.compile(r"\([^()]*\)")
_FULL = str.maketrans({"(": "（", ")": "）", ",": "，", ":": "：", ";": "；"})
_FULL_DIGITS = str.maketrans("0123456789.-", "０１２３４５６７８９．－")


@dataclass(frozen=True)
class Style:
    """A report's printing habits."""

    full_width: bool = True
    """Brackets and punctuation in labels printed full width (the usual case)."""
    chinese_numbering: str = "、"
    """What follows 一/二/三 in a label: ``、`` as in the template, or ``.`` / ``．``."""
    arabic_numbering: str = "."
    """What follows 1/2/3: ``.`` as in the template, ``．``, ``、`` or ``)`` (with an opening bracket)."""
    drop_numbering: bool = False
    notes: str = "keep"
    """Bracketed notes in labels: keep, drop."""
    quotes: str = "“”"
    spaced_label: bool = False
    """Spaces inside short labels (``不予 公 开``)."""
    thousands: bool = False
    digit_spaces: bool = False
    """Thousands set apart by spaces (``1 109``, ``41 187 500``), where no separator is printed."""
    full_width_digits: bool = False
    marks: bool = False
    """Stray ``?`` stuck to figures (``?13``, ``0?``), as conversions through GBK leave them."""
    blank: str = ""
    """What a blank value cell prints: nothing, a dash, a slash, 无."""
    negative: str = "-"
    """How a decrease prints: ``-3``, ``－3`` or ``减少3``."""
    split_labels: bool = False
    """Long labels broken over two lines (text) or by ``<br>`` (HTML)."""
    cut_headers: bool = False
    """Column headers broken or cut short (``本年新`` / ``制作数量``, ``本年增/``)."""


def draw_style(rng: random.Random, layout: str) -> Style:
    """A random style that the layout (``html``, ``cells``, ``pipe``, ``pipe_lines``, ``tab``) can carry without losing information."""
    # a blank cell leaves no line in ``cells`` and no place in ``spaced``; ``pipe_lines`` keeps its `` |``
    blank_choices = ("—", "/", "-", "——", "无") if layout in ("cells", "spaced") else ("", "", "—", "/", "-")
    return Style(
        full_width=rng.random() < 0.85,
        chinese_numbering=rng.choice(("、", "、", "、", ".", "．")),
        arabic_numbering=rng.choice((".", ".", "．", "、", ")")),
        drop_numbering=rng.random() < 0.08,
        notes=rng.choice(("keep", "keep", "keep", "drop")),
        quotes=rng.choice(("“”", "“”", '""', "‘’")),
        spaced_label=rng.random() < 0.15,
        thousands=rng.random() < 0.3,
        digit_spaces=layout != "spaced" and rng.random() < 0.1,
        full_width_digits=rng.random() < 0.12,
        marks=layout in ("cells", "pipe_lines") and rng.random() < 0.5,
        blank=rng.choice(blank_choices),
        negative=rng.choice(("-", "-", "－", "减少")),
        split_labels=rng.random() < 0.5,
        cut_headers=rng.random() < 0.4,
    )


def label_text(label: str, style: Style, rng: random.Random) -> str:
    """A template label as this report prints it."""
    s = label
    m = _LEAD.match(s)
    if m:
        rest = s[m.end() :]
        if style.drop_numbering and not m["of"]:
            s = rest
        elif m["cn"]:
            s = m["cn"] + style.chinese_numbering + rest
        elif m["arabic"]:
            n = m["arabic"]
            s = (f"({n})" if style.arabic_numbering == ")" else n + style.arabic_numbering) + rest
    if style.notes == "drop":
        stripped = _NOTE.sub("", s)
        s = stripped if stripped.strip() else s
    s = s.replace("“", style.quotes[0]).replace("”", style.quotes[1])
    if style.full_width:
        s = s.translate(_FULL)
    if style.spaced_label and 3 <= len(s) <= 8 and rng.random() < 0.3:
        i = rng.randrange(1, len(s))
        s = s[:i] + " " + s[i:]
    return s


def split_point(text: str, rng: random.Random) -> int | None:
    """Where a long label may break over two lines (None for short ones)."""
    if len(text) < 8:
        return None
    return rng.randrange(3, len(text) - 2)


def number_text(value: Number, style: Style, rng: random.Random, unit: str = "") -> str:
    """A figure as this report prints it (separators, width, sign, unit)."""
    negative = value < 0
    magnitude = -value if negative else value
    if isinstance(magnitude, float):
        s = f"{magnitude:.2f}".rstrip("0").rstrip(".") if magnitude % 1 else f"{int(magnitude)}"
        if "." in s and style.thousands:
            whole, _, frac = s.partition(".")
            s = f"{int(whole):,}.{frac}"
    else:
        s = f"{magnitude:,}" if style.thousands and magnitude >= 1000 else str(magnitude)
        if style.digit_spaces and not style.thousands and magnitude >= 1000:
            s = f"{magnitude:,}".replace(",", " ")
    if negative:
        s = ("减少" if style.negative == "减少" else style.negative) + s
    if style.full_width_digits:
        s = s.translate(_FULL_DIGITS).replace(",", "，")
    s += unit
    if style.marks and rng.random() < 0.4:
        s = rng.choice(("?", "？")) + s if rng.random() < 0.5 else s + rng.choice(("?", "？"))
    return s


def value_text(value: Number | None, style: Style, rng: random.Random, unit: str = "") -> str:
    """A value cell's text: the figure, or this report's blank."""
    if value is None:
        return style.blank
    return number_text(value, style, rng, unit)
