"""Compiles the parsing modules with mypyc; ``GAIREPORTS_PURE_PYTHON=1`` installs them as plain Python.

The compiled modules are the ones each report passes through (reading,
decoding, the web-page heuristics, the table scan, values, prose figures and
the balance checks). Their Python sources stay the reference: the package
runs the same without the compiled copies; ``datasette_gaireports.compiled``
lists them and tells whether an install runs them compiled.
The extensions are optional, so an install without a C compiler falls back to Python.
"""

import runpy

from setuptools import setup

COMPILED_PY = runpy.run_path("datasette_gaireports/compiled.py")
COMPILED = COMPILED_PY["COMPILED"]


def ext_modules() -> list:
    if COMPILED_PY["pure_python_asked"]():
        return []
    from mypyc.build import mypycify

    extensions = mypycify([f"datasette_gaireports/{name}.py" for name in COMPILED], group_name="datasette_gaireports")
    for extension in extensions:
        extension.optional = True
    return extensions


setup(ext_modules=ext_modules())
