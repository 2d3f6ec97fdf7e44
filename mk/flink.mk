# The validator as an Apache Flink job (vrp-contract[flink]) and its engine tests on a real broker.
# tests/flink runs here, not in `make pytest`: test-flink starts one Kafka broker (mk/kafka.mk) for
# the whole folder and stops it by its PID, also when a test fails.
.PHONY: test-flink

TEST_TARGETS += test-flink
PYTEST_IGNORE += --ignore=tests/flink

test-flink: setup-kafka ## engine tests: broker, Flink jobs (files and Kafka) vs `validate`
	$(KAFKA) run -- $(BIN)/pytest -q -p no:cacheprovider tests/flink
