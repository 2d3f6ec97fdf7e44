"""Rules for objects: properties and content models, required, dependencies, counts."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from vrp_contract.compat._rule import rule
from vrp_contract.compat.model import BACKWARD, BOTH, FORWARD
from vrp_contract.compat.rules._util import bound, render, summary, undecided
from vrp_contract.compat.walk import UNCLASSIFIED

if TYPE_CHECKING:
    from vrp_contract.compat.model import Change
    from vrp_contract.compat.walk import Pair

INPLACE = ("allOf", "anyOf", "oneOf", "not", "if", "dependentSchemas", "$ref", "$dynamicRef")
"""Applicators whose evaluated properties/items `unevaluated*` would see."""


def _search(pattern: str, name: str) -> bool:
    try:
        return re.search(pattern, name) is not None
    except re.error:
        return False


def additional(node: dict[str, Any]) -> tuple[Any, tuple[str, ...]]:
    """The schema for names no `properties`/`patternProperties` entry matches, and its keyword."""
    if "additionalProperties" in node:
        return node["additionalProperties"], ("additionalProperties",)
    if "unevaluatedProperties" in node and not any(k in node for k in INPLACE):
        return node["unevaluatedProperties"], ("unevaluatedProperties",)
    return True, ()


def _effective(pair: Pair, node: dict[str, Any], name: str) -> tuple[Any, tuple[str, ...]]:
    parts: list[tuple[Any, tuple[str, ...]]] = []
    if name in node.get("properties", {}):
        parts.append((node["properties"][name], ("properties", name)))
    for pat, sub in node.get("patternProperties", {}).items():
        if _search(pat, name):
            parts.append((sub, ("patternProperties", pat)))
    if not parts:
        return additional(node)
    if len(parts) == 1:
        return parts[0]
    return pair.walker.synthetic({"allOf": [p[0] for p in parts]}), parts[0][1]


def _q(name: str) -> str:
    """A property name as JSON, for messages."""
    return json.dumps(name, ensure_ascii=False)


def _model_says(side: str, model: str, schema: Any) -> str:  # noqa: ANN401 - a schema
    """What `side`'s content model allows for a name it does not declare, as a sentence."""
    if schema is False or schema == {"not": {}}:
        return f"{side}'s {model} content model does not allow that name."
    if schema is True or schema == {}:
        return f"{side}'s {model} content model allows any value under that name."
    return f"{side}'s {model} content model gives that name the schema {render(schema, 100)}."


def _model(node: dict[str, Any]) -> str:
    extra, _ = additional(node)
    if extra is False:
        return "closed" if not node.get("patternProperties") else "partially open"
    if extra is True or extra == {}:
        return "open"
    return "partially open"


@rule(
    "object.properties",
    "A property added or removed is judged against the other side's content model (closed, open "
    "or partially open): what OLD accepted for that name NEW must accept, and the other way round.",
    directions=BOTH,
    category="object",
    keywords=("properties",),
)
def properties(pair: Pair) -> list[Change]:
    """Compare each named property with what the other side allows for that name."""
    old_props = pair.old.get("properties", {})
    new_props = pair.new.get("properties", {})
    out: list[Change] = []
    for name in [*old_props, *(n for n in new_props if n not in old_props)]:
        o, o_at = _effective(pair, pair.old, name)
        n, n_at = _effective(pair, pair.new, name)
        subs = pair.sub(o, n, o_at, n_at)
        if name in old_props and name in new_props:
            out.extend(subs)
            continue
        if not subs:
            continue
        added = name not in old_props
        model = _model(pair.old if added else pair.new)
        side, other = ("OLD", "NEW") if added else ("NEW", "OLD")
        verb = "added to NEW" if added else "removed in NEW"
        text = (
            f"Property {_q(name)} was {verb}. "
            f"{_model_says(side, model, o if added else n)} "
            f"{other} declares it as {render(n if added else o, 100)}."
        )
        rule_at = n_at if added else o_at
        out.extend(summary(pair, "object.properties", subs, text, at=o_at or rule_at,
                           new_at=n_at or rule_at))  # fmt: skip
    return out


@rule(
    "object.additional-properties",
    "The schema for undeclared names (`additionalProperties`, or `unevaluatedProperties` without "
    "in-place applicators) must not narrow (backward) or widen (forward).",
    directions=BOTH,
    category="object",
    keywords=("additionalProperties", "unevaluatedProperties"),
)
def additional_properties(pair: Pair) -> list[Change]:
    """Compare the content model for names neither side declares."""
    out: list[Change] = []
    text = (
        "The node has unevaluatedProperties beside in-place applicators (allOf, $ref, ...) and "
        "changed; which property names it covers is not decided."
    )
    if found := undecided(pair, "unevaluatedProperties", "additionalProperties", INPLACE, text):
        return found
    o, o_at = additional(pair.old)
    n, n_at = additional(pair.new)
    subs = pair.sub(o, n, o_at, n_at)
    if isinstance(o, bool) or isinstance(n, bool):
        text = (
            f"The schema for undeclared properties changed from {render(o, 60)} "
            f"({_model(pair.old)} content model) to {render(n, 60)} ({_model(pair.new)})."
        )
        keyword = n_at or o_at
        out.extend(summary(pair, "object.additional-properties", subs, text, at=o_at or keyword,
                           new_at=keyword))  # fmt: skip
    else:
        out.extend(subs)
    return out


@rule(
    "object.pattern-properties",
    "A `patternProperties` entry added, removed or changed must not narrow (backward) or widen "
    "(forward) what names matching it may hold.",
    directions=BOTH,
    category="object",
    keywords=("patternProperties",),
)
def pattern_properties(pair: Pair) -> list[Change]:
    """Compare pattern by pattern; a pattern on one side only meets the other's additional."""
    old_pp = pair.old.get("patternProperties", {})
    new_pp = pair.new.get("patternProperties", {})
    out: list[Change] = []
    for pat in [*old_pp, *(p for p in new_pp if p not in old_pp)]:
        at = ("patternProperties", pat)
        if pat in old_pp and pat in new_pp:
            out.extend(pair.sub(old_pp[pat], new_pp[pat], at))
            continue
        added = pat not in old_pp
        others = old_pp if added else new_pp
        if others:
            text = (
                f"The patternProperties entry {_q(pat)} was {'added' if added else 'removed'} "
                "beside other patterns; overlapping regular expressions are not decided."
            )
            out.append(pair.change(UNCLASSIFIED.id, BOTH, text, at=at))
            continue
        if added:
            o, o_at = additional(pair.old)
            subs = pair.sub(o, new_pp[pat], o_at, at)
        else:
            n, n_at = additional(pair.new)
            subs = pair.sub(old_pp[pat], n, at, n_at)
        verb = "added" if added else "removed"
        text = (
            f"The patternProperties entry {_q(pat)} was {verb}: names matching it are constrained "
            "differently."
        )
        out.extend(summary(pair, "object.pattern-properties", subs, text, at=at))
    return out


@rule(
    "object.property-names",
    "`propertyNames` must not narrow (backward) or widen (forward) the allowed property names.",
    directions=BOTH,
    category="object",
    keywords=("propertyNames",),
    applies_to="object",
)
def property_names(pair: Pair) -> list[Change]:
    """Compare the schemas property names must match."""
    old, new = pair.old.get("propertyNames", True), pair.new.get("propertyNames", True)
    subs = pair.sub(old, new, ("propertyNames",))
    if "propertyNames" in pair.old and "propertyNames" in pair.new:
        return subs
    verb = "added" if "propertyNames" in pair.new else "removed"
    text = f"The propertyNames schema was {verb} (OLD {render(old)}, NEW {render(new)})."
    return summary(pair, "object.property-names", subs, text, at=("propertyNames",))


@rule(
    "object.required",
    "A property that becomes required breaks backward; one that stops being required breaks "
    "forward.",
    directions=BOTH,
    category="object",
    keywords=("required",),
    applies_to="object",
)
def required(pair: Pair) -> list[Change]:
    """Compare the `required` name sets."""
    old, new = pair.old.get("required", []), pair.new.get("required", [])
    out = [
        pair.change("object.required", BACKWARD, f"Property {_q(n)} became required "
                    f"(OLD required {render(old)}, NEW requires {render(new)}).",
                    at=("required",), property=n)
        for n in new if n not in old
    ]  # fmt: skip
    out += [
        pair.change("object.required", FORWARD, f"Property {_q(n)} is no longer required "
                    f"(OLD required {render(old)}, NEW requires {render(new)}).",
                    at=("required",), property=n)
        for n in old if n not in new
    ]  # fmt: skip
    return out


@rule(
    "object.dependent-required",
    "`dependentRequired` may not add a dependency (backward) or drop one (forward).",
    directions=BOTH,
    category="object",
    keywords=("dependentRequired",),
    applies_to="object",
)
def dependent_required(pair: Pair) -> list[Change]:
    """Compare, per trigger property, the names it makes required."""
    old, new = pair.old.get("dependentRequired", {}), pair.new.get("dependentRequired", {})
    out: list[Change] = []
    for key in [*old, *(k for k in new if k not in old)]:
        a, b = old.get(key, []), new.get(key, [])
        gained, lost = [n for n in b if n not in a], [n for n in a if n not in b]
        if gained:
            text = f"With {_q(key)} present, NEW also requires {render(gained)} (OLD: {render(a)})."
            out.append(pair.change("object.dependent-required", BACKWARD, text,
                                   at=("dependentRequired", key)))  # fmt: skip
        if lost:
            text = (
                f"With {_q(key)} present, NEW no longer requires {render(lost)} (NEW: {render(b)})."
            )
            out.append(pair.change("object.dependent-required", FORWARD, text,
                                   at=("dependentRequired", key)))  # fmt: skip
    return out


@rule(
    "object.dependent-schemas",
    "A `dependentSchemas` entry must not narrow (backward) or widen (forward) what objects with "
    "its trigger property may hold.",
    directions=BOTH,
    category="object",
    keywords=("dependentSchemas",),
    applies_to="object",
)
def dependent_schemas(pair: Pair) -> list[Change]:
    """Compare, per trigger property, the schema the whole object must then match."""
    old, new = pair.old.get("dependentSchemas", {}), pair.new.get("dependentSchemas", {})
    out: list[Change] = []
    for key in [*old, *(k for k in new if k not in old)]:
        at = ("dependentSchemas", key)
        subs = pair.sub(old.get(key, True), new.get(key, True), at)
        if key in old and key in new:
            out.extend(subs)
        else:
            verb = "added" if key in new else "removed"
            text = f"The dependentSchemas entry for {_q(key)} was {verb}."
            out.extend(summary(pair, "object.dependent-schemas", subs, text, at=at))
    return out


@rule(
    "object.property-count",
    "`minProperties` must not rise and `maxProperties` must not fall (backward), nor the "
    "reverse (forward).",
    directions=BOTH,
    category="object",
    keywords=("minProperties", "maxProperties"),
    applies_to="object",
)
def property_count(pair: Pair) -> list[Change]:
    """Compare the property count bounds."""
    rid = "object.property-count"
    lo = bound(pair, rid, "minProperties", pair.old.get("minProperties", 0) or None,
               pair.new.get("minProperties", 0) or None, lower=True, what="count")  # fmt: skip
    hi = bound(pair, rid, "maxProperties", pair.old.get("maxProperties"),
               pair.new.get("maxProperties"), lower=False, what="count")  # fmt: skip
    return lo + hi
