# Set-up and everyday commands. Every target creates the virtualenv it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
export FLASK_APP := app.py
# Debian keeps PostgreSQL's initdb and pg_ctl (the throwaway clusters of the tests, bench
# and load runs) off PATH.
PG_BIN := $(lastword $(sort $(wildcard /usr/lib/postgresql/*/bin)))
ifneq ($(PG_BIN),)
export PATH := $(PATH):$(PG_BIN)
endif

.PHONY: run test demo lint format serve bench load cluster cluster-load clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(VENV)/.installed $@

## run: install, migrate the database and serve the app on http://127.0.0.1:$(PORT), with a jobs worker
run: $(VENV)/.installed
	$(BIN)/flask db upgrade
	$(BIN)/flask jobs worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(BIN)/flask run --host 127.0.0.1 --port $(PORT)

## demo: install, migrate and load the demo account (demo@example.com / "portfolio demo tour")
demo: $(VENV)/.installed
	$(BIN)/flask db upgrade
	$(BIN)/flask demo

## serve: production mode: migrate, then gunicorn (gunicorn.conf.py) on 127.0.0.1:$(PORT); needs SECRET_KEY
serve: $(VENV)/.installed
	APP_ENV=production $(BIN)/flask db upgrade
	APP_ENV=production PORT=$(PORT) $(BIN)/gunicorn -c gunicorn.conf.py

## bench: page throughput as ratios to /healthz under gunicorn, on SQLite and PostgreSQL
bench: $(VENV)/.installed-test
	@command -v ab >/dev/null || (apt-get update -qq && apt-get install -y -qq apache2-utils)
	$(BIN)/python tests/benchmarks/bench_pages.py
	$(BIN)/python tests/benchmarks/bench_scoring.py
	$(BIN)/python tests/benchmarks/bench_codescan.py
	$(BIN)/python tests/benchmarks/bench_history.py

## load: 20 simulated users for 60 s against gunicorn on SQLite, then PostgreSQL; checks nothing is lost
load: $(VENV)/.installed-test
	$(BIN)/python tests/load/load_harness.py --users 20 --duration 60 --databases sqlite,postgresql

# Installed by apt-get when missing (as root); PostgreSQL's tools may only now be there.
CLUSTER_PATH = PATH="$$PATH:$$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"

## cluster: the README's production layout on this machine until Ctrl-C: 2 gunicorn nodes (2 workers and a jobs worker each) behind nginx, PostgreSQL, Redis
cluster: $(VENV)/.installed-test
	@sh tests/system-packages.sh --required nginx redis postgresql
	$(CLUSTER_PATH) $(BIN)/python tests/load/cluster.py

## cluster-load: 20 users for 60 s through nginx while a node is killed and restarted; checks writes, sessions, throttle, reads
cluster-load: $(VENV)/.installed-test
	@sh tests/system-packages.sh --required nginx redis postgresql
	$(CLUSTER_PATH) $(BIN)/python tests/load/cluster_harness.py --users 20 --duration 60

## test: install the test extras (and, as root, Chromium, Redis, PostgreSQL, Pango) and run the whole suite
test: $(VENV)/.installed-test
	@sh tests/system-packages.sh
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis test-artifacts
