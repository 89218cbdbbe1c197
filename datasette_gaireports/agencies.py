"""Who reported: one identity per body across its reports, with its kind, level and region.

A body is its normalised name *and* its region: two bodies with the same name
in different places (two 城关镇人民政府) never merge, and neither do a
government and its general office (某市人民政府, 某市人民政府办公室), whose
names differ. A parsed report that names no body and lets none be inferred
gets a placeholder of its own, never a guessed name; a local body whose
region cannot be resolved (two 朝阳区人民政府, one in Beijing and one in
Changchun, would read alike) is kept to its own report rather than risk a
merge.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace

from .meta import Meta
from .names import is_national, kind_of, normalise_name
from .regions import LEVELS, Region, parse_name, region_from_text
from .text import normalise

AGENCY_LEVELS = ("national", "province", "prefecture", "county", "township")
CONFIDENCES = ("high", "medium", "low", "none")
SOURCE_CONFIDENCE = {"title": "high", "text": "high", "page": "medium", "inferred": "low", "none": "none"}
"""How far a name can be trusted, by where it came from (see ``Meta.agency_source``)."""
COMPLETED_CONFIDENCE = {"high": "medium", "medium": "low", "low": "low", "none": "none"}
"""One step down where the printed name was completed (a bare 铁岭市 read as 铁岭市人民政府)."""
PLACEHOLDER_NAME = "未识别机构"
UNRESOLVED_NOTE = (
    "region not resolved (the name prints no place, or one that fits several divisions, and the text does not "
    "settle it): kept apart from every other report's body of the same name"
)
REGION_SOURCES = ("name", "text", "none")


@dataclass(frozen=True)
class Agency:
    """A reporting body as one report presents it."""

    agency_id: str
    name: str
    printed: str
    kind: str
    department: str
    level: str | None
    region: Region
    confidence: str
    note: str = ""

    @property
    def placeholder(self) -> bool:
        return self.kind == "unidentified"


def agency_id(name: str, region_key: str) -> str:
    """A stable id from the normalised name and the region's stable key."""
    return hashlib.sha256(f"{name}\0{region_key}".encode()).hexdigest()[:12]


def placeholder(sha256: str, reason: str) -> Agency:
    """The agency of a report that prints no body and lets none be inferred: its own, never shared."""
    aid = hashlib.sha256(f"\0unidentified\0{sha256}".encode()).hexdigest()[:12]
    return Agency(aid, PLACEHOLDER_NAME, "", "unidentified", "", None, Region(), "none", reason)


def _consistent(found: Region, partial: Region) -> bool:
    """True where ``found`` lies inside what the name already said (same province, prefecture, county)."""
    return all(
        getattr(partial, lvl) in (None, getattr(found, lvl)) for lvl in LEVELS
    ) and LEVELS.index(found.level or "province") >= LEVELS.index(partial.level or "province")


def resolve_region(name: str, year: int | None, text: str) -> tuple[Region, str, str, str | None]:
    """(region, township, remainder, level) of a normalised name, from the name, else from the report's text.

    ``text`` is the report's text as decoded; it is normalised only where the name leaves the region open.
    """
    parsed = parse_name(name, year)
    region, township = parsed.region, parsed.township
    needs_text = (not region.resolved and not is_national(name)) or (township and region.level != "county")
    if needs_text and text:
        key = township or name[len(parsed.vertical):]
        found = region_from_text(normalise(text), key, year)
        if found is not None and _consistent(found, region):
            region = found
    if township:
        region = replace(region, township=township, key=f"{region.key}/{township}")
        level: str | None = "township"
    elif region.resolved:
        level = region.level
    else:
        level = "national" if is_national(name) else None
    return region, township, parsed.remainder, level


def identify(meta: Meta, year: int | None, text: str, sha256: str) -> Agency:
    """The agency of one parsed report."""
    if not meta.agency:
        return placeholder(sha256, "the report prints no body name and none could be inferred from its text")
    name = normalise_name(meta.agency)
    region, _township, remainder, level = resolve_region(name, year, text)
    kind = kind_of(name, region.township or "", remainder)
    confidence = SOURCE_CONFIDENCE.get(meta.agency_source, "low")
    printed = meta.agency_printed if meta.agency_source in ("title", "text", "page") else ""
    if printed and normalise_name(printed) != name:
        confidence = COMPLETED_CONFIDENCE[confidence]
    key, note = region.key, ""
    if not region.resolved and level != "national":
        key, note = f"unresolved/{sha256}", UNRESOLVED_NOTE
    return Agency(
        agency_id=agency_id(name, key),
        name=name,
        printed=printed,
        kind=kind,
        department=remainder if kind == "department" else "",
        level=level,
        region=region,
        confidence=confidence,
        note=note,
    )
