# One task runner for people and CI. `make help` lists the targets.
# Each concern keeps its own targets in mk/<concern>.mk and adds itself to SETUP_TARGETS and
# TEST_TARGETS there, so this file stays short.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python

SETUP_TARGETS :=
SETUP_INPUTS :=
TEST_TARGETS :=
SETUP_STAMP := $(VENV)/.setup-done
# Test folders that a TEST_TARGETS entry runs itself (with the service it starts): `pytest` skips them.
PYTEST_IGNORE :=
-include mk/*.mk

.DEFAULT_GOAL := help
.PHONY: help setup setup-runtime setup-python demo test lint typecheck pytest fmt bench

help: ## list the targets
	@grep -hE '^[a-zA-Z0-9_-]+:.*## ' $(MAKEFILE_LIST) | sort | awk -F':.*## ' '{printf "  %-20s %s\n", $$1, $$2}'

# A venv that failed half-way is removed, so the next run starts clean instead of reusing it.
$(PY): | check-python
	$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); exit 2; }
	$(PY) -m pip install --quiet --upgrade pip || { rm -rf $(VENV); exit 2; }

# The native line engine (native/, Rust) is built from source first: the package depends on it.
ENGINE_INSTALL := @echo "setup: building the native line engine (native/, Rust) with cargo: a few minutes the first time" \
	&& $(PY) -m pip install --quiet ./native

setup-runtime: $(PY) | check-python ## create .venv and install the package with its runtime dependencies only
	$(ENGINE_INSTALL)
	$(PY) -m pip install --quiet -e .

setup-python: $(PY) | check-python ## create .venv and install the package with its dev tools
	$(ENGINE_INSTALL)
	$(PY) -m pip install --quiet -e '.[dev]'

# `make setup` always installs; `make test` runs it only when the setup stamp is older than the
# files that decide what gets installed, so `.ci/run` (make setup, then make test) installs once.
SETUP_INPUTS += Makefile $(wildcard mk/*.mk) pyproject.toml scripts/prereqs.py \
	native/Cargo.toml native/Cargo.lock native/pyproject.toml $(wildcard native/src/*.rs) \
	$(wildcard scripts/codegen/pins.py scripts/codegen/node/package-lock.json \
	scripts/codegen/java/pom.xml generated/*/*/go.mod generated/*/*/Cargo.lock \
	generated/*/*/pom.xml docs/hooks/vrp_site/mermaid.py)

setup: check-prereqs setup-python $(SETUP_TARGETS) ## check prerequisites, then install everything the tests need
	@touch $(SETUP_STAMP)

$(SETUP_STAMP): $(SETUP_INPUTS)
	@$(MAKE) --no-print-directory setup

demo: setup-runtime ## install the package only, then validate the bundled example stream (shows real findings)
	@echo "$(BIN)/vrp-contract validate examples/demo.jsonl"
	@$(BIN)/vrp-contract validate examples/demo.jsonl || [ $$? -eq 1 ]

lint: ## ruff check and format check; rustfmt and clippy on the native engine
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	cd native && cargo fmt --check && cargo clippy --locked --quiet -- -D warnings

fmt: ## apply ruff fixes and formatting, rustfmt
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	cd native && cargo fmt

typecheck: ## mypy --strict
	$(BIN)/mypy

pytest: ## the Python test suite (less the folders a service test target runs)
	$(BIN)/pytest -q $(PYTEST_IGNORE)

bench: setup-python ## stream validator vs peers (ajv, jsonschema, jsonschema-rs...), whole processes
	$(PY) bench/run.py

test: $(SETUP_STAMP) lint typecheck pytest $(TEST_TARGETS) ## set up (unless done), then run everything CI runs
