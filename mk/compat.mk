# The schema compatibility checker (vrp-contract compat) run on this repo's own schema/.
# COMPAT_BASE=origin/main also fails when a released revision was edited in place.
.PHONY: compat-self compat-confluent bench-compat

TEST_TARGETS += compat-self compat-confluent
COMPAT_BASE ?=
CONFLUENT_CORPUS ?= ../shared/corpora/confluent-jsonschema-diff

compat-self: ## every revision pair in schema/ is backward compatible (or declares a major bump)
	$(BIN)/vrp-contract compat --all schema/ $(if $(COMPAT_BASE),--base $(COMPAT_BASE))

compat-confluent: ## agreement with Confluent's BACKWARD verdicts (skipped without the corpus)
	@if [ -d "$(CONFLUENT_CORPUS)" ]; then \
		$(PY) scripts/confluent_agreement.py --corpus "$(CONFLUENT_CORPUS)" | tail -n 1; \
	else echo "compat-confluent: $(CONFLUENT_CORPUS) not found, skipped"; fi

bench-compat: ## compat speed: the whole contract, 10,000 properties, deep and cyclic $refs
	$(PY) bench/compat_bench.py
