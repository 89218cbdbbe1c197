"""The build pipeline's plugin manager: built-in families, formats and readers plus third parties'."""

from __future__ import annotations

from functools import lru_cache

import pluggy

from . import formats as formats_mod
from . import hookspecs, mhtml, office
from .families import BUILTIN
from .formats import Format
from .layout import Family


class _Builtins:
    @hookspecs.hookimpl
    def gaireports_families(self):
        return list(BUILTIN)

    @hookspecs.hookimpl
    def gaireports_formats(self):
        return list(formats_mod.FORMATS)


@lru_cache(maxsize=1)
def plugin_manager() -> pluggy.PluginManager:
    """The pipeline's plugin manager, with the built-ins and every ``gaireports`` entry point loaded."""
    pm = pluggy.PluginManager("gaireports")
    pm.add_hookspecs(hookspecs)
    pm.register(_Builtins(), name="builtins")
    pm.register(office, name="office")
    pm.register(mhtml, name="mhtml")
    pm.load_setuptools_entrypoints("gaireports")
    return pm


def families(pm: pluggy.PluginManager | None = None) -> tuple[Family, ...]:
    """Every table family, built-ins first, each name once."""
    pm = pm or plugin_manager()
    seen: dict[str, Family] = {}
    for batch in reversed(pm.hook.gaireports_families()):
        for fam in batch or ():
            seen.setdefault(fam.name, fam)
    return tuple(seen.values())


def formats(pm: pluggy.PluginManager | None = None) -> tuple[Format, ...]:
    """Every report format, built-ins first, each code once."""
    pm = pm or plugin_manager()
    seen: dict[str, Format] = {}
    for batch in reversed(pm.hook.gaireports_formats()):
        for fmt in batch or ():
            seen.setdefault(fmt.code, fmt)
    return tuple(seen.values())
