# One task runner for people and CI. `make help` lists the targets.
# Each concern keeps its own targets in mk/<concern>.mk and adds itself to SETUP_TARGETS and
# TEST_TARGETS there, so this file stays short.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python

SETUP_TARGETS :=
TEST_TARGETS :=
# Test folders that a TEST_TARGETS entry runs itself (with the service it starts): `pytest` skips them.
PYTEST_IGNORE :=
-include mk/*.mk

.DEFAULT_GOAL := help
.PHONY: help setup setup-python demo test lint typecheck pytest fmt bench

help: ## list the targets
	@grep -hE '^[a-zA-Z0-9_-]+:.*## ' $(MAKEFILE_LIST) | sort | awk -F':.*## ' '{printf "  %-20s %s\n", $$1, $$2}'

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

setup-python: $(PY) ## create .venv and install the package with its dev tools
	$(PY) -m pip install --quiet -e '.[dev]'

setup: setup-python $(SETUP_TARGETS) ## install everything the tests need (Python, toolchains, browser)

demo: setup-python ## set up, then validate the bundled example stream (shows real findings)
	$(BIN)/vrp-contract validate examples/demo.jsonl || [ $$? -eq 1 ]

lint: ## ruff check and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt: ## apply ruff fixes and formatting
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

typecheck: ## mypy --strict
	$(BIN)/mypy

pytest: ## the Python test suite (less the folders a service test target runs)
	$(BIN)/pytest -q $(PYTEST_IGNORE)

bench: setup-python ## stream validator vs peers (ajv, jsonschema, jsonschema-rs...), whole processes
	$(PY) bench/run.py

test: setup lint typecheck pytest $(TEST_TARGETS) ## install what is missing, then run everything CI runs
