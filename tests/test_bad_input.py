"""Bad input: every file gets its row in ``reports``, with a reason a person can act on."""

from __future__ import annotations

import os
import shutil

import pytest
import sqlite_utils
from click.testing import CliRunner

from datasette_gaireports import pipeline
from datasette_gaireports.build import build
from datasette_gaireports.cli import cli
from datasette_gaireports.report import parse_file
from datasette_gaireports.verify import verify

from .conftest import SEEDS

BAD_FILES = {
    "empty.txt": (b"", "empty file"),
    "blank.html": (b"  \n\t\n", "white space"),
    "binary.bin": (bytes(range(256)) * 4, "binary file"),
    "report.pdf": (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "PDF"),
    "report.docx": (b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 40, "Word"),
    "scan.tif": (b"II*\x00\x08\x00\x00\x00" + b"\x00" * 40, "a TIFF image: scanned reports need OCR"),
    "scan.gif": (b"GIF89a\x01\x00\x01\x00" + b"\x00" * 40, "a GIF image: scanned reports need OCR"),
    "reports.rar": (b"Rar!\x1a\x07\x01\x00" + b"\x00" * 40, "a RAR archive: unpack it"),
    "reports.7z": (b"7z\xbc\xaf\x27\x1c\x00\x04" + b"\x00" * 40, "a 7-Zip archive: unpack it"),
    "report.html.gz": (b"\x1f\x8b\x08\x00" + b"\x00" * 40, "a gzip-compressed file"),
    "notes.txt": ("会议纪要\n今天天气很好,大家讨论了食堂的菜单。\n".encode(), "not an open-government-information annual report"),
    "recipe.html": ("<html><body><h1>菜谱</h1><table><tr><td>盐</td><td>3</td></tr></table></body></html>".encode(),
                    "not an open-government-information annual report"),
}


@pytest.fixture(scope="module")
def bad_build(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bad")
    for name, (data, _reason) in BAD_FILES.items():
        (folder / name).write_bytes(data)
    shutil.copy(SEEDS / "000_02a42f32ea1aea98.txt", folder / "good.txt")
    db_path = folder / "out.db"
    summary = build([folder], db_path)
    return summary, sqlite_utils.Database(db_path)


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_file_is_unparsed_with_reason(bad_build, name):
    _summary, db = bad_build
    row = next(db.query("select * from reports where source = ?", [name]))
    assert row["status"] == "unparsed"
    assert BAD_FILES[name][1] in row["reason"]
    assert row["reason"].startswith(name), "the reason names the file"
    assert row["sha256"] and row["bytes"] == len(BAD_FILES[name][0])
    assert row["agency_id"] is None and row["format"] is None


def test_summary_adds_up(bad_build):
    summary, db = bad_build
    assert summary.files == len(BAD_FILES) + 1 == db["reports"].count
    assert sum(summary.parsed.values()) + summary.unparsed == summary.files
    assert summary.unparsed == len(BAD_FILES) == sum(summary.unparsed_kinds.values())
    assert summary.unparsed_kinds["not an open-government-information annual report"] == 2
    assert summary.unparsed_kinds["a TIFF image"] == 1 and summary.unparsed_kinds["binary file"] == 1
    lines = summary.lines()
    assert "unparsed, by reason:" in lines and "        2  not an open-government-information annual report" in lines
    assert not list(db.query("select * from checks c join reports r using (report_id) where r.status = 'unparsed'"))


def test_the_summary_names_the_first_unparsed_files_and_counts_them_all(tmp_path):
    for k in range(25):
        (tmp_path / f"{k:02d}.txt").write_bytes(b"")
    (tmp_path / "scan.pdf").write_bytes(b"%PDF-1.4\n")
    summary = build([tmp_path], tmp_path / "o.db")
    assert summary.unparsed == 26 and len(summary.unparsed_reasons) == 20
    assert summary.unparsed_reasons[0] == "00.txt: empty file"
    assert summary.unparsed_kinds["empty file"] == 25 and sum(summary.unparsed_kinds.values()) == 26
    lines = summary.lines()
    assert lines[lines.index("unparsed, by reason:") + 1] == "       25  empty file"
    assert "  … and 6 more unparsed files (the `unparsed` query lists them all)" in lines


def test_text_in_a_value_cell_is_kept_raw_and_flagged(tmp_path):
    text = (SEEDS / "000_02a42f32ea1aea98.txt").read_text(encoding="utf-8")
    marker = "(一)予以公开\n\n27\n"
    (tmp_path / "r.txt").write_text(text.replace(marker, "(一)予以公开\n\n见附件\n"), encoding="utf-8")
    build([tmp_path], tmp_path / "o.db")
    db = sqlite_utils.Database(tmp_path / "o.db")
    cell = next(db.query("select * from cells where cell = 'granted.natural_person'"))
    assert (cell["raw"], cell["value"], cell["flag"]) == ("见附件", None, "not_a_number")
    checks = {(c["rule"], c["scope"]): c["status"] for c in db.query("select * from checks")}
    assert checks[("R3", "granted")] == "incomplete"
    rep = next(db.query("select * from reports"))
    assert rep["anomalies"] == 1 and "not_a_number" in rep["reason"] and "见附件" in rep["reason"]


def test_cli_exit_codes(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    shutil.copy(SEEDS / "004_4de4fcdb2784b386.txt", tmp_path)
    runner = CliRunner()
    ok = runner.invoke(cli, ["build", str(tmp_path), "--db", str(tmp_path / "a.db")])
    assert ok.exit_code == 0, ok.output
    assert "reports read: 2" in ok.output and "unparsed: 1" in ok.output and "parsed as legacy: 1" in ok.output
    strict = runner.invoke(cli, ["build", str(tmp_path), "--db", str(tmp_path / "b.db"), "--strict"])
    assert strict.exit_code == 1
    missing = runner.invoke(cli, ["build", str(tmp_path / "nope"), "--db", str(tmp_path / "c.db")])
    assert missing.exit_code != 0 and "nope" in missing.output


def test_gbk_encoded_report_is_decoded(tmp_path):
    text = (SEEDS / "004_4de4fcdb2784b386.txt").read_text(encoding="utf-8")
    (tmp_path / "gbk.txt").write_bytes(text.encode("gb18030"))
    build([tmp_path], tmp_path / "o.db")
    rep = next(sqlite_utils.Database(tmp_path / "o.db").query("select * from reports"))
    assert (rep["status"], rep["encoding"], rep["format"], rep["year"]) == ("parsed", "gb18030", "legacy", 2018)


def test_byte_identical_files_are_both_kept(tmp_path):
    for name in ("a.txt", "b.txt"):
        shutil.copy(SEEDS / "001_6062cf8d5ea0336b.txt", tmp_path / name)
    build([tmp_path], tmp_path / "o.db")
    rows = list(sqlite_utils.Database(tmp_path / "o.db").query("select * from reports order by source"))
    assert [r["source"] for r in rows] == ["a.txt", "b.txt"]
    assert rows[0]["duplicate_of"] is None and rows[1]["duplicate_of"] == rows[0]["report_id"]


def test_a_file_name_that_is_not_utf8_is_stored_escaped(tmp_path):
    """A folder unpacked from a Windows archive names its files in GBK: each such file is read, stored under
    its name with the undecodable bytes written ``\\xNN``, skipped by an update and found again by verify."""
    folder = tmp_path / "in"
    gbk_dir = folder / os.fsdecode("报告".encode("gbk"))
    gbk_dir.mkdir(parents=True)
    shutil.copy(SEEDS / "000_02a42f32ea1aea98.txt", gbk_dir / os.fsdecode("2019年度.txt".encode("gbk")))
    shutil.copy(SEEDS / "001_6062cf8d5ea0336b.txt", folder / "报告.txt")
    db_path = tmp_path / "o.db"
    build([folder], db_path)
    rows = list(sqlite_utils.Database(db_path).query("select source, file_name, status from reports order by source"))
    assert rows == [
        {"source": r"\xb1\xa8\xb8\xe6/2019\xc4\xea\xb6\xc8.txt", "file_name": r"2019\xc4\xea\xb6\xc8.txt",
         "status": "parsed"},
        {"source": "报告.txt", "file_name": "报告.txt", "status": "parsed"},
    ]
    summary = build([folder], db_path, full=False)
    assert summary.skipped == 2 and summary.removed == 0
    assert verify(db_path, [str(folder)]).ok and not verify(db_path, [str(folder)]).new


def test_files_of_several_inputs_are_named_below_the_folder_they_share(tmp_path):
    """``build reports/2019 reports/2020``, each holding an ``r.txt``: two reports, ``2019/r.txt`` and
    ``2020/r.txt``, not two named ``r.txt``; a folder given twice (itself and inside another) is read once."""
    reports = tmp_path / "reports"
    for year, seed in (("2019", "000_02a42f32ea1aea98.txt"), ("2020", "001_6062cf8d5ea0336b.txt")):
        (reports / year).mkdir(parents=True)
        shutil.copy(SEEDS / seed, reports / year / "r.txt")
    inputs = [reports / "2019", reports / "2020"]
    for given in (inputs, [reports / "2019", reports], [reports / "2019" / "r.txt", reports / "2020" / "r.txt"]):
        db_path = tmp_path / "o.db"
        build(given, db_path)
        sources = [r["source"] for r in sqlite_utils.Database(db_path).query("select source from reports order by 1")]
        assert sources == ["2019/r.txt", "2020/r.txt"], given
        assert build(given, db_path, full=False).skipped == 2
        assert verify(db_path, [str(p) for p in given]).ok
    build([reports / "2019"], tmp_path / "one.db")
    assert [r["source"] for r in sqlite_utils.Database(tmp_path / "one.db").query("select source from reports")] \
        == ["r.txt"], "one folder: names below it"


def test_a_reader_failing_unexpectedly_gives_the_file_its_reason():
    """The safety net of ``parse_file`` holds compiled too (a name bound in two except clauses had made the second
    raise TypeError, ending the whole build)."""
    def failing(data: bytes):
        raise ValueError("no such thing")

    markers = {f.code: f.markers for f in pipeline.formats()}
    rep = parse_file(b"anything", "odd.html", pipeline.families(), markers, reader=failing)
    assert rep.status == "unparsed"
    assert rep.reason == "odd.html: could not be parsed (ValueError: no such thing); please report this file"


def test_a_page_naming_a_malformed_address_of_its_own_is_read(tmp_path):
    page = ('<html><head><base href="http://[bad/x/"></head><body><h1>某县2021年政府信息公开工作年度报告</h1>'
            '<p>本年度收到政府信息公开申请3件。</p><p>附件：<a href="nb.pdf">年报.pdf</a></p></body></html>')
    (tmp_path / "b.html").write_text(page, encoding="utf-8")
    build([tmp_path], tmp_path / "b.db")
    rows = list(sqlite_utils.Database(tmp_path / "b.db").query("select status, format, attachments from reports"))
    assert rows == [{"status": "parsed", "format": "prose", "attachments": '[{"href": "nb.pdf", "text": "年报.pdf"}]'}]
