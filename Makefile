# Osez — the few commands a person needs. `make run` and `make test` set everything up themselves.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# Both cores of the reference machine; override with `make test PYTEST_WORKERS=1`.
PYTEST_WORKERS ?= 2
PYTEST_ARGS ?=

.PHONY: run serve test quality fix install browser-deps pdf-deps demo-data clean help mutation messages

help:
	@echo "make run      set up (.venv, database, open data, demo) and serve on http://$(HOST):$(PORT)/"
	@echo "make test     run the whole test suite (PostgreSQL/Redis when DATABASE_URL/REDIS_URL are set)"
	@echo "make quality  ruff, formatting, import layers, migrations and Django checks"
	@echo "make mutation mutation testing of the rules (long; MODULES=\"retention locking\" for some)"
	@echo "make fix      apply ruff's fixes and formatting"
	@echo "make messages update the public pages' English catalogue (locale/en/) and compile it"

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) pdf-deps

# Pango and fonts for WeasyPrint (the welcome pack as a PDF), from Debian when they are missing.
pdf-deps:
	@if ! ldconfig -p 2>/dev/null | grep -q 'libpangoft2-1.0.so.0'; then \
	  echo "Installing Pango and fonts for WeasyPrint (PDF letters)…"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 \
	   libharfbuzz-subset0 fonts-dejavu-core >/dev/null) \
	  || echo "WARNING: could not install Pango: the welcome pack PDF will not be generated"; fi

# Debian's Chromium and ChromeDriver for the browser tests, axe-core from npm for the accessibility checks.
browser-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
	  echo "Installing Debian's chromium for the browser tests…"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null) \
	  || echo "WARNING: could not install chromium: browser tests will be skipped"; fi
	@if [ ! -f node_modules/axe-core/axe.min.js ]; then npm install --no-audit --no-fund --silent || true; fi

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_sheets
	$(PY) manage.py refresh_layers || echo "Some sources could not be refreshed: the site serves what it has (see above)."
	$(PY) manage.py load_demo
	$(PY) manage.py runserver $(HOST):$(PORT)

test: install browser-deps
	$(BIN)/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

quality: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py check

# Mutation testing of the modules that hold the rules (not in CI: tens of minutes). MODULES names targets
# of bin/mutation (bin/mutation --list); the scores go to var/mutation/ and README.
MODULES ?=
mutation: install
	$(PY) bin/mutation $(MODULES)

# The public pages' catalogue (locale/en/LC_MESSAGES/django.po): staff apps stay French and the family space
# keeps its own catalogue, so they are left out. Translate the new empty msgstr, then run it again to compile
# the .mo that is committed (a fresh clone needs no gettext). msgfmt: Debian's gettext package.
MESSAGES_IGNORE := .venv/* node_modules/* var/* tests/* bench/* bin/* deploy/* espace_famille/* accompagnement/* \
	emploi_conjoint/* templates/accompagnement/* templates/emploi_conjoint/* templates/admin/* \
	partenaires/* employeurs/* evenements/staff_* evenements/admin.py evenements/figures.py evenements/panel.py \
	evenements/templates/evenements/staff/* evenements/demo.py evenements/management/* \
	templates/partenaires/*
messages: install
	$(PY) manage.py makemessages -l en --no-obsolete $(foreach p,$(MESSAGES_IGNORE),-i '$(p)')
	msgfmt --check -o locale/en/LC_MESSAGES/django.mo locale/en/LC_MESSAGES/django.po

fix: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) var/staticfiles .pytest_cache
