"""Text normalisation: the fast paths give what the plain definitions give."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from datasette_gaireports.text import _T2S, fold, simplify, traditional_only

# Full-width forms, CJK symbols, combining marks, Hangul jamo (which compose), compatibility
# ideographs, mathematical letters (out of the fold table's ranges) and plain text.
_CHARS = st.one_of(
    st.characters(min_codepoint=0x20, max_codepoint=0x7E),
    st.characters(min_codepoint=0x300, max_codepoint=0x36F),
    st.characters(min_codepoint=0x1100, max_codepoint=0x11FF),
    st.characters(min_codepoint=0x3000, max_codepoint=0x33FF),
    st.characters(min_codepoint=0x4E00, max_codepoint=0x4E80),
    st.characters(min_codepoint=0xF900, max_codepoint=0xFFEF),
    st.characters(min_codepoint=0x1D400, max_codepoint=0x1D4FF),
)


@settings(max_examples=500, deadline=None)
@given(st.text(_CHARS, max_size=30))
def test_fold_is_nfkc(text):
    assert fold(text) == unicodedata.normalize("NFKC", text).replace("\u3000", " ")


def test_fold_examples():
    assert fold("（一）２０２１年，共１２件。") == "(一)2021年,共12件。"
    assert fold("e\u0301\u3000㎡") == "\u00e9 m2"


def test_simplify_converts_only_the_lines_with_traditional_characters():
    text = "乾县人民政府\n乾縣人民政府\n\n政府資訊公開\n信息公开"
    assert simplify(text) == "乾县人民政府\n乾县人民政府\n\n政府资讯公开\n信息公开"
    trad = traditional_only()
    by_line = [line if trad.isdisjoint(line) else _T2S.convert(line) for line in text.split("\n")]
    assert simplify(text) == "\n".join(by_line)
    assert simplify("信息公开") == "信息公开"
