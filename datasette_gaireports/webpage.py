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

from lxml import etree

from .meta import iso_date
from .text import normalise

FIELDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("index_no", ("索引号",)),
    ("publisher", ("发布机构", "发文机关", "发布单位", "公开单位", "信息来源", "来源")),
    ("published", ("发布日期", "发布时间", "公开日期", "成文日期")),
    ("doc_no", ("文号", "发文字号")),
    ("title", ("名称", "标题")),
)
"""Page metadata key → the labels a page prints it under, most telling first."""
OTHER_LABELS = ("类目名称", "主题分类", "体裁分类", "组配分类", "服务对象", "分类", "废止日期", "有效性", "生成日期",
                "公开方式", "公开范围", "公开时限", "主题词", "关键词", "浏览次数", "作者", "编审", "字号", "时间")
"""Other labels of metadata blocks: they end the value before them and are not read."""
HEAD_FIELDS = {"articletitle": "title", "pubdate": "published", "contentsource": "publisher"}
"""``<meta name=…>`` tags of CMS pages → page metadata key (used where the page prints none)."""
CHROME_TAGS = ("script", "style", "noscript", "iframe", "object", "svg", "nav", "footer", "aside",
               "form", "button", "select", "input", "textarea", "head")
CONTENT_SHARE = 0.6
"""The report body holds at least this share of a page's text (outside links)."""
LINK_SHARE = 0.5
"""A block whose text is at least this share links is navigation, not report."""
MAX_FIELD = 80

_LABELS = sorted({label for _key, labels in FIELDS for label in labels} | set(OTHER_LABELS), key=len, reverse=True)
_FIELD = re.compile(r"(" + "|".join(_LABELS) + r")\s*[:：]?\s*")
_KEY_OF = {label: key for key, labels in FIELDS for label in labels}
_RANK = {label: rank for _key, labels in FIELDS for rank, label in enumerate(labels)}
_CONTENT_CHAR = re.compile(r"[\u4e00-\u9fff0-9０-９]")


def fields(frags: list[str], value_apart: bool = True) -> dict[str, str]:
    """Page metadata from short texts in reading order: ``标签：值`` in one text, or (``value_apart``,
    as in a page's cells) a label and its value in the next text."""
    found: dict[str, tuple[int, int, str]] = {}
    for pos, frag in enumerate(frags):
        matches = list(_FIELD.finditer(frag))
        if not matches or matches[0].start() != 0:
            continue
        for k, m in enumerate(matches):
            label = m[1]
            if label not in _KEY_OF:
                continue
            end = matches[k + 1].start() if k + 1 < len(matches) else len(frag)
            apart = value_apart and k + 1 == len(matches) and pos + 1 < len(frags)
            value = frag[m.end() : end] or (frags[pos + 1] if apart else "")
            if _FIELD.match(value):
                continue
            key = _KEY_OF[label]
            clean = _clean_value(key, value)
            rank = (_RANK[label], pos)
            if clean and (key not in found or rank < found[key][:2]):
                found[key] = (*rank, clean)
    return {key: v for key, (_r, _p, v) in found.items()}


def _fragments(root: etree._Element) -> list[str]:
    """Short texts of the page in reading order, one per text node (simplified, width-folded)."""
    out = []
    for el in root.iter():
        if not isinstance(el.tag, str) or el.tag in ("script", "style"):
            continue
        for t in (el.text, el.tail):
            s = (t or "").replace("\xa0", " ").strip()
            if s and len(s) <= MAX_FIELD:
                out.append(normalise(s))
    return out


def _clean_value(key: str, value: str) -> str | None:
    value = re.split(r"\s{2,}|\u3000", value.strip())[0].strip(" :：")
    if key != "title":
        value = value.split(" ")[0] if key in ("index_no", "publisher") else value
    if not value:
        return None
    if key == "published":
        return iso_date(value)
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


def drop_chrome_tags(root: etree._Element) -> None:
    """Remove scripts, styles, forms, ``nav``/``footer``/``aside`` and comments."""
    for el in list(root.iter(etree.Comment)):
        _drop(el)
    for el in list(root.iter(*CHROME_TAGS)):
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


def _count(text: str | None) -> int:
    return len(_CONTENT_CHAR.findall(text or "")) if text else 0


def _weights(root: etree._Element) -> tuple[dict[etree._Element, int], dict[etree._Element, int]]:
    """Per element: content characters outside links, and all content characters, in its subtree."""
    plain: dict[etree._Element, int] = {}
    total: dict[etree._Element, int] = {}

    def walk(el: etree._Element, in_link: bool) -> None:
        link = in_link or el.tag == "a"
        own = _count(el.text)
        p = 0 if link else own
        t = own
        for child in el:
            if not isinstance(child.tag, str):
                continue
            walk(child, link)
            tail = _count(child.tail)
            p += plain[child] + (0 if link else tail)
            t += total[child] + tail
        plain[el], total[el] = p, t

    walk(root, False)
    return plain, total


def _figure_tables(el: etree._Element) -> set[etree._Element]:
    """Tables of ten or more figures under ``el`` (report tables, never chrome)."""
    out = set()
    for table in el.iter("table"):
        cells = ["".join(td.itertext()).strip() for td in table.iter("td", "th")]
        if sum(1 for c in cells if re.fullmatch(r"[\s?？]*[0-9０-９][0-9０-９,，.\s]*[?？]?", c)) >= 10:
            out.add(table)
    return out


def content_root(body: etree._Element) -> etree._Element:
    """The element holding the report: the deepest with most of the page's text outside links,
    widened until it holds every table of figures on the page."""
    plain, _total = _weights(body)
    whole = plain.get(body, 0)
    node = body
    while True:
        child = next((c for c in node if isinstance(c.tag, str) and plain.get(c, 0) >= CONTENT_SHARE * whole), None)
        if child is None or not whole:
            break
        node = child
    tables = _figure_tables(body)
    while node is not body and not tables <= _figure_tables(node):
        node = node.getparent()
    return node


def drop_link_lists(root: etree._Element) -> None:
    """Remove blocks that are mostly links (menus, breadcrumbs, 上一篇/下一篇, related links, share bars)."""
    plain, total = _weights(root)
    keep = set()
    for table in _figure_tables(root):
        keep.update(table.iterancestors())
        keep.add(table)
    blocks = ("div", "ul", "ol", "li", "p", "table", "tr", "td", "span", "dl", "dd", "section", "header")
    for el in list(root.iter(*blocks)):
        if el in keep or el is root or total.get(el, 0) == 0:
            continue
        if el.getparent() is None or not _attached(el, root):
            continue
        links = total[el] - plain[el]
        if links and links >= LINK_SHARE * total[el]:
            _drop(el)


def _attached(el: etree._Element, root: etree._Element) -> bool:
    return any(a is root for a in el.iterancestors())

