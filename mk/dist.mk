# The installable package: a wheel in dist/ (what services install until the package is on a
# registry). pip builds it in isolation, fetching the build backend (hatchling) from PyPI once.
.PHONY: dist

dist: $(PY) ## build the wheel into dist/ (pip install dist/vrp_contract-*.whl anywhere)
	$(PY) -m pip wheel --no-deps --quiet -w dist .
	@ls dist/vrp_contract-*.whl
