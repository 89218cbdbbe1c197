"""A generator of labelled reports: synthetic 政府信息公开工作年度报告 with known truth.

Each generated report is drawn from the table families' layout data
(:data:`datasette_gaireports.families.BUILTIN`), rendered the ways government
sites publish such reports (CMS pages around a Word table, GBK and Big5
encodings, text dumps, traditional characters, tables published as images),
and written beside its truth in the export's JSON shape. :mod:`.score`
compares an export against any folder of truth files.
"""

from __future__ import annotations

from .generate import generate_corpus

__all__ = ["generate_corpus"]
