"""Client errors (4xx) rendered like Datasette's own error pages, without a traceback.

Datasette 0.65's default handler prints a ``rich`` traceback (locals included)
for every exception when ``rich`` is installed, as it is beside Frictionless:
about a second per 404, and for a path that matches no route the printing
itself raises (there is no traceback to print) and the request crashes.
:func:`quiet_default_handler` turns that printing off (server errors still
print a plain traceback), and client errors are answered here: as JSON for a
``.json`` path, as one line of plain text for a CSV rendition of the plugin's
pages (a program reading the CSV gets no HTML page), as Datasette's error page
otherwise.
"""

from __future__ import annotations

from typing import Any

from datasette import Response
from datasette.utils import add_cors_headers
from datasette.utils.asgi import Base400
from datasette.views.base import DatasetteError
from markupsafe import Markup

PLUGIN_PATH = "/-/gaireports"
"""What every path of the plugin's pages holds: their CSV renditions answer an error as one line of text."""


def client_error(exception: BaseException) -> tuple[int, str, dict[str, Any], str | None] | None:
    """(status, message, extra info, title) for a 4xx exception; ``None`` for anything else."""
    if isinstance(exception, Base400):
        return exception.status, exception.args[0] if exception.args else "", {}, None
    if isinstance(exception, DatasetteError) and exception.status < 500:
        message = Markup(exception.message) if exception.message_is_html else exception.message
        return exception.status, message, dict(exception.error_dict or {}), exception.title
    return None


async def error_response(datasette, request, status: int, message: str, info: dict, title: str | None) -> Response:
    """The response Datasette's default handler gives for the same error."""
    info = dict(info, ok=False, error=message, status=status, title=title)
    headers: dict[str, str] = {}
    if datasette.cors:
        add_cors_headers(headers)
    path = request.path.split("?")[0]
    if path.endswith(".json"):
        return Response.json(info, status=status, headers=headers)
    if path.endswith(".csv") and PLUGIN_PATH in path:
        text = message.striptags() if isinstance(message, Markup) else message
        return Response.text(f"Error {status}: {text}\n", status=status, headers=headers)
    template = datasette.jinja_env.select_template([f"{status}.html", "error.html"])
    context = dict(info, urls=datasette.urls, app_css_hash=datasette.app_css_hash(), menu_links=lambda: [])
    return Response.html(await template.render_async(context), status=status, headers=headers)


def quiet_default_handler() -> None:
    """Stop Datasette's default exception handler from printing ``rich`` tracebacks."""
    import datasette.handle_exception

    datasette.handle_exception.rich = None
