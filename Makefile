# einclusion — tâches courantes. `make help` pour la liste.
#
#   make run    installe ce qui manque, migre, crée la démo (identifiants affichés), lance le serveur
#   make test   tout ce que fait la CI : paquets Debian, lint, checks, tests SQLite puis PostgreSQL + Redis
#
# Everything Python goes through .venv/bin/python. Dependencies are reinstalled only when their
# lock file changes (stamp files), so repeated runs are fast.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:
MAKEFLAGS += --no-print-directory

VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
VENV_STAMP := $(VENV)/.stamp-requirements
NODE_STAMP := node_modules/.stamp
SQLITE_URL := sqlite:///$(CURDIR)/var/einclusion.sqlite3

export DJANGO_SETTINGS_MODULE ?= einclusion.settings

# --- Tests ------------------------------------------------------------------------------------
# pytest-django would take DJANGO_SETTINGS_MODULE from the environment over pytest.ini: force
# the test settings.
PYTEST := $(PY) -m pytest --ds=einclusion.settings_test
PYTEST_WORKERS ?= 2
# Pass 1: SQLite in memory, no broker; browser tests included; tests that need PostgreSQL or
# Redis are deselected (they run in pass 2).
PASS1_ARGS ?= -n $(PYTEST_WORKERS) -m "not postgres and not redis"
# Pass 2: throwaway PostgreSQL + Redis (scripts/services.sh), REQUIRE_SERVICES=1 so that tests
# marked postgres/redis/browser fail instead of skipping. It runs the whole suite again, which
# catches SQLite/PostgreSQL differences everywhere; when the suite grows, narrow it to the
# service tests with:  make test PASS2_ARGS='-n 2 -m "postgres or redis or browser"'
PASS2_ARGS ?= -n $(PYTEST_WORKERS)
# Extra arguments for both passes, e.g.  make test-sqlite TEST_ARGS="-k cheque -x"
TEST_ARGS ?=

# --- Linting ----------------------------------------------------------------------------------
PY_SOURCES := .
TEMPLATE_DIRS := templates $(wildcard */templates)

# --- Pinning ----------------------------------------------------------------------------------
# make lock LOCK_ARGS=--upgrade   or   make lock LOCK_ARGS="--upgrade-package django"
LOCK_ARGS ?=
PIP_COMPILE := CUSTOM_COMPILE_COMMAND="make lock" $(VENV)/bin/pip-compile --quiet --strip-extras \
	--no-emit-index-url --no-emit-find-links $(LOCK_ARGS)

# --- Bench ------------------------------------------------------------------------------------
# bench/_*.py are helpers, not benches.
BENCH ?= $(sort $(filter-out bench/_%,$(wildcard bench/*.py)))
BENCH_ENV ?= DEBUG=false SECRET_KEY=bench-only-not-a-secret-0123456789abcdefghijklmnopqrstuvwxyz \
	ALLOWED_HOSTS=testserver,127.0.0.1,localhost SECURE_SSL_REDIRECT=false CELERY_BROKER_URL=

# pip on this image warns about missing local index directories; keep the output readable.
PIP_QUIET_FILTER := { grep -v "is ignored: it is neither a file nor a directory" || true; }

# Run a sub-target and print how long it took.
timed = start=$$(date +%s); $(MAKE) $(1); echo "==> $(1) : $$(( $$(date +%s) - start )) s"

.PHONY: help venv deps run totp test system-packages check test-sqlite test-services services-start services-stop \
	lint fix fix-templates bench lock clean distclean

help: ## cette aide
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-15s %s\n", $$1, $$2}'

# --- Dependencies -----------------------------------------------------------------------------
$(PY):
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip 2>&1 | $(PIP_QUIET_FILTER)

$(VENV_STAMP): requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements-dev.txt 2>&1 | $(PIP_QUIET_FILTER)
	touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

venv: $(VENV_STAMP) ## crée .venv (python3) et installe requirements-dev.txt s'il a changé

deps: $(VENV_STAMP) $(NODE_STAMP) ## venv + `npm ci` si package-lock.json a changé
	@mkdir -p var

# --- Run --------------------------------------------------------------------------------------
RUN_ENV := DEBUG=true CELERY_BROKER_URL= DATABASE_URL=$(SQLITE_URL)
RUN_ADDR ?= 127.0.0.1:8000

run: deps ## serveur de développement sur http://127.0.0.1:8000 (SQLite, tâches Celery immédiates)
	$(RUN_ENV) $(MANAGE) migrate --no-input
	$(RUN_ENV) $(MANAGE) charger_territoires
	@echo
	$(RUN_ENV) $(MANAGE) seed_demo
	@echo
	@echo "==> http://$(RUN_ADDR)/  (identifiants de démonstration ci-dessus ;"
	@echo "    code de double authentification : make totp, ou DEBUG=true $(PY) manage.py demo_totp)"
	@echo
	$(RUN_ENV) $(MANAGE) runserver $(RUN_ADDR)

totp: venv ## code de double authentification actuel de la coordinatrice de démonstration
	@$(RUN_ENV) $(MANAGE) demo_totp

# --- Tests ------------------------------------------------------------------------------------
test: ## tout ce que fait la CI (paquets Debian, lint, checks, tests SQLite puis PostgreSQL + Redis)
	@total=$$(date +%s); \
	$(call timed,system-packages); \
	$(call timed,deps); \
	$(call timed,lint); \
	$(call timed,check); \
	$(call timed,test-sqlite); \
	$(call timed,test-services); \
	echo "==> make test : tout est vert en $$(( $$(date +%s) - total )) s"

system-packages:
	scripts/system_packages.sh

check: deps ## manage.py check + makemigrations --check
	DEBUG=true CELERY_BROKER_URL= DATABASE_URL=sqlite://:memory: $(MANAGE) check --fail-level WARNING
	DEBUG=true CELERY_BROKER_URL= DATABASE_URL=sqlite://:memory: $(MANAGE) makemigrations --check --dry-run

test-sqlite: deps ## passe 1 : pytest sur SQLite, navigateur compris (-n 2)
	DATABASE_URL=$(SQLITE_URL) CELERY_BROKER_URL= REQUIRE_SERVICES=0 $(PYTEST) $(PASS1_ARGS) $(TEST_ARGS)

test-services: deps ## passe 2 : pytest sur PostgreSQL + Redis jetables, tests de services obligatoires
	REQUIRE_SERVICES=1 scripts/services.sh run -- $(PYTEST) $(PASS2_ARGS) $(TEST_ARGS)

services-start: ## démarre PostgreSQL + Redis jetables (variables dans var/services.env)
	scripts/services.sh start

services-stop: ## arrête les services démarrés par services-start
	scripts/services.sh stop

# --- Quality ----------------------------------------------------------------------------------
# djlint lints templates but does not enforce its formatting: its reformatter flattens allauth's
# {% element %}/{% slot %} nesting and splits whitespace-sensitive blocks (see README).
lint: venv ## ruff check, ruff format --check, djlint --lint
	$(VENV)/bin/ruff check $(PY_SOURCES)
	$(VENV)/bin/ruff format --check $(PY_SOURCES)
	$(VENV)/bin/djlint --lint $(TEMPLATE_DIRS)

fix: venv ## corrige ce que ruff sait corriger et formate le Python
	$(VENV)/bin/ruff check --fix $(PY_SOURCES)
	$(VENV)/bin/ruff format $(PY_SOURCES)

fix-templates: venv ## reformate les gabarits avec djlint (relire le diff : voir README)
	$(VENV)/bin/djlint --reformat --custom-blocks element,slot $(TEMPLATE_DIRS) || true

# --- Bench ------------------------------------------------------------------------------------
# bench/beneficiaires_liste.py builds 400,000 people first (several minutes; BENCH_PERSONNES=40000
# for a trial run). Figures are recorded on PostgreSQL: see docs/performance.md.
# bench/generation_cheques.py generates 3 x 100,000 cheques; its < 10 s target is PostgreSQL's (on SQLite:
# one run, for information).
# bench/encaissement_api.py loads 1,000,000 cheques (COPY, 2-3 min), then runs gunicorn and 20 clients; PostgreSQL
# only (DATABASE_URL=postgres://...): on SQLite it says so and is skipped.
bench: deps ## lance chaque bench/*.py (voir bench/README.md)
	@if [ -z "$(strip $(BENCH))" ]; then echo "aucun bench"; exit 0; fi; \
	for script in $(BENCH); do \
		echo "==> $$script"; \
		$(BENCH_ENV) PYTHONPATH=$(CURDIR) $(PY) $$script; \
	done

# --- Pinning ----------------------------------------------------------------------------------
lock: $(PY) ## re-fige requirements.txt et requirements-dev.txt (pip-compile)
	@test -x $(VENV)/bin/pip-compile || $(PY) -m pip install --quiet pip-tools 2>&1 | $(PIP_QUIET_FILTER)
	$(PIP_COMPILE) --output-file requirements.txt requirements.in 2>&1 | $(PIP_QUIET_FILTER)
	$(PIP_COMPILE) --output-file requirements-dev.txt requirements.in requirements-dev.in 2>&1 | $(PIP_QUIET_FILTER)

# --- Cleaning ---------------------------------------------------------------------------------
clean: ## arrête les services de test, supprime caches et fichiers générés (garde .venv, node_modules, la base)
	scripts/services.sh stop
	rm -rf staticfiles var/test-static var/test-media var/test-private .ruff_cache .pytest_cache .hypothesis test-results
	find . -path ./.venv -prune -o -path ./node_modules -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean ## clean + supprime .venv, node_modules et var/ (base de démo comprise)
	rm -rf $(VENV) node_modules var
