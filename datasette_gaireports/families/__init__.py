"""The built-in table families; third parties add theirs through the
``gaireports_families`` hook (see :mod:`datasette_gaireports.hookspecs`)."""

from __future__ import annotations

from ..layout import Family
from . import active, legacy, requests, review

BUILTIN: tuple[Family, ...] = (active.FAMILY, requests.FAMILY, review.FAMILY, legacy.FAMILY)
