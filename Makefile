# The two commands of README.md: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test setup static lint audit clean

$(STAMP): pyproject.toml requirements.lock
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	$(PY) -m pip install --quiet --no-deps -e .
	touch $(STAMP)

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts

static/dist/app.css: node_modules/.package-lock.json static/src/app.scss scripts/build-static.mjs
	npm run --silent build

setup: $(STAMP) static/dist/app.css

static: static/dist/app.css

run: setup
	$(PY) manage.py migrate --no-input
	$(PY) manage.py seed_demo
	@echo "Serving on http://127.0.0.1:8000 — sign in with a demo user above."
	$(PY) manage.py runserver 127.0.0.1:8000

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/bandit -q -r yos cases orders contracts victims dashboard sar benchmarks -ll -ii -x '*/tests/*,*/migrations/*'

# Needs an advisory service (PyPI's JSON API or OSV); see docs/security.md.
audit: $(STAMP)
	$(VENV)/bin/pip-audit -r requirements.lock --strict

# The suite runs in one process. pytest-xdist is installed for trying it in
# two (`make test PYTEST_ARGS="-n 2 --dist loadfile"`); not yet the default,
# because that has not had a whole run on both databases.
PYTEST_ARGS ?=

test: setup lint
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) node_modules static/dist staticfiles db.sqlite3
