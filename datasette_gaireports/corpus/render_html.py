"""A report as a government CMS publishes it: site chrome around a Word document turned into HTML.

The page carries navigation, a breadcrumb, the 索引号/发布机构/发布日期 block,
share buttons, 上一篇/下一篇 and related links and a footer. The report body is
Word's HTML: ``MsoNormal`` paragraphs, tables with row and column spans,
figures inside ``<p>``/``<span>`` runs, ``&nbsp;`` padding, labels broken by
``<br>``, tables split over pages, and optionally nested layout tables.
"""

from __future__ import annotations

import html
import random

from .document import Doc, Para, Table, spaced_label
from .grids import Grid, GridCell
from .styles import Style

FONT = ("宋体", "仿宋_GB2312", "仿宋", "方正仿宋_GBK", "微软雅黑")
NAV = ("首页", "政务公开", "政务服务", "互动交流", "走进本地", "专题专栏")


def esc(text: str) -> str:
    return html.escape(text, quote=False)


def _runs(text: str, rng: random.Random) -> str:
    """Text as Word writes it: one or more ``<span>`` runs, sometimes split mid-word."""
    font = rng.choice(FONT)
    if len(text) > 4 and rng.random() < 0.3:
        k = rng.randrange(1, len(text))
        return f"<span style='font-family:{font}'>{esc(text[:k])}</span><span style='font-family:{font}'>{esc(text[k:])}</span>"
    return f"<span style='font-size:10.5pt;font-family:{font}'>{esc(text)}</span>"


def _cell_html(cell: GridCell, style: Style, rng: random.Random) -> str:
    text = cell.text
    if cell.role == "value":
        if not text.strip():
            inner = rng.choice(("<p class=MsoNormal align=center><span lang=EN-US>&nbsp;</span></p>", "", "<p>&nbsp;</p>",
                                "<p class=MsoNormal align=center><span lang=EN-US><o:p>&nbsp;</o:p></span></p>"))
        else:
            pad = rng.choice(("&nbsp;", "\u3000", " ")) if rng.random() < 0.2 else ""
            inner = f"<p class=MsoNormal align=center style='text-align:center'>{pad}{_runs(text, rng)}<o:p></o:p></p>"
    elif not text:
        inner = "<p class=MsoNormal>&nbsp;</p>"
    else:
        inner = _label_html(text, cell.role, style, rng)
    attrs = ""
    if cell.rowspan > 1:
        attrs += f" rowspan={cell.rowspan}"
    if cell.colspan > 1:
        attrs += f" colspan={cell.colspan}"
    width = rng.choice((48, 60, 72, 96, 120))
    return f"<td width={width}{attrs} valign=center style='border:solid windowtext 1.0pt;padding:0cm 5.4pt 0cm 5.4pt'>{inner}</td>"


def _label_html(text: str, role: str, style: Style, rng: random.Random) -> str:
    """A label or header cell: broken by ``<br>`` or over two paragraphs, or cut short, as Word pages show them."""
    if role == "header" and style.cut_headers and len(text) >= 5 and rng.random() < 0.5:
        k = rng.randrange(2, len(text) - 1)
        if rng.random() < 0.4:
            return f"<p class=MsoNormal align=center>{_runs(text[:k], rng)}</p>"
        return f"<p class=MsoNormal align=center>{_runs(text[:k], rng)}<br>{_runs(text[k:], rng)}</p>"
    if style.split_labels and len(text) >= 8 and rng.random() < 0.5:
        k = rng.randrange(3, len(text) - 2)
        if rng.random() < 0.5:
            return f"<p class=MsoNormal>{_runs(text[:k], rng)}<br>\n{_runs(text[k:], rng)}</p>"
        return f"<p class=MsoNormal>{_runs(text[:k], rng)}</p>\n<p class=MsoNormal>{_runs(text[k:], rng)}</p>"
    return f"<p class=MsoNormal align=center style='text-align:center'>{_runs(text, rng)}</p>"


def _positions(grid: Grid) -> list[list[tuple[int, GridCell]]]:
    """Each row's cells with the grid column each starts at (spans expanded)."""
    taken: set[tuple[int, int]] = set()
    out = []
    for r, row in enumerate(grid):
        c = 0
        placed = []
        for cell in row:
            while (r, c) in taken:
                c += 1
            placed.append((c, cell))
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    taken.add((r + dr, c + dc))
            c += cell.colspan
        out.append(placed)
    return out


def split_grid(grid: Grid, at: int) -> tuple[Grid, Grid]:
    """The grid cut before row ``at``: cells spanning the cut end above it; below it an empty cell takes their place."""
    placed = _positions(grid)
    top: Grid = []
    carry: list[tuple[int, GridCell]] = []
    for r in range(at):
        row = []
        for c, cell in placed[r]:
            if r + cell.rowspan > at:
                rest = r + cell.rowspan - at
                carry.append((c, GridCell("", "filler", rowspan=rest, colspan=cell.colspan)))
                cell = GridCell(cell.text, cell.role, at - r, cell.colspan, cell.code)
            row.append(cell)
        top.append(row)
    bottom = [list(row) for row in grid[at:]]
    if bottom and carry:
        first = sorted(carry + placed[at], key=lambda x: x[0])
        bottom[0] = [cell for _c, cell in first]
    return top, bottom


def table_html(table: Table, style: Style, rng: random.Random) -> str:
    """A Word table, sometimes split over pages (as two ``<table>`` elements with a page break between)."""
    grid = table.grid
    parts: list[Grid] = [grid]
    data_rows = len(grid) - table.header_rows
    if data_rows > 12 and rng.random() < 0.4:
        at = table.header_rows + rng.randrange(4, data_rows - 4)
        top, bottom = split_grid(grid, at)
        if table.header_rows and rng.random() < 0.5:
            bottom = [list(r) for r in grid[: table.header_rows]] + bottom
        parts = [top, bottom]
    out = []
    for k, part in enumerate(parts):
        if k:
            out.append(rng.choice((
                "<br clear=all style='page-break-before:always'>",
                "<p class=MsoNormal style='page-break-before:always'><span lang=EN-US>&nbsp;</span></p>",
                "<p class=MsoNormal><span lang=EN-US>&nbsp;</span></p>",
            )))
        rows = "\n".join(
            " <tr style='height:20.0pt'>\n  " + "\n  ".join(_cell_html(c, style, rng) for c in row) + "\n </tr>"
            for row in part
        )
        out.append(
            "<table class=MsoNormalTable border=1 cellspacing=0 cellpadding=0 width=614 "
            "style='width:460.5pt;border-collapse:collapse;border:none'>\n<tbody>\n" + rows + "\n</tbody></table>"
        )
    return "\n".join(out)


def para_html(p: Para, rng: random.Random) -> str:
    font = rng.choice(FONT)
    if p.role == "title":
        return f"<p class=MsoNormal align=center style='text-align:center'><b><span style='font-size:22.0pt;font-family:方正小标宋简体'>{esc(p.text)}</span></b></p>"
    if p.role == "heading":
        return f"<p class=MsoNormal style='text-indent:32.0pt'><b><span style='font-family:黑体'>{esc(p.text)}</span></b></p>"
    if p.role in ("signature", "date"):
        return f"<p class=MsoNormal align=right style='text-align:right'><span style='font-family:{font}'>{esc(p.text)}</span></p>"
    indent = "&nbsp;&nbsp;&nbsp;&nbsp;" if rng.random() < 0.3 else ""
    return f"<p class=MsoNormal style='text-indent:32.0pt;line-height:28.0pt'>{indent}<span style='font-size:16.0pt;font-family:{font}'>{esc(p.text)}</span></p>"


def body_html(doc: Doc, style: Style, rng: random.Random, images: bool) -> str:
    """The Word document's HTML; with ``images`` its tables are pictures."""
    out = []
    for block in doc.blocks:
        if isinstance(block, Table):
            if images:
                out.append(f"<p align=center><img src=\"/u/cms/www/{doc.page.published[:4]}{rng.randint(10**6, 10**7)}.png\" width=600 border=0 alt=\"\"></p>")
            else:
                out.append(table_html(block, style, rng))
        elif block.role == "title" and rng.random() < 0.3:
            continue
        else:
            out.append(para_html(block, rng))
    return "<div class=WordSection1 style='layout-grid:15.6pt'>\n" + "\n".join(out) + "\n</div>"


def _meta_block(doc: Doc, rng: random.Random) -> str:
    pm = doc.page
    date = pm.published if rng.random() < 0.6 else pm.published.replace("-", "年", 1).replace("-", "月") + "日"
    fields = [("索引号", pm.index_no), ("主题分类", pm.category),
              (rng.choice(("发布机构", "发文机关", "信息来源")), pm.publisher),
              (rng.choice(("发布日期", "发布时间", "发文日期")), date), (rng.choice(("名称", "信息名称")), doc.title),
              (rng.choice(("文号", "发布文号")), pm.doc_no)]
    if rng.random() < 0.3:
        fields.insert(3, ("成文日期", doc.signed))
    if rng.random() < 0.2:
        fields.append(("有效性", "有效"))
    if rng.random() < 0.3:
        fields = [(spaced_label(k, rng), v) for k, v in fields]
    kind = rng.choice(("table", "div", "ul"))
    if kind == "table":
        cells = "".join(
            ("<tr>" if i % 2 == 0 else "") + f"<td class=\"t1\">{k}：</td><td class=\"t2\">{esc(v)}</td>" + ("</tr>" if i % 2 else "")
            for i, (k, v) in enumerate(fields)
        )
        return f"<table class=\"xxgk_table\" width=\"100%\" cellpadding=0 cellspacing=0>{cells}</table>"
    if kind == "div":
        return "<div class=\"xxgk-info\">" + "".join(f"<span><b>{k}：</b>{esc(v)}</span>" for k, v in fields) + "</div>"
    return "<ul class=\"info-list\">" + "".join(f"<li><label>{k}：</label><em>{esc(v)}</em></li>" for k, v in fields) + "</ul>"


ATTACHMENT_LABELS = ("附件：", "相关附件：", "附件下载：")
ATTACHMENT_KINDS = (".pdf", ".docx", ".doc", ".xls", ".wps")


def attachment_block(doc: Doc, images: bool) -> tuple[str, list[str]]:
    """A block of attachments beside the report's body (half the pages whose tables are pictures, a tenth of
    the others; none otherwise), and the addresses it links. Drawn from a generator of its own, so the rest
    of the page is as it was without it."""
    pm = doc.page
    links = random.Random(f"links:{pm.index_no}:{doc.title}")
    if not (images and links.random() < 0.5 or links.random() < 0.1):
        return "", []
    kind, n = links.choice(ATTACHMENT_KINDS), links.randint(10**6, 10**7)
    href = links.choice((f"/u/cms/www/{pm.published[:4]}{n}{kind}",
                         f"/module/download/downfile.jsp?classid=0&filename={n}{kind}"))
    label = links.choice(ATTACHMENT_LABELS)
    return f"<div class=\"fj\"><p>{label}<a href=\"{html.escape(href)}\">{esc(doc.title)}{kind}</a></p></div>\n", [href]


def page_html(doc: Doc, style: Style, rng: random.Random, charset: str, images: bool = False) -> tuple[str, list[str]]:
    """The whole page (head, chrome, the metadata block, the report body, its attachments, and the footer),
    and the addresses of the report's attachments. The column beside the report links the government's guide
    (a PDF, no attachment of the report) on some pages."""
    pm = doc.page
    attachments, hrefs = attachment_block(doc, images)
    guide = "<li><a href=\"/zwgk/xxgkzn.pdf\">政府信息公开指南.pdf</a></li>" if len(doc.title) % 3 == 0 else ""
    nav = "".join(f"<li><a href=\"/{i}/\">{n}</a></li>" for i, n in enumerate(NAV))
    related = "".join(
        f"<li><a href=\"/art/{rng.randint(1000, 9999)}.html\">{esc(pm.site)}{y}年政府信息公开工作年度报告</a><span>{y + 1}-01-2{i}</span></li>"
        for i, y in enumerate(range(int(pm.published[:4]) - 3, int(pm.published[:4]) - 1))
    )
    sidebar = f"<div class=\"left-menu\"><h3>政府信息公开年报</h3><ul>{related}{guide}</ul></div>"
    head_meta = ""
    if rng.random() < 0.5:
        head_meta = (f"<meta name=\"ArticleTitle\" content=\"{html.escape(doc.title)}\">"
                     f"<meta name=\"PubDate\" content=\"{pm.published} 09:{rng.randint(10, 59)}\">"
                     f"<meta name=\"ContentSource\" content=\"{html.escape(pm.publisher)}\">")
    charset_tag = rng.choice((f"<meta charset=\"{charset}\">", f"<meta http-equiv=\"Content-Type\" content=\"text/html; charset={charset}\">"))
    title_tag = rng.choice((f"{doc.title}_{pm.site}", f"{pm.site}-{doc.title}", doc.title))
    info = (f"<div class=\"info\"><span>发布时间：{pm.published} {rng.randint(8, 17):02d}:{rng.randint(0, 59):02d}</span>"
            f"<span>来源：{esc(pm.publisher)}</span><span>浏览次数：<script>document.write(123)</script></span>"
            "<span>【字体：<a href=\"#\">大</a> <a href=\"#\">中</a> <a href=\"#\">小</a>】</span></div>")
    content = body_html(doc, style, rng, images)
    article = (
        "<div class=\"position\">当前位置：<a href=\"/\">首页</a> &gt; <a href=\"/zwgk/\">政务公开</a> &gt; "
        "<a href=\"/zwgk/ndbg/\">政府信息公开年报</a></div>\n"
        + _meta_block(doc, rng)
        + f"\n<div class=\"article\"><h1 class=\"title\">{esc(doc.title)}</h1>\n{info}\n"
        + f"<div id=\"zoom\" class=\"TRS_Editor\">\n{content}\n</div>\n{attachments}"
        + "<div class=\"share\">分享到：<a href=\"#\">微信</a><a href=\"#\">微博</a><a href=\"#\">QQ空间</a></div>\n"
        + f"<div class=\"prev-next\"><p>上一篇：<a href=\"/art/1.html\">{esc(pm.site)}关于做好防汛工作的通知</a></p>"
        + "<p>下一篇：<a href=\"/art/2.html\">关于公开征求意见的公告</a></p></div>\n"
        + "<div class=\"print\"><a href=\"javascript:window.print()\">【打印本页】</a><a href=\"javascript:window.close()\">【关闭窗口】</a></div></div>"
    )
    footer = (
        f"<div class=\"footer\"><p>主办单位：{esc(pm.site)}办公室　承办单位：{esc(pm.site)}大数据中心</p>"
        f"<p>网站标识码：{rng.randint(10**9, 10**10 - 1)}　<a href=\"https://beian.miit.gov.cn\">ICP备{rng.randint(10**7, 10**8)}号</a></p>"
        f"<p>地址：{esc(pm.site[:3])}人民路{rng.randint(1, 200)}号　联系电话：0{rng.randint(100, 999)}-{rng.randint(10**6, 10**7)}</p></div>"
    )
    header = f"<div class=\"header\"><div class=\"logo\"><img src=\"/images/logo.png\" alt=\"{esc(pm.site)}\"></div><ul class=\"nav\">{nav}</ul></div>"
    search = "<form action=\"/search\"><input name=\"q\" type=\"text\"><button>搜索</button></form>"
    if rng.random() < 0.4:
        main = (f"<table width=\"1000\" align=\"center\" cellpadding=0 cellspacing=0><tr><td colspan=2>{header}</td></tr>"
                f"<tr><td width=\"240\" valign=\"top\">{sidebar}</td><td valign=\"top\">"
                f"<table width=\"100%\"><tr><td class=\"content\">{article}</td></tr></table></td></tr>"
                f"<tr><td colspan=2>{footer}</td></tr></table>")
    else:
        main = f"{header}\n<div class=\"main\">\n{sidebar}\n<div class=\"right\">{article}</div></div>\n{footer}"
    page = (
        "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\" \"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd\">\n"
        f"<html><head>{charset_tag}<title>{esc(title_tag)}</title>{head_meta}"
        "<link rel=\"stylesheet\" href=\"/css/style.css\"><script src=\"/js/jquery.min.js\"></script>"
        "<style>.MsoNormal{margin:0}</style></head>\n"
        f"<body>{search}\n{main}\n<!--[if gte mso 9]><xml><w:WordDocument></w:WordDocument></xml><![endif]-->\n"
        "<script>var _hmt = _hmt || [];</script></body></html>\n"
    )
    return page, hrefs
