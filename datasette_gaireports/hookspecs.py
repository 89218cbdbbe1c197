"""Hook specifications of the build pipeline.

A third-party package adds a table family or a reader by implementing these
hooks in a module registered under the ``gaireports`` entry-point group::

    [project.entry-points.gaireports]
    myfamily = "my_package.gaireports_hooks"

and decorating its functions with :data:`hookimpl`.
"""

from __future__ import annotations

import pluggy

hookspec = pluggy.HookspecMarker("gaireports")
hookimpl = pluggy.HookimplMarker("gaireports")


@hookspec
def gaireports_families():
    """Return a list of :class:`~datasette_gaireports.layout.Family` to parse, store and check."""


@hookspec
def gaireports_formats():
    """Return a list of :class:`~datasette_gaireports.formats.Format` the build can detect."""


@hookspec(firstresult=True)
def gaireports_read(data: bytes, path: str):
    """Read a file that the built-in readers do not handle.

    Return a :class:`~datasette_gaireports.readers.Document`, or ``None`` to
    leave the file to the next reader (and, last, to the built-in ones).
    Raise :class:`~datasette_gaireports.readers.Unreadable` to record the file
    as unparsed with the exception's message as the reason.
    """
