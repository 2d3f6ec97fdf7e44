# The validator as an Apache Flink job (vrp-contract[flink]) and its engine tests on a real broker.
# tests/flink runs here, not in `make pytest`: test-flink starts one Kafka broker (mk/kafka.mk) for
# the whole folder and stops it by its PID, also when a test fails.
.PHONY: setup-flink test-flink

SETUP_TARGETS += setup-flink
TEST_TARGETS += test-flink
PYTEST_IGNORE += --ignore=tests/flink
FLINK_LIB := .cache/flink/lib

setup-flink: $(PY) ## install vrp-contract[flink] (PyFlink, ~500 MB, once) and the Kafka connector jar
	$(PY) -m pip install --quiet -e '.[dev,flink]'
	@if ! ls $(FLINK_LIB)/flink-sql-connector-kafka-*.jar >/dev/null 2>&1; then \
		mvn -q -B -f scripts/services/flink-pom.xml dependency:copy-dependencies \
			-DexcludeTransitive=true -DoutputDirectory=$(CURDIR)/$(FLINK_LIB); fi

# No setup prerequisite: `make test` sets up first (once), and `fetch` is a no-op when cached.
test-flink: ## engine tests: a broker, Flink jobs (files, topics) and validate on topics
	$(KAFKA) fetch
	$(KAFKA) run -- $(BIN)/pytest -q -p no:cacheprovider tests/flink
