"""Rules for `allOf`, `anyOf`, `oneOf`, `not`, `$ref` beside other keywords, and if/then/else."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from vrp_contract.compat._rule import rule
from vrp_contract.compat.expand import expand
from vrp_contract.compat.model import BACKWARD, BOTH, FORWARD
from vrp_contract.compat.rules._util import dirs_of, raw, render, summary
from vrp_contract.compat.values import canonical
from vrp_contract.compat.walk import ANY, NOTHING, finite_values, type_atoms

if TYPE_CHECKING:
    from collections.abc import Callable

    from vrp_contract.compat.model import Change, Loc
    from vrp_contract.compat.walk import Pair


def _count(changes: list[Change], direction: str | None = None) -> int:
    if direction is None:
        return len(changes)
    return sum(1 for c in changes if direction in c.directions)


@rule(
    "composition.all-of",
    "Every `allOf` branch NEW adds narrows (backward) and every branch it drops widens (forward); "
    "matching branches are compared, in any order.",
    directions=BOTH,
    category="composition",
    keywords=("allOf",),
)
def all_of(pair: Pair) -> list[Change]:
    """Pair identical branches first, then the rest in order; compare each pair."""
    old, new = pair.old.get("allOf", []), pair.new.get("allOf", [])
    free_old = list(range(len(old)))
    matched: dict[int, int] = {}
    for j in range(len(new)):
        for i in free_old:
            if not pair.sub(old[i], new[j], ("allOf", i), ("allOf", j)):
                matched[j] = i
                free_old.remove(i)
                break
    rest_new = [j for j in range(len(new)) if j not in matched]
    matched.update(zip(rest_new, free_old, strict=False))
    out: list[Change] = []
    for j in range(len(new)):
        if j in matched:
            out.extend(pair.sub(old[matched[j]], new[j], ("allOf", matched[j]), ("allOf", j)))
        else:
            subs = pair.sub(ANY, new[j], (), ("allOf", j))
            back = raw(pair, "backward")
            if any(back not in dirs_of(pair.sub(o, new[j], ("allOf", i), ("allOf", j)))
                   for i, o in enumerate(old)):  # fmt: skip
                subs = [c.without(back) for c in subs]  # an OLD conjunct already implies it
            text = f"NEW adds the allOf branch {render(new[j], 60)}, a further constraint."
            out.extend(
                summary(pair, "composition.all-of", subs, text, at=("allOf",), new_at=("allOf", j))
            )
    for i in free_old[len(rest_new) :]:
        subs = pair.sub(old[i], ANY, ("allOf", i), ())
        fwd = raw(pair, "forward")
        if any(fwd not in dirs_of(pair.sub(old[i], n, ("allOf", i), ("allOf", j)))
               for j, n in enumerate(new)):  # fmt: skip
            subs = [c.without(fwd) for c in subs]  # a NEW conjunct still implies it
        text = f"NEW drops the allOf branch {render(old[i], 60)}, a constraint OLD had."
        out.extend(
            summary(pair, "composition.all-of", subs, text, at=("allOf", i), new_at=("allOf",))
        )
    return out


def _resolved(pair: Pair, node: Any, loc: Loc, *, old: bool) -> tuple[Any, Loc]:  # noqa: ANN401
    side = pair.walker.old if old else pair.walker.new
    return pair.walker.deref(side, node, loc)


@dataclass(frozen=True)
class _Sig:
    """What `disjoint` looks at in one branch, computed once per branch."""

    empty: bool
    types: frozenset[str] | None
    """None: not an object schema (nothing is provably disjoint from it)."""
    values: frozenset[Any] | None
    keys: dict[str, frozenset[Any]]
    """Required property -> the canonical values its `const`/`enum` allow."""


def _values(node: Any) -> frozenset[Any] | None:  # noqa: ANN401 - a schema
    found = finite_values(node) if isinstance(node, dict) else None
    return None if found is None else frozenset(canonical(v) for v in found)


def _sig(pair: Pair, node: Any, *, old: bool) -> _Sig:  # noqa: ANN401 - a schema
    cache = pair.walker.branch_facts
    key = (old, id(node))
    hit = cache.get(key)
    if isinstance(hit, _Sig):
        return hit
    loc = pair.old_loc if old else pair.new_loc
    resolved, here = _resolved(pair, node, loc, old=old)
    if resolved is False or not isinstance(resolved, dict):
        out = _Sig(empty=resolved is False, types=None, values=None, keys={})
    else:
        keys: dict[str, frozenset[Any]] = {}
        for name in resolved.get("required", []):
            prop = resolved.get("properties", {}).get(name, True)
            where = pair.walker.key_loc(resolved, "properties", here)
            vals = _values(_resolved(pair, prop, where, old=old)[0])
            if isinstance(name, str) and vals is not None:
                keys[name] = vals
        out = _Sig(empty=False, types=type_atoms(resolved), values=_values(resolved), keys=keys)
    pair.walker.synthetic(node)  # keeps it alive, so its id stays unique while cached
    cache[key] = out
    return out


def disjoint(pair: Pair, a: Any, b: Any, *, a_old: bool, b_old: bool) -> bool:  # noqa: ANN401
    """True when no instance can match both schemas.

    Proofs: disjoint types, disjoint `const`/`enum` values, or a required discriminator property
    whose `const`/`enum` values differ.
    """
    return _apart(_sig(pair, a, old=a_old), _sig(pair, b, old=b_old))


def _apart(sa: _Sig, sb: _Sig) -> bool:
    """`disjoint` on the facts of two branches."""
    if sa.empty or sb.empty:
        return True
    if sa.types is None or sb.types is None:
        return False
    if not sa.types & sb.types:
        return True
    if sa.values is not None and sb.values is not None and not sa.values & sb.values:
        return True
    if not (sa.types | sb.types) <= {"object"}:
        return False
    return any(not sa.keys[n] & sb.keys[n] for n in sa.keys.keys() & sb.keys.keys())


def _exclusive(pair: Pair, branches: list[Any], *, old: bool) -> bool:
    sigs = [_sig(pair, b, old=old) for b in branches]
    if all(s.values is not None and not s.empty for s in sigs):  # constants: one pass
        seen: set[Any] = set()
        for s in sigs:
            assert s.values is not None  # noqa: S101 - checked above
            if s.values & seen:
                return False
            seen |= s.values
        return True
    return all(_apart(sigs[i], sigs[j]) for i in range(len(sigs)) for j in range(i + 1, len(sigs)))


@dataclass
class _Union:
    """Both sides of a union comparison: branches, where they are, and their pairwise changes."""

    rule_id: str
    old: list[Any]
    new: list[Any]
    old_at: list[tuple[str | int, ...]]
    new_at: list[tuple[str | int, ...]]
    grid: list[list[list[Change]]]
    old_kw: str | None
    new_kw: str | None
    old_kw_at: tuple[str | int, ...] | None = None
    """Where OLD's union keyword is, below the node (default: the keyword itself)."""
    new_kw_at: tuple[str | int, ...] | None = None
    exact: bool = True
    """False for flattened branches: their finite-domain proofs are about the whole node, so a
    pair without breaking changes is not proven equal (only annotation changes count as equal)."""


def _grid(
    pair: Pair,
    rule_id: str,
    old: list[Any],
    new: list[Any],
    compare: Callable[[int, int], list[Change]],
) -> list[list[list[Change]]]:
    """The changes between every OLD and NEW branch; a provably disjoint pair is not walked.

    Two disjoint branches cannot cover each other (unless one accepts nothing), so such a pair
    stands as breaking both ways without comparing it: a union of n constants costs n walks,
    not n squared. `_cover` never reports the stand-in itself.
    """
    stand_in = [pair.change(rule_id, BOTH, "The branches are disjoint.")]
    olds = [_sig(pair, o, old=True) for o in old]
    news = [_sig(pair, n, old=False) for n in new]
    return [
        [stand_in if _apart(olds[i], news[j]) else compare(i, j) for j in range(len(new))]
        for i in range(len(old))
    ]


def _cover(pair: Pair, u: _Union) -> list[Change]:
    """Each OLD branch must fit some NEW branch (backward) and each NEW one some OLD (forward)."""
    back, fwd = raw(pair, "backward"), raw(pair, "forward")
    old, new, grid = u.old, u.new, u.grid
    old_kw: tuple[str | int, ...] = u.old_kw_at or ((u.old_kw,) if u.old_kw else ())
    new_kw: tuple[str | int, ...] = u.new_kw_at or ((u.new_kw,) if u.new_kw else ())
    # Partners are the most alike branches (never two provably disjoint ones, such as two event
    # types with different discriminators); verdicts only ask whether any branch covers.
    olds = [_sig(pair, o, old=True) for o in old]
    news = [_sig(pair, n, old=False) for n in new]
    score = [[(_apart(olds[i], news[j]), len(grid[i][j]), abs(i - j)) for j in range(len(new))]
             for i in range(len(old))]  # fmt: skip
    covers_old = [any(not any(back in c.directions for c in cell) for cell in row) for row in grid]
    covers_new = [
        any(not any(fwd in c.directions for c in grid[i][j]) for i in range(len(old)))
        for j in range(len(new))
    ]
    columns = [list(col) for col in zip(*score, strict=True)]
    best_new = [min(range(len(new)), key=row.__getitem__) for row in score] if new else []
    best_old = [min(range(len(old)), key=col.__getitem__) for col in columns] if old else []
    out: list[Change] = []
    for i, o in enumerate(old):
        j = best_new[i] if new else -1
        if j >= 0 and best_old[j] == i:  # mutual partners: keep their harmless changes too
            out.extend(c for c in grid[i][j] if not c.directions)
        if covers_old[i]:
            continue
        if j >= 0 and best_old[j] == i and not score[i][j][0]:
            out.extend(c.without(fwd) for c in grid[i][j] if back in c.directions)
        else:
            text = f"NEW has no branch accepting everything OLD's branch {render(o, 60)} accepted."
            out.append(pair.change(u.rule_id, BACKWARD, text, at=u.old_at[i], new_at=new_kw))
    for j, n in enumerate(new):
        i = best_old[j] if old else -1
        if covers_new[j]:
            continue
        if i >= 0 and best_new[i] == j and not score[i][j][0]:
            out.extend(c.without(back) for c in grid[i][j] if fwd in c.directions)
        else:
            text = f"NEW adds the branch {render(n, 60)}; OLD accepted no such instance."
            out.append(pair.change(u.rule_id, FORWARD, text, at=old_kw, new_at=u.new_at[j]))
    # Coverage alone is unsound for oneOf when branches may overlap: unless the unions are the
    # same branch for branch, overlapping branches on either side break that side's direction.
    same = (
        u.old_kw == u.new_kw
        and len(old) == len(new)
        and all(
            best_old[best_new[i]] == i
            and not any(c.directions or not (u.exact or c.annotation) for c in grid[i][best_new[i]])
            for i in range(len(old))
        )
    )
    if u.new_kw == "oneOf" and not same and not _exclusive(pair, new, old=False):
        text = (
            "NEW's oneOf branches are not provably exclusive, so an instance OLD accepted may "
            "match two of them."
        )
        out.append(pair.change("composition.one-of", BACKWARD, text, at=(), new_at=new_kw))
    if u.old_kw == "oneOf" and not same and not _exclusive(pair, old, old=True):
        text = (
            "OLD's oneOf branches are not provably exclusive, so NEW may accept an instance that "
            "matched two of them."
        )
        out.append(pair.change("composition.one-of", FORWARD, text, at=old_kw, new_at=()))
    return out


def _disjunction(pair: Pair, keyword: str, rule_id: str) -> list[Change]:
    """Compare two unions of the same keyword branch by branch."""
    old, new = pair.old.get(keyword), pair.new.get(keyword)
    if old is None or new is None:
        branches = new if old is None else old
        assert branches is not None  # noqa: S101 - the rule runs only when one side has it
        subs = [
            pair.sub(ANY, b, (), (keyword, j))
            if old is None
            else pair.sub(b, ANY, (keyword, j), ())
            for j, b in enumerate(branches)
        ]
        overlap = keyword == "oneOf" and not _exclusive(pair, branches, old=new is None)
        if any(not s for s in subs) and not overlap:
            return []  # one branch accepts everything: the union constrains nothing
        verb = "adds" if old is None else "drops"
        text = f"NEW {verb} {keyword} {render(branches, 60)}."
        return [pair.change(rule_id, BACKWARD if old is None else FORWARD, text, at=(keyword,))]
    grid = _grid(pair, rule_id, old, new,
                 lambda i, j: pair.sub(old[i], new[j], (keyword, i), (keyword, j)))  # fmt: skip
    u = _Union(rule_id, old, new, [(keyword, i) for i in range(len(old))],
               [(keyword, j) for j in range(len(new))], grid, keyword, keyword)  # fmt: skip
    return _cover(pair, u)


def restructured(pair: Pair) -> list[Change] | None:
    """Compare nodes whose combinators differ as unions of flattened branches (None: cannot)."""
    old_x, new_x = expand(pair, old=True), expand(pair, old=False)
    if old_x is None or new_x is None:
        return None
    walker = pair.walker
    old = [walker.synthetic(node, locs) for node, locs in old_x.branches]
    new = [walker.synthetic(node, locs) for node, locs in new_x.branches]
    depth = pair.depth + 1
    old_kw, new_kw = old_x.kw, new_x.kw
    rule_id = "composition.one-of" if "oneOf" in (old_kw, new_kw) else "composition.any-of"
    grid = _grid(pair, rule_id, old, new, lambda i, j: walker.compare(
        old[i], new[j], pair.old_loc, pair.new_loc, negated=pair.negated, depth=depth))  # fmt: skip
    # where each branch is written, below this node (a union inside an allOf conjunct too)
    old_at = [_below(pair.old_loc, at) or ((old_kw, i) if old_kw else ())
              for i, at in enumerate(old_x.at)]  # fmt: skip
    new_at = [_below(pair.new_loc, at) or ((new_kw, j) if new_kw else ())
              for j, at in enumerate(new_x.at)]  # fmt: skip
    u = _Union(rule_id, old, new, old_at, new_at, grid, old_kw, new_kw, exact=False)
    u.old_kw_at = _below(pair.old_loc, old_x.kw_at) if old_x.kw_at else None
    u.new_kw_at = _below(pair.new_loc, new_x.kw_at) if new_x.kw_at else None
    return _cover(pair, u)


def _below(base: Loc, loc: Loc) -> tuple[str | int, ...] | None:
    """The path from `base` down to `loc` (None when `loc` is elsewhere, behind a `$ref`)."""
    if loc.source != base.source or not loc.pointer.startswith(base.pointer + "/"):
        return None
    tokens = loc.pointer[len(base.pointer) + 1 :].split("/")
    return tuple(t.replace("~1", "/").replace("~0", "~") for t in tokens)


@rule(
    "composition.any-of",
    "Every `anyOf` branch of OLD must fit inside some branch of NEW (backward), and every branch "
    "of NEW inside some branch of OLD (forward).",
    directions=BOTH,
    category="composition",
    keywords=("anyOf",),
)
def any_of(pair: Pair) -> list[Change]:
    """Match branches across the unions and report what no partner covers."""
    return _disjunction(pair, "anyOf", "composition.any-of")


@rule(
    "composition.one-of",
    "As for `anyOf`; and when the unions differ, branches that are not provably exclusive break "
    "(an instance may match two branches, which `oneOf` rejects).",
    directions=BOTH,
    category="composition",
    keywords=("oneOf",),
)
def one_of(pair: Pair) -> list[Change]:
    """Match branches across the unions, then check exclusivity."""
    return _disjunction(pair, "oneOf", "composition.one-of")


@rule(
    "composition.not",
    "A `not` added narrows (backward), one dropped widens (forward), and a changed one is "
    "compared with the directions swapped.",
    directions=BOTH,
    category="composition",
    keywords=("not",),
)
def not_(pair: Pair) -> list[Change]:
    """Compare the negated schemas contravariantly."""
    old, new = pair.old.get("not"), pair.new.get("not")
    if old is not None and new is not None:
        return pair.sub(old, new, ("not",), negate=True)
    if old is None:
        subs = pair.sub(NOTHING, new, ("not",), negate=True)
        text = f"NEW adds not {render(new, 60)}, rejecting instances OLD accepted."
    else:
        subs = pair.sub(old, NOTHING, ("not",), negate=True)
        text = f"NEW drops not {render(old, 60)}, accepting instances OLD rejected."
    return summary(pair, "composition.not", subs, text, at=("not",))


@rule(
    "ref.target",
    "A `$ref` beside other keywords is one more constraint: its target must not narrow "
    "(backward) or widen (forward).",
    directions=BOTH,
    category="ref",
    keywords=("$ref", "$dynamicRef"),
)
def ref_target(pair: Pair) -> list[Change]:
    """Compare the referenced schemas (the walker follows a `$ref` that stands alone)."""

    def ref(node: dict[str, Any]) -> dict[str, Any] | None:
        for key in ("$ref", "$dynamicRef"):
            if isinstance(node.get(key), str):
                return pair.walker.synthetic({key: node[key]})
        return None

    # at=("$ref",): the reference resolves against the base URI of the node that holds it

    old, new = ref(pair.old), ref(pair.new)
    if old is not None and new is not None:
        return pair.sub(old, new, ("$ref",))
    if new is not None:  # NEW = target AND siblings: OLD must fit the target too
        return pair.sub(pair.old, new, (), ("$ref",))
    assert old is not None  # noqa: S101 - the rule runs only when a side has a $ref
    return pair.sub(old, pair.new, ("$ref",), ())


@rule(
    "conditional.if-then-else",
    "With an unchanged `if`, `then` and `else` are compared; a changed `if` is treated as both "
    "directions; an if/then/else added narrows (backward) and one dropped widens (forward).",
    directions=BOTH,
    category="conditional",
    keywords=("if", "then", "else"),
)
def if_then_else(pair: Pair) -> list[Change]:
    """Compare conditionals branch by branch when their conditions are the same."""
    old, new = pair.old, pair.new
    if "if" not in old and "if" not in new:
        return []  # then/else without if assert nothing
    if "if" in old and "if" in new:
        cond = pair.sub(old["if"], new["if"], ("if",))
        if any(c.directions for c in cond):
            text = (
                f"The if condition changed from {render(old['if'], 50)} to {render(new['if'], 50)}."
            )
            return [pair.change("conditional.if-then-else", BOTH, text, at=("if",))]
        return [*cond, *pair.sub(old.get("then", True), new.get("then", True), ("then",)),
                *pair.sub(old.get("else", True), new.get("else", True), ("else",))]  # fmt: skip
    if "if" in new:
        subs = pair.sub(ANY, new.get("then", True), (), ("then",)) + pair.sub(
            ANY, new.get("else", True), (), ("else",)
        )
        text = f"NEW adds a conditional (if {render(new['if'], 50)})."
        return summary(pair, "conditional.if-then-else", subs, text, at=(), new_at=("if",))
    subs = pair.sub(old.get("then", True), ANY, ("then",), ()) + pair.sub(
        old.get("else", True), ANY, ("else",), ()
    )
    text = f"NEW drops the conditional (if {render(old['if'], 50)})."
    return summary(pair, "conditional.if-then-else", subs, text, at=("if",), new_at=())
