"""The modules ``setup.py`` compiles with mypyc, and whether this install runs them compiled.

Every report passes through these modules; compiled, they parse it about a
fifth faster. Their Python sources are the reference: an install made with
``GAIREPORTS_PURE_PYTHON=1``, or on a machine without a C compiler, runs the
same code uncompiled. This module imports nothing of the package, so that
``setup.py`` can read :data:`COMPILED` before the package is installed.
"""

from __future__ import annotations

import importlib
import os
import shutil
from collections.abc import Mapping
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

COMPILED = ("readers", "tables", "webpage", "text", "tokens", "values", "prose", "checks", "report")
"""The compiled modules of the package, by name."""
PURE_PYTHON = "GAIREPORTS_PURE_PYTHON"
"""The environment variable that, set (to anything but ``0``), has the install keep the modules Python."""


def pure_python_asked(environ: Mapping[str, str] = os.environ) -> bool:
    """Whether ``environ`` asks for an install with nothing compiled (:data:`PURE_PYTHON`)."""
    return environ.get(PURE_PYTHON, "") not in ("", "0")


def compiled_modules() -> dict[str, bool]:
    """Each compiled module's name, and whether it is running compiled here."""
    return {name: _is_extension(importlib.import_module(f"{__package__}.{name}").__file__) for name in COMPILED}


def build_kind() -> str:
    """``compiled``, ``pure Python``, or ``partly compiled`` (a failed or stale install)."""
    kinds = set(compiled_modules().values())
    return "partly compiled" if len(kinds) > 1 else ("compiled" if kinds == {True} else "pure Python")


def stale_modules(package_dir: Path) -> list[str]:
    """The compiled modules whose Python source in ``package_dir`` is newer than their compiled copy.

    In an editable install the compiled copies sit next to the sources and are
    the ones imported: after an edit, ``pip install -e .`` compiles them again.
    """
    def stale(name: str) -> bool:
        edited = (package_dir / f"{name}.py").stat().st_mtime
        copies = (package_dir / f"{name}{suffix}" for suffix in EXTENSION_SUFFIXES)
        return any(copy.exists() and copy.stat().st_mtime < edited for copy in copies)

    return [name for name in COMPILED if stale(name)]


def copy_sources(package_dir: Path, dest: Path) -> Path:
    """Copy the package at ``package_dir`` into ``dest`` without its compiled copies; returns ``dest``, the
    folder to put on ``PYTHONPATH`` for a process to run the Python sources alone."""
    shutil.copytree(package_dir, dest / package_dir.name,
                    ignore=shutil.ignore_patterns("__pycache__", *(f"*{suffix}" for suffix in EXTENSION_SUFFIXES)))
    return dest


def _is_extension(file: str | None) -> bool:
    return file is not None and file.endswith(tuple(EXTENSION_SUFFIXES))
