# Code generation (scripts/generate.py -> generated/) and the per-language binding tests.
# The language tests themselves are pytest tests (tests/generated/), so `make pytest` runs them;
# `test-languages` runs only them.
.PHONY: setup-codegen generate check-generated test-languages

SETUP_TARGETS += setup-codegen
TEST_TARGETS += check-generated

setup-codegen: setup-python ## install the pinned code generators (npm ci, go install, cargo install, maven)
	$(PY) scripts/generate.py --install-tools

generate: ## regenerate generated/ (and src/vrp_contract/generated/) from schema/
	$(PY) scripts/generate.py

check-generated: ## exit 1 when generated/ drifted from schema/ (what CI and pre-commit run)
	$(PY) scripts/generate.py --check

test-languages: ## each language binding's own tests on the shared vectors (tsc, go, cargo, mvn)
	$(BIN)/pytest -q tests/generated
