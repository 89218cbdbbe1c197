"""A report's metadata: title, reporting body, year reported on, publication date."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from .text import normalise
from .values import CN_DIGITS, chinese_count

_TITLE = re.compile(r"(?:政府信息公开|政务公开).{0,12}(?:年度报告|工作报告|年报)")
_SENTENCE_MARKS = re.compile(r"[。;;!?、,]")
_YEAR_END = re.compile(r"(?:19|20)\d{2}\s*年度?$")
_BARE_TITLE = re.compile(r"^(?:政府信息公开|政务公开)(?:工作)?(?:年度报告|年报)$")
_NOT_TITLE = re.compile(r"^(?:上一篇|下一篇|主题词|相关|附件|关于|按照|根据|编制|特编制|现公布|本年度报告|本报告)")
_YEAR_IN_TITLE = re.compile(r"[(]?((?:19|20)\d{2})\s*年度?[)]?")
_PERIOD = re.compile(r"统计期限自\s*((?:19|20)\d{2})\s*年")
_YEAR_WORD = re.compile(r"((?:19|20)\d{2})\s*年(?!\d|\s*\d+\s*月)")
_DATE = re.compile(r"((?:19|20)\d{2})\s*(?:年|-|/|\.)\s*(\d{1,2})\s*(?:月|-|/|\.)\s*(\d{1,2})\s*日?")
_PAGE_DATE = re.compile(r"(?:发布日期|发布时间|成文日期|时间|日期)\s*[:]?\s*" + _DATE.pattern)
_BARE_PLACE = re.compile(r"^[\u4e00-\u9fff]{1,12}?(?:省|自治区|市|自治州|州|盟|县|自治县|旗|区)$")
_REPORT_WORDS = re.compile(r"政府信息公开|政务公开")
_PLACES = re.compile(r"(?:[\u4e00-\u9fff]{1,10}?(?:省|自治区|市|自治州|州|盟|地区|自治县|县|旗|新区|区))+")
"""One or more place names, the larger first (``湛江市遂溪县``)."""
TOWNSHIP_BODIES = (("街道", "办事处"), ("镇", "人民政府"), ("乡", "人民政府"))
"""A township printed bare (城关镇, 新华街道) names its people's government or its street office."""
ZONE_WORDS = ("园区", "开发区", "新区", "高新区", "试验区", "示范区", "保税区", "合作区", "度假区", "风景区", "管理区", "产业园")
"""A place printed bare with one of these endings is a zone, run by a 管理委员会 (管委会)."""
_SIGNATURE = re.compile(r"^[\u4e00-\u9fff()]{2,40}$")
_BODY_WORDS = ("政府", "办公室", "办公厅", "局", "委员会", "委", "厅", "部", "署", "院", "管委会", "中心", "办", "所", "街道", "镇", "乡", "处", "队", "会", "站")

# Where a report prints no body name: "<place><domain>微博/网站…" in its text gives
# the place and the department; 我局/全市 give the kind and the level.
DEPARTMENTS: dict[str, str] = {
    "应急": "应急管理局", "安监": "安全生产监督管理局", "教育": "教育局", "公安": "公安局",
    "民政": "民政局", "财政": "财政局", "人社": "人力资源和社会保障局", "自然资源": "自然资源局",
    "生态环境": "生态环境局", "环保": "环境保护局", "住建": "住房和城乡建设局", "交通": "交通运输局",
    "水利": "水利局", "农业": "农业农村局", "商务": "商务局", "文旅": "文化和旅游局",
    "卫健": "卫生健康委员会", "审计": "审计局", "统计": "统计局", "市场监管": "市场监督管理局",
    "税务": "税务局", "司法": "司法局", "城管": "城市管理局", "医保": "医疗保障局", "林业": "林业局",
}
_ACCOUNT = re.compile(
    r"(?<![\u4e00-\u9fff])([\u4e00-\u9fff]{2,3}?)(" + "|".join(DEPARTMENTS) + r")(?:微博|微信|公众号|门户网|网站|官网|发布)"
)
_LEVEL_WORDS = {"市": ("全市", "市局", "本市", "市委", "市政府"), "县": ("全县", "县局", "本县"), "区": ("全区", "区局", "本区")}


_CN_DIGITS = {c: str(n) for c, n in CN_DIGITS.items() if c != "两"} | {"○": "0", "Ｏ": "0", "O": "0"}
"""Chinese numerals as a year is printed digit by digit (二〇二一, 二Ｏ二一), each to its digit."""
_CN_YEAR_DIGITS = f"[{''.join(_CN_DIGITS)}]{{4}}"
_CN_YEAR = re.compile(f"({_CN_YEAR_DIGITS})(?=年)")


def cn_years(text: str) -> str:
    """``text`` with years printed in Chinese numerals (二〇二一年) in digits (2021年)."""
    return _CN_YEAR.sub(lambda m: "".join(_CN_DIGITS[c] for c in m[1]), text)


@dataclass
class Meta:
    title: str = ""
    agency: str = ""
    agency_printed: str = ""
    agency_source: str = "none"
    agency_evidence: str = ""
    year: int | None = None
    published: str | None = None
    index_no: str | None = None
    """索引号, the number of the report in its government's catalogue of information, as the page prints it."""
    doc_no: str | None = None
    """文号, the report's document number, as the page prints it."""


def find_title(lines: list[str], page_title: str = "") -> str:
    """The report's title line: short, names 政府信息公开…报告, not a navigation link.

    A title set over two lines (the body's name above ``2021年政府信息公开工作年度报告``, or a line
    broken inside the words: ``某街道办事处2023年度政府`` above ``信息公开工作年度报告``) is joined back. A title
    printing no year is taken where it is the report words alone below a line naming a body (``某局`` above
    ``政府信息公开工作年度报告``) or where one line names the body and the report words (``某街道办事处政府信息公开
    工作年度报告``); the year is then the statistics period's (:func:`find_year`). Where no line is a title, the
    page's own title is, else the name a sentence publishes the report by (:data:`_ANNOUNCED`).
    """
    seen: list[str] = []
    head = lines[:400]
    for i, line in enumerate(head):
        s = normalise(line).strip()
        if not s:
            continue
        if _is_title(s):
            above = re.sub(r"\s+", "", seen[-1]) if seen else ""
            if not agency_from_title(s) and _names_body(above):
                return above + s
            return s
        if "报" in s:  # a title ends in …报告, …年报
            if seen and _broken_title(seen[-1], s):
                return seen[-1] + s
            if seen and _BARE_TITLE.match(s) and _names_body(above := re.sub(r"\s+", "", seen[-1])):
                return above + s
            if _named_without_year(s):  # a title with its year just below (a column's name above it) goes first
                below = (t for t in (normalise(x).strip() for x in head[i + 1 : i + 1 + TITLE_REACH]) if _is_title(t))
                return next(below, s)
        seen.append(s)
    page = normalise(page_title).strip()
    if page and _TITLE.search(page):
        return page
    announced = (m[1] for line in head[:ANNOUNCE_LINES] for m in _ANNOUNCED.finditer(normalise(line)))
    return next((t for t in announced if _is_title(t) and not t.startswith(_SELF)), "")  # 现将我局2022年…: no title


def _broken_title(above: str, s: str) -> bool:
    """Whether ``above`` and ``s`` are one title broken over two lines: inside its report words (``…2023年度政府`` /
    ``信息公开工作年度报告``), or after its year (``宿州市人民政府2016年`` / ``政府信息公开工作年度报告``)."""
    if len(above) + len(s) > 70 or _NOT_TITLE.match(s) or _SENTENCE_MARKS.search(above) or not _is_title(above + s):
        return False
    return not (_TITLE.search(above) or _TITLE.search(s)) or bool(_BARE_TITLE.match(s) and _YEAR_END.search(above))


_SELF = ("我", "本", "全", "该", "各")
"""How a report's words for itself start (我局, 本机关, 全区, 该局, 各单位): no body's name."""
ANNOUNCE_LINES = 30
_PUBLISHES = r"现(?:将|公布|公开|发布)"
"""How a sentence publishing the report begins (``现公布``…): it names the report, and so its body."""
_ANNOUNCED = re.compile("(?:" + _PUBLISHES + r"|编制)《?([^《》。;；,，:：]{6,70}?(?:年度报告|工作报告|年报))")
"""A sentence publishing or compiling the report by its name (``现公布某乡2021年政府信息公开工作年度报告。``,
``编制某局2023年度政府信息公开工作报告。``): where no line is its title (a page printing its title only in the site's
template), that name is."""
TITLE_REACH = 6
"""Lines below a title printing no year where a title printing one is looked for."""


def _named_without_year(s: str) -> bool:
    """A title naming its body and printing no year: ``驼峰路街道办事处政府信息公开工作年度报告``."""
    words = _REPORT_WORDS.search(s)
    return (words is not None and words.start() > 0 and bool(_BARE_TITLE.match(s[words.start():]))
            and _names_body(s[: words.start()]))


_OTHER_DOCUMENT = re.compile(r"(?:通知|通报|意见|函|办法|方案|要点|公告|决定|批复)[)]?$")
"""The end of the title of another kind of document naming the report (``…关于做好2021年度政府信息公开工作年度报告
编制发布工作的通知``): a notice may attach the blank template, and is no report."""


def _is_title(s: str) -> bool:
    return (
        6 <= len(s) <= 70
        and bool(_TITLE.search(s))
        and bool(_YEAR_IN_TITLE.search(cn_years(s)))
        and not _NOT_TITLE.match(s)
        and not re.search(r"[《:>]", s)
        and not _OTHER_DOCUMENT.search(s)
    )


def _names_body(text: str) -> bool:
    """A line holding only a body's name (a signature, the first line of a two-line title)."""
    return bool(_SIGNATURE.match(text)) and (text.endswith(_BODY_WORDS) or bool(_BARE_PLACE.match(text))) and not _TITLE.search(text)


def agency_from_title(title: str) -> str:
    """The body's name as the title prints it: the words before the year and the report words.

    ``某局2021年政府信息公开工作年度报告``, ``某局关于2021年度政府信息公开工作的年度报告``,
    ``某局政府信息公开工作2021年度报告`` and ``2021年某局政府信息公开工作年度报告`` all give
    ``某局``; a title naming no body (``2021年度政府信息公开工作年度报告``) gives ``""``.
    """
    s = cn_years(re.sub(r"\s+", "", title))
    m = _YEAR_IN_TITLE.search(s)
    words = _REPORT_WORDS.search(s)
    end = words.start() if words else len(s)
    if m and 0 < m.start() < end:
        end = m.start()
    start = m.end() if m and m.start() == 0 else 0
    name = s[start:end]
    name = re.sub(r"^关于|关于$", "", name).strip("(),:、 ")
    return name


def complete_name(name: str, text: str) -> tuple[str, str]:
    """A bare place (铁岭市, 城关镇) names its people's government, a bare zone (某工业园区) its 管理委员会 where the
    text prints it; prefer the full form the text prints."""
    for place, body in TOWNSHIP_BODIES:
        if name.endswith(place) and len(name) > len(place):
            full = name + body
            return full, f"text prints {full}" if full in text else f"bare township name {name}: its {body}"
    if not name or not _BARE_PLACE.match(name) or name.endswith(_BODY_WORDS):
        return name, ""
    full = name + "人民政府"
    if full in text:
        return full, f"text prints {full}"
    if name.endswith(ZONE_WORDS):  # a zone has an administrative committee, no people's government
        committee = next((name + body for body in ("管理委员会", "管委会") if name + body in text), "")
        return (committee, f"text prints {committee}") if committee else (name, "")
    return full, f"bare place name {name}: its people's government"


_NAME = r"([\u4e00-\u9fff()]{2,40}?)"
_AUTHOR = (
    (re.compile("由" + _NAME + r"(?:负责)?(?:编制|根据|汇总|综合)"), "the text names the report's author"),
    (re.compile(_PUBLISHES + _NAME + r"(?:\d{4}|" + _CN_YEAR_DIGITS + ")年"),
     "the text names the report's author"),
    (re.compile("结合" + _NAME + r"\d{4}年"), "the text names the report's author"),
    (re.compile(r"(?:^|\n)\s*(?:\d{4}|" + _CN_YEAR_DIGITS + r")年度?(?:以来)?[,，]\s*(?:在[^。;；,，]{2,30}下[,，]\s*)?"
                + _NAME + r"(?=以|认真|坚持|严格|全面|紧紧|紧密|深入|按照|围绕|持续|进一步|始终|积极|切实|不断|高度|在)"),
     "a paragraph of the text opens with the body doing the year's work"),
)
"""Sentences naming the body that wrote the report, and what each says: ``本报告由某局编制``, ``现公开某局2020年…
报告``, ``结合某局2022年政府信息公开工作实际``, and a paragraph opening ``2020年,某局以…`` / ``…认真贯彻…`` (also
after ``在…领导下,``)."""
_INNER_OFFICE = re.compile(r"(?:党政|综合|政务公开|政府信息公开|信息公开)[\u4e00-\u9fff]{0,8}?办(?:公室)?")
"""A body's own office that compiles the report (某镇人民政府党政办公室, 某市人民政府信息公开工作领导小组办公室,
某区人民政府信息公开办)."""


def author_in_text(text: str) -> tuple[str, str]:
    """The body a sentence names as the report's author, where the name starts with its place (or is a township's)
    and is no self-reference (我局, 本机关); else ``("", "")``. A body's own office that compiled the report
    gives the body."""
    for pattern, says in _AUTHOR:
        for m in pattern.finditer(text[:3000]):
            name = m.group(1)
            body = next((name[:k] for k in range(2, len(name)) if _INNER_OFFICE.fullmatch(name, k)
                         and name[:k].endswith(_BODY_WORDS)), "")
            name = body or name
            if name.startswith(_SELF) or not name.endswith(_BODY_WORDS):
                continue
            if _PLACES.match(name) or any(place in name for place, _body in TOWNSHIP_BODIES):
                return name, f"{says}: {m.group(0).strip()}"
    return "", ""


def infer_agency(text: str) -> tuple[str, str]:
    """Infer a body the report does not name, from accounts and self-references in its text."""
    m = Counter(_ACCOUNT.findall(text)).most_common(1)
    if not m:
        return "", ""
    (place, dept), _count = m[0]
    level_counts = {lvl: sum(text.count(w) for w in words) for lvl, words in _LEVEL_WORDS.items()}
    level = max(level_counts, key=lambda k: level_counts[k])
    if not level_counts[level]:
        return "", ""
    name = f"{place}{level}{DEPARTMENTS[dept]}"
    evidence = f"{place}{dept}… account; {level} level from {', '.join(w for w in _LEVEL_WORDS[level] if w in text)}"
    if "我局" in text:
        evidence += "; self-reference 我局"
    return name, evidence


def find_year(title: str, text: str, published: str | None) -> int | None:
    """The year reported on: the title's, else the statistics period's, else the most cited."""
    m = _YEAR_IN_TITLE.search(cn_years(re.sub(r"\s+", "", title)))
    if m:
        return int(m[1])
    m = _PERIOD.search(text)
    if m:
        return int(m[1])
    counts = Counter(int(y) for y in _YEAR_WORD.findall(text[:20000]))
    if counts:
        return counts.most_common(1)[0][0]
    if published:
        return int(published[:4]) - 1
    return None


def _iso(m: re.Match[str]) -> str | None:
    y, mo, d = int(m[1]), int(m[2]), int(m[3])
    if 1 <= mo <= 12 and 1 <= d <= 31:
        return f"{y:04d}-{mo:02d}-{d:02d}"
    return None


def iso_date(text: str) -> str | None:
    """The first date a text prints (``2022年1月20日``, ``2022-01-20 09:30``) as an ISO date."""
    m = _DATE.search(normalise(text))
    return _iso(m) if m else None


_CN_DATE = re.compile(f"({_CN_YEAR_DIGITS})年([一二三四五六七八九十]{{1,2}})月([一二三四五六七八九十]{{1,3}})日")


def cn_digits_date(text: str) -> str:
    """A date printed in Chinese numerals (二〇二二年一月二十日) in Arabic digits (2022年1月20日)."""
    def repl(m: re.Match[str]) -> str:
        year = "".join(_CN_DIGITS[c] for c in m[1])
        return f"{year}年{chinese_count(m[2])}月{chinese_count(m[3])}日"
    return _CN_DATE.sub(repl, text)


def _date_line(line: str) -> str | None:
    """The ISO date of a line that holds only a date (a signature's date, ``(2019年3月5日)``, ``二〇二二年一月二十日``)."""
    m = _DATE.fullmatch(cn_digits_date(normalise(line).strip().strip("() ")))
    return _iso(m) if m else None


def signature(lines: list[str]) -> tuple[str, str | None]:
    """(body name, ISO date) of the signature under the report: a body's name on the line above its last date line.

    Either part is empty where the report prints none.
    """
    kept = [line for line in lines if line.strip()]
    for k in range(len(kept) - 1, -1, -1):  # from the end, each line normalised only once it is read
        date = _date_line(normalise(kept[k]).strip())
        if date is None:
            continue
        above = re.sub(r"\s+", "", normalise(kept[k - 1])) if k else ""
        if _names_body(above):
            return above, date
        return "", date
    return "", None


def _fuller_signature(name: str, lines: list[str]) -> str:
    """The signature's name where it is ``name`` with more before it (``遂溪县建新镇人民政府`` under a title
    printing ``建新镇``): the same body, named so that it is told from others of its name; else ``""``. What the
    signature adds must be places (``遂溪县``, ``湛江市遂溪县``), not another body signing with it. Looked for only
    where the name starts with no place of its own."""
    signed, _date = signature(lines)
    return signed if signed.endswith(name) and _PLACES.fullmatch(signed[: len(signed) - len(name)]) else ""


def find_published(lines: list[str], page_meta: dict[str, str]) -> str | None:
    """Publication date: the page's 发布日期, else the last line holding only a date (the signature's,
    before any appended statistics table; or a dated first line)."""
    for key in ("published",):
        if page_meta.get(key):
            return page_meta[key]
    for line in lines:
        m = _PAGE_DATE.search(normalise(line))
        if m and _iso(m):
            return _iso(m)
    return signature(lines)[1]


def read_meta(text: str, page_meta: dict[str, str] | None = None) -> Meta:
    """Title, body, year and publication date of a decoded report."""
    page_meta = page_meta or {}
    lines = text.splitlines()
    norm_text = normalise(text)
    meta = Meta(index_no=page_meta.get("index_no"), doc_no=page_meta.get("doc_no"))
    meta.title = find_title(lines, page_meta.get("title", ""))
    meta.published = find_published(lines, page_meta)
    if meta.title:
        printed = agency_from_title(meta.title)
        if printed:
            meta.agency_printed, meta.agency_source, meta.agency_evidence = printed, "title", meta.title
    if not meta.agency_printed:
        signed, _date = signature(lines)
        if signed:
            meta.agency_printed, meta.agency_source = signed, "text"
            meta.agency_evidence = f"signature {signed}"
    if not meta.agency_printed and page_meta.get("publisher"):
        meta.agency_printed, meta.agency_source = page_meta["publisher"], "page"
        meta.agency_evidence = f"page metadata 发布机构 {page_meta['publisher']}"
    if meta.agency_printed:
        name, why = complete_name(normalise(meta.agency_printed), norm_text)
        meta.agency = name
        if why:
            meta.agency_evidence += f"; {why}"
        if meta.agency_source != "text" and not _PLACES.match(name) and (fuller := _fuller_signature(name, lines)):
            meta.agency = fuller
            meta.agency_evidence += f"; signature {fuller} names it in full"
    elif (named := author_in_text(norm_text))[0]:
        name, why = complete_name(named[0], norm_text)
        meta.agency, meta.agency_printed, meta.agency_source = name, named[0], "text"
        meta.agency_evidence = named[1] + (f"; {why}" if why else "")
    else:
        name, evidence = infer_agency(norm_text)
        if name:
            meta.agency, meta.agency_printed = name, name
            meta.agency_source, meta.agency_evidence = "inferred", evidence
    meta.year = find_year(meta.title, norm_text, meta.published)
    return meta
