"""Rules for arrays: item schemas (tuples and lists), `contains`, counts and uniqueness."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from vrp_contract.compat._rule import rule
from vrp_contract.compat.model import BACKWARD, BOTH, FORWARD
from vrp_contract.compat.rules._util import bound, dirs_of, raw, render, summary, undecided
from vrp_contract.compat.rules.objects import INPLACE

if TYPE_CHECKING:
    from vrp_contract.compat.model import Change
    from vrp_contract.compat.walk import Pair


_EVALUATES_ITEMS = (*INPLACE, "contains")
"""Keywords whose evaluated items `unevaluatedItems` would see (`contains` marks its matches)."""


def _rest(node: dict[str, Any]) -> tuple[Any, tuple[str, ...]]:
    """The schema for items past `prefixItems`, and its keyword."""
    if "items" in node:
        return node["items"], ("items",)
    if "unevaluatedItems" in node and not any(k in node for k in _EVALUATES_ITEMS):
        return node["unevaluatedItems"], ("unevaluatedItems",)
    return True, ()


@rule(
    "array.items",
    "The schema of every array position (`prefixItems`, then `items`) must not narrow (backward) "
    "or widen (forward).",
    directions=BOTH,
    category="array",
    keywords=("items", "prefixItems", "unevaluatedItems"),
    applies_to="array",
)
def items(pair: Pair) -> list[Change]:
    """Compare position by position, then the schema for the remaining items."""
    text = (
        "The node has unevaluatedItems beside in-place applicators or contains and changed; "
        "which items it covers is not decided."
    )
    if found := undecided(pair, "unevaluatedItems", "items", _EVALUATES_ITEMS, text):
        return found
    old_pre, new_pre = pair.old.get("prefixItems", []), pair.new.get("prefixItems", [])
    old_rest, old_rest_at = _rest(pair.old)
    new_rest, new_rest_at = _rest(pair.new)
    out: list[Change] = []
    for i in range(max(len(old_pre), len(new_pre))):
        o, o_at = (old_pre[i], ("prefixItems", i)) if i < len(old_pre) else (old_rest, old_rest_at)
        n, n_at = (new_pre[i], ("prefixItems", i)) if i < len(new_pre) else (new_rest, new_rest_at)
        subs = pair.sub(o, n, o_at, n_at)
        if i < len(old_pre) and i < len(new_pre):
            out.extend(subs)
        else:
            text = (
                f"Array position {i} is described by {render(o, 50)} in OLD and by "
                f"{render(n, 50)} in NEW."
            )
            out.extend(summary(pair, "array.items", subs, text, at=o_at, new_at=n_at))
    subs = pair.sub(old_rest, new_rest, old_rest_at, new_rest_at)
    if isinstance(old_rest, bool) or isinstance(new_rest, bool):
        text = (
            f"The schema for further items changed from {render(old_rest, 50)} to "
            f"{render(new_rest, 50)}."
        )
        at = new_rest_at or old_rest_at
        out.extend(summary(pair, "array.items", subs, text, at=old_rest_at or at, new_at=at))
    else:
        out.extend(subs)
    return out


def _demanded(node: dict[str, Any]) -> Any:  # noqa: ANN401 - a schema
    """The `contains` schema, or None when it demands nothing (`minContains: 0`, no maximum)."""
    if node.get("minContains") == 0 and "maxContains" not in node:
        return None
    return node.get("contains")


@rule(
    "array.contains",
    "`contains` (with `minContains`/`maxContains`) must not demand more matching items "
    "(backward) or fewer (forward).",
    directions=BOTH,
    category="array",
    keywords=("contains", "minContains", "maxContains"),
    applies_to="array",
)
def contains(pair: Pair) -> list[Change]:
    """Compare the `contains` schema (covariant) and its match counts."""
    old, new = _demanded(pair.old), _demanded(pair.new)
    if old is None and new is None:
        return []  # minContains/maxContains mean nothing without contains
    if old is None or new is None:
        if old is None:
            dirs, text = BACKWARD, f"A contains schema {render(new)} was added"
        else:
            dirs, text = FORWARD, f"The contains schema {render(old)} was removed"
        if "contains" in pair.old and "contains" in pair.new:  # one side had minContains 0
            text += " (a contains with minContains 0 and no maxContains demands no item)"
        text += "."
        return [pair.change("array.contains", dirs, text, at=("contains",))]
    rid = "array.contains"
    out = pair.sub(old, new, ("contains",))
    # Under maxContains the count is also capped: a schema matching more items (wider) can push
    # an OLD array past NEW's cap, and one matching fewer (narrower) lets NEW accept arrays past
    # OLD's cap. The sub-changes only say which way the schema moved.
    moved = {raw(pair, d) for d in dirs_of(out)}
    capped = set(moved)
    if "forward" in moved and "maxContains" in pair.new:
        capped.add("backward")
    if "backward" in moved and "maxContains" in pair.old:
        capped.add("forward")
    if capped != moved:
        text = (
            f"The contains schema changed from {render(old, 50)} to {render(new, 50)} under "
            f"maxContains (OLD {render(pair.old.get('maxContains'))}, NEW "
            f"{render(pair.new.get('maxContains'))}), so the number of matching items changes."
        )
        out.append(pair.change(rid, tuple(sorted(capped)), text, at=("contains",)))
    out += bound(pair, rid, "minContains", pair.old.get("minContains", 1),
                 pair.new.get("minContains", 1), lower=True, what="match count")  # fmt: skip
    out += bound(pair, rid, "maxContains", pair.old.get("maxContains"),
                 pair.new.get("maxContains"), lower=False, what="match count")  # fmt: skip
    return out


@rule(
    "array.item-count",
    "`minItems` must not rise and `maxItems` must not fall (backward), nor the reverse (forward).",
    directions=BOTH,
    category="array",
    keywords=("minItems", "maxItems"),
    applies_to="array",
)
def item_count(pair: Pair) -> list[Change]:
    """Compare the item count bounds."""
    rid = "array.item-count"
    lo = bound(pair, rid, "minItems", pair.old.get("minItems", 0) or None,
               pair.new.get("minItems", 0) or None, lower=True, what="count")  # fmt: skip
    hi = bound(pair, rid, "maxItems", pair.old.get("maxItems"), pair.new.get("maxItems"),
               lower=False, what="count")  # fmt: skip
    return lo + hi


@rule(
    "array.unique-items",
    "Turning `uniqueItems` on breaks backward; turning it off breaks forward.",
    directions=BOTH,
    category="array",
    keywords=("uniqueItems",),
    applies_to="array",
)
def unique_items(pair: Pair) -> list[Change]:
    """Compare `uniqueItems` (absent is false)."""
    old, new = bool(pair.old.get("uniqueItems")), bool(pair.new.get("uniqueItems"))
    if old == new:
        return []
    text = f"The uniqueItems flag changed from {str(old).lower()} to {str(new).lower()}."
    dirs = BACKWARD if new else FORWARD
    return [pair.change("array.unique-items", dirs, text, at=("uniqueItems",))]
