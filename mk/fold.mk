# The session fold alone (bench/fold_bench.py): long against short sessions, decoding excluded.
.PHONY: bench-fold

bench-fold: setup-python ## the session fold alone: ns per event, 2,000 long sessions vs 500,000 short ones
	$(PY) bench/fold_bench.py
