"""Reports published as .docx, .pdf, .doc and .wps round-trip from known truths.

The truths are the seed reports' gold values (000 and 001 in the 2019 format,
002 and 004 legacy), a balanced 2021 report (fixtures/office/truth_2021.json)
and random truths of the three formats. They are rendered by
:mod:`datasette_gaireports.office_render` and read back by the build's own
readers. Set ``GAIREPORTS_OFFICE_RANDOM`` to render more random PDFs.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import pytest
from lxml import etree

from datasette_gaireports import office, office_render, pipeline
from datasette_gaireports.build import build, parse_paths
from datasette_gaireports.export import iter_export
from datasette_gaireports.families import BUILTIN
from datasette_gaireports.office_docx import table_spans
from datasette_gaireports.office_sheet import spread, texts
from datasette_gaireports.readers import Document, Unreadable
from datasette_gaireports.report import ParsedReport, parse_file
from datasette_gaireports.tokens import Token

from .conftest import FIXTURES

FAMILIES = {f.name: f for f in BUILTIN}
HAVE_SOFFICE = office.soffice() is not None
needs_soffice = pytest.mark.skipif(not HAVE_SOFFICE, reason="LibreOffice (soffice) is not installed: `make test` installs it")
RANDOM_PDFS = int(os.environ.get("GAIREPORTS_OFFICE_RANDOM", "3"))
FORMAT_FAMILIES = {"2019": ("active", "requests", "review"), "2021": ("active", "requests", "review"), "legacy": ("legacy",)}
AGENCIES = ("临江市生态环境局", "青山县人民政府", "北湖区交通运输局", "东港经济技术开发区管理委员会")


def seed_truths() -> dict[str, dict]:
    gold = json.loads((FIXTURES / "seeds.gold.json").read_text(encoding="utf-8"))
    truths = {g["file"][:3]: g for g in gold if g["file"][:3] in ("000", "001", "002", "004")}
    truths["2021"] = json.loads((FIXTURES / "office" / "truth_2021.json").read_text(encoding="utf-8"))
    return truths


def _random_value(rng: random.Random, kind: str) -> int | float | None:
    r = rng.random()
    if r < 0.05:
        return None
    if r < 0.4:
        return 0
    v = int(rng.lognormvariate(2, 2.5))
    if kind == "amount" and rng.random() < 0.5:
        return round(v + rng.random(), rng.choice((1, 2)))
    return -v if kind == "change" and rng.random() < 0.3 else v


def random_truth(rng: random.Random, fmt: str) -> dict:
    """A truth in the export's shape with random figures, blanks, decimals and negative changes."""
    tables: dict[str, dict] = {}
    for name in FORMAT_FAMILIES[fmt]:
        fam = FAMILIES[name]
        table: dict[str, object] = {}
        for row in fam.data_rows(fmt):
            kinds = {c: fam.column(c).kind for c in fam.row_columns(row, fmt)}
            if fam.shape == "matrix":
                table[row.code] = {c: _random_value(rng, k) for c, k in kinds.items()}
            else:
                table.update({fam.cell_code(row.code, c): _random_value(rng, k) for c, k in kinds.items()})
        tables[name] = table
    if fmt == "2021":
        tables["requests"]["other"] = dict.fromkeys(tables["requests"]["other"])
    year = {"2019": 2020, "2021": 2022, "legacy": 2016}[fmt]
    return {"agency": rng.choice(AGENCIES), "year": year, "format": fmt, "tables": tables}


@dataclass
class Score:
    hits: int = 0
    cells: int = 0
    misses: list[tuple[str, str, object, object]] = field(default_factory=list)

    @property
    def share(self) -> float:
        return self.hits / self.cells

    def add(self, source: str, truth: dict, rep: ParsedReport) -> None:
        """Compare a parsed report's cells with its truth (a blank truth cell matches a cell not found)."""
        got = rep.values()
        for name, table in truth["tables"].items():
            fam = FAMILIES[name]
            for key, value in table.items():
                pairs = value.items() if isinstance(value, dict) else [(None, value)]
                for col, v in pairs:
                    cell = fam.cell_code(key, col) if col else key
                    self.cells += 1
                    found = got.get(name, {}).get(cell)
                    if found == v:
                        self.hits += 1
                    else:
                        self.misses.append((source, f"{name} {cell}", v, found))


def assert_meta(truth: dict, rep: ParsedReport) -> None:
    assert rep.status == "parsed", rep.reason
    got = {"agency": rep.meta.agency, "year": rep.meta.year, "format": rep.format, "published": rep.meta.published}
    assert {k: got[k] for k in got if k in truth} == {k: truth[k] for k in got if k in truth}


@pytest.fixture(scope="module")
def truths() -> dict[str, dict]:
    return seed_truths()


@dataclass
class Rendered:
    folder: Path
    truths: dict[str, dict]
    """File name → its truth."""

    def reports(self) -> dict[str, ParsedReport]:
        return {r.source: r for r in parse_paths([self.folder])}


@pytest.fixture(scope="module")
def docx_set(tmp_path_factory, truths) -> Rendered:
    """The five truths and nine random ones as .docx."""
    rendered = Rendered(tmp_path_factory.mktemp("docx"), {})
    rng = random.Random(2024)
    randoms = {f"random{i}": random_truth(rng, ("2019", "2021", "legacy")[i % 3]) for i in range(9)}
    for name, truth in {**truths, **randoms}.items():
        (rendered.folder / f"{name}.docx").write_bytes(office_render.render_docx(truth))
        rendered.truths[f"{name}.docx"] = truth
    return rendered


@pytest.fixture(scope="module")
def docx_reports(docx_set) -> dict[str, ParsedReport]:
    return docx_set.reports()


def test_docx_round_trips_every_cell(docx_set, docx_reports):
    score = Score()
    for source, truth in docx_set.truths.items():
        assert_meta(truth, docx_reports[source])
        score.add(source, truth, docx_reports[source])
    print(f"\ndocx round trip: {score.hits}/{score.cells} cells")
    assert score.cells > 1500 and not score.misses, score.misses[:10]
    assert {r.reader for r in docx_reports.values()} == {"docx"}


def test_docx_round_trips_through_the_export(tmp_path, docx_set, truths):
    for name in ("000", "2021"):
        shutil.copy(docx_set.folder / f"{name}.docx", tmp_path)
    build([tmp_path], tmp_path / "o.db")
    exported = {o["source"]: o for o in iter_export(str(tmp_path / "o.db"))}
    for name in ("000", "2021"):
        got, truth = exported[f"{name}.docx"], truths[name]
        assert (got["agency"], got["year"], got["format"]) == (truth["agency"], truth["year"], truth["format"])
        assert got["tables"] == truth["tables"]
        assert not [c for c in got["checks"] if c["status"] == "fail"]


def test_docx_merged_cells_follow_the_html_policy(docx_set):
    tokens = _read(docx_set.folder / "000.docx").tokens
    rows = _rows(tokens)
    withheld = next(r for r in rows if "1.属于国家秘密" in r)
    assert withheld[:3] == ["三、本年度办理结果", "(三)不予公开", "1.属于国家秘密"], "vertically merged labels repeated"
    granted = next(r for r in rows if "(一)予以公开" in r)
    assert granted[:2] == ["三、本年度办理结果", "(一)予以公开"] and len(granted) == 9, "a label spanning columns once"
    fees = [t for t in tokens if t.row is not None and t.row == next(x.row for x in tokens if x.text == "行政事业性收费")]
    assert [(t.text, t.col) for t in fees] == [("行政事业性收费", 0), ("80", 1), ("7", 2), ("", 3)], \
        "a figure spanning two columns is kept once"
    header = next(r for r in rows if "申请人情况" in r)
    assert header.count("申请人情况") == 1


def _read(path: Path):
    return office.gaireports_read(data=path.read_bytes(), path=path.name)


def _rows(tokens: list[Token]) -> list[list[str]]:
    rows: dict[int, list[str]] = {}
    for t in tokens:
        if t.row is not None:
            rows.setdefault(t.row, []).append(t.text)
    return list(rows.values())


W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _tbl(body: str, grid: str = "") -> etree._Element:
    return etree.fromstring(f'<w:tbl xmlns:w="{W}"><w:tblGrid>{grid}</w:tblGrid>{body}</w:tbl>')


def _tc(text: str, props: str = "") -> str:
    return f"<w:tc><w:tcPr>{props}</w:tcPr><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>"


def test_vertical_merges_and_grid_before():
    """A figure merged down two rows is kept once; a label merged down is repeated; gridBefore shifts a row."""
    tbl = _tbl(
        "<w:tr>" + _tc("合计", '<w:vMerge w:val="restart"/>') + _tc("12", '<w:vMerge w:val="restart"/>') + "</w:tr>"
        "<w:tr>" + _tc("", "<w:vMerge/>") + _tc("", "<w:vMerge/>") + "</w:tr>"
        '<w:tr><w:trPr><w:gridBefore w:val="1"/></w:trPr>' + _tc("7") + "</w:tr>"
    )
    assert [texts(r) for r in spread(table_spans(tbl))] == [["合计", "12"], ["合计", ""], ["", "7"]]


def test_sliver_grid_columns_are_dropped():
    """Borders a twip apart (files converted from .doc) leave no phantom blank after a spanned figure."""
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in (576, 575, 1, 576))
    tbl = _tbl(
        "<w:tr>" + _tc("结果维持") + _tc("总计", '<w:gridSpan w:val="2"/>') + _tc("结果维持") + "</w:tr>"
        "<w:tr>" + _tc("3") + _tc("5", '<w:gridSpan w:val="2"/>') + _tc("1") + "</w:tr>",
        grid,
    )
    assert [texts(r) for r in spread(table_spans(tbl))] == [["结果维持", "总计", "结果维持"], ["3", "5", "1"]]


@pytest.fixture(scope="module")
def pdf_set(tmp_path_factory, truths) -> Rendered:
    """PDFs of the five truths with rows kept whole, again with rows cut by page breaks, and random truths.

    One LibreOffice run converts them all.
    """
    if not HAVE_SOFFICE:
        pytest.skip("LibreOffice (soffice) is not installed: `make test` installs it")
    rendered = Rendered(tmp_path_factory.mktemp("pdf"), {})
    rng = random.Random(99)
    randoms = {f"random{i}": random_truth(rng, ("2019", "2021", "legacy")[i % 3]) for i in range(RANDOM_PDFS)}
    plan = [(f"{n}-whole.pdf", t, True, 5) for n, t in truths.items()]
    plan += [(f"{n}-cut.pdf", t, False, 1 + i % 5) for i, (n, t) in enumerate(truths.items())]
    plan += [(f"{n}-cut.pdf", t, False, rng.randint(1, 5)) for n, t in randoms.items()]
    pdfs = office_render.docx_to_pdf([office_render.render_docx(t, whole, lead) for _n, t, whole, lead in plan])
    for (name, truth, _whole, _lead), pdf in zip(plan, pdfs):
        (rendered.folder / name).write_bytes(pdf)
        rendered.truths[name] = truth
    return rendered


@pytest.fixture(scope="module")
def pdf_docs(pdf_set) -> dict[str, Document]:
    """Each PDF read once by the office hook."""
    return {name: _read(pdf_set.folder / name) for name in pdf_set.truths}


@pytest.fixture(scope="module")
def pdf_reports(pdf_set, pdf_docs) -> dict[str, ParsedReport]:
    pm = pipeline.plugin_manager()
    families, markers = pipeline.families(pm), {f.code: f.markers for f in pipeline.formats(pm)}
    return {
        name: parse_file((pdf_set.folder / name).read_bytes(), name, families, markers, reader=lambda _d, doc=doc: doc)
        for name, doc in pdf_docs.items()
    }


def test_pdf_round_trips_at_least_995_per_mille(pdf_set, pdf_reports):
    score = Score()
    for source, truth in pdf_set.truths.items():
        assert_meta(truth, pdf_reports[source])
        score.add(source, truth, pdf_reports[source])
    print(f"\npdf round trip: {score.hits}/{score.cells} cells = {score.share:.4%}; misses: {score.misses[:20]}")
    assert score.cells > 1500
    assert score.share >= 0.995, score.misses[:20]
    assert {r.reader for r in pdf_reports.values()} == {"pdf"}


def test_pdf_table_over_pages_drops_repeated_header_rows(pdf_set, pdf_docs):
    import pdfplumber

    with pdfplumber.open(pdf_set.folder / "000-whole.pdf") as pdf:
        pages_with_header = [n for n, p in enumerate(pdf.pages, 1) if "申请人情况" in (p.extract_text() or "")]
    assert len(pages_with_header) >= 2, "table 三 runs over pages with its header repeated"
    tokens = pdf_docs["000-whole.pdf"].tokens
    assert sum("申请人情况" in r for r in _rows(tokens)) == 1
    first = next(t for t in tokens if t.text == "一、本年新收政府信息公开申请数量")
    last = next(t for t in tokens if t.text == "四、结转下年度继续办理")
    assert first.position.split(",")[0] != last.position.split(",")[0], "one table, read from two pages"
    assert first.position.split(", ")[1] == last.position.split(", ")[1]


def test_pdf_row_cut_by_a_page_break_is_rejoined(pdf_docs):
    joined = [t for name, doc in pdf_docs.items() if name.endswith("-cut.pdf") for t in doc.tokens
              if t.position.startswith("pages ")]
    labels = {r.label_for(fmt) for f in BUILTIN for r in f.rows for fmt in r.columns}
    assert {t.text for t in joined} & labels, "some rendition cut a labelled row at a page break"


def test_pdf_page_numbers_and_running_headers_are_left_out(pdf_set, pdf_docs):
    import pdfplumber

    with pdfplumber.open(pdf_set.folder / "004-whole.pdf") as pdf:
        printed = [(p.extract_text() or "").splitlines() for p in pdf.pages]
    assert len(printed) > 2 and all(lines[0] == "唐河县人民政府" and lines[-1] == f"— {n} —"
                                    for n, lines in enumerate(printed, 1))
    text = pdf_docs["004-whole.pdf"].text.splitlines()
    assert text.count("唐河县人民政府") == 1, "the signature stays, the running header goes"
    assert not [line for line in text if line.strip("— ").isdigit()]


def test_scanned_pdf_is_unparsed_with_reason(tmp_path):
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (400, 300), "white")
    ImageDraw.Draw(img).rectangle((40, 40, 360, 260), outline="black")
    img.save(tmp_path / "scan.pdf", "PDF", resolution=72)
    (rep,) = parse_paths([tmp_path])
    assert rep.status == "unparsed" and not rep.cells
    assert "scanned, needs OCR" in rep.reason and rep.reason.startswith("scan.pdf")


def test_damaged_office_files_are_unparsed_with_reason(tmp_path):
    (tmp_path / "cut.pdf").write_bytes(b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog")
    members = {"book.xlsx": ("[Content_Types].xml", "xl/workbook.xml"), "slides.pptx": ("ppt/presentation.xml",),
               "text.odt": ("mimetype", "content.xml"), "other.docx": ("[Content_Types].xml", "docProps/app.xml"),
               "reports.zip": ("2019/a.html", "2020/b.html")}
    for name, inside in members.items():
        with zipfile.ZipFile(tmp_path / name, "w") as z:
            for member in inside:
                z.writestr(member, "<x/>")
    reps = {r.source: r for r in parse_paths([tmp_path])}
    assert reps["cut.pdf"].status == "unparsed" and "PDF" in reps["cut.pdf"].reason
    reasons = {name: reps[name].reason.removeprefix(f"{name}: ") for name in members}
    assert reasons == {
        "book.xlsx": "an Excel workbook (.xlsx): spreadsheets are not read",
        "slides.pptx": "a PowerPoint file (.pptx): presentations are not read",
        "text.odt": "an OpenDocument file that is no text document (.ods, .odp): not read",
        "other.docx": "an Office file with no word/document.xml: not a Word (.docx) report",
        "reports.zip": "a ZIP archive (2 files): unpack it and build from its folder",
    }


@pytest.fixture(scope="module")
def ole_folder(tmp_path_factory, docx_set) -> Path:
    """A .doc converted by LibreOffice from the 2019 seed rendition, and a .wps copy of it."""
    if not HAVE_SOFFICE:
        pytest.skip("LibreOffice (soffice) is not installed: `make test` installs it")
    folder = tmp_path_factory.mktemp("ole")
    (doc,) = office.convert([docx_set.folder / "000.docx"], "doc", folder / "tmp")
    shutil.move(doc, folder / "000.doc")
    shutil.copy(folder / "000.doc", folder / "000.wps")
    shutil.rmtree(folder / "tmp")
    return folder


@needs_soffice
def test_doc_and_wps_are_converted_and_read(ole_folder, truths):
    reps = {r.source: r for r in parse_paths([ole_folder])}
    for name in ("000.doc", "000.wps"):
        rep = reps[name]
        assert_meta(truths["000"], rep)
        score = Score()
        score.add(name, truths["000"], rep)
        assert not score.misses, score.misses
    assert (reps["000.doc"].reader, reps["000.wps"].reader) == ("doc via LibreOffice", "wps via LibreOffice")


@pytest.fixture(scope="module")
def rtf_odt_folder(tmp_path_factory, docx_set) -> Path:
    """The 2019 seed rendition saved by LibreOffice as RTF and as OpenDocument text, under names that hide
    their kind."""
    if not HAVE_SOFFICE:
        pytest.skip("LibreOffice (soffice) is not installed: `make test` installs it")
    folder = tmp_path_factory.mktemp("rtf-odt")
    for target, name in (("rtf", "000_rtf.txt"), ("odt", "000_odt.bin")):
        (out,) = office.convert([docx_set.folder / "000.docx"], target, folder / "tmp")
        shutil.move(out, folder / name)
    shutil.rmtree(folder / "tmp")
    return folder


@needs_soffice
def test_rtf_and_odt_are_converted_and_read(rtf_odt_folder, truths):
    reps = {r.source: r for r in parse_paths([rtf_odt_folder])}
    assert (rtf_odt_folder / "000_rtf.txt").read_bytes().startswith(office.RTF_MAGIC)
    for name, reader in (("000_rtf.txt", "rtf via LibreOffice"), ("000_odt.bin", "odt via LibreOffice")):
        rep = reps[name]
        assert rep.reader == reader
        assert_meta(truths["000"], rep)
        score = Score()
        score.add(name, truths["000"], rep)
        assert not score.misses, score.misses


def test_doc_and_wps_without_converter_are_unparsed(tmp_path, monkeypatch):
    monkeypatch.setattr(office, "find_tool", lambda *names: None)
    ole = office.OLE_MAGIC + b"\x00" * 504
    (tmp_path / "a.doc").write_bytes(ole)
    (tmp_path / "b.wps").write_bytes(ole)
    (tmp_path / "c.rtf").write_bytes(b"{\\rtf1\\ansi\\ansicpg936 \\'d5\\'fe\\'b8\\'ae}")
    reps = {r.source: r for r in parse_paths([tmp_path])}
    assert reps["a.doc"].status == reps["b.wps"].status == reps["c.rtf"].status == "unparsed"
    assert "Word 97-2003 document (.doc)" in reps["a.doc"].reason
    assert "WPS document (.wps)" in reps["b.wps"].reason
    assert "RTF document (.rtf)" in reps["c.rtf"].reason
    for rep in reps.values():
        assert "needs LibreOffice (soffice), which is not installed" in rep.reason


def test_a_failed_conversion_is_unparsed_with_reason(tmp_path, monkeypatch):
    monkeypatch.setattr(office, "find_tool", lambda *names: "/bin/false")
    (tmp_path / "a.doc").write_bytes(office.OLE_MAGIC + b"\x00" * 504)
    (rep,) = parse_paths([tmp_path])
    assert rep.status == "unparsed"
    assert "Word 97-2003 document (.doc): LibreOffice could not convert it to docx" in rep.reason


def test_write_renditions_puts_the_truth_beside_each_file(tmp_path, truths):
    paths = office_render.write_renditions(truths["2021"], tmp_path, "r1", kinds=(".docx",))
    assert [p.name for p in paths] == ["r1.docx"]
    beside = json.loads((tmp_path / "r1.docx.json").read_text(encoding="utf-8"))
    assert beside["source"] == "r1.docx" and beside["tables"] == truths["2021"]["tables"]
    with pytest.raises(ValueError, match="no renderer"):
        office_render.write_renditions(truths["2021"], tmp_path, "r2", kinds=(".odt",))


def test_a_corpus_document_renders_as_docx(tmp_path):
    """The corpus generator's documents (paragraphs with roles, grids in HTML's terms) become .docx files."""
    cell = SimpleNamespace
    grid = [
        [cell(text="统计指标", rowspan=1, colspan=1), cell(text="单位", rowspan=1, colspan=1), cell(text="统计数", rowspan=1, colspan=1)],
        [cell(text="四、行政复议数量", rowspan=2, colspan=1), cell(text="件", rowspan=1, colspan=1), cell(text="3", rowspan=2, colspan=1)],
        [cell(text="件", rowspan=1, colspan=1)],
        [cell(text="(一)维持具体行政行为数", rowspan=1, colspan=1), cell(text="2", rowspan=1, colspan=2)],
    ]
    doc = SimpleNamespace(blocks=[
        SimpleNamespace(text="青山县人民政府2016年政府信息公开工作年度报告", role="title"),
        SimpleNamespace(text="政府信息公开情况统计表", role="heading"),
        SimpleNamespace(grid=grid, header_rows=1),
        SimpleNamespace(text="2017年3月1日", role="date"),
    ])
    (tmp_path / "c.docx").write_bytes(office_render.docx_from_doc(doc))
    parsed = _read(tmp_path / "c.docx")
    assert _rows(parsed.tokens) == [
        ["统计指标", "单位", "统计数"],
        ["四、行政复议数量", "件", "3"],
        ["四、行政复议数量", "件", ""],
        ["(一)维持具体行政行为数", "2", ""],
    ]
    assert parsed.text.splitlines()[0] == "青山县人民政府2016年政府信息公开工作年度报告"
    assert parsed.text.splitlines()[-1] == "2017年3月1日"


@needs_soffice
def test_a_conversion_past_its_time_is_ended_with_its_children(tmp_path, monkeypatch, docx_set):
    monkeypatch.setattr(office, "CONVERT_TIMEOUT", 0.2)
    temp_before = set(Path(tempfile.gettempdir()).glob("lu*.tmp"))
    with pytest.raises(Unreadable, match="did not finish converting"):
        office.convert([docx_set.folder / "000.docx"], "pdf", tmp_path)
    profile = office._profile_dir()
    left = [p for p in Path("/proc").glob("[0-9]*/cmdline") if profile in _cmdline(p)]
    assert not left, "no LibreOffice process of this profile is left running"
    assert not any(pipe.exists() for pipe in office.ipc_pipes(f"file://{profile}")), "nor its socket"
    assert set(Path(tempfile.gettempdir()).glob("lu*.tmp")) == temp_before, "its temporary files are in its profile"


@needs_soffice
def test_the_socket_named_after_a_profile_is_the_one_libreoffice_makes(tmp_path):
    url = f"file://{tmp_path / 'profile'}"
    (pipe, *_) = office.ipc_pipes(url)
    cmd = [office.soffice() or "soffice", f"-env:UserInstallation={url}", "--headless", "--norestore"]
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    # A first start makes the profile and restarts itself, its socket gone for a moment: make it first, so the
    # socket seen below is the one the process killed holds.
    subprocess.run([*cmd, "--terminate_after_init"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
                   timeout=120, check=False)
    assert not pipe.exists(), "a LibreOffice that ends by itself removes its socket"
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while not pipe.is_socket() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert pipe.is_socket(), f"LibreOffice listens on {pipe}"
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    assert pipe.is_socket(), "a killed LibreOffice leaves its socket behind"
    office._remove_stale_pipes(url)
    assert not pipe.exists()


def _cmdline(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8", "replace")
    except OSError:
        return ""


def test_a_layout_table_holding_tables_is_read_as_its_contents(tmp_path):
    from docx import Document as new_docx

    doc = new_docx()
    doc.add_paragraph("青山县人民政府2016年政府信息公开工作年度报告")
    frame = doc.add_table(rows=1, cols=1).cell(0, 0)
    frame.paragraphs[0].text = "政府信息公开情况统计表"
    inner = frame.add_table(rows=2, cols=3)
    for r, texts_ in enumerate((("统计指标", "单位", "统计数"), ("六、举报投诉数量", "件", "4"))):
        for c, text in enumerate(texts_):
            inner.cell(r, c).text = text
    doc.save(tmp_path / "frame.docx")
    parsed = _read(tmp_path / "frame.docx")
    assert parsed.text.splitlines() == [
        "青山县人民政府2016年政府信息公开工作年度报告",
        "政府信息公开情况统计表",
        "统计指标 | 单位 | 统计数",
        "六、举报投诉数量 | 件 | 4",
    ]
