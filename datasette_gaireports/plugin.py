"""Datasette hooks of the gaireports plugin: its pages, templates and links."""

from __future__ import annotations

from pathlib import Path

from datasette import hookimpl
from jinja2 import ChoiceLoader, FileSystemLoader

from .pages import ROUTES, errors, links, search_terms
from .search import FOLD_FUNCTION, fold

TEMPLATES = Path(__file__).parent / "templates"


@hookimpl
def register_routes(datasette):
    return list(ROUTES)


@hookimpl
def prepare_connection(conn):
    conn.create_function(FOLD_FUNCTION, 1, fold, deterministic=True)


@hookimpl
def prepare_jinja2_environment(env, datasette):
    # Datasette looks for a plugin's templates beside the module its entry point
    # names; this entry point is a module, not a package, so add them here (after
    # Datasette's own loaders, so --template-dir still overrides them).
    env.loader = ChoiceLoader([env.loader, FileSystemLoader(str(TEMPLATES))])


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    return links.render_cell(row, value, column, table, database, datasette)


@hookimpl
def table_actions(datasette, actor, database, table):
    async def inner():
        return await links.table_actions(datasette, actor, database, table)

    return inner


@hookimpl
def database_actions(datasette, actor, database):
    async def inner():
        return await links.database_actions(datasette, actor, database)

    return inner


@hookimpl
def menu_links(datasette, actor):
    async def inner():
        return await links.menu_links(datasette, actor)

    return inner


@hookimpl
def handle_exception(datasette, request, exception):
    error = errors.client_error(exception)
    if error is None:
        return None

    async def inner():
        return await errors.error_response(datasette, request, *error)

    return inner


@hookimpl
def startup(datasette):
    errors.quiet_default_handler()


@hookimpl
def asgi_wrapper(datasette):
    return lambda app: search_terms.wrap(datasette, app)
