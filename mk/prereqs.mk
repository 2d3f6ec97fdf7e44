# Prerequisites, checked before anything is installed (scripts/prereqs.py): the interpreter
# before .venv is created (make demo, make setup-python), every toolchain before `make setup`.
# `make clean` removes what setup and the builds made inside the checkout.
.PHONY: check-python check-prereqs clean

comma := ,
PYTHON_MIN := 3.11
_PY_OK := import sys; sys.exit(sys.version_info < ($(subst .,$(comma) ,$(PYTHON_MIN))))

check-python: ## check that PYTHON (python3) is 3.11+ with venv, and that .venv is not older
	@if ! $(PYTHON) -c '$(_PY_OK)' 2>/dev/null; then \
		echo "setup: '$(PYTHON)' is not Python $(PYTHON_MIN) or newer ($$(command -v '$(PYTHON)' >/dev/null && '$(PYTHON)' -V 2>&1 | head -n 1 || echo not found)): install it (python.org, pyenv, apt-get install python3) or pass PYTHON=python$(PYTHON_MIN)" >&2; \
		exit 2; fi
	@$(PYTHON) scripts/prereqs.py --runtime --quiet --python '$(PYTHON)'
	@if [ -e $(PY) ] && ! $(PY) -c '$(_PY_OK)' 2>/dev/null; then \
		echo "setup: $(VENV) was made with $$($(PY) -V 2>&1 | head -n 1), not Python $(PYTHON_MIN)+ (or is broken): run 'make clean', then this command again" >&2; \
		exit 2; fi

check-prereqs: check-python ## check every toolchain the tests need (one line per missing tool)
	@$(PYTHON) scripts/prereqs.py --python '$(PYTHON)'

clean: ## remove .venv, caches, site/, dist/ and the tool downloads inside the checkout
	rm -rf $(VENV) .cache site dist build .pytest_cache .mypy_cache .ruff_cache .hypothesis \
		.coverage htmlcov src/*.egg-info scripts/codegen/node/node_modules
	rm -rf generated/*/*/node_modules generated/*/*/dist generated/*/*/target
