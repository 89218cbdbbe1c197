"""Reader for web pages saved as one file (MHTML: ``.mht``, ``.mhtml``), as browsers save a page with its
images: a MIME message whose HTML part is read as any web page.

Registered as a built-in ``gaireports_read`` hook and claiming a file by its
content (a MIME header naming ``multipart/related`` or ``text/html`` in its
first lines), so a page saved under another name is read all the same.
"""

from __future__ import annotations

import re
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

from .hookspecs import hookimpl
from .readers import Document, Unreadable, read_bytes

HEAD_BYTES = 4096
"""How much of a file's start is looked at for the MIME header."""
_MIME = re.compile(rb"^MIME-Version:\s*1\.0", re.I | re.M)
_PAGE_TYPE = re.compile(rb"^Content-Type:\s*(?:multipart/related|text/html)", re.I | re.M)


def is_mhtml(data: bytes) -> bool:
    """Whether ``data`` starts as a saved web page does: a MIME header holding a page."""
    head = data[:HEAD_BYTES]
    return bool(_MIME.search(head) and _PAGE_TYPE.search(head))


def page_part(data: bytes) -> tuple[bytes, str | None]:
    """The bytes of the saved page's HTML (its transfer encoding undone) and the page's address where the file
    names it (``Content-Location``), or :class:`Unreadable`."""
    message = BytesParser(policy=policy.default).parsebytes(data)
    if not isinstance(message, EmailMessage):
        raise Unreadable("a web page saved as one file (MHTML) that cannot be read as a MIME message")
    part = message.get_body(preferencelist=("html",))
    payload = part.get_payload(decode=True) if part is not None else None
    if part is None or not isinstance(payload, bytes) or not payload.strip():
        raise Unreadable("a web page saved as one file (MHTML) with no HTML part")
    location = part.get("Content-Location") or message.get("Snapshot-Content-Location")
    return payload, str(location).strip() if location else None


@hookimpl
def gaireports_read(data: bytes, path: str):
    """Claim a saved web page (MHTML) and read its HTML part; leave every other file alone. The part is
    decoded by evidence, as any page is, whatever charset its header claims."""
    if not is_mhtml(data):
        return None
    html, location = page_part(data)
    doc: Document = read_bytes(html)
    doc.reader = f"mhtml ({doc.reader})"
    doc.resolve_links(location)
    return doc
