"""A spam-mirror copy (advertising spliced into the text) still parses, and the report is flagged."""

from __future__ import annotations

from datasette_gaireports import pipeline
from datasette_gaireports.report import parse_file

from .conftest import SEEDS

FAMILIES = pipeline.families()
MARKERS = {f.code: f.markers for f in pipeline.formats()}


def _parse(text: str, name: str = "r.txt"):
    return parse_file(text.encode("utf-8"), name, FAMILIES, MARKERS)


def test_seed_000_is_a_spam_mirror_and_flagged():
    rep = _parse((SEEDS / "000_02a42f32ea1aea98.txt").read_text(encoding="utf-8"))
    assert rep.status == "parsed" and rep.format == "2019"
    assert "spam mirror: advertising spliced into the text (即时比分 ×3)" in rep.reason


def test_clean_seeds_are_not_flagged():
    for name in ("001_6062cf8d5ea0336b.txt", "002_87372135737a189f.txt", "003_0f7dd0209a58a4d8.txt",
                 "004_4de4fcdb2784b386.txt"):
        assert "spam" not in _parse((SEEDS / name).read_text(encoding="utf-8"), name).reason, name


def test_spliced_advertising_leaves_the_figures_as_they_are():
    clean = (SEEDS / "001_6062cf8d5ea0336b.txt").read_text(encoding="utf-8")
    lines = clean.splitlines()
    tables = lines.index("二、主动公开政府信息情况")
    spliced = "\n".join(lines[:3] + ["澳门葡京娱乐城,注册送彩金,真人荷官在线!"] + lines[3:tables]
                        + ["時時彩 百家樂 體育投注 www.example.invalid"] + lines[tables:])
    a, b = _parse(clean), _parse(spliced)
    assert a.values() == b.values() and a.meta.agency == b.meta.agency and b.format == "2019"
    assert "spam mirror" in b.reason
    for term in ("澳门葡京", "娱乐城", "注册送", "彩金", "真人荷官", "时时彩", "百家乐", "体育投注"):
        assert term in b.reason, term
