# Fleet — the two commands a newcomer needs: `make demo` and `make test`.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test lint fmt venv check-python clean screenshots bench

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
	@$(VENV)/bin/mypy
	@DJANGO_SETTINGS_MODULE=backoffice.settings.test $(PY) manage.py check
	@DJANGO_SETTINGS_MODULE=backoffice.settings.test $(PY) manage.py makemigrations --check --dry-run >/dev/null

fmt: $(STAMP)
	@$(VENV)/bin/ruff format .
	@$(VENV)/bin/ruff check --fix .

screenshots: $(STAMP)
	@QT_QPA_PLATFORM=offscreen $(PY) -m client_desktop --demo-screenshots docs/screenshots

clean:
	rm -rf $(VENV) var/*.sqlite3 var/run
