"""Searches of one or two characters on the ``reports`` table go to the ``search`` canned query.

The table's search box uses the trigram FTS index, which cannot match fewer than
three characters (应急, 衡阳); the canned query also reads the texts for those.
"""

from __future__ import annotations

from urllib.parse import parse_qs, quote

from datasette.utils.asgi import asgi_send_redirect

TABLE = "reports"
QUERY = "search"


async def redirect_target(datasette, scope) -> str | None:
    """Where a short search of ``reports`` should go, or ``None`` to serve the request as it is."""
    if scope.get("type") != "http" or scope.get("method") not in ("GET", "HEAD"):
        return None
    params = parse_qs(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=False)
    terms = params.get("_search", [])
    if len(terms) != 1 or not 0 < len(terms[0].strip()) < 3:
        return None
    for name in datasette.databases:
        if scope.get("path") not in (datasette.urls.table(name, TABLE), datasette.urls.table(name, TABLE) + ".json"):
            continue
        if await datasette.get_canned_query(name, QUERY, None) is None:
            return None
        suffix = ".json" if scope["path"].endswith(".json") else ""
        return f"{datasette.urls.database(name)}/{QUERY}{suffix}?q={quote(terms[0].strip())}"
    return None


def wrap(datasette, app):
    """An ASGI wrapper answering short searches with a redirect."""

    async def short_search(scope, receive, send):
        target = await redirect_target(datasette, scope)
        if target is not None:
            await asgi_send_redirect(send, target)
            return
        await app(scope, receive, send)

    return short_search
