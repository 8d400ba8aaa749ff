# The two commands of README.md: `make run` (dashboard on SQLite) and `make test` (whole suite).
SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS := never
UV := python3 -m uv
MANAGE := $(UV) run --frozen python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run install setup test lint format

install:
	@python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet uv
	$(UV) sync --frozen

# Migrate the SQLite file under var/, load the demo data (only into an empty portfolio, so that
# editors' changes never make a start fail), ensure a login, serve on 127.0.0.1:8000.
run: export DEBUG ?= true
run: export LOG_FORMAT ?= text
run: install
	@mkdir -p var
	$(MANAGE) migrate --no-input
	$(MANAGE) load_demo --if-empty
	$(MANAGE) ensure_login --url http://$(HOST):$(PORT)/
	$(MANAGE) runserver $(HOST):$(PORT)

# Lint, then the whole suite. Uses DATABASE_URL when set (PostgreSQL in CI), SQLite otherwise.
test: install lint
	$(UV) run --frozen pytest

lint:
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .

format:
	$(UV) run --frozen ruff check --fix .
	$(UV) run --frozen ruff format .

# Benchmark the production configuration (README, "Benchmarks"): SIZE=demo (default), 10k, 100k.
.PHONY: bench
SIZE ?= demo
bench: install
	bench/run --size $(SIZE)
