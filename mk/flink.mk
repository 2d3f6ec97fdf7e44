# The validator as an Apache Flink job (vrp-contract[flink]) and its engine tests on a real broker.
# tests/flink runs here, not in `make pytest`: test-flink starts one Kafka broker (mk/kafka.mk) for
# the whole folder and stops it by its PID, also when a test fails.
.PHONY: setup-flink test-flink

SETUP_TARGETS += setup-flink
TEST_TARGETS += test-flink
FLINK_LIB := .cache/flink/lib
PYTEST_IGNORE += --ignore=tests/flink

test-flink: setup-kafka setup-flink ## engine tests: broker, Flink jobs (files and Kafka) vs `validate`
	$(KAFKA) run -- $(BIN)/pytest -q -p no:cacheprovider tests/flink

setup-flink: setup-python ## install vrp-contract[flink] (PyFlink, ~500 MB, once) and the Kafka connector jar
	$(PY) -m pip install --quiet -e '.[dev,flink]'
	@if ! ls $(FLINK_LIB)/flink-sql-connector-kafka-*.jar >/dev/null 2>&1; then \
		mvn -q -B -f scripts/services/flink-pom.xml dependency:copy-dependencies \
			-DexcludeTransitive=true -DoutputDirectory=$(CURDIR)/$(FLINK_LIB); fi
