"""Figures stated in sentences, for reports without a statistics table.

Each pattern is data: the legacy code it fills, a regular expression over one
normalised sentence, and whether it reads a count or states that there was
none. Every figure is stored with the sentence it came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mypy_extensions import mypyc_attr

from .tables import Cell
from .text import normalise
from .values import chinese_count

_N = (r"(\d+|(?<=[共计为达了有请议讼息开]|\s)[零〇一二两三四五六七八九十百千]+)\s*(?:件|宗|条|个|份|次|起|项)"
      r"(?!工作日|自然日|日|天|小时|月)")
"""A count and its measure word, not a time limit (15个工作日). The count is in digits, or in Chinese numerals
(两件, 十二件) right after a word that leads to a count (共, 为, 申请, 依申请公开, 复议 …), so that 每一件 is none."""
_NONE = r"(?:没有|未|无|均未|从未|尚未|不存在)"


@mypyc_attr(native_class=False)  # frozen native classes cannot be unpickled
@dataclass(frozen=True)
class Pattern:
    code: str
    regex: re.Pattern[str]
    zero: bool = False
    """The pattern states that there was none: the figure is 0."""


def _p(code: str, regex: str, zero: bool = False) -> Pattern:
    return Pattern(code, re.compile(regex), zero)


PATTERNS: tuple[Pattern, ...] = (
    _p("requests_received", r"(?:收到|受理|接到|接收)[^,;。]{0,20}?(?:依申请公开|公开申请|信息公开申请|公开政府信息申请|申请)[^0-9,;。]{0,6}?" + _N),
    _p("requests_received", r"(?:依申请公开|信息公开申请)[^0-9,;。]{0,6}?(?:共|合计)" + _N),
    _p("requests_received", _NONE + r"[^。;,]{0,10}?(?:收到|受理|接到|接收)[^。;,]{0,20}?"
       r"(?:依申请公开|公开申请|信息公开申请|公开政府信息申请|公开的申请|信息的申请)", zero=True),
    _p("requests_online", r"(?:网上|网络|在线|互联网|电子邮件|数据电文)[^0-9,;。()]{0,30}?申请[^0-9,;。]{0,2}?" + _N),
    _p("requests_in_person", r"(?:当面|现场)申请[^0-9,;。]{0,2}?" + _N),
    _p("requests_fax", r"传真(?:申请)?[^0-9,;。]{0,2}?" + _N),
    _p("requests_letter", r"(?:信函|信件|邮寄)(?:申请)?[^0-9,;。]{0,2}?" + _N),
    _p("active_total", r"主动公开(?:政府)?信息[^0-9,;。]{0,2}?" + _N),
    _p("reviews", r"行政复议[^0-9,;。]{0,2}?" + _N),
    _p("lawsuits", r"行政诉讼[^0-9,;。]{0,2}?" + _N),
    _p("reviews", _NONE + r"[^。;]{0,30}?行政复议", zero=True),
    _p("lawsuits", _NONE + r"[^。;]{0,30}?(?:行政)?诉讼", zero=True),
    _p("complaints", _NONE + r"[^。;]{0,30}?(?:举报|投诉)", zero=True),
    _p("fees_collected", r"(?:没有|未|不)[^。;]{0,12}?收取[^。;]{0,16}?费用", zero=True),
    _p("fees_collected", r"(?:信息公开|依申请公开|公开申请)[^。;]{0,10}?(?:没有|未|无|不)[^。;]{0,4}?收费", zero=True),
)

_SENTENCE = re.compile(r"[^。;!?\n]+[。;!?]?")
_TRIGGER = re.compile(
    "收到|受理|接到|接收|依申请公开|信息公开申请|网上|网络|在线|互联网|电子邮件|数据电文|当面|现场|传真|信函|信件|邮寄"
    "|主动公开|复议|诉讼|举报|投诉|收取|收费"
)
"""A word every pattern needs: a line without one states no figure."""


def sentences(text: str) -> list[tuple[int, str]]:
    """(line number, sentence) pairs of a text's lines that may state a figure."""
    out = []
    lines = text.splitlines()
    normalised = normalise(text).splitlines()  # the whole text's form is kept from reading its metadata
    if len(normalised) != len(lines):
        normalised = [normalise(line) for line in lines]
    for lineno, (line, norm) in enumerate(zip(lines, normalised), 1):
        if not _TRIGGER.search(norm):
            continue
        for m in _SENTENCE.finditer(line):
            s = m.group(0).strip()
            if s:
                out.append((lineno, s))
    return out


def _count(text: str) -> int | None:
    return int(text) if text.isdigit() else chinese_count(text)


def figures(text: str) -> list[Cell]:
    """The legacy-coded figures a report's sentences state; the first statement of each code wins."""
    found: dict[str, Cell] = {}
    for lineno, sentence in sentences(text):
        norm = normalise(sentence)
        for pat in PATTERNS:
            if pat.code in found:
                continue
            m = pat.regex.search(norm)
            if not m:
                continue
            value = 0 if pat.zero else _count(m.group(1))
            if value is None:
                continue
            raw = m.group(0)
            found[pat.code] = Cell(
                "legacy", pat.code, pat.code, "value", raw, value, "", "prose",
                lineno, f"line {lineno}", sentence,
            )
    return list(found.values())
