# dagforge: the front door. `make demo` and `make test` work on a fresh clone with Python 3.11+ and make.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.dagforge-installed
PYTEST_ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help install demo test test-fast lint typecheck unit clean lock bench-parse

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | awk -F '\t' '{printf "%-32s %s\n", $$1, $$2}'

install: $(STAMP) ## create .venv with the exact pinned versions (a no-op when up to date)

$(STAMP): requirements/lock.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "dagforge needs Python 3.11+; set PYTHON=python3.11")'
	@start=$$(date +%s); step() { echo "install: [$$(( $$(date +%s) - start )) s] $$*"; }; \
	test -x $(BIN)/python || { step "creating $(VENV)"; $(PYTHON) -m venv $(VENV); } && \
	step "installing $$(grep -c '==' requirements/lock.txt) pinned packages from requirements/lock.txt (first run: about 2 minutes)" && \
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements/lock.txt && \
	step "installing dagforge itself (editable)" && \
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e . && \
	step "done: $(VENV) is ready"
	@touch $@

demo: install ## local S3 + sample data + every DAG run by real Airflow; prints the outputs
	@$(BIN)/python -m dagforge demo

test: install lint typecheck unit ## the whole suite: lint, types, tests

lint: install ## ruff over the code
	@$(BIN)/ruff check dagforge callables dags tests bench

typecheck: install ## mypy (strict) over dagforge and callables
	@$(BIN)/mypy

unit: install ## pytest only (PYTEST_ARGS=... to pass options)
	@$(BIN)/python -m pytest $(PYTEST_ARGS)

test-fast: install ## the tests that need no Airflow (pytest -m "not airflow"): seconds, not minutes
	@$(BIN)/python -m pytest -m "not airflow" $(PYTEST_ARGS)

lock: ## regenerate requirements/lock.txt from requirements/requirements.in (CONSTRAINTS=airflow constraints file)
	@test -n "$(CONSTRAINTS)" || { echo "set CONSTRAINTS=path/to/constraints-3.3.1 file"; exit 2; }
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet -c $(CONSTRAINTS) -r requirements/requirements.in
	{ head -2 requirements/lock.txt; .lock-venv/bin/pip freeze --exclude-editable; } > requirements/lock.txt.new
	mv requirements/lock.txt.new requirements/lock.txt && rm -rf .lock-venv

bench-parse: install ## loader parse time: dagforge vs Python loop vs plain dag-factory (250/1,000/4,000 DAGs)
	@$(BIN)/python bench/parse.py

clean: ## remove the venv and local state (demo Airflow home, build outputs)
	rm -rf $(VENV) .dagforge build

# --- from pull request to MWAA (docs/pr-to-mwaa.md) ---
BASE ?= origin/main
MWAA ?= 3.3.1
.PHONY: diff

diff: install ## Markdown list of the DAGs added, removed and changed against BASE (default origin/main)
	@$(BIN)/dagforge diff --base $(BASE)
.PHONY: bundle

bundle: install ## build/mwaa/: the MWAA deployment bundle (dags, requirements, startup, manifest with parse time)
	@$(BIN)/dagforge bundle --out build/mwaa --airflow-version $(MWAA)
.PHONY: mwaa-requirements

mwaa-requirements: install ## regenerate requirements/mwaa-$(MWAA).txt (BOM=image Python-Packages-BOM.txt CONSTRAINTS=... EXTRA=pkg)
	@test -n "$(BOM)" -a -n "$(CONSTRAINTS)" || { echo "set BOM=... and CONSTRAINTS=... (see tools/mwaa_requirements.py)"; exit 2; }
	@$(if $(filter 3.3.1,$(MWAA)),$(BIN),.venv-compat-$(MWAA)/bin)/python tools/mwaa_requirements.py \
		--bom $(BOM) --constraints $(CONSTRAINTS) --airflow $(MWAA) \
		$(if $(EXTRA),--extra $(EXTRA))

# Version compatibility: a separate venv per Airflow version, from a committed lock (CI runs 2.11.2).
AIRFLOW ?= 2.11.2
COMPAT_VENV = .venv-compat-$(AIRFLOW)
COMPAT_LOCK = $(if $(filter 3.3.1,$(AIRFLOW)),requirements/lock.txt,requirements/lock-$(AIRFLOW).txt)
COMPAT_TESTS ?= tests/runtime/test_dags_import.py tests/runtime/test_end_to_end.py tests/mwaa/test_bundle.py tests/callables/test_who.py tests/checks/test_compat.py tests/test_build.py tests/runtime/test_loader.py tests/api/test_client.py tests/callables/test_landed.py
.PHONY: test-compat compat-lock

$(COMPAT_VENV)/.installed: $(COMPAT_LOCK)
	@test -x $(COMPAT_VENV)/bin/python || $(PYTHON) -m venv $(COMPAT_VENV)
	@echo "installing $(COMPAT_LOCK) into $(COMPAT_VENV) (first run: a few minutes)"
	@$(COMPAT_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r $(COMPAT_LOCK)
	@touch $@

test-compat: $(COMPAT_VENV)/.installed ## config check + DAG import + end-to-end tests on another Airflow (AIRFLOW=2.11.2)
	@$(COMPAT_VENV)/bin/python -c 'import airflow; print("Airflow", airflow.__version__)'
	@status=0; \
	$(COMPAT_VENV)/bin/python -m dagforge compat --airflow-version $(AIRFLOW) dagfactory_configs || status=1; \
	$(COMPAT_VENV)/bin/python -m pytest -q $(COMPAT_TESTS) || status=1; \
	exit $$status

compat-lock: ## freeze requirements/lock-$(AIRFLOW).txt from requirements/compat-$(AIRFLOW).in (CONSTRAINTS=airflow constraints file)
	@test -n "$(CONSTRAINTS)" || { echo "set CONSTRAINTS=path/to/constraints-$(AIRFLOW) file"; exit 2; }
	rm -rf .lock-venv-$(AIRFLOW) && $(PYTHON) -m venv .lock-venv-$(AIRFLOW)
	.lock-venv-$(AIRFLOW)/bin/pip install --quiet -c $(CONSTRAINTS) -r requirements/compat-$(AIRFLOW).in
	{ head -2 requirements/lock-$(AIRFLOW).txt 2>/dev/null; .lock-venv-$(AIRFLOW)/bin/pip freeze --exclude-editable; } > requirements/lock-$(AIRFLOW).txt.new
	mv requirements/lock-$(AIRFLOW).txt.new requirements/lock-$(AIRFLOW).txt && rm -rf .lock-venv-$(AIRFLOW)

# Local runner (docs/local-runner.md): MWAA's Docker images when a Docker engine answers, else MWAA's
# topology on loopback (Postgres, Celery over SQS, two workers).
PORT ?= 8080
SMOKE_DAG ?= who_country_NA
.PHONY: local-runner local-runner-smoke local-runner-light test-runner bench-runner local-runner-test-requirements

local-runner: bundle ## serve the bundle in MWAA's topology on 127.0.0.1:$(PORT) (Docker images if available); Ctrl-C stops
	@$(BIN)/dagforge local-runner --port $(PORT)

local-runner-smoke: install ## start the local runner, wait for every DAG, trigger $(SMOKE_DAG) via the REST API, wait for success, stop
	@$(BIN)/dagforge local-runner --docker never --port 0 --smoke $(SMOKE_DAG)

local-runner-light: bundle ## the local runner with SQLite and the LocalExecutor (a quicker look); Ctrl-C stops
	@$(BIN)/dagforge local-runner --docker never --light --port $(PORT)

test-runner: install ## fault tests on MWAA's topology: worker kill -9, scheduler and Postgres restarts, S3 503s (~5 min)
	@$(BIN)/python -m pytest -m runner_faults tests/mwaa/test_runner_faults.py $(PYTEST_ARGS)

bench-runner: install ## N=50 country runs vs 50 one-task runs on MWAA's topology: ratio, runs/min, queued→running, parse, memory
	@$(BIN)/python bench/runner.py

local-runner-test-requirements: bundle ## (needs Docker) install build/mwaa/requirements in the MWAA $(MWAA) image: run.sh test-requirements
	@MWAA_VERSION=$(MWAA) bash tools/mwaa-docker-runner.sh test-requirements

# CI (.github/workflows/ci.yml runs these targets and nothing else).
.PHONY: ci-validate

# The MWAA environment class this project deploys to: CI checks the DAG count and the loader's
# measured import time against it.
MWAA_ENV_CLASS ?= mw1.medium

ci-validate: install ## dagforge validate with GitHub annotations, against the project's MWAA_ENV_CLASS, as CI runs it
	@$(BIN)/dagforge validate --format github --env-class $(MWAA_ENV_CLASS) dagfactory_configs/

# The config language (docs/config-language.md).
.PHONY: validate bench-validate catalog

catalog: install ## docs/dags.md: the DAG catalog (schedule, owner, tags, assets, source line); a test keeps it current
	@$(BIN)/dagforge list --format markdown dagfactory_configs/ > docs/dags.md
	@echo "wrote docs/dags.md"

validate: install ## dagforge validate dagfactory_configs/: every problem, with file:line and a hint
	@$(BIN)/dagforge validate dagfactory_configs/

bench-validate: install ## validate time for 4,000 template instances (goal: under 1 s)
	@$(BIN)/python bench/validate.py

# dag-factory 1.1's own example configs through plain dag-factory and dagforge (README's count).
DAGFACTORY ?=
.PHONY: bench-dagfactory

bench-dagfactory: install ## dag-factory 1.1.0's examples through both tools (DAGFACTORY=checkout of v1.1.0)
	@test -n "$(DAGFACTORY)" || { echo "set DAGFACTORY=path/to/dag-factory checkout at v1.1.0"; exit 2; }
	@$(BIN)/python bench/dagfactory_examples.py --source $(DAGFACTORY)

# The S3 callables (docs/callables.md).
.PHONY: bench-s3

bench-s3: install ## WHO split family vs one full read per country, in the local S3 (about 4 min)
	@$(BIN)/python bench/s3.py
