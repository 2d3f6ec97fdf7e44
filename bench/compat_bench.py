"""Compatibility checker benchmarks: the whole contract, 10,000 properties, deep and cyclic refs.

Run: `.venv/bin/python bench/compat_bench.py`. Targets (2-core CI machine): the whole contract
well under 1 s, 10,000 properties in a few seconds, 1,000-deep and cyclic `$ref`s terminating.
The guard of #13: every reference form (anchors, draft-07 plain-name ids, embedded resources),
chained 1,000 deep with back-edges, and unions of 500 to 1,000 branches finish within the
10,000-property case's target.
Prints one line per case; exits 1 if a target is missed.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from vrp_contract.compat import compare
from vrp_contract.compat.check import compare_sets
from vrp_contract.compat.model import Mode
from vrp_contract.compat.sources import load_document

ROOT = Path(__file__).resolve().parents[1]
S = "https://json-schema.org/draft/2020-12/schema"


def _time(label: str, target: float, fn: Any) -> bool:  # noqa: ANN401
    start = time.perf_counter()
    fn()
    took = time.perf_counter() - start
    ok = took <= target
    verdict = "ok" if ok else "SLOW"
    print(f"{label:<45} {took * 1000:9.1f} ms  (target {target * 1000:.0f} ms) {verdict}")
    return ok


def _pair(old: dict[str, Any], new: dict[str, Any]) -> None:
    compare_sets(load_document("old", old), load_document("new", new), Mode.FULL)


def main() -> int:
    """Run every case and report."""
    schema = str(ROOT / "schema" / "v0.1")
    props = {f"p{i}": {"type": "string", "maxLength": 64} for i in range(10_000)}
    big_old = {"$schema": S, "type": "object", "properties": props, "required": list(props)[:100]}
    big_new = {**big_old, "properties": {**props, "extra": {"type": "integer"}}}

    def chain(n: int, leaf: dict[str, Any]) -> dict[str, Any]:
        defs: dict[str, Any] = {
            f"d{i}": {"type": "object", "properties": {"next": {"$ref": f"#/$defs/d{i + 1}"}}}
            for i in range(n)
        }
        defs[f"d{n}"] = leaf
        return {"$schema": S, "$defs": defs, "$ref": "#/$defs/d0"}

    cyclic = {
        "$schema": S,
        "$defs": {f"n{i}": {"anyOf": [{"$ref": f"#/$defs/n{(i + 1) % 50}"}, {"type": "object",
                  "properties": {"k": {"$ref": f"#/$defs/n{(i + 7) % 50}"}}}]} for i in range(50)},
        "$ref": "#/$defs/n0",
    }  # fmt: skip
    guard = 5.0  # the target of the 10,000-property case bounds every input
    results = [
        _time("whole contract v0.1 vs itself (CLI path)", 1.0, lambda: compare(schema, schema)),
        _time("10,000 properties, one added", guard, lambda: _pair(big_old, big_new)),
        _time("1,000-deep $ref chain", 5.0,
              lambda: _pair(chain(1000, {"type": "string"}), chain(1000, {"type": "integer"}))),
        _time("50 mutually cyclic $refs in unions", 5.0, lambda: _pair(cyclic, cyclic)),
    ]  # fmt: skip
    for label, make in _reference_forms().items():
        results.append(
            _time(f"{label} (guard)", guard, lambda m=make: _pair(m("string"), m("integer")))
        )
    return 0 if all(results) else 1


def _reference_forms() -> dict[str, Any]:
    """Stress inputs for every reference form: 1,000 chained links, and a cycle through each."""
    n = 1000
    d7 = "http://json-schema.org/draft-07/schema#"

    def anchors(leaf: str) -> dict[str, Any]:
        defs = {f"a{i}": {"$anchor": f"A{i}", "type": "object",
                          "properties": {"next": {"$ref": f"#A{i + 1}"}, "back": {"$ref": "#A0"}}}
                for i in range(n)}  # fmt: skip
        defs[f"a{n}"] = {"$anchor": f"A{n}", "type": leaf}
        return {"$schema": S, "$ref": "#A0", "$defs": defs}

    def plain_names(leaf: str) -> dict[str, Any]:
        defs = {f"a{i}": {"$id": f"#A{i}", "type": "object",
                          "properties": {"next": {"$ref": f"#A{i + 1}"}, "back": {"$ref": "#A0"}}}
                for i in range(n)}  # fmt: skip
        defs[f"a{n}"] = {"$id": f"#A{n}", "type": leaf}
        return {"$schema": d7, "$ref": "#A0", "definitions": defs}

    def embedded(leaf: str) -> dict[str, Any]:
        defs = {f"r{i}": {"$id": f"r{i}.json", "type": "object",
                          "properties": {"next": {"$ref": f"r{i + 1}.json"},
                                         "back": {"$ref": "r0.json#/properties/next"}}}
                for i in range(n)}  # fmt: skip
        defs[f"r{n}"] = {"$id": f"r{n}.json", "type": leaf}
        return {"$schema": S, "$id": "https://example.com/root.json", "$ref": "r0.json",
                "$defs": defs}  # fmt: skip

    def constants(leaf: str) -> dict[str, Any]:
        count = n if leaf == "string" else n - 1  # NEW drops one branch
        return {"$schema": S, "oneOf": [{"const": i} for i in range(count)]}

    def tagged(leaf: str) -> dict[str, Any]:
        branch = [{"type": "object", "required": ["kind"], "properties": {
            "kind": {"const": f"k{i}"}, "v": {"type": leaf if i == 0 else "string"}}}
            for i in range(n // 2)]  # fmt: skip
        return {"$schema": S, "oneOf": branch}

    return {
        "oneOf of 1,000 constants, one removed": constants,
        "oneOf of 500 tagged objects, one changed": tagged,
        "1,000 chained $anchor refs with back-edges": anchors,
        "1,000 chained draft-07 plain-name ids": plain_names,
        "1,000 chained embedded resources": embedded,
    }


if __name__ == "__main__":
    sys.exit(main())
