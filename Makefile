# Fleet — the two commands a newcomer needs: `make demo` and `make test`.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test lint fmt venv check-python clean screenshots bench bench-sim bench-pull bench-fanout bench-push client-dist

check-python:
	@./scripts/find_python.sh >/dev/null

$(STAMP): pyproject.toml scripts/find_python.sh
	@./scripts/system_deps.sh
	@PYBIN=$$(./scripts/find_python.sh) || exit 1; \
	  echo "Using $$PYBIN"; \
	  [ -x $(PY) ] || $$PYBIN -m venv $(VENV)
	@$(PY) -m pip install -q --upgrade pip
	@$(PY) -m pip install -q -e '.[dev]'
	@touch $(STAMP)

venv: $(STAMP)

## demo: SQLite + embedded Redis + web, worker, beat, simulator, streams, demo scenarios. Ctrl-C stops all.
demo: $(STAMP)
	@$(PY) -m backoffice.launcher demo

## test: lint gates, then the whole suite (real MariaDB/Redis when TEST_DATABASE_URL/REDIS_URL are set).
test: $(STAMP) lint
	@$(PY) -m backoffice.launcher test -- $(PYTEST_ARGS)

lint: $(STAMP)
	@$(VENV)/bin/ruff check .
	@$(VENV)/bin/ruff format --check .
	@$(PY) scripts/doc_refs.py
	@$(VENV)/bin/mypy
	@DJANGO_SETTINGS_MODULE=backoffice.settings.test $(PY) manage.py check
	@DJANGO_SETTINGS_MODULE=backoffice.settings.test $(PY) manage.py makemigrations --check --dry-run >/dev/null
	@$(PY) scripts/check_boundaries.py
	@$(PY) scripts/readme_map.py

fmt: $(STAMP)
	@$(VENV)/bin/ruff format .
	@$(VENV)/bin/ruff check --fix .

## screenshots: the desktop client (offscreen Qt) and the back office (headless Chromium, its own
## throwaway database) into docs/screenshots/.
screenshots: $(STAMP)
	@QT_QPA_PLATFORM=offscreen $(PY) -m client_desktop --demo-screenshots docs/screenshots
	@$(PY) -m devtools.screenshots docs/screenshots

## client-dist: the desktop client as a one-folder app for this OS (PyInstaller) in dist/FleetClient/,
## then the built app is started offscreen and must render its login screen (docs/client.md).
client-dist: $(STAMP)
	@$(PY) scripts/build_client.py

# Benchmarks (README "Measured figures"). bench_pull and bench_fanout FLUSH their Redis database and
# own their MariaDB database, so each gets its own: Redis /7 + fleet_orders_bench (pull), Redis /8 +
# fleet_copy_bench (fan-out). Override any of these on the command line, e.g.
# `make bench-fanout BENCH_FANOUT_ARGS="--followers 500 --events 50"`.
BENCH_DIR ?= var/bench
BENCH_REDIS ?= redis://127.0.0.1:6379
BENCH_MYSQL_URL ?= mysql://root:@127.0.0.1:3306
BENCH_MYSQL ?= mysql -uroot -h127.0.0.1
BENCH_SIM_ARGS ?= --clients 50 --seconds 10
BENCH_PULL_ARGS ?= --clients 1000 --seconds 60
BENCH_FANOUT_ARGS ?= --followers 100 --events 50
BENCH_PUSH_ARGS ?= --clients 1000 --seconds 60

## bench: bench-sim, bench-pull, bench-fanout, bench-push one after the other (never in parallel); JSON printed and kept in var/bench/.
bench: $(STAMP)
	@$(MAKE) --no-print-directory bench-sim
	@$(MAKE) --no-print-directory bench-pull
	@$(MAKE) --no-print-directory bench-fanout
	@$(MAKE) --no-print-directory bench-push

bench-sim: $(STAMP)
	@mkdir -p $(BENCH_DIR)
	@$(PY) manage.py bench_sim $(BENCH_SIM_ARGS) --json $(BENCH_DIR)/sim.json

bench-pull: $(STAMP)
	@mkdir -p $(BENCH_DIR)
	@$(BENCH_MYSQL) -e "create database if not exists fleet_orders_bench character set utf8mb4"
	@REDIS_URL=$(BENCH_REDIS)/7 CELERY_BROKER_URL=$(BENCH_REDIS)/7 \
	  DATABASE_URL=$(BENCH_MYSQL_URL)/fleet_orders_bench \
	  $(PY) manage.py bench_pull $(BENCH_PULL_ARGS) --json $(BENCH_DIR)/pull.json

bench-fanout: $(STAMP)
	@mkdir -p $(BENCH_DIR)
	@$(BENCH_MYSQL) -e "create database if not exists fleet_copy_bench character set utf8mb4"
	@REDIS_URL=$(BENCH_REDIS)/8 CELERY_BROKER_URL=$(BENCH_REDIS)/8 \
	  DATABASE_URL=$(BENCH_MYSQL_URL)/fleet_copy_bench \
	  $(PY) manage.py bench_fanout $(BENCH_FANOUT_ARGS) --json $(BENCH_DIR)/fanout.json

# bench_push drops and re-creates fleet_push_bench itself (Redis /9): every run starts empty.
bench-push: $(STAMP)
	@mkdir -p $(BENCH_DIR)
	@$(BENCH_MYSQL) -e "create database if not exists fleet_push_bench character set utf8mb4"
	@REDIS_URL=$(BENCH_REDIS)/9 CELERY_BROKER_URL=$(BENCH_REDIS)/9 \
	  DATABASE_URL=$(BENCH_MYSQL_URL)/fleet_push_bench \
	  $(PY) manage.py bench_push $(BENCH_PUSH_ARGS) --json $(BENCH_DIR)/push.json

clean:
	rm -rf $(VENV) var/*.sqlite3 var/run
