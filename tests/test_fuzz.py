"""Hostile inputs: every case ends as a parsed report or an unparsed one with a reason; none raises."""

from __future__ import annotations

import codecs

import pytest
import sqlite_utils
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from datasette_gaireports import pipeline
from datasette_gaireports.build import build
from datasette_gaireports.report import ParsedReport, parse_file

from .conftest import SEEDS

FAMILIES = pipeline.families()
MARKERS = {f.code: f.markers for f in pipeline.formats()}
SEED_BYTES = [p.read_bytes() for p in sorted(SEEDS.iterdir())]
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def parse(data: bytes, name: str = "fuzz.txt") -> ParsedReport:
    rep = parse_file(data, name, FAMILIES, MARKERS)
    assert rep.status in ("parsed", "unparsed")
    if rep.status == "unparsed":
        assert rep.reason.startswith(name) and len(rep.reason) > len(name) + 5
    else:
        assert rep.format in ("2019", "2021", "legacy", "prose")
    for cell in rep.cells:
        assert cell.value is None or isinstance(cell.value, (int, float))
    return rep


@FUZZ
@given(st.binary(max_size=4096))
def test_random_bytes(data):
    parse(data)


@FUZZ
@given(st.sampled_from(SEED_BYTES), st.floats(min_value=0, max_value=1))
def test_truncated_reports(data, fraction):
    parse(data[: int(len(data) * fraction)])


@FUZZ
@given(st.sampled_from(SEED_BYTES), st.data())
def test_seed_with_random_corruption(data, draw):
    buf = bytearray(data)
    for _ in range(draw.draw(st.integers(1, 20))):
        pos = draw.draw(st.integers(0, len(buf) - 1))
        buf[pos] = draw.draw(st.integers(0, 255))
    parse(bytes(buf))


@FUZZ
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=3000))
def test_random_text(text):
    parse(text.encode("utf-8", "replace"))


_tags = st.sampled_from(["table", "tr", "td", "th", "p", "div", "span", "br", "tbody", "b", "html", "body"])


@st.composite
def html_fragments(draw) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 60))):
        tag = draw(_tags)
        kind = draw(st.integers(0, 3))
        if kind == 0:
            attrs = ""
            if tag in ("td", "th"):
                attrs = f' rowspan="{draw(st.sampled_from(["0", "1", "3", "-2", "x", "65535", "99999999999"]))}"'
                attrs += f' colspan="{draw(st.sampled_from(["1", "2", "0", "65535", ""]))}"'
            parts.append(f"<{tag}{attrs}>")
        elif kind == 1:
            parts.append(f"</{tag}>")
        else:
            parts.append(draw(st.sampled_from(["规章", "12", "?3", "(一)予以公开", "总计", "—", "&nbsp;", "１２", "-5", "3.5", "1" * 40, "\x00", "\ufeff"])))
    return "".join(parts)


@FUZZ
@given(html_fragments())
def test_random_html(fragment):
    parse(f"<html><body>{fragment}</body></html>".encode("utf-8", "replace"), "fuzz.html")


@pytest.mark.parametrize(
    "name,data",
    [
        ("deep.html", b"<html><body>" + b"<div>" * 10000 + "规章".encode() + b"</div>" * 10000 + b"</body></html>"),
        ("deep_tables.html", b"<html><body>" + b"<table><tr><td>" * 3000 + b"1" + b"</td></tr></table>" * 3000 + b"</body></html>"),
        ("cells.html", b"<html><body><table>" + b"<tr>" + b"<td>1</td>" * 100000 + b"</tr></table></body></html>"),
        ("rowspan.html", b"<html><body><table><tr><td rowspan=65535 colspan=65535>1</td></tr></table></body></html>"),
        ("nul.txt", SEED_BYTES[0].replace("规章".encode(), b"\x00")),
        ("bad_utf8.txt", SEED_BYTES[0][:3000] + b"\xff\xfe\xc3\x28" + SEED_BYTES[0][3000:]),
        ("bad_gbk.txt", SEED_BYTES[4].decode("utf-8").encode("gb18030")[:5000] + b"\x81\x20\xfe" + SEED_BYTES[4].decode("utf-8").encode("gb18030")[5000:]),
        ("bom.txt", codecs.BOM_UTF8 + SEED_BYTES[0]),
        ("utf16.txt", SEED_BYTES[4].decode("utf-8").encode("utf-16")),
        ("crlf.txt", SEED_BYTES[0].replace(b"\n", b"\r\n")),
        ("cr.txt", SEED_BYTES[0].replace(b"\n", b"\r")),
        ("digits40.txt", SEED_BYTES[0].replace("(一)予以公开\n\n27\n".encode(), ("(一)予以公开\n\n" + "9" * 40 + "\n").encode())),
        ("negative.txt", SEED_BYTES[0].replace("(一)予以公开\n\n27\n".encode(), "(一)予以公开\n\n-27\n".encode())),
        ("decimal.txt", SEED_BYTES[0].replace("(一)予以公开\n\n27\n".encode(), "(一)予以公开\n\n27.5\n".encode())),
    ],
)
def test_pathological_inputs(name, data):
    parse(data, name)


@pytest.mark.parametrize("newline", [b"\r\n", b"\r"])
def test_line_ends_do_not_change_the_figures(newline):
    plain = parse(SEED_BYTES[0]).values()
    other = parse(SEED_BYTES[0].replace(b"\n", newline)).values()
    assert plain == other


def test_bom_is_dropped_and_figures_kept():
    assert parse(codecs.BOM_UTF8 + SEED_BYTES[0]).values() == parse(SEED_BYTES[0]).values()


def test_forty_digit_figure_is_flagged_out_of_range(tmp_path):
    data = SEED_BYTES[0].replace("(一)予以公开\n\n27\n".encode(), ("(一)予以公开\n\n" + "9" * 40 + "\n").encode())
    rep = parse(data)
    cell = next(c for c in rep.cells if c.cell == "granted.natural_person")
    assert (cell.raw, cell.value, cell.flag, cell.anomaly) == ("9" * 40, None, "out_of_range", True)
    assert {(c.rule, c.scope) for c in rep.checks if c.status != "pass"} == {("R2", "natural_person"), ("R3", "granted")}
    (tmp_path / "big.txt").write_bytes(data)
    build([tmp_path], tmp_path / "o.db")
    stored = next(sqlite_utils.Database(tmp_path / "o.db").query("select raw, value, flag from cells where cell = 'granted.natural_person'"))
    assert stored == {"raw": "9" * 40, "value": None, "flag": "out_of_range"}


def test_negative_and_decimal_counts_fail_their_rules():
    for text in ("-27", "27.5"):
        rep = parse(SEED_BYTES[0].replace("(一)予以公开\n\n27\n".encode(), f"(一)予以公开\n\n{text}\n".encode()))
        assert rep.check_status == "fail", text
