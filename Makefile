# Jinguo — everything from a fresh clone with only python3 (3.11+), make and npm.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
VENDOR := jinguo/core/static/vendor
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_WORKERS ?= 2

.PHONY: setup assets migrate demo serve test test-db e2e lint format bench clean

$(VENV)/.installed: requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Front-end packages are copied into the app's static files: nothing is loaded from outside.
$(VENDOR)/.copied: node_modules/.installed
	rm -rf $(VENDOR)
	mkdir -p $(VENDOR)/tabler $(VENDOR)/tabler-icons/fonts $(VENDOR)/htmx $(VENDOR)/echarts
	cp node_modules/@tabler/core/dist/css/tabler.min.css $(VENDOR)/tabler/
	cp node_modules/@tabler/core/dist/js/tabler.min.js $(VENDOR)/tabler/
	cp node_modules/@tabler/icons-webfont/dist/tabler-icons.min.css $(VENDOR)/tabler-icons/
	cp node_modules/@tabler/icons-webfont/dist/fonts/tabler-icons.woff2 \
	   node_modules/@tabler/icons-webfont/dist/fonts/tabler-icons.woff \
	   node_modules/@tabler/icons-webfont/dist/fonts/tabler-icons.ttf $(VENDOR)/tabler-icons/fonts/
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx/
	cp node_modules/echarts/dist/echarts.min.js $(VENDOR)/echarts/
	touch $@

setup: $(VENV)/.installed $(VENDOR)/.copied

assets: $(VENDOR)/.copied

migrate: setup
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py demo
	$(PY) manage.py runserver $(HOST):$(PORT)

serve: migrate
	$(PY) manage.py runserver $(HOST):$(PORT)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	DJANGO_SETTINGS_MODULE=jinguo.settings.test $(PY) manage.py check
	DJANGO_SETTINGS_MODULE=jinguo.settings.test $(PY) manage.py makemigrations --check --dry-run

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The whole suite but the browser tests, on SQLite unless DATABASE_URL says otherwise.
test: setup lint
	$(BIN)/pytest -n $(PYTEST_WORKERS) -m "not e2e" -q

# Browser tests (Playwright driving Debian's chromium).
e2e: setup
	$(BIN)/pytest -m e2e -q -p no:xdist

bench: setup
	$(PY) bench/bench_subtree.py

clean:
	rm -rf $(VENV) node_modules $(VENDOR) staticfiles
