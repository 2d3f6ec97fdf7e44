# The schema compatibility checker (vrp-contract compat) run on this repo's own schema/.
# COMPAT_BASE=origin/main also fails when a released revision was edited in place.
.PHONY: compat-self compat-confluent bench-compat

TEST_TARGETS += compat-self compat-confluent
COMPAT_BASE ?=
CONFLUENT_CORPUS ?= ../shared/corpora/confluent-jsonschema-diff

compat-self: ## every revision pair in schema/ is backward compatible (or declares a major bump)
	$(BIN)/vrp-contract compat --all schema/ $(if $(COMPAT_BASE),--base $(COMPAT_BASE))

# The corpus is external (../shared next to the checkout, never copied in): without it the target
# skips, and fails under VRP_REQUIRE_TOOLCHAINS=1 (what .ci/run sets).
compat-confluent: ## agreement with Confluent's BACKWARD verdicts (skipped without the corpus)
	@if [ -d "$(CONFLUENT_CORPUS)" ]; then \
		set -o pipefail; $(PY) scripts/confluent_agreement.py --corpus "$(CONFLUENT_CORPUS)" | tail -n 1; \
	elif [ "$$VRP_REQUIRE_TOOLCHAINS" = 1 ]; then \
		echo "compat-confluent: the external corpus $(CONFLUENT_CORPUS) is missing and VRP_REQUIRE_TOOLCHAINS=1 requires it (place ../shared next to the checkout or pass CONFLUENT_CORPUS=DIR)" >&2; \
		exit 1; \
	else echo "compat-confluent: $(CONFLUENT_CORPUS) not found, skipped (set CONFLUENT_CORPUS=DIR)"; fi

bench-compat: ## compat speed: the whole contract, 10,000 properties, deep and cyclic $refs
	$(PY) bench/compat_bench.py
