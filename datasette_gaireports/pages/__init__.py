"""The plugin's pages: balance-check status, agency history and report reconstruction.

:data:`ROUTES` maps each URL pattern (without ``base_url``) to its view. Every
page is read-only: :func:`read_only` answers GET and HEAD, OPTIONS with the
allowed methods, and any other method with a 405.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable

from datasette.utils import add_cors_headers
from datasette.utils.asgi import Response

from . import agency, errors, report, status
from .common import SECURITY_HEADERS

View = Callable[..., Awaitable[Response]]
ALLOWED = ("GET", "HEAD", "OPTIONS")


def read_only(view: View) -> View:
    """``view`` for GET and HEAD requests; OPTIONS lists the methods, any other method is a 405."""

    @functools.wraps(view)
    async def guarded(datasette, request) -> Response:
        if request.method in ("GET", "HEAD"):
            return await view(datasette, request)
        headers = {**SECURITY_HEADERS, "allow": ", ".join(ALLOWED)}
        if datasette.cors:
            add_cors_headers(headers)
        if request.method == "OPTIONS":
            return Response.text("", headers=headers)
        response = await errors.error_response(
            datasette, request, 405, f"Method not allowed: {request.method}", {}, "Method not allowed"
        )
        response.headers.update(headers)
        return response

    return guarded


DB = r"/(?P<database>[^/]+)/-/gaireports"

ROUTES = tuple(
    (pattern, read_only(view))
    for pattern, view in (
        (r"^/-/gaireports$", status.instance_status),
        (r"^/-/gaireports/failing\.(?P<ext>csv|json)$", status.failing_rendition),
        (r"^/-/gaireports/report/(?P<report_id>[^/]+?)(?:\.(?P<ext>json|csv))?$", report.find_report),
        (DB + r"$", status.database_status),
        (DB + r"/failing\.(?P<ext>csv|json)$", status.failing_rendition),
        (DB + r"/agency/(?P<agency_id>[^/]+?)(?:\.(?P<ext>json|csv))?$", agency.agency_page),
        (DB + r"/report/(?P<report_id>[^/]+?)(?:\.(?P<ext>json|csv))?$", report.report_view),
    )
)
