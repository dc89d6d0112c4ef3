# billbridge: `make demo` runs the product; `make test` runs every test. Nothing to do by hand first.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_DEBS := python3-venv tesseract-ocr tesseract-ocr-dan poppler-utils
TEST_DEBS := $(DEMO_DEBS) chromium postgresql redis-server dovecot-imapd

.PHONY: demo test bench lint assets chaos

$(BIN)/python:
	tools/install_system_deps.sh $(DEMO_DEBS)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	touch $@ $(VENV)/.installed

assets: | $(BIN)/python
	@command -v npm >/dev/null || tools/install_system_deps.sh npm
	@[ -f src/billbridge/web/static/vendor/htmx.min.js ] || tools/fetch_htmx.sh
	$(BIN)/python tools/compile_translations.py

demo: $(VENV)/.installed assets
	tools/install_system_deps.sh $(DEMO_DEBS)
	$(BIN)/python -m billbridge demo

test: $(VENV)/.installed-test assets
	tools/install_system_deps.sh $(TEST_DEBS)
	$(BIN)/ruff check src tests tools
	tools/run_tests.sh

# issue 14: the chaos run (see README, "The chaos run"); CHAOS_ARGS="--bills 10000" for the full one
chaos: $(VENV)/.installed-test assets
	tools/install_system_deps.sh $(TEST_DEBS)
	tools/run_chaos.sh $(CHAOS_ARGS)

bench: $(VENV)/.installed-test assets
	PYTHONPATH=src:. DJANGO_SETTINGS_MODULE=tests.settings tools/run_benchmarks.sh

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests tools
	$(BIN)/ruff format --check src tests tools
	$(BIN)/mypy  # the core packages, as [tool.mypy] files in pyproject.toml lists them
