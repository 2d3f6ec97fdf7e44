# The behavioural contract in every language (issue 10): generated tables and session checkers.
# The tests are pytest tests (tests/behaviour/), so `make pytest` (and CI) runs them already.

.PHONY: test-behaviour behaviour-stream bench-behaviour

test-behaviour: ## the behaviour suite in each language, the 100,000-event differential, regeneration
	$(BIN)/pytest -q tests/behaviour

behaviour-stream: ## write the differential case (100,000 events, fixed seed) into build/behaviour-stream
	$(PY) -m tests.behaviour.streamgen build/behaviour-stream

bench-behaviour: ## session checkers of every language vs the Python validator on 1,000,000 events
	$(PY) bench/behaviour_bench.py
