"""Searches of the ``reports`` table in the index's form: traditional characters and full-width forms are
folded, and searches of one or two characters go to the ``search`` canned query.

The table's search box uses the trigram FTS index, which holds the texts folded
(:func:`.search.fold`) and cannot match fewer than three characters (应急, 衡阳);
the canned query folds its term too and also reads the texts for short ones.
A search the index cannot answer as it is typed is answered with a redirect.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, quote, urlencode

from datasette.utils.asgi import asgi_send_redirect

from ..search import fold

TABLE = "reports"
QUERY = "search"


async def redirect_target(datasette, scope) -> str | None:
    """Where a search of ``reports`` should go, or ``None`` to serve the request as it is."""
    if scope.get("type") != "http" or scope.get("method") not in ("GET", "HEAD"):
        return None
    params = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
    terms = [v for k, v in params if k == "_search" and v.strip()]
    if len(terms) != 1:
        return None
    term = str(fold(terms[0].strip()))
    for name in datasette.databases:
        table = datasette.urls.table(name, TABLE)
        if scope.get("path") not in (table, table + ".json"):
            continue
        suffix = ".json" if scope["path"].endswith(".json") else ""
        if len(term) < 3:
            if await datasette.get_canned_query(name, QUERY, None) is None:
                return None
            return f"{datasette.urls.database(name)}/{QUERY}{suffix}?q={quote(term)}"
        if term == terms[0]:
            return None
        query = urlencode([(k, term if k == "_search" and v.strip() else v) for k, v in params])
        return f"{table}{suffix}?{query}"
    return None


def wrap(datasette, app):
    """An ASGI wrapper answering with a redirect the searches :func:`redirect_target` sends elsewhere."""

    async def search_terms(scope, receive, send):
        target = await redirect_target(datasette, scope)
        if target is not None:
            await asgi_send_redirect(send, target)
            return
        await app(scope, receive, send)

    return search_terms
