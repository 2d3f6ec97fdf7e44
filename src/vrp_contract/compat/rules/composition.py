"""Rules for `allOf`, `anyOf`, `oneOf`, `not`, `$ref` beside other keywords, and if/then/else."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from vrp_contract.compat._rule import rule
from vrp_contract.compat.model import BACKWARD, BOTH, FORWARD
from vrp_contract.compat.rules._util import raw, render, summary
from vrp_contract.compat.walk import finite_values, same_value, type_atoms

if TYPE_CHECKING:
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
    for j, i in zip(rest_new, free_old, strict=False):
        matched[j] = i
    out: list[Change] = []
    for j in range(len(new)):
        if j in matched:
            out.extend(pair.sub(old[matched[j]], new[j], ("allOf", matched[j]), ("allOf", j)))
        else:
            subs = pair.sub(True, new[j], (), ("allOf", j))
            text = f"NEW adds the allOf branch {render(new[j], 60)}, a further constraint."
            out.extend(
                summary(pair, "composition.all-of", subs, text, at=("allOf",), new_at=("allOf", j))
            )
    for i in free_old[len(rest_new) :]:
        subs = pair.sub(old[i], True, ("allOf", i), ())
        text = f"NEW drops the allOf branch {render(old[i], 60)}, a constraint OLD had."
        out.extend(
            summary(pair, "composition.all-of", subs, text, at=("allOf", i), new_at=("allOf",))
        )
    return out


def _resolved(pair: Pair, node: Any, loc: Loc, *, old: bool) -> tuple[Any, Loc]:  # noqa: ANN401
    side = pair.walker.old if old else pair.walker.new
    return pair.walker.deref(side, node, loc)


def _finite_disjoint(a: Any, b: Any) -> bool:  # noqa: ANN401 - schemas
    if not isinstance(a, dict) or not isinstance(b, dict):
        return False
    xa, xb = finite_values(a), finite_values(b)
    return xa is not None and xb is not None and not any(same_value(x, y) for x in xa for y in xb)


def disjoint(pair: Pair, a: Any, b: Any, *, a_old: bool, b_old: bool) -> bool:  # noqa: ANN401
    """True when no instance can match both schemas (by type, `const`/`enum`, or a required
    discriminator property whose `const`/`enum` values differ)."""
    la, lb = (pair.old_loc if a_old else pair.new_loc), (pair.old_loc if b_old else pair.new_loc)
    a, la = _resolved(pair, a, la, old=a_old)
    b, lb = _resolved(pair, b, lb, old=b_old)
    if a is False or b is False:
        return True
    if not isinstance(a, dict) or not isinstance(b, dict):
        return False
    ta, tb = type_atoms(a), type_atoms(b)
    if not ta & tb or _finite_disjoint(a, b):
        return True
    if not (ta | tb) <= {"object"}:
        return False
    for name in set(a.get("required", [])) & set(b.get("required", [])):
        pa = _resolved(pair, a.get("properties", {}).get(name, True), la, old=a_old)[0]
        pb = _resolved(pair, b.get("properties", {}).get(name, True), lb, old=b_old)[0]
        if _finite_disjoint(pa, pb):
            return True
    return False


def _exclusive(pair: Pair, branches: list[Any], *, old: bool) -> bool:
    return all(
        disjoint(pair, branches[i], branches[j], a_old=old, b_old=old)
        for i in range(len(branches))
        for j in range(i + 1, len(branches))
    )


def _disjunction(pair: Pair, keyword: str, rule_id: str) -> list[Change]:  # noqa: C901, PLR0912
    """Compare two unions: each OLD branch must fit some NEW branch (backward) and vice versa."""
    old, new = pair.old.get(keyword), pair.new.get(keyword)
    back, fwd = raw(pair, "backward"), raw(pair, "forward")
    if old is None or new is None:
        branches = new if old is None else old
        assert branches is not None  # noqa: S101 - the rule runs only when one side has it
        subs = [pair.sub(True, b, (), (keyword, j)) if old is None else pair.sub(b, True, (keyword, j), ())
                for j, b in enumerate(branches)]  # fmt: skip
        if any(not s for s in subs):
            return []  # one branch accepts everything: the union constrains nothing
        verb = "adds" if old is None else "drops"
        text = f"NEW {verb} {keyword} {render(branches, 60)}."
        dirs = BACKWARD if old is None else FORWARD
        return [pair.change(rule_id, dirs, text, at=(keyword,))]
    grid = [[pair.sub(o, n, (keyword, i), (keyword, j)) for j, n in enumerate(new)]
            for i, o in enumerate(old)]  # fmt: skip
    # Partners are the most alike branches (never two provably disjoint ones, such as two event
    # types with different discriminators); verdicts only ask whether any branch covers.
    score = [[(disjoint(pair, o, n, a_old=True, b_old=False), _count(grid[i][j]), abs(i - j))
              for j, n in enumerate(new)] for i, o in enumerate(old)]  # fmt: skip
    best_new = (
        [min(range(len(new)), key=lambda j, i=i: score[i][j]) for i in range(len(old))]
        if new
        else []
    )
    best_old = (
        [min(range(len(old)), key=lambda i, j=j: score[i][j]) for j in range(len(new))]
        if old
        else []
    )
    out: list[Change] = []
    narrowed = widened = False
    for i, o in enumerate(old):
        if not new:
            break
        j = best_new[i]
        if best_old[j] == i:  # mutual partners: keep their harmless changes too
            out.extend(c for c in grid[i][j] if not c.directions)
        if any(_count(grid[i][k], back) == 0 for k in range(len(new))):
            continue
        narrowed = True
        if best_old[j] == i and not score[i][j][0]:
            out.extend(c.without(fwd) for c in grid[i][j] if back in c.directions)
        else:
            text = (
                f"NEW drops the {keyword} branch {render(o, 60)}; no NEW branch accepts all it did."
            )
            out.append(pair.change(rule_id, BACKWARD, text, at=(keyword, i), new_at=(keyword,)))
    if not new and old:
        narrowed = True
        out.append(pair.change(rule_id, BACKWARD, f"NEW's {keyword} is empty.", at=(keyword,)))
    for j, n in enumerate(new):
        if not old:
            break
        i = best_old[j]
        if any(_count(grid[k][j], fwd) == 0 for k in range(len(old))):
            continue
        widened = True
        if best_new[i] == j and not score[i][j][0]:
            out.extend(c.without(back) for c in grid[i][j] if fwd in c.directions)
        else:
            text = f"NEW adds the {keyword} branch {render(n, 60)}; OLD accepted no such instance."
            out.append(pair.change(rule_id, FORWARD, text, at=(keyword,), new_at=(keyword, j)))
    if keyword == "oneOf":
        if widened and not _exclusive(pair, new, old=False):
            text = "NEW's oneOf branches are not provably exclusive, so an instance OLD accepted may match two of them."
            out.append(pair.change(rule_id, BACKWARD, text, at=(keyword,)))
        if narrowed and not _exclusive(pair, old, old=True):
            text = "OLD's oneOf branches are not provably exclusive, so NEW may accept an instance that matched two of them."
            out.append(pair.change(rule_id, FORWARD, text, at=(keyword,)))
    return out


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
    "As for `anyOf`, and NEW's `oneOf` branches must stay provably exclusive when they widen "
    "(else an old instance may match two branches).",
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
        subs = pair.sub(False, new, ("not",), negate=True)
        text = f"NEW adds not {render(new, 60)}, rejecting instances OLD accepted."
    else:
        subs = pair.sub(old, False, ("not",), negate=True)
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

    old, new = ref(pair.old), ref(pair.new)
    if old is not None and new is not None:
        return pair.sub(old, new, ())
    if new is not None:  # NEW = target AND siblings: OLD must fit the target too
        return pair.sub(pair.old, new, ())
    assert old is not None  # noqa: S101 - the rule runs only when a side has a $ref
    return pair.sub(old, pair.new, ())


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
        subs = pair.sub(True, new.get("then", True), (), ("then",)) + pair.sub(
            True, new.get("else", True), (), ("else",)
        )
        text = f"NEW adds a conditional (if {render(new['if'], 50)})."
        return summary(pair, "conditional.if-then-else", subs, text, at=(), new_at=("if",))
    subs = pair.sub(old.get("then", True), True, ("then",), ()) + pair.sub(
        old.get("else", True), True, ("else",), ()
    )
    text = f"NEW drops the conditional (if {render(old['if'], 50)})."
    return summary(pair, "conditional.if-then-else", subs, text, at=("if",), new_at=())
