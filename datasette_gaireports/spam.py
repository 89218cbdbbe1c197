"""Advertising that spam mirrors splice into copies of government pages.

Mirrors of government sites replace words of the page with gambling and
advertising terms (seed 000 reads 即时比分办公厅 where the original has
国务院办公厅). The report still parses; the terms found are reported so a
reader knows the copy is not the original.
"""

from __future__ import annotations

import re
from collections import Counter

from .text import normalise

TERMS: tuple[str, ...] = (
    "即时比分", "比分直播", "足球比分", "体育投注", "体育博彩", "博彩", "彩票网", "时时彩", "六合彩",
    "百家乐", "娱乐城", "赌场", "真人荷官", "老虎机", "网上赌", "棋牌游戏", "澳门葡京", "威尼斯人",
    "开户送", "注册送", "彩金", "代孕", "发票代开",
)
_PATTERN = re.compile("|".join(map(re.escape, TERMS)))


def spliced_terms(text: str) -> Counter:
    """Advertising terms in a report's text, with how often each occurs."""
    return Counter(_PATTERN.findall(normalise(text)))


def spam_note(text: str) -> str:
    """A note for the report's reason, or ``""`` where the text carries no such term."""
    found = spliced_terms(text)
    if not found:
        return ""
    terms = ", ".join(f"{term} ×{n}" for term, n in sorted(found.items()))
    return f"spam mirror: advertising spliced into the text ({terms})"
