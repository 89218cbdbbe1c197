"""Readers for reports published as office files: .docx, .pdf, and .doc/.wps/.rtf/.odt through LibreOffice.

Registered as a built-in ``gaireports_read`` hook: a file is claimed by its
content (ZIP holding ``word/document.xml`` or an OpenDocument text, ``%PDF``,
an OLE container, ``{\\rtf``), so a misnamed file is read all the same. Every
reader returns the same :class:`~.readers.Document` as the HTML reader: one
token per table cell, spanned labels repeated and spanned figures kept once,
and one per text line.
"""

from __future__ import annotations

import atexit
import hashlib
import io
import os
import shutil
import signal
import subprocess
import tempfile
import zipfile
from functools import lru_cache
from pathlib import Path, PurePosixPath

from .hookspecs import hookimpl
from .office_docx import read_docx
from .office_pdf import read_pdf
from .readers import Document, Unreadable

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
CONVERT_TIMEOUT = 180
OLE_KINDS = {".doc": "Word 97-2003 document (.doc)", ".wps": "WPS document (.wps)"}
RTF_MAGIC = b"{\\rtf"
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


def find_tool(*names: str) -> str | None:
    """The path of the first of ``names`` on PATH (tests patch this to simulate a missing tool)."""
    for name in names:
        path = shutil.which(name)
        if path:
            return path
    return None


def soffice() -> str | None:
    return find_tool("soffice", "libreoffice")


@lru_cache(maxsize=1)
def _profile_dir() -> str:
    """A LibreOffice user profile private to this process, made once and removed at exit, with a ``tmp``
    folder in it that LibreOffice is given as its TMPDIR."""
    path = tempfile.mkdtemp(prefix="gaireports-lo-")
    os.mkdir(os.path.join(path, "tmp"))
    atexit.register(shutil.rmtree, path, True)
    return path


IPC_PIPE_FOLDERS = ("/tmp", "/var/tmp")
"""Where LibreOffice makes the socket one instance listens on (it does not follow TMPDIR)."""


def ipc_pipes(profile_url: str) -> list[Path]:
    """The sockets LibreOffice names after a user profile: ``OSL_PIPE_<uid>_SingleOfficeIPC_<hash>``, the
    hash being MD5 of the profile URL's UTF-16 code units, each byte in hex without a leading zero."""
    digest = hashlib.md5(profile_url.encode("utf-16-le")).digest()
    name = f"OSL_PIPE_{os.getuid()}_SingleOfficeIPC_{''.join(f'{b:x}' for b in digest)}"
    return [Path(folder) / name for folder in IPC_PIPE_FOLDERS]


def _remove_stale_pipes(profile_url: str) -> None:
    """Remove the socket a killed LibreOffice leaves behind (one that ends by itself removes its own)."""
    for pipe in ipc_pipes(profile_url):
        if pipe.is_socket():
            pipe.unlink(missing_ok=True)


def convert(sources: list[Path], target: str, outdir: Path) -> list[Path]:
    """Convert files with LibreOffice headless (one process for all); the converted paths in order."""
    tool = soffice()
    if tool is None:
        raise Unreadable("converting it needs LibreOffice (soffice), which is not installed")
    outdir.mkdir(parents=True, exist_ok=True)
    profile = _profile_dir()
    profile_url = f"file://{profile}"
    cmd = [tool, f"-env:UserInstallation={profile_url}", "--headless", "--norestore",
           "--convert-to", target, "--outdir", str(outdir), *map(str, sources)]
    env = {**os.environ, "TMPDIR": os.path.join(profile, "tmp")}
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                          start_new_session=True) as proc:
        try:
            stdout, stderr = proc.communicate(timeout=CONVERT_TIMEOUT)
        except subprocess.TimeoutExpired as exc:
            os.killpg(proc.pid, signal.SIGKILL)  # soffice starts soffice.bin: end the whole group it leads
            proc.communicate()
            _remove_stale_pipes(profile_url)
            raise Unreadable(f"LibreOffice did not finish converting within {CONVERT_TIMEOUT} s") from exc
    out = [outdir / f"{src.stem}.{target.split(':')[0]}" for src in sources]
    missing = [p.name for p in out if not p.exists()]
    if missing:
        detail = (stderr or stdout).decode("utf-8", "replace").strip()[-300:]
        raise Unreadable(f"LibreOffice could not convert it to {target} ({detail or 'no output'})")
    return out


@hookimpl
def gaireports_read(data: bytes, path: str):
    """Claim .docx, .pdf and .doc/.wps files by their content; leave every other file alone."""
    if data.startswith(b"%PDF"):
        return read_pdf(data)
    if data.startswith(b"PK\x03\x04"):
        return read_zip(data)
    if data.startswith(OLE_MAGIC):
        return read_ole(data, path)
    if data.startswith(RTF_MAGIC):
        return read_converted(data, ".rtf", "RTF document (.rtf)")
    return None


def read_zip(data: bytes) -> Document:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = set(z.namelist())
            mimetype = z.read("mimetype").strip() if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise Unreadable(f"a ZIP container (.docx or similar) that cannot be opened as a Word document: {exc}") from exc
    if "word/document.xml" in names:
        return read_docx(data)
    if mimetype == ODT_MIMETYPE:
        return read_converted(data, ".odt", "OpenDocument text (.odt)")
    raise Unreadable(_zip_kind(names))


ZIP_KINDS = (
    ("xl/workbook.xml", "an Excel workbook (.xlsx): spreadsheets are not read"),
    ("ppt/presentation.xml", "a PowerPoint file (.pptx): presentations are not read"),
    ("mimetype", "an OpenDocument file that is no text document (.ods, .odp): not read"),
    ("[Content_Types].xml", "an Office file with no word/document.xml: not a Word (.docx) report"),
)
"""A member naming what a ZIP container that is no Word document is, and the reason given for it."""


def _zip_kind(names: set[str]) -> str:
    """Why a ZIP container holding ``names`` is not read: the first of :data:`ZIP_KINDS` it holds, else an
    archive of files."""
    reason = next((why for member, why in ZIP_KINDS if member in names), None)
    files = f"{len(names)} file{'s' if len(names) != 1 else ''}"
    return reason or f"a ZIP archive ({files}): unpack it and build from its folder"


def read_ole(data: bytes, path: str) -> Document:
    """A Word 97-2003 or WPS document, converted to .docx by LibreOffice and read as such."""
    suffix = PurePosixPath(path).suffix.lower()
    ext = suffix if suffix in OLE_KINDS else ".doc"
    return read_converted(data, ext, OLE_KINDS.get(suffix, "Word 97-2003 or WPS document (.doc/.wps)"))


def read_converted(data: bytes, ext: str, kind: str) -> Document:
    """A document LibreOffice reads (``ext`` names its type, ``kind`` it in reasons), converted to .docx and
    read as such."""
    with tempfile.TemporaryDirectory(prefix="gaireports-convert-") as tmp:
        src = Path(tmp) / f"report{ext}"
        src.write_bytes(data)
        try:
            (out,) = convert([src], "docx", Path(tmp) / "out")
        except Unreadable as exc:
            raise Unreadable(f"a {kind}: {exc}") from exc
        doc = read_docx(out.read_bytes())
    doc.reader = f"{ext.lstrip('.')} via LibreOffice"
    return doc
