# The README's two commands: `make run` (demo portal on http://127.0.0.1:8000) and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
export DJANGO_DEBUG ?= 1

.PHONY: install run test lint messages css

install: $(VENV)/.installed

# requirements.txt is what production runs; requirements-dev.txt adds the test and lint tools.
$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py runserver 127.0.0.1:8000

test: install
	$(PY) -m pytest

# Style and the one-way layers of the apps (CI runs this before the tests).
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

# After changing user-facing text: update locale/*/django.po, translate, then compile.
messages: install
	$(PY) manage.py makemessages --locale id --locale en --ignore '.venv/*' --ignore 'var/*'
	$(PY) manage.py compilemessages --ignore '.venv/*'

# Rebuild the public pages' Bootstrap subset from static/scss/public.scss (needs Node.js/npm).
css:
	npm install --no-audit --no-fund --silent
	node_modules/.bin/sass --style=compressed --no-source-map --load-path=node_modules --quiet-deps \
		--silence-deprecation=import,global-builtin,color-functions \
		static/scss/public.scss static/vendor/bootstrap/css/bootstrap-public.min.css
