"""Annotations (`title`, `description`, `examples`, `default`, `deprecated`, ...) never break."""

from __future__ import annotations

from typing import TYPE_CHECKING

from vrp_contract.compat._rule import rule
from vrp_contract.compat.model import NONE
from vrp_contract.compat.rules._util import render
from vrp_contract.compat.walk import ANNOTATIONS, same_value

if TYPE_CHECKING:
    from vrp_contract.compat.model import Change
    from vrp_contract.compat.walk import Pair

_MISSING = object()


@rule(
    "annotation.changed",
    "Annotations (title, description, examples, default, deprecated, format, $id, ...) never "
    "break compatibility; changing them needs a patch bump.",
    directions=NONE,
    category="annotation",
    keywords=tuple(sorted(ANNOTATIONS)),
)
def annotation_changed(pair: Pair) -> list[Change]:
    """Report the annotation keywords that differ, as one non-breaking change."""
    changed = [
        k
        for k in sorted(ANNOTATIONS - {"$id", "$schema"})  # identifiers change with each revision
        if not same_value(pair.old.get(k, _MISSING), pair.new.get(k, _MISSING))
    ]
    if not changed:
        return []
    first = changed[0]
    old, new = pair.old.get(first), pair.new.get(first)
    what = f"{first} changed from {render(old, 100)} to {render(new, 100)}"
    if first not in pair.old:
        what = f"{first} was added: {render(new, 100)}"
    elif first not in pair.new:
        what = f"{first} was removed (it was {render(old, 100)})"
    others = [k for k in changed if k != first]
    also = f"; also changed: {', '.join(others)}" if others else ""
    text = f"Annotation {what}{also}. Annotations never break."
    return [pair.change("annotation.changed", NONE, text, annotation=True, keywords=changed)]
