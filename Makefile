# The two commands of README.md: `make run` (dashboard on SQLite) and `make test` (whole suite).
SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS := never
UV := python3 -m uv
MANAGE := $(UV) run --frozen python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run install setup test test-tools lint format

install:
	@python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet uv
	$(UV) sync --frozen

# Migrate the SQLite file under var/ (and the jobs' file beside it), load the demo data (only
# into an empty portfolio, so that editors' changes never make a start fail), ensure a login,
# serve on 127.0.0.1:8000 with the jobs' worker beside the server (Ctrl-C stops both); Debian's
# Chromium is installed when missing (scripts/ensure-chromium: the worker prints board packs). The
# server and the worker share a cache in var/cache (the data version an import replaces).
run: export DEBUG ?= true
run: export LOG_FORMAT ?= text
run: export LOCAL_CACHE_DIR ?= $(CURDIR)/var/cache
run: install
	@scripts/ensure-chromium
	@mkdir -p var
	$(MANAGE) migrate --no-input
	$(MANAGE) migrate_jobs
	$(MANAGE) load_demo --if-empty
	$(MANAGE) ensure_login --url http://$(HOST):$(PORT)/
	@scripts/serve-with-worker $(HOST):$(PORT)

# COVERAGE=1: the coverage of the application's code (pyproject.toml, [tool.coverage];
# subprocesses included) is added to .coverage and printed, and the run fails below the floor.
# CI measures both of its passes together (.ci/run: PostgreSQL with the browser, replica and
# pooler tests, COVERAGE_FLOOR=0; then SQLite, which holds the floor over both): the code of
# one database or of the browser is covered by the pass that has it. Floor: see README.
COVERAGE_FLOOR ?= 96
COVERAGE_ARGS := --cov --cov-append --cov-report=term:skip-covered --cov-fail-under=$(COVERAGE_FLOOR)

# Lint, then the whole suite. Uses DATABASE_URL when set (PostgreSQL in CI), SQLite otherwise.
# PYTEST_ARGS adds pytest options; COVERAGE=1 measures the coverage and holds its floor (CI).
# TEST_PROCESSES: pytest-xdist's worker processes (0: one process). Each test module runs whole
# in one worker (--dist loadscope: a module's servers and clusters are made once); each worker
# has its own databases and Redis database (tests/conftest.py).
TEST_PROCESSES ?= 2
test: install test-tools lint
	$(UV) run --frozen pytest -n $(TEST_PROCESSES) --dist loadscope $(PYTEST_ARGS) \
		$(if $(COVERAGE),$(COVERAGE_ARGS))

# Debian's Chromium and poppler-utils for the browser tests, PgBouncer for tests/scale_out/: installed
# when missing.
test-tools:
	@scripts/ensure-test-tools

# mypy loads the settings (django-stubs): a SECRET_KEY of its own, as DEBUG is off by default.
lint:
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .
	$(UV) run --frozen lint-imports
	SECRET_KEY=mypy-only $(UV) run --frozen mypy

format:
	$(UV) run --frozen ruff check --fix .
	$(UV) run --frozen ruff format .

# Benchmark the production configuration (README, "Benchmarks"): SIZE=demo (default), 10k, 100k, 1m.
.PHONY: bench
SIZE ?= demo
bench: install
	bench/run --size $(SIZE)
