"""Reading one cell's printed text into a number, a unit and a flag.

A blank cell is ``None``, never 0; the raw text is always kept by the caller.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from mypy_extensions import mypyc_attr

from .text import normalise

UNITS = ("万元", "人次", "元", "条", "件", "次", "篇", "个", "人", "项", "宗", "份", "家", "期")
DASHES = frozenset({"-", "--", "—", "——", "–", "/", "\\", "无", "空", "－", "―", "─"})
_NOISE = re.compile(r"[?？\s,，、'`\u00a0\u200b]+")
_NUMBER = re.compile(
    r"^(?P<sign>[-+]|减少|增加|减|增)?(?P<num>\d+(?:\.\d+)?)(?P<unit>" + "|".join(UNITS) + r")?$"
)

Number = int | float
MAX_FIGURE = 10**15
"""Figures this large are no plausible count or amount (and overflow SQLite's integers)."""


@mypyc_attr(native_class=False)  # frozen native classes cannot be unpickled
@dataclass(frozen=True)
class Value:
    """What a cell's text says: a number or ``None``, its unit, and a flag.

    Flags: ``""`` clean; ``noise`` stray marks (``?``, spaces, separators) were
    removed; ``blank``; ``dash`` a dash or 无 standing for nothing;
    ``not_a_number`` text that is no figure (the value is ``None``);
    ``out_of_range`` a figure of :data:`MAX_FIGURE` or more (the value is ``None``).
    """

    number: Number | None
    unit: str = ""
    flag: str = ""

    @property
    def is_number(self) -> bool:
        return self.number is not None


@lru_cache(maxsize=1 << 16)
def parse_value(raw: str) -> Value:
    """Parse a cell's printed text (``?13``, ``1,109``, ``82万元``, ``减少3``, ``—``); results are cached,
    since a corpus prints the same few thousand cell texts over and over."""
    text = normalise(raw).strip()
    if not text:
        return Value(None, flag="blank")
    cleaned = _NOISE.sub("", text).replace("−", "-")
    if not cleaned:
        return Value(None, flag="noise")
    if cleaned in DASHES or set(cleaned) <= set("-—–―─"):
        return Value(None, flag="dash")
    m = _NUMBER.match(cleaned)
    if not m:
        return Value(None, flag="not_a_number")
    num = m["num"]
    number: Number = float(num) if "." in num else int(num)
    if abs(number) >= MAX_FIGURE:
        return Value(None, flag="out_of_range")
    if m["sign"] in ("-", "减少", "减"):
        number = -number
    flag = "noise" if cleaned != text else ""
    return Value(number, unit=m["unit"] or "", flag=flag)


CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CN_UNITS = {"十": 10, "百": 100, "千": 1000}


def chinese_count(text: str) -> int | None:
    """A count in Chinese numerals (两, 十二, 二十, 一百零五) as a number; None for text that is not one (digits
    read one by one, as in the year 二〇二二, are not a count)."""
    total = current = 0
    after_digit = False
    for ch in text:
        digit, unit = CN_DIGITS.get(ch), CN_UNITS.get(ch)
        if digit is not None:
            if after_digit and current:
                return None
            current, after_digit = digit, True
        elif unit is not None:
            total += (current or 1) * unit
            current, after_digit = 0, False
        else:
            return None
    return total + current if text else None


def is_unit(raw: str) -> bool:
    """True for a cell that holds only a unit (the 单位 column of the legacy table)."""
    text = normalise(raw).strip()
    return text in UNITS


def looks_like_value(raw: str) -> bool:
    """True for a cell that may stand in a value position (a figure, blank or dash)."""
    v = parse_value(raw)
    return v.flag != "not_a_number"
