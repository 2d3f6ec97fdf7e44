# Release artifacts: `make dist` builds every artifact into dist/ with SHA-256 sums;
# `make test-consumers` installs each one into a fresh project outside the repository and checks
# it on every vector, the demo stream and edge cases against the Python reference.
.PHONY: dist test-consumers

DIST ?= dist
TEST_TARGETS += test-consumers

dist: setup-python ## build wheel+sdist, npm tarball, Go module proxy tree, crate, Maven jars into dist/ (SHA256SUMS)
	$(PY) scripts/dist.py --out $(DIST)

test-consumers: dist ## install each dist/ artifact into a fresh consumer project (outside the repo) and decode every vector
	VRP_DIST=$(abspath $(DIST)) $(BIN)/pytest -q -p no:cacheprovider tests/consumers
