# Taizhang — the two commands a newcomer needs: `make run` and `make test`. `make help` lists the rest.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PYTEST_ARGS ?=
# `make test-dates`: the 1st, the 旬 due days (10th, 20th) and a month's last day, 28 February and
# 29 February (leap year), a public holiday (国庆节) and a 调休 make-up working Saturday (2026-10-10, also a 10th)
TEST_DATES ?= 2026-12-01 2026-12-10 2026-12-20 2026-12-31 2027-02-28 2028-02-29 2026-10-01 2026-10-10
HOST ?= 127.0.0.1:8000
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: help run serve install test test-dates test-deps test-postgres browser-deps lint schema messages bench bench-load clean demo serve-prod deploy-local deploy-check deploy-stop

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 18

$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e .
	@touch $@

install: $(VENV)/.installed ## create the virtual environment and install Taizhang

messages: install ## compile translations (needs GNU gettext's msgfmt; compiled .mo files are committed too)
	@if command -v msgfmt >/dev/null; then $(PY) manage.py compilemessages -v0 --ignore=.venv --ignore=static; else echo "msgfmt not found: using the committed .mo files"; fi

run: install messages ## migrate, load the demo if the database is empty, serve on http://127.0.0.1:8000
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py load_demo --if-empty
	@echo "Serving Taizhang on http://$(HOST)/  (Ctrl-C to stop)"
	$(PY) manage.py runserver $(HOST) --noreload

serve-prod: install messages ## the production server (gunicorn, deploy/gunicorn.conf.py) on http://$(HOST) with the production settings, a worker and the scheduler
	@test -n "$$SECRET_KEY" || { echo "serve-prod: set SECRET_KEY (and DATABASE_URL for PostgreSQL)"; exit 1; }
	DJANGO_SETTINGS_MODULE=taizhang.settings.prod $(PY) manage.py migrate --noinput -v0
	DJANGO_SETTINGS_MODULE=taizhang.settings.prod $(PY) manage.py collectstatic --noinput -v0
	DJANGO_SETTINGS_MODULE=taizhang.settings.prod $(PY) manage.py load_demo --if-empty
	@echo "Serving Taizhang (gunicorn) on http://$(HOST)/ — plain HTTP for local use: SECURE_SSL_REDIRECT=0"
	DJANGO_SETTINGS_MODULE=taizhang.settings.prod SECURE_SSL_REDIRECT=$${SECURE_SSL_REDIRECT:-0} \
	  bash -c 'trap "trap - EXIT TERM; kill 0" EXIT INT TERM; $(PY) manage.py db_worker --queue-name "*" & $(PY) manage.py run_scheduler & \
	  $(VENV)/bin/gunicorn -c deploy/gunicorn.conf.py --bind $(HOST)'

deploy-local: install ## bring up the production deployment here: nginx (TLS) → gunicorn, worker, scheduler, PostgreSQL (docs/deployment.md)
	deploy/deploy-local.sh up

deploy-check: test-deps ## check the deployment from outside: browser login through the proxy with TOTP, limits, jobs, backup/restore
	deploy/deploy-local.sh check
	$(PY) -m pytest -c deploy/tests/pytest.ini deploy/tests -q

deploy-stop: ## stop the local deployment
	deploy/deploy-local.sh down

$(VENV)/.test-installed: $(VENV)/.installed pyproject.toml
	$(PIP) install -q -e '.[test]'
	@touch $@

browser-deps: ## Debian's headless Chromium, CJK fonts, LibreOffice, poppler and gettext for the browser/document/i18n tests (apt-get as root)
	@if ! command -v chromium >/dev/null || ! fc-list 2>/dev/null | grep -qi 'Noto Sans CJK' \
	    || ! command -v soffice >/dev/null || ! command -v pdftotext >/dev/null || ! command -v pdftoppm >/dev/null \
	    || ! command -v msgfmt >/dev/null || ! command -v xgettext >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing chromium, fonts-noto-cjk, libreoffice-writer-nogui, poppler-utils and gettext from Debian's packages…"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	      chromium fonts-noto-cjk libreoffice-writer-nogui poppler-utils gettext >/dev/null; \
	  else \
	    echo "The browser and document tests need: 'sudo apt-get install chromium fonts-noto-cjk libreoffice-writer-nogui poppler-utils gettext'"; exit 1; \
	  fi; \
	fi

test-deps: $(VENV)/.test-installed browser-deps ## install what the tests need

test: test-deps messages ## run the whole suite (SQLite; set DATABASE_URL for PostgreSQL)
	$(PY) -m pytest $(PYTEST_ARGS)

test-dates: test-deps messages ## run the date-sensitive tests (marker `dates`) on each day of TEST_DATES
	@failed=""; \
	for day in $(TEST_DATES); do \
	  echo "== TAIZHANG_TEST_TODAY=$$day"; start=$$SECONDS; \
	  TAIZHANG_TEST_TODAY=$$day $(PY) -m pytest -q -m "dates and not browser" $(PYTEST_ARGS); status=$$?; \
	  if [ $$status -eq 5 ]; then echo "no tests were collected on $$day"; fi; \
	  if [ $$status -ne 0 ]; then failed="$$failed $$day"; fi; \
	  echo "== $$day: exit $$status in $$((SECONDS - start)) s"; \
	done; \
	if [ -n "$$failed" ]; then echo "test-dates failed on:$$failed"; exit 1; fi; \
	echo "test-dates passed on: $(TEST_DATES)"

test-postgres: test-deps messages ## run the whole suite against PostgreSQL on 127.0.0.1:5432
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/taizhang} $(PY) -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.test-installed ## ruff, then the import contracts (.importlinter: layers, no cycles)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

schema: install ## regenerate the committed OpenAPI document (docs/openapi.yaml)
	DATABASE_URL= $(PY) manage.py spectacular --file docs/openapi.yaml --validate  # on SQLite: integer ranges differ by database

bench: test-deps ## benchmarks: real code vs hand-written SQL, printed as ratios; then the load benchmark
	$(PY) -m bench
	$(MAKE) bench-load

BENCH_LOAD_ARGS ?=
bench-load: test-deps ## load on the production server (20 clients × 60 s, gunicorn vs runserver; item detail with 2 workers), SQLite then PostgreSQL
	DATABASE_URL= $(PY) -m bench.load $(BENCH_LOAD_ARGS)
	DATABASE_URL=$${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/taizhang_bench_load} $(PY) -m bench.load $(BENCH_LOAD_ARGS)

clean: ## remove the virtual environment and the local databases
	rm -rf $(VENV) db.sqlite3* test.sqlite3* test-artifacts staticfiles
