"""Rules for `type`, `enum`/`const`, numbers and strings."""

from __future__ import annotations

import math
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from vrp_contract.compat._rule import rule
from vrp_contract.compat.model import BACKWARD, BOTH, FORWARD, directions
from vrp_contract.compat.rules._util import bound, render, shortened
from vrp_contract.compat.walk import ALL_TYPES, finite_values, same_value, type_atoms

if TYPE_CHECKING:
    from vrp_contract.compat.model import Change
    from vrp_contract.compat.walk import Pair


def _names(atoms: frozenset[str]) -> list[str]:
    if atoms == ALL_TYPES:
        return ["any"]
    names = set(atoms)
    if {"integer", "number"} <= names:
        names.discard("integer")
    elif "number" in names:  # numbers that are not integers
        names.discard("number")
        names.add("non-integer number")
    return sorted(names)


def _either(atoms: frozenset[str]) -> str:
    names = _names(atoms)
    if not names:  # a type its enum or const contradicts: no value at all
        return "no type"
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


@rule(
    "type.changed",
    "The set of instance types (with integer inside number, type lists and null) must not lose "
    "a type (backward) or gain one (forward).",
    directions=BOTH,
    category="type",
    keywords=("type",),
)
def type_changed(pair: Pair) -> list[Change]:
    """Compare the declared type sets."""
    old, new = type_atoms(pair.old), type_atoms(pair.new)  # an enum or const narrows `type`
    if old == new:
        return []
    lost, gained = old - new, new - old
    text = f"Type changed from {_either(old)} to {_either(new)}"
    if lost:
        text += f"; NEW rejects {_either(frozenset(lost))} values OLD accepted"
    if gained:
        text += f"; NEW accepts {_either(frozenset(gained))} values OLD rejected"
    return [
        pair.change(
            "type.changed",
            directions(narrowed=bool(lost), widened=bool(gained)),
            text + ".",
            at=("type",),
            old=pair.old.get("type"),
            new=pair.new.get("type"),
        )
    ]


@rule(
    "value.enum-const",
    "The values allowed by `enum`/`const` must not lose a value (backward) or gain one (forward).",
    directions=BOTH,
    category="value",
    keywords=("enum", "const"),
)
def enum_const(pair: Pair) -> list[Change]:
    """Compare the finite value sets of `enum` and `const`."""
    old, new = finite_values(pair.old), finite_values(pair.new)
    at = ("enum",) if "enum" in pair.new or "enum" in pair.old else ("const",)
    if old is None and new is not None:
        text = f"NEW restricts values to {render(new)} where OLD accepted any value of its type."
        return [pair.change("value.enum-const", BACKWARD, text, at=at, new=new)]
    if new is None and old is not None:
        text = f"NEW accepts any value of its type where OLD allowed only {render(old)}."
        return [pair.change("value.enum-const", FORWARD, text, at=at, old=old)]
    assert old is not None  # noqa: S101 - both sides have the keyword here
    assert new is not None  # noqa: S101 - both sides have the keyword here
    removed = [v for v in old if not any(same_value(v, w) for w in new)]
    added = [v for v in new if not any(same_value(v, w) for w in old)]
    if not removed and not added:
        return []
    both = f"{render(old)} to {render(new)}"
    if shortened(old) or shortened(new):
        both = f"{len(old)} to {len(new)} values"
    parts = [f"Allowed values changed from {both}"]
    if removed:
        parts.append(f"removed {render(removed)}")
    if added:
        parts.append(f"added {render(added)}")
    dirs = directions(narrowed=bool(removed), widened=bool(added))
    return [
        pair.change(
            "value.enum-const", dirs, ": ".join(parts[:1]) + "; " + ", ".join(parts[1:]) + ".",
            at=at, old=old, new=new, removed=removed, added=added,
        )
    ]  # fmt: skip


def _integers_only(pair: Pair) -> bool:
    return "number" not in (pair.old_types | pair.new_types)


def _lower(node: dict[str, Any], *, integers: bool) -> tuple[float, bool] | None:
    """The effective lower bound as (value, exclusive)."""
    out: tuple[float, bool] | None = None
    if isinstance(node.get("minimum"), int | float):
        out = (node["minimum"], False)
    ex = node.get("exclusiveMinimum")
    if isinstance(ex, int | float) and (out is None or ex >= out[0]):
        out = (ex, True)
    if out is not None and integers and _finite(out[0]):
        value, exclusive = out
        out = (math.floor(value) + 1 if exclusive else math.ceil(value), False)
    return out


def _finite(value: float) -> bool:
    """False for a bound of 1e400 and beyond (an infinite float); an integer is always finite."""
    return not isinstance(value, float) or math.isfinite(value)


def _upper(node: dict[str, Any], *, integers: bool) -> tuple[float, bool] | None:
    """The effective upper bound as (value, exclusive)."""
    out: tuple[float, bool] | None = None
    if isinstance(node.get("maximum"), int | float):
        out = (node["maximum"], False)
    ex = node.get("exclusiveMaximum")
    if isinstance(ex, int | float) and (out is None or ex <= out[0]):
        out = (ex, True)
    if out is not None and integers and _finite(out[0]):
        value, exclusive = out
        out = (math.ceil(value) - 1 if exclusive else math.floor(value), False)
    return out


def _bound_text(b: tuple[float, bool] | None, *, lower: bool) -> str:
    if b is None:
        return "none"
    op = (">" if lower else "<") + ("" if b[1] else "=")
    return f"{op} {render(b[0])}"


def _numeric(pair: Pair, rule_id: str, *, lower: bool) -> list[Change]:
    integers = _integers_only(pair)
    get = _lower if lower else _upper
    old, new = get(pair.old, integers=integers), get(pair.new, integers=integers)
    if old == new:
        return []
    if old is None or new is None:
        narrowed = old is None
    else:
        # Compare as (value, exclusive): an exclusive bound is tighter than an inclusive one.
        o = (old[0], old[1] if lower else not old[1])
        n = (new[0], new[1] if lower else not new[1])
        narrowed = n > o if lower else n < o
    what = "lower" if lower else "upper"
    text = (
        f"The {what} bound changed from {_bound_text(old, lower=lower)} to "
        f"{_bound_text(new, lower=lower)}: NEW {'tightens' if narrowed else 'relaxes'} it."
    )
    key = ("minimum", "exclusiveMinimum") if lower else ("maximum", "exclusiveMaximum")
    at = (key[1],) if key[1] in pair.new or key[1] in pair.old else (key[0],)
    return [
        pair.change(
            rule_id, directions(narrowed=narrowed, widened=not narrowed), text, at=at,
            old=list(old) if old else None, new=list(new) if new else None,
        )
    ]  # fmt: skip


@rule(
    "number.lower-bound",
    "The lower bound (`minimum`, `exclusiveMinimum`) must not rise (backward) or fall (forward).",
    directions=BOTH,
    category="number",
    keywords=("minimum", "exclusiveMinimum"),
    applies_to="number",
)
def lower_bound(pair: Pair) -> list[Change]:
    """Compare the effective lower bounds (exact for integers)."""
    return _numeric(pair, "number.lower-bound", lower=True)


@rule(
    "number.upper-bound",
    "The upper bound (`maximum`, `exclusiveMaximum`) must not fall (backward) or rise (forward).",
    directions=BOTH,
    category="number",
    keywords=("maximum", "exclusiveMaximum"),
    applies_to="number",
)
def upper_bound(pair: Pair) -> list[Change]:
    """Compare the effective upper bounds (exact for integers)."""
    return _numeric(pair, "number.upper-bound", lower=False)


@rule(
    "number.multiple-of",
    "`multipleOf` may only change to a divisor of the old value (backward) or a multiple of it "
    "(forward).",
    directions=BOTH,
    category="number",
    keywords=("multipleOf",),
    applies_to="number",
)
def multiple_of(pair: Pair) -> list[Change]:
    """Every multiple of OLD's step must be a multiple of NEW's, and the other way round."""
    old, new = pair.old.get("multipleOf"), pair.new.get("multipleOf")
    if old == new:
        return []
    o = Fraction(str(old)) if old is not None else None
    n = Fraction(str(new)) if new is not None else None
    if _integers_only(pair):  # multipleOf 1 adds nothing for integers
        o = None if o is not None and o.denominator == 1 and o.numerator == 1 else o
        n = None if n is not None and n.denominator == 1 and n.numerator == 1 else n
    if o == n:
        return []
    narrowed = n is not None and (o is None or (o / n).denominator != 1)
    widened = o is not None and (n is None or (n / o).denominator != 1)
    if old is None:
        text = f"A multipleOf step of {render(new)} was added."
    elif new is None:
        text = f"The multipleOf step of {render(old)} was removed."
    else:
        text = f"The multipleOf step changed from {render(old)} to {render(new)}."
    return [
        pair.change(
            "number.multiple-of", directions(narrowed=narrowed, widened=widened), text,
            at=("multipleOf",), old=old, new=new,
        )
    ]  # fmt: skip


@rule(
    "string.min-length",
    "`minLength` must not rise (backward) or fall (forward).",
    directions=BOTH,
    category="string",
    keywords=("minLength",),
    applies_to="string",
)
def min_length(pair: Pair) -> list[Change]:
    """Compare `minLength` (absent is 0)."""
    old, new = pair.old.get("minLength", 0) or None, pair.new.get("minLength", 0) or None
    return bound(pair, "string.min-length", "minLength", old, new, lower=True, what="length")


@rule(
    "string.max-length",
    "`maxLength` must not fall (backward) or rise (forward).",
    directions=BOTH,
    category="string",
    keywords=("maxLength",),
    applies_to="string",
)
def max_length(pair: Pair) -> list[Change]:
    """Compare `maxLength` (absent is no limit)."""
    old, new = pair.old.get("maxLength"), pair.new.get("maxLength")
    return bound(pair, "string.max-length", "maxLength", old, new, lower=False, what="length")


@rule(
    "string.pattern",
    "A `pattern` added narrows, one removed widens, and a changed one is treated as both (regular "
    "expression inclusion is not decided).",
    directions=BOTH,
    category="string",
    keywords=("pattern",),
    applies_to="string",
)
def pattern(pair: Pair) -> list[Change]:
    """Compare `pattern` textually."""
    old, new = pair.old.get("pattern"), pair.new.get("pattern")
    if old == new:
        return []
    if old is None:
        text, dirs = f"NEW adds pattern {render(new)}; OLD had no pattern.", BACKWARD
    elif new is None:
        text, dirs = f"NEW drops pattern {render(old)}; NEW has no pattern.", FORWARD
    else:
        text, dirs = f"The pattern changed from {render(old)} to {render(new)}.", BOTH
    return [pair.change("string.pattern", dirs, text, at=("pattern",), old=old, new=new)]
