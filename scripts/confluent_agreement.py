"""Agreement of `vrp-contract compat --mode backward` with Confluent Schema Registry's verdicts.

Reads the corpus in ../shared/corpora/confluent-jsonschema-diff (never copied into this repo: its
licence keeps it out), compares every pair in backward mode and prints the agreement and every
disagreement with its reason. `--markdown` prints the disagreement table for
docs/guides/compat.md. Exit 0 when agreement is at least `--target` percent, else 1.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

from vrp_contract.compat.check import compare_sets
from vrp_contract.compat.model import Mode
from vrp_contract.compat.sources import InputError, load_document

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "confluent-jsonschema-diff"
FILES = (
    "diff-schema-examples.json",
    "diff-schema-examples-2020-12.json",
    "diff-combined-schema-examples.json",
    "diff-combined-schema-examples-2020-12.json",
)
DRAFT7 = "http://json-schema.org/draft-07/schema#"

# Why we differ: (test on Confluent's changes, reason). The first match explains a disagreement.
REASONS: list[tuple[str, str]] = [
    (
        "REQUIRED_ATTRIBUTE_REMOVED",
        (
            "`required` changed from [foo] to [bar]: Confluent only reports that foo is no longer "
            "required and ignores the newly required bar (not a declared property); under set "
            "inclusion {'foo': 'x'} is valid in OLD and invalid in NEW, so it breaks backward."
        ),
    ),
    (
        "#/additionalItems",
        (
            "`additionalItems` without an array-form `items` is ignored by draft-07 (it applies "
            "only after a tuple `items`), so both schemas accept the same instances; Confluent "
            "compares the keyword anyway."
        ),
    ),
]


def reason(changes: list[str]) -> str:
    """The documented reason for a disagreement, or 'unexplained'."""
    for needle, text in REASONS:
        if any(needle in change for change in changes):
            return text
    return "unexplained"


def _load(path: Path) -> list[dict[str, Any]]:
    text = path.read_text("utf-8")
    text = re.sub(r",(\s*[}\]])", r"\1", text)  # one file has a trailing comma (lenient JSON)
    data: list[dict[str, Any]] = json.loads(text)
    return data


def _verdict(case: dict[str, Any], *, legacy: bool) -> tuple[bool | None, list[str]]:
    docs = []
    for key in ("original_schema", "update_schema"):
        doc = case[key]
        if legacy and isinstance(doc, dict) and "$schema" not in doc:
            doc = {"$schema": DRAFT7, **doc}
        docs.append(doc)
    try:
        old, new = load_document("old", docs[0]), load_document("new", docs[1])
    except InputError as exc:
        return None, [f"input error: {exc}"]
    pair = compare_sets(old, new, Mode.BACKWARD)
    return pair.compatible, [f"{f.rule} {f.pointer or '/'}" for f in pair.findings if f.is_error]


def main(argv: list[str] | None = None) -> int:
    """Run the corpus and print the agreement."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=DEFAULT)
    parser.add_argument("--markdown", action="store_true", help="print the disagreement table")
    parser.add_argument("--target", type=float, default=95.0)
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"corpus not found: {args.corpus}", file=sys.stderr)
        return 2
    total = agree = 0
    rows: list[tuple[str, str, bool, bool | None, list[str], list[str]]] = []
    for name in FILES:
        for case in _load(args.corpus / name):
            ours, why = _verdict(case, legacy="2020-12" not in name)
            total += 1
            if ours == case["compatible"]:
                agree += 1
            else:
                rows.append(
                    (name, case["description"], case["compatible"], ours, case["changes"], why)
                )
    pct = 100.0 * agree / total if total else 0.0
    if args.markdown:
        print("| file | case | Confluent | vrp-contract | our findings | reason |")
        print("|---|---|---|---|---|---|")
        for name, desc, theirs, ours, changes, why in rows:
            found = "; ".join(why) or "none"
            print(f"| {name} | {desc} | {theirs} | {ours} | {found} | {reason(changes)} |")
    else:
        for name, desc, theirs, ours, changes, why in rows:
            print(f"DISAGREE {name}: {desc!r}: confluent={theirs} ours={ours}")
            print(f"    confluent: {changes}")
            print(f"    ours:      {why}")
            print(f"    reason:    {reason(changes)}")
    print(f"agreement: {agree}/{total} = {pct:.1f}% (backward mode; target {args.target}%)")
    return 0 if pct >= args.target else 1


if __name__ == "__main__":
    sys.exit(main())
