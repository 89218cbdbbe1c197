"""Datasette hooks of the gaireports plugin."""

from datasette import hookimpl


@hookimpl
def menu_links(datasette, actor, request):
    return []
