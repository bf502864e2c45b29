# `make run` and `make test` work on a fresh machine with Python 3.11+ and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test check lint typecheck contracts audit lock mutation screenshots translations clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Exact versions with hashes from requirements.lock, then the project itself without its deps.
$(STAMP): pyproject.toml requirements.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

# Links in mail and share cards use this address unless CONTEST_BASE_URL says otherwise.
run: export CONTEST_BASE_URL ?= http://$(HOST):$(PORT)

run: $(STAMP)
	$(BIN)/contest demo
	@echo ""
	@echo "Serving the demo on http://$(HOST):$(PORT)  (Ctrl+C stops it)"
	$(BIN)/contest serve --host $(HOST) --port $(PORT)

# axe-core for the accessibility browser test and oidc-provider, the real OpenID provider the
# campus sign-in tests run on localhost, exactly as package-lock.json pins them.
NODE_STAMP := node_modules/.installed

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $(NODE_STAMP)

# The whole suite on SQLite, then again on PostgreSQL in a throw-away cluster where its server
# programs are installed (tests/on_postgres.sh says so and stops where they are not).
test: $(STAMP) $(NODE_STAMP)
	$(BIN)/python -m pytest
	tests/on_postgres.sh

check: $(STAMP) lint typecheck contracts audit

LINTED := contest tests $(wildcard bench)

lint:
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)

typecheck:
	$(BIN)/mypy

# The import contracts in pyproject.toml: layers, no HTTP in the domain, pages apart.
contracts:
	$(BIN)/lint-imports

# No advisories are ignored today. An advisory without a fixed release would be listed here as
# `--ignore-vuln ID` with a comment saying why. pip-audit lists every package it could not look
# up (a registry mirror without vulnerability data answers "not found"): read that table.
audit:
	$(BIN)/pip-audit --requirement requirements.lock --require-hashes --disable-pip --progress-spinner off

# Refresh requirements.lock from pyproject.toml: the newest versions its ranges allow, with the
# hashes of every file of each (run it, run `make test`, commit both).
lock: | $(BIN)/python
	$(BIN)/python -m pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
		--no-emit-index-url --no-emit-find-links --extra test --extra dev \
		--output-file requirements.lock pyproject.toml

# Mutation testing of the five domain modules named in pyproject.toml ([tool.mutmut]): not
# part of `check` or CI (about 25 minutes on two cores). mutmut is pinned here, outside the
# hash-checked lock, and works in mutants/ (git-ignored), rebuilt from scratch on each run; its
# progress goes to mutants/mutmut.log. The last line printed is a JSON summary; then
# `.venv/bin/mutmut results` lists the survivors and `.venv/bin/mutmut show NAME` shows one.
MUTMUT_VERSION := 3.8.1

mutation: $(STAMP)
	$(BIN)/python -c "import importlib.metadata as m; assert m.version('mutmut') == '$(MUTMUT_VERSION)'" \
		2>/dev/null || $(BIN)/python -m pip install --quiet mutmut==$(MUTMUT_VERSION)
	rm -rf mutants
	mkdir mutants
	$(BIN)/mutmut run > mutants/mutmut.log 2>&1 || { tail -n 40 mutants/mutmut.log; exit 1; }
	$(BIN)/python bench/mutation_summary.py

# Full-page screenshots of the main pages, phone and desktop, from a fresh demo (not part of
# `check` or `test`; about a minute). The last line printed is a JSON summary.
screenshots: $(STAMP)
	$(BIN)/python bench/screenshots.py var/screenshots

# Extract every marked message (babel.cfg) into the template, then merge it into each
# language's catalog; translate what is new or fuzzy in contest/locale/*/LC_MESSAGES/messages.po
# (the app compiles them at first use; no build step).
translations: $(STAMP)
	$(BIN)/pybabel extract -k Nn_:1,2 --project=contest --no-location --sort-output -F babel.cfg -o contest/locale/messages.pot contest templates
	$(BIN)/pybabel update --no-fuzzy-matching --ignore-obsolete -i contest/locale/messages.pot -d contest/locale

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis mutants
