"""The mypyc-compiled parsing modules: this install runs them, and they build what their Python sources build."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

import pytest
from click.testing import CliRunner

import datasette_gaireports
from datasette_gaireports import __version__
from datasette_gaireports.build import build
from datasette_gaireports.cli import cli
from datasette_gaireports.compiled import (
    COMPILED,
    build_kind,
    compiled_modules,
    copy_sources,
    pure_python_asked,
    stale_modules,
)
from datasette_gaireports.corpus import generate_corpus

from .conftest import SEEDS
from .test_scale import content

PACKAGE = Path(datasette_gaireports.__file__).parent
needs_compiled = pytest.mark.skipif(pure_python_asked(), reason="installed with GAIREPORTS_PURE_PYTHON: nothing compiled")


@needs_compiled
def test_the_parsing_modules_run_compiled():
    assert compiled_modules() == dict.fromkeys(COMPILED, True)
    assert build_kind() == "compiled"


def test_the_version_says_whether_the_parsing_modules_run_compiled():
    out = CliRunner().invoke(cli, ["--version"])
    assert out.exit_code == 0
    assert out.output == f"gaireports, version {__version__} (parsing modules: {build_kind()})\n"


@needs_compiled
def test_compiled_and_pure_python_builds_are_identical(tmp_path):
    """A build by the compiled modules and one by their Python sources alone (in another process) hold the same rows."""
    folder = tmp_path / "reports"
    generate_corpus(tmp_path / "gen", 40, seed=11)
    shutil.copytree(tmp_path / "gen" / "reports", folder)
    shutil.copytree(SEEDS, folder / "seeds")
    compiled_db = tmp_path / "compiled.db"
    build([folder], compiled_db, jobs=1)

    sources = copy_sources(PACKAGE, tmp_path / "sources")
    pure_db = tmp_path / "pure.db"
    script = (
        "import sys; from pathlib import Path\n"
        "from datasette_gaireports.build import build\n"
        "from datasette_gaireports.compiled import build_kind\n"
        "assert build_kind() == 'pure Python', build_kind()\n"
        "build([Path(sys.argv[1])], Path(sys.argv[2]), jobs=1)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(sources)}
    subprocess.run([sys.executable, "-c", script, str(folder), str(pure_db)], env=env, check=True, cwd=tmp_path)
    assert content(pure_db) == content(compiled_db)


def test_a_source_newer_than_its_compiled_copy_is_stale(tmp_path):
    for name in COMPILED:
        (tmp_path / f"{name}.py").write_text("", encoding="utf-8")
    (tmp_path / f"tables{EXTENSION_SUFFIXES[0]}").write_bytes(b"")
    (tmp_path / f"text{EXTENSION_SUFFIXES[0]}").write_bytes(b"")
    os.utime(tmp_path / "tables.py", (2e9, 2e9))
    assert stale_modules(tmp_path) == ["tables"]


def test_the_pure_python_switch_is_on_for_any_value_but_empty_or_0():
    assert not pure_python_asked({})
    assert not pure_python_asked({"GAIREPORTS_PURE_PYTHON": ""})
    assert not pure_python_asked({"GAIREPORTS_PURE_PYTHON": "0"})
    assert pure_python_asked({"GAIREPORTS_PURE_PYTHON": "1"})
    assert pure_python_asked({"GAIREPORTS_PURE_PYTHON": "yes"})
