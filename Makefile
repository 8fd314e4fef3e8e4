# Two commands: `make run` serves the demo at http://127.0.0.1:8000, `make test` runs the tests.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1:8000

.PHONY: setup run test lint check-deploy assets worker clean

setup: $(VENV)/.installed static/build/.built

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

static/build/.built: node_modules/.installed $(wildcard static/scss/*.scss) static/js/copy-vendor.mjs
	npm run --silent build
	touch $@

assets: static/build/.built

run: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver $(HOST)

test: setup
	$(PY) -m pytest

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run

check-deploy: setup
	DJANGO_ENV=production DJANGO_SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))') \
		DJANGO_ALLOWED_HOSTS=qualitymark.example $(PY) manage.py check --deploy --fail-level WARNING

worker: setup
	$(VENV)/bin/celery -A qualitymark worker --beat --loglevel=info

clean:
	rm -rf $(VENV) node_modules static/build staticfiles var
