"""Text normalisation: traditional → simplified, full-width → half-width, label keys."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import opencc

_T2S = opencc.OpenCC("t2s")
_TO_TRADITIONAL = ("s2t", "s2tw")

_NUM = "一二三四五六七八九十"
_NUMBERING = re.compile(
    rf"^(?:[{_NUM}]+[、.]|[{_NUM}]+(?=\()|\([{_NUM}\d]+\)|\d+[.、)](?!\d)|\d+(?=[\u4e00-\u9fff])(?![\d年月日])|其中[:]?|附件\d*[:]?)+"
)
_PARENTHETICAL = re.compile(r"\([^()]*\)")
_OPEN_TAIL = re.compile(r"\([^()]*$")
_CLOSE_HEAD = re.compile(r"^[^()]*\)")
_NON_WORD = re.compile(r"[^\w]|_")


@lru_cache(maxsize=1)
def traditional_only() -> frozenset[str]:
    """Characters only traditional text uses: OpenCC simplifies them, and a traditional
    conversion of the result gives them back (後, 縣, 為, but not 乾 or 著, which simplified text uses too)."""
    chars = [chr(c) for c in range(0x4E00, 0xA000)]
    simple = _T2S.convert("\n".join(chars)).split("\n")
    backs = [opencc.OpenCC(cfg).convert("\n".join(simple)).split("\n") for cfg in _TO_TRADITIONAL]
    return frozenset(c for k, (c, s) in enumerate(zip(chars, simple)) if s != c and any(b[k] == c for b in backs))


@lru_cache(maxsize=1)
def _traditional_char() -> re.Pattern[str]:
    """One of :func:`traditional_only` (a character class: a compact bitmap, where a set of thousands of
    characters is looked up character by character)."""
    return re.compile("[" + "".join(sorted(traditional_only())) + "]")


def simplify(text: str) -> str:
    """Traditional to simplified characters (OpenCC ``t2s``), line by line.

    A line with no character only traditional text uses is left as it is, so
    simplified text keeps the characters OpenCC would otherwise take for
    traditional ones (乾县 stays 乾县; 乾縣 becomes 乾县).
    """
    trad = _traditional_char().search
    if not trad(text):
        return text
    lines = text.split("\n")
    todo = [k for k, line in enumerate(lines) if trad(line)]
    done = _T2S.convert("\n".join(lines[k] for k in todo)).split("\n")  # one call: OpenCC keeps line breaks
    if len(done) != len(todo):
        done = [_T2S.convert(lines[k]) for k in todo]
    for k, line in zip(todo, done):
        lines[k] = line
    return "\n".join(lines)


_FOLDED_RANGES = ((0xA0, 0x3400), (0xF900, 0x10000))
"""Where the characters NFKC changes in Chinese text are: Latin-1 signs, CJK symbols, compatibility ideographs,
full-width and half-width forms."""


@lru_cache(maxsize=1)
def _fold_table() -> dict[str, str]:
    """Character → its NFKC form, for the characters of :data:`_FOLDED_RANGES` NFKC changes. No form holds
    a character of the table, so replacing one character never makes another to replace."""
    return {
        chr(c): folded for lo, hi in _FOLDED_RANGES for c in range(lo, hi)
        if not 0xD800 <= c < 0xE000 and (folded := unicodedata.normalize("NFKC", chr(c))) != chr(c)
    }


@lru_cache(maxsize=1)
def _foldable() -> re.Pattern[str]:
    """One of the characters :func:`_fold_table` changes."""
    codes = sorted(map(ord, _fold_table()))
    spans: list[list[int]] = []
    for c in codes:
        if spans and spans[-1][1] == c - 1:
            spans[-1][1] = c
        else:
            spans.append([c, c])
    return re.compile("[" + "".join(f"\\u{a:04x}-\\u{b:04x}" for a, b in spans) + "]")


def fold(text: str) -> str:
    """Unicode NFKC (full-width digits, letters, brackets and spaces to ASCII).

    Each character is first replaced by its own NFKC form, which leaves the
    text's NFKC unchanged; a text still not in NFKC after that (combining
    marks, characters out of the table's ranges) is normalised whole. Each
    distinct character that changes is replaced throughout at once: in
    Chinese text they are a few punctuation marks, often repeated.
    """
    table = _fold_table()
    folded = text
    for char in set(_foldable().findall(text)):
        folded = folded.replace(char, table[char])
    if not unicodedata.is_normalized("NFKC", folded):
        folded = unicodedata.normalize("NFKC", folded)
    return folded.replace("\u3000", " ")


SHORT = 256
"""Texts up to this length (labels, cells, metadata fragments) are normalised through a cache."""


def count_left(runs: re.Pattern[str], text: str) -> int:
    """How many characters of ``text`` are left once the runs ``runs`` matches are taken out (a count of
    the characters outside a class, by its complement: faster than finding each one)."""
    return len(runs.sub("", text))


def normalise(text: str) -> str:
    """Simplified and width-folded text, the form every matcher works on."""
    return _normalise_short(text) if len(text) <= SHORT else _normalise_long(text)


def _normalised(text: str) -> str:
    return fold(simplify(text))


_normalise_short = lru_cache(maxsize=1 << 16)(_normalised)
_normalise_long = lru_cache(maxsize=4)(_normalised)
"""A whole report's text, normalised once for the several readers of it."""


@lru_cache(maxsize=65536)
def label_key(text: str) -> str:
    """The key a table label is matched by.

    Numbering (``三、``, ``(一)``, ``1.``, ``1)``, ``其中:``), parenthetical notes
    (also a note cut off by a line break: the open ``(…`` at the end of a
    label's first line, the ``…)`` starting its second), punctuation, quotes
    and white space are dropped; traditional characters and full-width forms
    are folded. ``(三)不予 公 开`` and ``3.危及“三安全一稳定”``
    become ``不予公开`` and ``危及三安全一稳定``.
    """
    s = normalise(text)
    s = re.sub(r"\s+", "", s)
    s = s.replace("?", "")
    s = _NUMBERING.sub("", s)
    s = _PARENTHETICAL.sub("", s)
    s = _CLOSE_HEAD.sub("", _OPEN_TAIL.sub("", s))
    return _NON_WORD.sub("", s)


def is_parenthetical(text: str) -> bool:
    """True for a cell that is only a note in brackets, such as a label's second line."""
    s = re.sub(r"\s+", "", normalise(text))
    return bool(s) and s.startswith("(") and s.endswith(")") and not label_key(s)
