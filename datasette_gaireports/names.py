"""A reporting body's name: its normal form and the kind of body it names.

The normal form is what identifies a body across its reports: simplified
characters, half-width forms, no white space, and no year or report-title
words (``衡陽市應急管理局2018年度政府信息公開工作年度報告`` and
``衡阳市应急管理局`` are one name). The kinds are data: a suffix pattern per
kind, tried in order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .text import normalise

_YEAR = re.compile(r"[(\[]?(?:19|20)\d{2}\s*年度?[)\]]?")
_TITLE_TAIL = re.compile(
    r"(?:的)?(?:(?:政府信息公开|政务公开|信息公开)(?:工作)?(?:年度)?(?:报告|年报)?|(?:工作)?(?:年度报告|年报|工作报告))$"
)
_EDGE_PUNCT = "()[]{}<>:;,.、·-—_ \"'“”‘’《》〈〉【】"


def normalise_name(printed: str) -> str:
    """The normal form of a body's name as printed (idempotent)."""
    s = re.sub(r"\s+", "", normalise(printed))
    s = _YEAR.sub("", s)
    s = re.sub(r"^关于", "", s)
    previous = None
    while previous != s:
        previous = s
        s = _TITLE_TAIL.sub("", s).strip(_EDGE_PUNCT)
    return s


VERTICAL_PREFIXES: tuple[str, ...] = (
    "国家税务总局", "国家金融监督管理总局", "中国银行保险监督管理委员会", "中国人民银行",
    "国家统计局", "国家外汇管理局", "中国证券监督管理委员会", "国家邮政局",
)
"""National bodies whose local branches print the national name first
(``国家税务总局铁岭市税务局``): the place follows the prefix."""

NATIONAL_PREFIXES: tuple[str, ...] = ("国务院", "中华人民共和国", "国家", "中国", "全国")
NATIONAL_SUFFIXES: tuple[str, ...] = ("部", "署", "总局")
"""A name with no place that starts or ends with these is a national body (教育部, 海关总署)."""

TOWNSHIP = re.compile(
    r"^([\u4e00-\u9fff]{1,10}?(?:民族乡|街道|镇|乡|苏木))(?=人民政府|政府|街道办事处|办事处|$)"
)
"""A township's name at the start of what follows the county: 千灯镇, 东城街道, 城关镇."""

TOWNSHIP_WORDS = ("街道", "镇", "乡", "苏木", "村")
"""A short place name followed by one of these is part of a township's name, not the place."""


@dataclass(frozen=True)
class Kind:
    """A kind of reporting body, recognised by the end of its name."""

    code: str
    label: str
    en: str
    pattern: re.Pattern[str] | None


def _k(code: str, label: str, en: str, pattern: str | None) -> Kind:
    return Kind(code, label, en, re.compile(pattern) if pattern else None)


KINDS: tuple[Kind, ...] = (
    _k("government_office", "人民政府办公室/办公厅", "general office of a people's government",
       r"(?:人民政府|政府|国务院)办公(?:室|厅)$"),
    _k("township", "乡/镇/街道", "township, town or sub-district government", None),
    _k("government", "人民政府", "people's government", r"(?:人民政府|政府|^国务院)$"),
    _k("development_zone", "开发区管委会", "administrative committee of a development zone or park",
       r"(?:开发区|高新区|园区|新区|试验区|保税区|示范区|合作区|产业区|旅游区|度假区)"
       r"(?:(?:党工委)?(?:管委会|管理委员会|管理局|管理办公室|工作委员会))?$"),
    _k("department", "部门", "department or agency (教育局, 应急管理局, …)",
       r"(?:局|委员会|委|厅|部|署|办公室|办|中心|院|所|队|站|处|社|馆|会)$"),
    _k("other", "其他", "a body of no recognised kind", None),
    _k("unidentified", "未识别", "placeholder: the report neither prints nor lets us infer its body", None),
)
KIND_CODES = tuple(k.code for k in KINDS)


def kind_of(name: str, township: str, remainder: str) -> str:
    """The kind code of a normalised name (``township`` is the township part, ``remainder`` what follows it)."""
    for kind in KINDS:
        if kind.code == "township":
            if township and remainder in ("", "人民政府", "政府", "办事处", "街道办事处"):
                return kind.code
        elif kind.pattern is not None and kind.pattern.search(name):
            return kind.code
    return "other"


def is_national(name: str) -> bool:
    """A name with no place that names a national body."""
    return name.startswith(NATIONAL_PREFIXES) or name.endswith(NATIONAL_SUFFIXES)


def strip_vertical(name: str) -> tuple[str, str]:
    """(vertical prefix, rest) of a name such as 国家税务总局铁岭市税务局."""
    for prefix in VERTICAL_PREFIXES:
        if name.startswith(prefix) and len(name) > len(prefix):
            return prefix, name[len(prefix):]
    return "", name
