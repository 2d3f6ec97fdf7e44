# Release artifacts: `make dist` builds every artifact into dist/ with SHA-256 sums;
# `make test-consumers` installs each one into a fresh project outside the repository and checks
# it on every vector, the demo stream and edge cases against the Python reference.
.PHONY: dist test-consumers

DIST ?= dist
TEST_TARGETS += test-consumers

# The setup stamp, not setup-python: after `make setup` (CI), `make test` installs nothing again.
dist: $(SETUP_STAMP) ## build wheel+sdist, npm tarball, Go module proxy tree, crate, Maven jars into dist/ (SHA256SUMS)
	$(PY) scripts/dist.py --out $(DIST)

test-consumers: dist ## install each dist/ artifact into a fresh consumer project (outside the repo) and decode every vector
	VRP_DIST=$(abspath $(DIST)) VRP_CONSUMER_CACHE=$(CONSUMER_CACHE) $(BIN)/pytest -q -p no:cacheprovider tests/consumers

SETUP_TARGETS += setup-dist
CONSUMER_CACHE ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/vrp-contract-consumers

# Everything `make dist` and the consumer tests fetch, fetched once here so the tests run offline:
# the build backend, the Maven packaging plugins, the crate dependencies (a throwaway dist), the
# wheels the package depends on (a wheelhouse outside the checkout), Maven's dependency plugin.
setup-dist: setup-python setup-codegen ## fetch what make dist and the consumer tests need (they then run offline)
	$(PY) scripts/dist.py --out build/dist-setup
	@# a wheel of ours left from an earlier version would be taken as is, with its old dependencies
	rm -f $(CONSUMER_CACHE)/wheelhouse/vrp_contract-* $(CONSUMER_CACHE)/wheelhouse/vrp_contract_engine-*
	$(PY) -m pip download --quiet --dest $(CONSUMER_CACHE)/wheelhouse --find-links build/dist-setup \
		build/dist-setup/vrp_contract-0*.whl
	cd generated/java/v0_1 && mvn -q -B org.apache.maven.plugins:maven-dependency-plugin:3.6.1:build-classpath -Dmdep.outputFile=/dev/null
