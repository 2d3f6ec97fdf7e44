"""Walking OLD and NEW in step: pairing nodes, resolving `$ref`s, guarding against cycles.

The walker is the only code that descends into schemas. For every pair of nodes it runs the
node rules (`compat.rules`), reports a changed keyword no rule decides as `unclassified`, and
memoises each pair so that recursive and shared definitions are compared once and terminate.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from jsonschema import Draft202012Validator

from vrp_contract.compat._rule import Rule, declare
from vrp_contract.compat.expand import merge
from vrp_contract.compat.model import BOTH, Change, Loc
from vrp_contract.compat.normal import DNF, kinds, normal_form
from vrp_contract.compat.values import (
    ALL_TYPES,
    ANNOTATIONS,
    finite_values,
    same_value,
    type_atoms,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from vrp_contract.compat.sources import SchemaSet

__all__ = [
    "ALL_TYPES",
    "ANNOTATIONS",
    "ANY",
    "NOTHING",
    "UNCLASSIFIED",
    "Pair",
    "Walker",
    "finite_values",
    "same_value",
    "type_atoms",
]

CONTAINERS = frozenset({"$defs", "definitions"})
"""Keywords that only hold schemas for `$ref`; they are compared where they are referenced."""
MAX_DEPTH = 2500
ANY: bool = True
"""The schema `true`, which accepts every instance."""
NOTHING: bool = False
"""The schema `false`, which accepts no instance."""
_MISSING = object()

UNCLASSIFIED: Rule = declare(
    "unclassified",
    "A change the rules cannot classify fails the check (unless --allow-unclassified), so "
    "nothing passes silently.",
    directions=BOTH,
    category="unclassified",
)

BOOLEAN: Rule = declare(
    "schema.boolean",
    "The false schema accepts nothing: turning a schema into false breaks backward, turning "
    "false into a schema breaks forward.",
    directions=BOTH,
    category="schema",
)


@dataclass
class Pair:
    """What a rule sees: one OLD node and one NEW node, their locations, and the walker."""

    walker: Walker
    old: dict[str, Any]
    new: dict[str, Any]
    old_loc: Loc
    new_loc: Loc
    negated: bool
    depth: int
    refs: tuple[Loc | None, Loc | None] = (None, None)
    """Where OLD's (NEW's) node was referred from, when a bare `$ref` was followed to it."""

    @cached_property
    def old_types(self) -> frozenset[str]:
        """Instance kinds OLD lets through."""
        return type_atoms(self.old)

    @cached_property
    def new_types(self) -> frozenset[str]:
        """Instance kinds NEW lets through."""
        return type_atoms(self.new)

    def has(self, *keywords: str) -> bool:
        """True when OLD or NEW uses one of `keywords`."""
        return any(k in self.old or k in self.new for k in keywords)

    def change(  # noqa: PLR0913 - the parts of one change
        self,
        rule_id: str,
        dirs: tuple[str, ...],
        message: str,
        *,
        at: tuple[str | int, ...] = (),
        new_at: tuple[str | int, ...] | None = None,
        annotation: bool = False,
        **context: Any,  # noqa: ANN401 - JSON-ready facts
    ) -> Change:
        """Return a change of this pair at `at` (in OLD; `new_at` in NEW, default the same)."""
        out = Change(
            rule_id,
            dirs,
            message,
            self.loc(old=True, at=at),
            self.loc(old=False, at=at if new_at is None else new_at),
            context,
            annotation,
        )
        return out.flipped() if self.negated else out

    def loc(self, *, old: bool, at: tuple[str | int, ...]) -> Loc:
        """The location of `at` below OLD's (or NEW's) node, even inside a merged node."""
        node, base = (self.old, self.old_loc) if old else (self.new, self.new_loc)
        if at and isinstance(at[0], str):
            key, parts = at[0], self.walker.ref_parts
            other, other_base = (self.new, self.new_loc) if old else (self.old, self.old_loc)
            # a keyword only the other side has: where the other side has it, the referring
            # node or the $ref's target (as in `{"$ref": X, ...}` on both sides)
            if key not in node and id(other) in parts:
                there = self.walker.key_loc(other, key, other_base)
                referrer = self.refs[0 if old else 1]
                if there == parts[id(other)][1] and id(node) in parts:
                    return parts[id(node)][1].child(*at)
                if there == parts[id(other)][0] and referrer is not None:
                    return referrer.child(*at)  # beside the $ref there, so beside this one
            base = self.walker.key_loc(node, key, base)
        return base.child(*at)

    def sub(
        self,
        old: Any,  # noqa: ANN401 - a schema
        new: Any,  # noqa: ANN401 - a schema
        at: tuple[str | int, ...],
        new_at: tuple[str | int, ...] | None = None,
        *,
        negate: bool = False,
    ) -> list[Change]:
        """Compare two subschemas found at `at` in OLD and `new_at` (default `at`) in NEW."""
        return self.walker.compare(
            old,
            new,
            self.loc(old=True, at=at),
            self.loc(old=False, at=at if new_at is None else new_at),
            negated=self.negated ^ negate,
            depth=self.depth + 1,
        )


class Walker:
    """Compares OLD and NEW node by node; one walker per pair of inputs."""

    def __init__(self, old: SchemaSet, new: SchemaSet, rules: list[Rule]) -> None:
        """Walk `old` against `new` with the node rules `rules`, in order."""
        self.old, self.new, self.rules = old, new, rules
        self.known = ANNOTATIONS | CONTAINERS | {"$ref", "$dynamicRef"}
        for r in rules:
            self.known |= set(r.keywords)
        self._memo: dict[tuple[int, int, bool], list[Change] | None] = {}
        self._keep: list[Any] = []  # synthetic nodes stay alive so their ids stay unique
        self.keylocs: dict[int, dict[str, Loc]] = {}
        self.restructure: Callable[[Pair], list[Change] | None] | None = None
        self._validators: dict[tuple[bool, str, str], Draft202012Validator] = {}
        self._forms: dict[tuple[int, int], DNF | None] = {}
        self.branch_facts: dict[tuple[bool, int], Any] = {}
        """Per-branch facts the union rules compute once (side is OLD, id of the node)."""
        self._form_parts: dict[int, dict[int, DNF | None]] = {}
        self._inlined: dict[tuple[int, int], Any] = {}
        self.ref_parts: dict[int, tuple[Loc, Loc]] = {}
        """A `$ref` merged with its target (`inline`): where the referring node and target are."""

    def root(self, old_rel: str, new_rel: str) -> list[Change]:
        """Compare one document of OLD with one of NEW."""
        return self.compare(
            self.old.docs[old_rel],
            self.new.docs[new_rel],
            Loc(old_rel, "", self.old.base[old_rel]),
            Loc(new_rel, "", self.new.base[new_rel]),
        )

    def compare(  # noqa: PLR0913 - one pair and where it is
        self,
        old: Any,  # noqa: ANN401 - a schema
        new: Any,  # noqa: ANN401 - a schema
        old_loc: Loc,
        new_loc: Loc,
        *,
        negated: bool = False,
        depth: int = 0,
    ) -> list[Change]:
        """Return the classified changes between two schema nodes (memoised, cycle-safe)."""
        site = self._ref_site(old, new, old_loc, new_loc)
        refs = (old_loc, new_loc)
        old, old_loc = self.deref(self.old, old, old_loc)
        new, new_loc = self.deref(self.new, new, new_loc)
        old = self.inline(self.old, old, old_loc)
        new = self.inline(self.new, new, new_loc)
        moved = self._retargeted(refs, (self._target(old, old_loc), self._target(new, new_loc)))
        key = (id(old), id(new), negated)
        if key in self._memo:  # None: this pair is being compared further up
            return site + self._relocate(self._memo[key] or [], moved)
        self._memo[key] = None
        pair_old = old if isinstance(old, dict) else ({} if old else {"not": {}})
        pair_new = new if isinstance(new, dict) else ({} if new else {"not": {}})
        followed = (
            refs[0] if refs[0] != old_loc else None,
            refs[1] if refs[1] != new_loc else None,
        )
        pair = Pair(self, pair_old, pair_new, old_loc, new_loc, negated, depth, followed)
        if depth > MAX_DEPTH:
            result = [
                pair.change(UNCLASSIFIED.id, BOTH, f"Schemas nested deeper than {MAX_DEPTH} "
                "levels are not compared.")
            ]  # fmt: skip
        elif old is False or new is False:
            result = self._boolean(pair, old, new)
        else:
            result = self._run(pair)
        result = self._normal(pair, old, new, result)
        self._memo[key] = result
        return site + self._relocate(result, moved)

    def _target(self, node: Any, loc: Loc) -> Loc:  # noqa: ANN401 - a schema
        """Where the schema a node's `$ref` leads to is (`loc` itself when it has none)."""
        parts = self.ref_parts.get(id(node))
        return parts[1] if parts is not None else loc

    def _retargeted(self, refs: tuple[Loc, Loc], targets: tuple[Loc, Loc]) -> Moved:
        """Per side of a `$ref` pointed somewhere else: (where the `$ref` is, where its target is).

        A retarget is the same referring node on both sides with targets at different places.
        Changes found inside the targets are the edit of that `$ref`, not of the definitions
        (which may be unchanged), so they are reported at the `$ref` (`_relocate`).
        """
        (ref_old, ref_new), (to_old, to_new) = refs, targets

        def place(loc: Loc, *, old: bool) -> tuple[str | None, str]:
            root = (self.old if old else self.new).roots[0]  # two single files: the same place
            return (None if loc.source == root else loc.source, loc.pointer)

        if place(ref_old, old=True) != place(ref_new, old=False) or place(
            to_old, old=True
        ) == place(to_new, old=False):
            return None
        out = tuple(
            (ref, to) if (ref.source, ref.pointer) != (to.source, to.pointer) else None
            for ref, to in ((ref_old, to_old), (ref_new, to_new))
        )
        return None if out == (None, None) else (out[0], out[1])

    @staticmethod
    def _relocate(changes: list[Change], moved: Moved) -> list[Change]:
        """Changes inside a retargeted `$ref`'s target, placed at the `$ref` (see _retargeted)."""
        if moved is None:
            return changes
        out = []
        for c in changes:
            locs, context = [c.old, c.new], dict(c.context)
            for i, (side, name) in enumerate(zip(moved, ("old_target", "target"), strict=True)):
                if side is None:
                    continue
                ref, to = side
                here = locs[i]
                inside = here.pointer == to.pointer or here.pointer.startswith(to.pointer + "/")
                if here.source == to.source and inside:
                    context[name] = f"{here.source}#{here.pointer}"
                    locs[i] = Loc(ref.source, ref.pointer + "/$ref", ref.base)
            out.append(c if locs == [c.old, c.new] else replace(c, old=locs[0], new=locs[1],
                                                                 context=context))  # fmt: skip
        return out

    @staticmethod
    def _ref_site(old: Any, new: Any, old_loc: Loc, new_loc: Loc) -> list[Change]:  # noqa: ANN401
        """Annotations beside a bare `$ref` (the walker follows it, so no rule sees them)."""
        if not (isinstance(old, dict) and isinstance(new, dict)) or not (
            "$ref" in old or "$ref" in new
        ):
            return []
        if all("$ref" in n and any(k not in _PURE_REF for k in n) for n in (old, new)):
            return []  # not followed on either side: the rules see these annotations themselves
        keys = sorted(
            k
            for k in ANNOTATIONS - {"$id", "$schema"}
            if not same_value(old.get(k, _MISSING), new.get(k, _MISSING))
        )
        if not keys:
            return []
        text = f"Annotation {', '.join(keys)} beside $ref changed; annotations never break."
        return [
            Change(
                "annotation.changed",
                (),
                text,
                old_loc,
                new_loc,
                {"keywords": keys},
                annotation=True,
            )
        ]

    def _boolean(self, pair: Pair, old: Any, new: Any) -> list[Change]:  # noqa: ANN401
        if old is False and new is False:
            return []
        if old is False:
            return [pair.change("schema.boolean", ("forward",), "OLD was the false schema "
                    "(accepts nothing) and NEW accepts some instances.")]  # fmt: skip
        if new == {"not": {}} or new is False:
            return [pair.change("schema.boolean", ("backward",), "NEW is the false schema "
                    "(accepts nothing) where OLD accepted some instances.")]  # fmt: skip
        return []  # pragma: no cover - handled above

    def _run(self, pair: Pair) -> list[Change]:
        old, new = pair.old, pair.new
        shapes = [frozenset(k for k in _COMBINATORS if k in n) for n in (old, new)]
        if shapes[0] != shapes[1] and self.restructure is not None:
            flat = self.restructure(pair)
            if flat is not None:
                return self._finite(pair, flat)
        kinds = pair.old_types | pair.new_types
        changes: list[Change] = []
        for r in self.rules:
            if r.applies_to is not None and not (kinds & _FAMILY[r.applies_to]):
                continue
            if r.keywords and not pair.has(*r.keywords):
                continue
            assert r.fn is not None  # noqa: S101 - node rules always have a function
            found = self._gate(pair, r, list(r.fn(pair)))
            changes.extend(found)
        for keyword in sorted((old.keys() | new.keys()) - self.known):
            a, b = old.get(keyword, _MISSING), new.get(keyword, _MISSING)
            if keyword.startswith("x-") or (
                a is not _MISSING and b is not _MISSING and same_value(a, b)
            ):
                continue
            what = "added" if a is _MISSING else "removed" if b is _MISSING else "changed"
            changes.append(
                pair.change(UNCLASSIFIED.id, BOTH, f"Keyword {keyword!r} was {what} and no rule "
                            "classifies it.", at=(keyword,), keyword=keyword)
            )  # fmt: skip
        return self._finite(pair, changes)

    @staticmethod
    def _gate(pair: Pair, rule: Rule, found: list[Change]) -> list[Change]:
        """A keyword for one kind of instance cannot break a side that accepts none of that kind."""
        if rule.applies_to is None:
            return found
        family = _FAMILY[rule.applies_to]
        for side_types, direction in ((pair.old_types, "backward"), (pair.new_types, "forward")):
            if not side_types & family:
                strip = direction if not pair.negated else _OTHER[direction]
                found = [c.without(strip) for c in found]
        return found

    def _finite(self, pair: Pair, changes: list[Change]) -> list[Change]:
        """Drop a direction proven safe by checking every value of a finite `enum`/`const`.

        When both directions are proven (OLD and NEW accept the same values), the changes are an
        equivalent rewrite: they break nothing and count as annotations (a patch bump).
        """
        if all(c.annotation for c in changes):
            return changes
        proven: set[str] = set()
        for side_old, direction in ((True, "backward"), (False, "forward")):
            node = pair.old if side_old else pair.new
            values = finite_values(node)
            if values is None or len(values) > 1000:
                continue
            here = self._accepts(side_old, pair, values)
            there = self._accepts(not side_old, pair, values) if here is not None else None
            if here is None or there is None:
                continue
            if all(t or not h for h, t in zip(here, there, strict=True)):
                proven.add(direction)
                strip = direction if not pair.negated else ("forward" if side_old else "backward")
                changes = [c.without(strip) for c in changes]
        exact = all(
            id(n) not in self.keylocs or id(n) in self.ref_parts for n in (pair.old, pair.new)
        )
        if len(proven) == len(BOTH) and exact:  # each of this very node
            return _same_instances(changes, "every value of the enum/const was checked")
        return changes

    def _normal(self, pair: Pair, old: Any, new: Any, changes: list[Change]) -> list[Change]:  # noqa: ANN401
        """Drop directions the normal forms of OLD and NEW prove safe (`compat.normal`).

        Equal normal forms accept the same instances (an equivalent rewrite: no direction breaks,
        the changes count as annotations); an empty one accepts nothing; type sets compare.
        """
        if all(c.annotation for c in changes):
            return changes
        a = self._form(self.old, old, pair.old_loc)
        b = self._form(self.new, new, pair.new_loc)
        if a is not None and a == b:
            return _same_instances(changes, "")
        old_in_new = a is not None and (not a or _kinds_within(a, b))
        new_in_old = b is not None and (not b or _kinds_within(b, a))
        for proven, direction in ((old_in_new, "backward"), (new_in_old, "forward")):
            if proven:
                changes = [c.without(direction if not pair.negated else _OTHER[direction])
                           for c in changes]  # fmt: skip
        return changes

    def _form(self, side: SchemaSet, node: Any, loc: Loc) -> DNF | None:  # noqa: ANN401
        key = (id(side), id(node))
        if key not in self._forms:
            cache = self._form_parts.setdefault(id(side), {})
            self._forms[key] = normal_form(self, side, node, loc, cache)
        return self._forms[key]

    def _accepts(self, old_side: bool, pair: Pair, values: list[Any]) -> list[bool] | None:
        side = self.old if old_side else self.new
        loc = pair.old_loc if old_side else pair.new_loc
        if side.base.get(loc.source) != loc.base:
            return None  # inside an embedded resource: no pointer to validate against
        key = (old_side, loc.source, loc.pointer)
        validator = self._validators.get(key)
        if validator is None:
            try:
                validator = Draft202012Validator(
                    {"$ref": loc.base + "#" + loc.pointer}, registry=side.registry
                )
            except Exception:  # noqa: BLE001 - any failure just means no proof
                return None
            self._validators[key] = validator
        try:
            return [validator.is_valid(v) for v in values]
        except Exception:  # noqa: BLE001 - an unresolvable or odd schema: no proof
            return None

    def synthetic(self, node: dict[str, Any], locs: dict[str, Loc] | None = None) -> dict[str, Any]:
        """Keep a node built by a rule alive for the walk, so its id stays unique.

        `locs` says where each keyword of a merged node comes from.
        """
        self._keep.append(node)
        if locs:
            self.keylocs[id(node)] = locs
        return node

    def key_loc(self, node: Any, key: str, loc: Loc) -> Loc:  # noqa: ANN401 - a schema
        """Where the node holding `key` of `node` is (`loc` for a node of a file).

        For a node merged from several (a flattened branch): the location of the part `key` came
        from, so that a `$ref` below it resolves against that part's base URI.
        """
        locs = self.keylocs.get(id(node)) if isinstance(node, dict) else None
        return locs.get(key, loc) if locs else loc

    def inline(self, side: SchemaSet, node: Any, loc: Loc) -> Any:  # noqa: ANN401 - a schema
        """A `$ref` beside other keywords merged with its target into one node, when exact.

        `{"$ref": X, "maxLength": 3}` accepts what X and `maxLength: 3` both accept: merged, the
        keywords compare with OLD's keyword by keyword (X's `type` with OLD's `type`, ...), so a
        narrowing beside a `$ref` is a narrowing. Each keyword keeps where it came from (X's in
        the definition, the others at the referring node). A target that cannot be merged
        exactly (its own `$ref`, conflicting object or array keywords, ...) stays a `$ref`,
        which the `ref.target` rule compares.
        """
        if not isinstance(node, dict) or not isinstance(node.get("$ref"), str):
            return node
        key = (id(side), id(node))
        if key in self._inlined:
            return self._inlined[key]
        self._inlined[key] = node  # until merged (a cycle through this node stays a $ref)
        ref_loc = self.key_loc(node, "$ref", loc)
        target, source, pointer, base = side.resolve(ref_loc.base, node["$ref"])
        target, where = self.deref(side, target, Loc(source, pointer, base))
        if not isinstance(target, dict) or "$ref" in target or "$dynamicRef" in target:
            return node
        rest = {k: v for k, v in node.items() if k != "$ref"}
        locs = {k: self.key_loc(node, k, loc) for k in rest}
        merged = merge((rest, locs), (target, dict.fromkeys(target, where)))
        if not isinstance(merged, tuple):
            return node
        out = self.synthetic(*merged)
        self._inlined[key] = out
        self.ref_parts[id(out)] = (loc, where)
        return out

    def deref(self, side: SchemaSet, node: Any, loc: Loc) -> tuple[Any, Loc]:  # noqa: ANN401
        """Follow `$ref`s that carry no other assertion (a `$ref` with siblings is a keyword)."""
        seen: set[int] = set()
        while isinstance(node, dict):
            merged = id(node) in self.keylocs  # its parts' locations already carry their `$id`
            if isinstance(node.get("$id"), str) and loc.pointer and not merged:
                loc = replace(loc, base=urljoin(loc.base, node["$id"]))
            key = "$ref" if "$ref" in node else "$dynamicRef"
            ref = node.get(key)
            if not isinstance(ref, str) or any(k not in _PURE_REF for k in node):
                return node, loc
            if id(node) in seen:
                return True, loc  # a loop of bare $refs asserts nothing
            seen.add(id(node))
            target, source, pointer, base = side.resolve(self.key_loc(node, key, loc).base, ref)
            node, loc = target, Loc(source, pointer, base)
        return node, loc


def _same_instances(changes: list[Change], why: str) -> list[Change]:
    """Changes of a pair proven to accept the same instances: no break, annotations only."""
    why = f" ({why})" if why else ""
    note = f" OLD and NEW accept the same instances{why}, so this rewrite breaks nothing."
    return [
        replace(c, directions=(), annotation=True, message=c.message + note)
        if c.directions or not c.annotation
        else c
        for c in changes
    ]


def _kinds_within(a: DNF, b: DNF | None) -> bool:
    """True when `a` and `b` only constrain kinds of instance and `a`'s kinds are `b`'s."""
    if b is None:
        return False
    ka, kb = kinds(a), kinds(b)
    return ka is not None and kb is not None and ka <= kb


_COMBINATORS = ("allOf", "anyOf", "oneOf")
Moved = tuple[tuple[Loc, Loc] | None, tuple[Loc, Loc] | None] | None
"""Per side of a retargeted `$ref`: (where the `$ref` is, where its target is), else None."""
_OTHER = {"backward": "forward", "forward": "backward"}
_PURE_REF = ANNOTATIONS | CONTAINERS | {"$ref", "$dynamicRef"}
_FAMILY = {
    "string": frozenset({"string"}),
    "number": frozenset({"integer", "number"}),
    "array": frozenset({"array"}),
    "object": frozenset({"object"}),
}
