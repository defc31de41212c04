# Two commands do everything on a fresh machine with only Python 3.11:
#   make demo   build the environment, generate demo data, run the pipeline, print a summary
#   make test   build the environment, lint (make lint) and run every test
#   make dev    the Dagster UI (http://localhost:3000) with a persistent instance
#   make hub    the goals hub (http://localhost:8501) over the serving copy
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# A DuckDB 1.4 client, kept apart from the venv's DuckDB 2: tests/serving opens the serving
# copy with it (PYTHONPATH=$(DUCKDB_1X)) to prove DuckDB 1.x BI clients can read it.
DUCKDB_1X := $(VENV)/duckdb-1.4
DUCKDB_1X_STAMP := $(DUCKDB_1X)/.installed
export DBT_PROFILES_DIR := $(CURDIR)
export DBT_PROJECT_DIR := $(CURDIR)

.PHONY: install demo dev hub test lint lint-sql format bench bench-10m bench-matrix bench-targets superset-check lock clean

install: $(STAMP) $(DUCKDB_1X_STAMP)

$(STAMP): pyproject.toml requirements.lock
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) not found: install Python 3.11 or run 'make PYTHON=/path/to/python3.11 ...'"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

$(DUCKDB_1X_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet --upgrade --no-warn-conflicts --target $(DUCKDB_1X) 'duckdb==1.4.5'
	touch $(DUCKDB_1X_STAMP)

demo: install
	$(BIN)/goals demo

# The Dagster UI and daemon, with a persistent instance in .dagster_home/ (git-ignored).
dev: install
	$(BIN)/python -m orchestration.dev

# The goals hub on http://localhost:8501 over the serving copy (after `make demo`);
# e.g. make hub HUB_ARGS="--telemetry warehouse/telemetry/goals_telemetry.duckdb --port 8600"
hub: install
	$(BIN)/goals hub $(HUB_ARGS)

test: lint
	$(BIN)/dg check defs
	$(BIN)/python -m pytest -n 2

lint: lint-sql
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The models' SQL style (.sqlfluff): sqlfluff with the dbt templater, which compiles each
# model against an in-memory DuckDB (profiles.yml's `lint` target), so no warehouse is needed.
lint-sql: install
	$(BIN)/sqlfluff lint models

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install
	$(BIN)/python bench/run_bench.py --events 1000000

# 10M events in 8 files, compared with the last `make bench` (bench/out/run-1000000.json).
bench-10m: install
	$(BIN)/python bench/run_bench.py --events 10000000 --files 8 --compare-to 1000000

# Every workload shape (bench/workloads.py) at 1M events: full build and next-day run, each
# as a multiple of DuckDB's bare read_json of the same files (docs/benchmarks.md).
bench-matrix: install
	$(BIN)/python bench/matrix.py --events 1000000

# The same 1M events on DuckDB and on local Spark, side by side (Java 17 for Spark).
bench-targets: install
	$(BIN)/python -m bench.targets --events 1000000 --files 4

# The serving copy (after `make demo`) opened in a real Apache Superset 6.1, kept in its own
# virtualenv under build/superset/ (never in .venv); prints the keys and descriptions Superset
# shows, exits 1 if one is missing. Not part of `make test` (it installs and starts Superset).
# e.g. make superset-check SUPERSET_ARGS="--screenshots docs/serving" (or "--no-addon", "--help")
superset-check: install
	$(BIN)/python scripts/superset_check.py --python $(PYTHON) $(SUPERSET_ARGS)

# Re-resolve every pinned dependency (run after editing pyproject.toml).
lock:
	rm -rf .lock-venv
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet --upgrade pip
	.lock-venv/bin/python -m pip install --quiet ".[dev]"
	.lock-venv/bin/python -m pip freeze --exclude-editable | grep -v '^goals-analytics' > requirements.lock
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) target logs warehouse data .dagster_home .pytest_cache .ruff_cache
