# The two set-up commands of the README, and the generated files.
PYTHON ?= python3

.PHONY: demo install build serve test describe lint

demo: install build serve

install:
	$(PYTHON) -m pip install -q -e .

build:
	gaireports build sample --db gaireports.db

serve:
	datasette serve gaireports.db -m metadata.yml --port 8001

test:
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null) \
		|| echo "Chromium could not be installed here: the browser tests will be skipped"
	@(command -v soffice >/dev/null 2>&1 && fc-list :lang=zh 2>/dev/null | grep -q .) \
		|| (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			libreoffice-writer-nogui fonts-wqy-zenhei >/dev/null) \
		|| echo "LibreOffice could not be installed here: the .doc/.wps and PDF rendition tests will be skipped"
	$(PYTHON) -m pip install -q -e '.[test]'
	$(PYTHON) -m ruff check .
	$(PYTHON) -m mypy
	$(PYTHON) -m pytest

describe:
	gaireports describe

lint:
	$(PYTHON) -m ruff check .
	$(PYTHON) -m mypy
