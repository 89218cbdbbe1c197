"""Web pages saved as one file (MHTML): read as the page they hold."""

from __future__ import annotations

from email import policy
from email.message import EmailMessage

import pytest

from datasette_gaireports.build import parse_paths
from datasette_gaireports.corpus import generate_corpus
from datasette_gaireports.mhtml import is_mhtml
from datasette_gaireports.report import ParsedReport

from .conftest import SEEDS


def saved_page(html: bytes, cte: str, charset: str, multipart: bool = True) -> bytes:
    """``html`` as a browser saves a page with its images: a MIME message (a single part where not
    ``multipart``), the page in transfer encoding ``cte`` under a declared ``charset``."""
    msg = EmailMessage(policy=policy.SMTP)
    msg["From"] = "<Saved by Blink>"
    msg["Subject"] = "政府信息公开工作年度报告"
    msg["MIME-Version"] = "1.0"
    if not multipart:
        msg.set_content(html, maintype="text", subtype="html", cte=cte, params={"charset": charset})
        return msg.as_bytes()
    msg.make_related()
    msg.add_related(html, maintype="text", subtype="html", cte=cte, params={"charset": charset})
    msg.add_related(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, maintype="image", subtype="png", cte="base64")
    return msg.as_bytes()


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> tuple[dict[str, ParsedReport], list[str]]:
    """Every web page of a generated corpus (UTF-8, GBK and Big5), each beside its saved forms."""
    root = tmp_path_factory.mktemp("mhtml")
    generate_corpus(root / "gen", 30, seed=5)
    folder = root / "in"
    folder.mkdir()
    names = []
    for page in sorted((root / "gen" / "reports").glob("*.htm*")):
        html = page.read_bytes()
        names.append(page.stem)
        (folder / f"{page.stem}.html").write_bytes(html)
        (folder / f"{page.stem}.mht").write_bytes(saved_page(html, "quoted-printable", "utf-8"))
        (folder / f"{page.stem}.mhtml").write_bytes(saved_page(html, "base64", "gbk"))
        (folder / f"{page.stem}.single.mht").write_bytes(saved_page(html, "quoted-printable", "utf-8", False))
    return {r.source: r for r in parse_paths([folder])}, names


def _read(rep: ParsedReport) -> tuple:
    """What a report says, whatever file it came from."""
    return rep.status, rep.format, rep.encoding, rep.meta, rep.text, rep.values(), rep.checks


def test_a_saved_page_is_read_as_the_page_it_holds(pages):
    reps, names = pages
    encodings = {reps[f"{n}.html"].encoding for n in names}
    assert {"utf-8", "gb18030", "big5"} <= encodings and len(names) >= 6
    for name in names:
        page = reps[f"{name}.html"]
        assert page.status == "parsed", page.reason
        for saved in (f"{name}.mht", f"{name}.mhtml", f"{name}.single.mht"):
            assert reps[saved].reader == "mhtml (html)", saved
            assert _read(reps[saved]) == _read(page), saved


def test_a_saved_message_without_a_page_is_unparsed_with_reason(tmp_path):
    msg = EmailMessage(policy=policy.SMTP)
    msg["MIME-Version"] = "1.0"
    msg.make_related()
    msg.add_related(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, maintype="image", subtype="png", cte="base64")
    (tmp_path / "images.mht").write_bytes(msg.as_bytes())
    (tmp_path / "report.txt").write_bytes((SEEDS / "000_02a42f32ea1aea98.txt").read_bytes())
    reps = {r.source: r for r in parse_paths([tmp_path])}
    assert reps["images.mht"].status == "unparsed"
    assert reps["images.mht"].reason == "images.mht: a web page saved as one file (MHTML) with no HTML part"
    assert reps["report.txt"].status == "parsed" and reps["report.txt"].reader == "text"


def test_only_a_mime_header_holding_a_page_is_claimed():
    html = (SEEDS / "000_02a42f32ea1aea98.txt").read_bytes()
    assert is_mhtml(saved_page(html, "base64", "utf-8"))
    assert not is_mhtml(html)
    assert not is_mhtml(b"MIME-Version: 1.0\nContent-Type: text/plain\n\nhello")
    assert not is_mhtml("报告中写道 MIME-Version: 1.0 与 Content-Type: text/html\n".encode())
