"""Helpers shared by the rule functions: rendering values, bounds, summarising sub-changes."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from vrp_contract.compat.deep import deep_equal
from vrp_contract.compat.model import BOTH, directions
from vrp_contract.compat.walk import UNCLASSIFIED
from vrp_contract.stream.parse import big_int_digits

if TYPE_CHECKING:
    from collections.abc import Iterable

    from vrp_contract.compat.model import Change
    from vrp_contract.compat.walk import Pair

__all__ = ["bound", "dirs_of", "raw", "render", "shortened", "summary"]


def _json(value: Any) -> str:  # noqa: ANN401 - any JSON value
    with big_int_digits():  # an integer of any length is JSON (rendering it is what it costs)
        return json.dumps(value, ensure_ascii=False, separators=(", ", ": "), sort_keys=False)


def render(value: Any, limit: int = 80) -> str:  # noqa: ANN401 - any JSON value
    """Render a JSON value for a message, shortened past `limit` characters a member at a time.

    A value is never cut inside a member: an object keeps its first members whole and says how
    many keys it left out, an array its first items and how many more it has; only a string longer
    than 120 characters is cut, marked with `...` and its length.
    """
    text = _json(value)
    if len(text) <= limit or (isinstance(value, str) and len(text) <= max(limit, 120)):
        return text
    if isinstance(value, dict):
        parts: list[str] = []
        for key, member in value.items():
            piece = f"{_json(key)}: {render(member, max(limit // 2, 20))}"
            if parts and len(", ".join([*parts, piece])) > limit:
                break
            parts.append(piece)
        rest = len(value) - len(parts)
        return "{" + ", ".join(parts) + (f", ... ({rest} more keys)" if rest else "") + "}"
    if isinstance(value, list):
        items: list[str] = []
        for item in value:
            piece = render(item, max(limit // 2, 20))
            if items and len(", ".join([*items, piece])) > limit:
                break
            items.append(piece)
        rest = len(value) - len(items)
        return "[" + ", ".join(items) + (f", ... ({rest} more)" if rest else "") + "]"
    if isinstance(value, str):
        return f"{_json(value[:60] + '...')} ({len(value)} characters)"
    return text


def shortened(value: Any, limit: int = 80) -> bool:  # noqa: ANN401 - any JSON value
    """True when `render(value, limit)` leaves part of `value` out."""
    return render(value, limit) != _json(value)


def dirs_of(changes: Iterable[Change]) -> tuple[str, ...]:
    """The union of the directions of `changes`, in canonical order."""
    found = {d for c in changes for d in c.directions}
    return tuple(d for d in ("backward", "forward") if d in found)


def raw(pair: Pair, direction: str) -> str:
    """The direction as recorded on changes of `pair` (swapped under a `not`)."""
    if not pair.negated:
        return direction
    return "forward" if direction == "backward" else "backward"


def summary(  # noqa: PLR0913 - the parts of one change
    pair: Pair,
    rule_id: str,
    subs: list[Change],
    message: str,
    *,
    at: tuple[str | int, ...] = (),
    new_at: tuple[str | int, ...] | None = None,
    always: bool = False,
) -> list[Change]:
    """One change standing for `subs` (their directions, their messages as details)."""
    if not subs and not always:
        return []
    found = dirs_of(subs)
    dirs = tuple(raw(pair, d) for d in found)  # pair.change flips again under a `not`
    details = [c.message for c in subs][:20]
    return [
        pair.change(rule_id, tuple(sorted(dirs)), message, at=at, new_at=new_at, details=details)
    ]


def bound(  # noqa: PLR0913 - the parts of one bound
    pair: Pair,
    rule_id: str,
    keyword: str,
    old: Any,  # noqa: ANN401 - a number or None
    new: Any,  # noqa: ANN401 - a number or None
    *,
    lower: bool,
    what: str,
) -> list[Change]:
    """Compare one bound (`lower`: a minimum, else a maximum) where None means no bound."""
    if old == new:
        return []
    if old is None:
        narrowed, text = True, f"NEW adds {keyword} {render(new)} where OLD had no {what} limit."
    elif new is None:
        narrowed, text = False, f"NEW drops {keyword} (OLD had {render(old)}): no {what} limit."
    else:
        narrowed = new > old if lower else new < old
        verb = "tightens" if narrowed else "relaxes"
        text = f"NEW {verb} {keyword} from {render(old)} to {render(new)}."
    return [
        pair.change(
            rule_id,
            directions(narrowed=narrowed, widened=not narrowed),
            text,
            at=(keyword,),
            old=old,
            new=new,
        )
    ]


def undecided(
    pair: Pair, keyword: str, plain: str, applicators: Iterable[str], text: str
) -> list[Change]:
    """An unclassified change when `keyword` (unevaluated*) sits beside in-place `applicators`.

    Without `plain` (its additional* twin) beside it, which names or items `keyword` covers
    depends on what the applicators evaluate, which this checker does not decide: any change
    there fails closed, unless the two nodes are equal all the way down.
    """
    for node in (pair.old, pair.new):
        if (
            keyword in node
            and plain not in node
            and any(k in node for k in applicators)
            and not deep_equal(pair)
        ):
            return [pair.change(UNCLASSIFIED.id, BOTH, text, at=(keyword,))]
    return []
