"""Web pages: the report's body inside the site's chrome, and the metadata the page prints.

A government site wraps a report in navigation, a breadcrumb (当前位置), a
metadata block (索引号, 发布机构, 发布日期, 文号), share buttons, 上一篇/下一篇
and related links, and a footer. :func:`page_meta` reads the metadata;
:func:`content_root` finds the element that holds the report (the deepest one
holding most of the page's text, widened to any figure table outside it);
:func:`drop_link_lists` removes what is mostly links inside it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from lxml import etree

from .meta import cn_digits_date, iso_date
from .text import count_left, normalise

FIELDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("index_no", ("索引号",)),
    ("publisher", ("发布机构", "发文机关", "发布单位", "公开单位", "信息来源", "来源")),
    ("published", ("发布日期", "发布时间", "公开日期", "发文日期", "成文日期")),
    ("doc_no", ("文号", "发文字号", "发布文号")),
    ("title", ("名称", "标题", "信息名称")),
)
"""Page metadata key → the labels a page prints it under, most telling first."""
OTHER_LABELS = ("类目名称", "主题分类", "体裁分类", "组配分类", "服务对象", "分类", "废止日期", "有效性", "生成日期",
                "公开方式", "公开范围", "公开时限", "主题词", "关键词", "主题导航", "内容概述", "浏览次数", "作者", "编审",
                "字号", "时间")
"""Other labels of metadata blocks: they end the value before them and are not read."""
HEAD_FIELDS = {"articletitle": "title", "pubdate": "published", "contentsource": "publisher"}
"""``<meta name=…>`` tags of CMS pages → page metadata key (used where the page prints none)."""
CHROME_TAGS = ("script", "style", "noscript", "iframe", "object", "svg", "nav", "footer", "aside",
               "button", "select", "input", "textarea", "head")
"""Elements that never hold report text. A ``<form>`` is not one: a WebForms page (``.aspx``) wraps its
whole body in one; a search or login form loses its controls here and its few words to the chrome
heuristics."""
CONTENT_SHARE = 0.6
"""The report body holds at least this share of a page's text (outside links)."""
LINK_SHARE = 0.5
"""A block whose text is at least this share links is navigation, not report."""
MAX_FIELD = 80

_LABELS = sorted({label for _key, labels in FIELDS for label in labels} | set(OTHER_LABELS), key=len, reverse=True)
_FIELD = re.compile(r"(" + "|".join(r"\s*".join(label) for label in _LABELS) + r")[\s:：|｜]*")
"""A label, its characters perhaps spaced out to align a block (``索 引 号``, ``文　　号``), then what sets its
value apart: spaces, a colon, or the ``|`` of a dumped table row."""
_FIRST = frozenset(label[0] for label in _LABELS)
"""The characters a label starts with: a text starting otherwise is no field (a cheaper test than the pattern)."""
_BULLETS = "•·●○◆◇■□▪▫►▶* \t"
"""Marks a metadata block may set before each label (``• 索 引 号:…``), with the spaces after them."""
_KEY_OF = {label: key for key, labels in FIELDS for label in labels}
_RANK = {label: rank for _key, labels in FIELDS for rank, label in enumerate(labels)}
_NOT_CONTENT = re.compile(r"[^\u4e00-\u9fff0-9０-９]+")
"""What is not a content character (a Chinese character or a digit): the chrome heuristics weigh text by
the content characters left when these runs are taken out."""


def _content_chars(text: str) -> int:
    return count_left(_NOT_CONTENT, text)


def fields(frags: list[str], value_apart: bool = True) -> dict[str, str]:
    """Page metadata from short texts in reading order: ``标签：值`` in one text (a bullet before it left out), or
    (``value_apart``, as in a page's cells) a label and its value in the next text."""
    found: dict[str, tuple[int, int, str]] = {}
    for pos, frag in enumerate(frags):
        if frag and frag[0] in _BULLETS:
            frag = frag.lstrip(_BULLETS)
        if not frag or frag[0] not in _FIRST or not _FIELD.match(frag):
            continue
        matches = list(_FIELD.finditer(frag))
        for k, m in enumerate(matches):
            label = "".join(m[1].split())
            if label not in _KEY_OF:
                continue
            end = matches[k + 1].start() if k + 1 < len(matches) else len(frag)
            apart = value_apart and k + 1 == len(matches) and pos + 1 < len(frags)
            value = frag[m.end() : end] or (frags[pos + 1].lstrip(_BULLETS) if apart else "")
            if _FIELD.match(value):
                continue
            key = _KEY_OF[label]
            clean = _clean_value(key, value)
            rank = (_RANK[label], pos)
            if clean and (key not in found or rank < found[key][:2]):
                found[key] = (*rank, clean)
    return {key: v for key, (_r, _p, v) in found.items()}


_TEXT_NODES = etree.XPath("//text()[normalize-space() and not(parent::script or parent::style)]", smart_strings=False)


def _fragments(root: etree._Element) -> list[str]:
    """Short texts of the page in reading order, one per text node (simplified, width-folded)."""
    out = []
    for t in _TEXT_NODES(root):
        s = t.replace("\xa0", " ").strip()
        if s and len(s) <= MAX_FIELD:
            out.append(normalise(s))
    return out


_VALUE_END = re.compile(r"\s{2,}|\u3000|[|｜]")
NO_VALUE = frozenset({"无", "暂无", "空", "-", "－", "—", "/", "／"})
"""What a page prints in a field it has no value for (``文号：无``)."""
SHAPES = {
    "index_no": re.compile(r"(?=[^\d]*\d)[0-9A-Za-z][0-9A-Za-z/_.-]*"),
    "doc_no": re.compile(r".*(?:\d\s*号|[〔\[【(（]\s*\d{4}\s*[〕\]】)）].*)"),
}
"""What a 索引号 (letters, digits, ``/``, ``-``) and a 文号 (``泰政办〔2018〕12号``) look like: a field left empty
takes the next text on the page as its value, which is no such number."""


def _clean_value(key: str, value: str) -> str | None:
    value = _VALUE_END.split(value.strip(), 1)[0].strip(" :：")
    if key != "title":
        value = value.split(" ")[0] if key in ("index_no", "publisher") else value
    if not value or value in NO_VALUE:
        return None
    shape = SHAPES.get(key)
    if shape is not None and not shape.fullmatch(value):
        return None
    if key == "published":
        return iso_date(cn_digits_date(value))
    return value


def page_meta(root: etree._Element) -> dict[str, str]:
    """索引号, 发布机构, 发布日期, 文号 and 名称 as the page prints them (ISO date for ``published``)."""
    meta = fields(_fragments(root))
    for el in root.iter("meta"):
        key = HEAD_FIELDS.get((el.get("name") or "").lower())
        content = normalise(el.get("content") or "").strip()
        if key and content and key not in meta:
            value = _clean_value(key, content)
            if value:
                meta[key] = value
    if "title" not in meta:
        for tag in ("h1", "title"):
            el = root.find(f".//{tag}")
            text = normalise(re.sub(r"\s+", " ", "".join(el.itertext()))).strip() if el is not None else ""
            if text:
                meta["title"] = text
                break
    return meta


def drop_chrome_tags(root: etree._Element, texts: CellTexts | None = None) -> None:
    """Remove comments and :data:`CHROME_TAGS` (scripts, styles, form controls, ``nav``/``footer``/``aside``…),
    in one walk; ``texts`` forgets the text of every cell that held a removed element (a comment is no
    part of a cell's text)."""
    for el in list(root.iter(etree.Comment, *CHROME_TAGS)):
        if texts and el.tag is not etree.Comment:
            for cell in el.iterancestors("td", "th"):
                texts.pop(cell, None)
        _drop(el)


def _drop(el: etree._Element) -> None:
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    prev = el.getprevious()
    parent.remove(el)
    if tail:
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail


_FIGURE = re.compile(r"[\s?？]*[0-9０-９][0-9０-９,，.\s]*[?？]?")


def _text_of(el: etree._Element) -> str:
    """All the text inside ``el``, as XPath ``string()`` gives it (comments left out), serialised in C:
    a third faster than evaluating the XPath."""
    return etree.tostring(el, method="text", encoding=str, with_tail=False)


_SPACES = re.compile(r"[ \t\r\n\xa0]+")

CellTexts = dict[etree._Element, str]
"""Cell → :func:`cell_text`, as :func:`figure_tables` read them, for the table reader to reuse."""


def cell_text(el: etree._Element) -> str:
    """A cell's text, stripped, each run of white space one space."""
    text = el.text if len(el) == 0 else _text_of(el)
    if not text:
        return ""
    text = text.strip()
    return text if text.isalnum() else _SPACES.sub(" ", text)  # a figure or a word has no space inside


FIGURE_CELLS = 10
"""A table with this many cells holding a figure is a report table, never chrome."""


@dataclass
class Shape:
    """What the chrome heuristics need of a page, measured in one pass.

    ``plain``: content characters outside links in each element's subtree;
    ``total``: all content characters in it; ``figure_tables``: tables with
    :data:`FIGURE_CELLS` or more figure cells (nested tables' cells included),
    as they stand in the tree (a held-out table by its stand-in).
    """

    plain: dict[etree._Element, int]
    total: dict[etree._Element, int]
    figure_tables: set[etree._Element]


def figure_tables(root: etree._Element, texts: CellTexts | None = None) -> set[etree._Element]:
    """The tables under ``root`` (itself included) with :data:`FIGURE_CELLS` or more figure cells,
    those of the tables inside them counted too. Every cell's text goes into ``texts`` if given."""
    own: dict[etree._Element, int] = {}
    table_of: dict[etree._Element, etree._Element | None] = {}  # the cells of one parent share their table
    for cell in root.iter("td", "th"):
        text = cell_text(cell)
        if texts is not None:
            texts[cell] = text
        if text and _FIGURE.fullmatch(text):
            parent = cell.getparent()
            if parent in table_of:
                table = table_of[parent]
            else:
                table = table_of[parent] = next(cell.iterancestors("table"), None)
            if table is not None:
                own[table] = own.get(table, 0) + 1
    figures: dict[etree._Element, int] = {}  # a table's figure cells, those of the tables inside it included
    for table, n in own.items():
        figures[table] = figures.get(table, 0) + n
        for outer in table.iterancestors("table"):
            figures[outer] = figures.get(outer, 0) + n
    above = set(root.iterancestors())
    return {t for t, n in figures.items() if n >= FIGURE_CELLS and t not in above}


def hold_out(root: etree._Element, tables: set[etree._Element]) -> dict[etree._Element, etree._Element]:
    """Take each of ``tables`` under ``root`` with no table inside out of the tree, an empty ``<table>``
    standing in its place: stand-in → table.

    The page's metadata is never inside a table of figures and the chrome
    heuristics never look inside one, so a report table is taken out once,
    before them, and its grid is read from it where its stand-in is left.
    """
    aside: dict[etree._Element, etree._Element] = {}
    for table in tables:
        if table is root or not _inside(table, root) or table.find(".//table") is not None:
            continue
        stand_in = etree.Element("table")
        stand_in.tail = table.tail  # replace() takes the table's tail out of the tree with it
        table.getparent().replace(table, stand_in)
        aside[stand_in] = table
    return aside


def measure(root: etree._Element, tables: set[etree._Element], aside: dict[etree._Element, etree._Element]) -> Shape:
    """Measure ``root``'s subtree (children are summed into parents, in reverse document order).

    ``tables``: the tables of figures in the tree (:func:`figure_tables`, a
    held-out table's stand-in in its place); ``aside``: :func:`hold_out`'s
    stand-ins, each measured whole from its table's text.
    """
    whole: dict[etree._Element, tuple[int, int]] = {}
    for stand_in, table in aside.items():
        chars = _content_chars(_text_of(table))
        links = sum(_content_chars(_text_of(a)) for a in table.iter("a"))
        whole[stand_in] = (chars - links, chars)
    plain, total = _weights(root, whole)
    return Shape(plain, total, {t for t in tables if _inside(t, root)})


def _weights(
    root: etree._Element, whole: dict[etree._Element, tuple[int, int]]
) -> tuple[dict[etree._Element, int], dict[etree._Element, int]]:
    """Per element: content characters outside links, and all of them, in its subtree; the elements
    in ``whole`` are given theirs (plain, total)."""
    count = _content_chars
    elements = list(root.iter(etree.Element))
    linked = {d for a in elements if a.tag == "a" for d in a.iter(etree.Element)}
    plain = dict.fromkeys(elements, 0)
    total = dict.fromkeys(elements, 0)
    for el in elements[::-1]:  # a reversed copy: mypyc 2.4 cannot compile reversed() over untyped elements
        if el in whole:
            p, t = whole[el]
            p = 0 if el in linked else p
            plain[el], total[el] = p, t
        else:
            text = el.text
            own = count(text) if text and not text.isspace() else 0
            p, t = plain[el], total[el]
            if own:
                t += own
                p += 0 if el in linked else own
                plain[el], total[el] = p, t
        if el is root:
            continue
        parent = el.getparent()
        tail = el.tail
        after = count(tail) if tail and not tail.isspace() else 0
        if p or after:
            plain[parent] += p + (0 if after == 0 or parent in linked else after)
            total[parent] += t + after
        elif t:
            total[parent] += t
    return plain, total


def text_root(body: etree._Element, shape: Shape) -> etree._Element:
    """The deepest element holding most of the page's text outside links (``shape``: :func:`measure` of
    ``body``)."""
    plain = shape.plain
    whole = plain.get(body, 0)
    node = body
    while True:
        child = next((c for c in node.iterchildren(etree.Element) if plain.get(c, 0) >= CONTENT_SHARE * whole), None)
        if child is None or not whole:
            break
        node = child
    return node


def content_root(body: etree._Element, shape: Shape, node: etree._Element | None = None) -> etree._Element:
    """The element holding the report: :func:`text_root` (or ``node``, found by it), widened until it holds
    every table of figures on the page (``shape``: :func:`measure` of ``body``)."""
    node = text_root(body, shape) if node is None else node
    while node is not body and not all(_inside(t, node) for t in shape.figure_tables):
        node = node.getparent()
    return node


def _inside(el: etree._Element, ancestor: etree._Element) -> bool:
    return el is ancestor or any(a is ancestor for a in el.iterancestors())


def drop_link_lists(root: etree._Element, shape: Shape) -> None:
    """Remove blocks that are mostly links (menus, breadcrumbs, 上一篇/下一篇, related links, share bars);
    ``shape``: :func:`measure` of a tree holding ``root``, its report tables held out."""
    plain, total = shape.plain, shape.total
    keep = set()
    for table in shape.figure_tables:
        if _inside(table, root):
            keep.update(table.iterancestors())
            keep.add(table)
    gone: set[etree._Element] = set()
    blocks = ("div", "ul", "ol", "li", "p", "table", "tr", "td", "span", "dl", "dd", "section", "header")
    for el in list(root.iter(*blocks)):
        if el in keep or el is root or el in gone or total.get(el, 0) == 0:
            continue
        links = total[el] - plain[el]
        if links and links >= LINK_SHARE * total[el]:
            gone.update(el.iter())
            _drop(el)


DOCUMENT_KINDS = r"(?:pdf|docx?|wps|xlsx?|et|ofd|rtf|odt|ods|zip|rar|7z)"
"""The file name extensions of documents a report may be in (a pattern)."""
DOCUMENT_LINK = re.compile(rf"\.{DOCUMENT_KINDS}(?=$|[?&#;\s])", re.I)
"""A link to a document, by its address (``/uploadfiles/2021年报.pdf``, ``downfile.jsp?filename=a.docx&id=3``)
or by its text (``2021年度报告.pdf``): where a page holds no standard table, the report is often in it."""
DECORATION = re.compile(
    r"icon|logo|share|qrcode|qr_?code|ewm|erweima|weixin|wechat|weibo|print|close|arrow|spacer|blank|bullet|"
    r"(?:^|[/_.-])(?:dot|line|bg|top|btn)[/_.-]", re.I
)
"""Image addresses of page furniture (icons, logos, share and QR-code badges, bullets, buttons), not of a report."""
NAMED_ATTACHMENT = re.compile(
    r"^[ \t\u3000]*(?:相关)?附\s*[件表]\s*\d*\s*(?:下载)?\s*[:：]?\s*"
    rf"(\S.{{0,150}}?\.{DOCUMENT_KINDS})[ \t\u3000]*$", re.I | re.M
)
"""A line of a text dump naming an attachment (``附件：2021年度报告.pdf``, ``附件2 统计表.xls``): its link was lost
with the page, its name is kept."""
MIN_IMAGE_SIDE = 60
"""An image whose page declares it narrower or lower than this (pixels) is furniture, not a table."""
MAX_LINK_TEXT = 200
ATTACHMENT_LABEL = re.compile(r"附\s*件|附\s*表")
LABEL_REACH = 3
LABEL_CHARS = 300
"""A document link outside the report's element is an attachment of the report where one of its nearest
:data:`LABEL_REACH` ancestors with at most :data:`LABEL_CHARS` characters of text says 附件 or 附表 (``附件：``,
``相关附件``); a column's list of downloads is not."""
Link = tuple[str, str]
"""(address, text) of a link to a document."""


def web_address(url: str) -> bool:
    """Whether ``url`` is an absolute http(s) address (one that cannot be split, an unbalanced IPv6 bracket,
    is not)."""
    try:
        return urlsplit(url).scheme in ("http", "https")
    except ValueError:
        return False


def page_base(root: etree._Element) -> str | None:
    """The page's own address, where it names one (``<base href>``, ``<link rel=canonical>``, ``og:url``):
    relative links are resolved against it."""
    for path, attr in ((".//base[@href]", "href"), (".//link[@rel='canonical']", "href"),
                       (".//meta[@property='og:url']", "content")):
        el = root.find(path)
        url = (el.get(attr) or "").strip() if el is not None else ""
        if web_address(url):
            return url
    return None


def resolve(href: str, base: str | None) -> str:
    """``href`` made absolute against ``base`` where that is a web address (else as the page wrote it)."""
    if not base or href.startswith("data:") or not web_address(base):
        return href
    try:
        return urljoin(base, href)
    except ValueError:  # an address urljoin cannot split (an unbalanced IPv6 bracket)
        return href


def _labelled(a: etree._Element) -> bool:
    for reach, el in enumerate(a.iterancestors()):
        if reach == LABEL_REACH:
            break
        text = _text_of(el)
        if len(text) > LABEL_CHARS:
            break
        if ATTACHMENT_LABEL.search(text):
            return True
    return False


def document_links(root: etree._Element, main: etree._Element, base: str | None = None) -> list[Link]:
    """(address, text) of the report's attachments: each link under ``root`` to a document
    (:data:`DOCUMENT_LINK`) inside the report's text ``main`` (:func:`text_root`) or labelled as an attachment
    (:data:`ATTACHMENT_LABEL`), in page order, once per address (with the first text given it)."""
    found: dict[str, str] = {}
    for a in root.iter("a"):
        href = (a.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:")):
            continue
        raw = (a.text or "") if len(a) == 0 else _text_of(a)
        if not (DOCUMENT_LINK.search(href) or DOCUMENT_LINK.search(raw)):
            continue
        text = normalise(" ".join(raw.split()))[:MAX_LINK_TEXT]
        if not (_inside(a, main) or ATTACHMENT_LABEL.search(text) or _labelled(a)):
            continue
        url = resolve(href, base)
        if not found.get(url):
            found[url] = text
    return list(found.items())


def _side(value: str | None) -> int | None:
    digits = re.match(r"\s*(\d+)\s*(?:px)?\s*$", value or "")
    return int(digits[1]) if digits else None


def body_images(root: etree._Element, base: str | None = None) -> list[str]:
    """The addresses of the images under ``root`` that may show part of a report: not inside a link, not page
    furniture (:data:`DECORATION`, :data:`MIN_IMAGE_SIDE`); an inline image by its ``data:`` type alone."""
    out: list[str] = []
    for img in root.iter("img"):
        src = (img.get("src") or img.get("data-src") or img.get("original") or "").strip()
        if not src or next(img.iterancestors("a"), None) is not None:
            continue
        if src.startswith("data:"):
            src = src.split(",", 1)[0].split(";", 1)[0]
        elif DECORATION.search(src.rsplit("/", 1)[-1]):
            continue
        sides = [side for side in (_side(img.get("width")), _side(img.get("height"))) if side is not None]
        if sides and min(sides) < MIN_IMAGE_SIDE:
            continue
        out.append(resolve(src, base))
    return out


def named_attachments(text: str) -> list[Link]:
    """("", name) of each attachment a text dump names on a line of its own (:data:`NAMED_ATTACHMENT`), once each."""
    if "附" not in text:
        return []
    return [("", name) for name in dict.fromkeys(normalise(m[1]) for m in NAMED_ATTACHMENT.finditer(text))]
