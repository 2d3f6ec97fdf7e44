"""Revision-level rules: the schema file set, edits to released revisions, the declared bump."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from vrp_contract.compat._rule import declare
from vrp_contract.compat.model import BACKWARD, BOTH, NONE, Bump, Change, Loc
from vrp_contract.compat.values import same_value
from vrp_contract.compat.walk import UNCLASSIFIED

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

    from vrp_contract.compat.sources import SchemaSet

__all__ = [
    "data_files",
    "declared_bump",
    "file_set",
    "released_edited",
    "undersized_bump",
    "version_of",
]

FILE_SET = declare(
    "revision.file-set",
    "A schema file removed from a revision breaks backward (its documents lose their schema); "
    "a file added is an addition.",
    directions=BACKWARD,
    category="revision",
)
RELEASED_EDITED = declare(
    "revision.released-edited",
    "A released revision is immutable: any edit to a file of a revision whose manifest says "
    "`released` fails, whatever the mode; publish a new revision instead.",
    directions=BOTH,
    category="revision",
    always=True,
)
BUMP = declare(
    "revision.bump",
    "The revision number must grow by at least the bump the changes need (major for breaking, "
    "minor for additions, patch for annotations; in 0.x a minor step counts as major).",
    directions=BOTH,
    category="revision",
    always=True,
)
_VERSION = re.compile(r"^v?(\d+)\.(\d+)(?:\.(\d+))?$")


def version_of(name: str | None) -> tuple[int, int, int] | None:
    """Parse `0.1`, `v0.1` or `1.2.3` into a (major, minor, patch) tuple."""
    m = _VERSION.match(name or "")
    return (int(m[1]), int(m[2]), int(m[3] or 0)) if m else None


def declared_bump(old: str | None, new: str | None) -> Bump | None:
    """The bump the revision numbers declare (None: not versions, or NEW is not newer)."""
    a, b = version_of(old), version_of(new)
    if a is None or b is None or b <= a:
        return None
    if b[0] != a[0] or (a[0] == 0 and b[1] != a[1]):
        return Bump.MAJOR
    return Bump.MINOR if b[1] != a[1] else Bump.PATCH


def file_set(old: SchemaSet, new: SchemaSet) -> list[Change]:
    """Schema files present on one side only (directory inputs)."""
    if not (old.is_dir and new.is_dir):
        return []
    out = [
        Change(FILE_SET.id, BACKWARD, f"Schema file {rel} was removed.", Loc(rel), Loc(rel))
        for rel in sorted(set(old.docs) - set(new.docs))
    ]
    out += [
        Change(FILE_SET.id, NONE, f"Schema file {rel} was added.", Loc(rel), Loc(rel))
        for rel in sorted(set(new.docs) - set(old.docs))
    ]
    return out


def _is_data(rel: str) -> bool:
    """A contract data file (state machine, invariants, policy): JSON that is not a schema."""
    return (
        rel.endswith(".json")
        and not rel.endswith(".schema.json")
        and rel != "revision.json"
        and not rel.startswith("examples/")
        and "/examples/" not in rel
    )


def _json(data: bytes | None) -> Any:  # noqa: ANN401 - any JSON value
    try:
        return json.loads(data or b"")
    except ValueError:
        return data  # not JSON: compare the bytes


def _differing(
    old: SchemaSet, new: SchemaSet, rels: Iterable[str], same: Callable[[bytes, bytes], bool]
) -> Iterator[tuple[str, str]]:
    """Yield (rel, "added" | "removed" | "changed") for each of `rels` that differs."""
    for rel in sorted(rels):
        a, b = old.raw.get(rel), new.raw.get(rel)
        if a is not None and b is not None and same(a, b):
            continue
        yield rel, "added" if a is None else "removed" if b is None else "changed"


def data_files(old: SchemaSet, new: SchemaSet) -> list[Change]:
    """Contract data files that differ between two folders: no rule compares them (fail closed)."""
    if not (old.is_dir and new.is_dir):
        return []
    data = (r for r in set(old.raw) | set(new.raw) if _is_data(r))
    out: list[Change] = []
    for rel, what in _differing(old, new, data, lambda a, b: same_value(_json(a), _json(b))):
        text = (
            f"Contract data file {rel} was {what}; no rule compares data files (state machine, "
            "invariants, policy), so review the change by hand."
        )
        out.append(Change(UNCLASSIFIED.id, BOTH, text, Loc(rel), Loc(rel), {"file": rel}))
    return out


def released_edited(old: SchemaSet, new: SchemaSet, *, same_folder: bool = False) -> list[Change]:
    """Files of a released revision that differ, when NEW is the same revision as OLD.

    `same_folder`: NEW is known to be OLD's folder, so a changed manifest cannot hide an edit.
    """
    if not (old.is_dir and new.is_dir and old.released and old.revision is not None):
        return []
    if new.revision != old.revision and not same_folder:
        return []
    out: list[Change] = []
    for rel, what in _differing(old, new, set(old.raw) | set(new.raw), bytes.__eq__):
        how = {"added": "added to", "removed": "removed from", "changed": "edited in"}[what]
        text = (
            f"File {rel} was {how} released revision {old.revision}; a released revision is "
            "immutable, so publish the change as a new revision."
        )
        out.append(Change(RELEASED_EDITED.id, BOTH, text, Loc(rel), Loc(rel), {"file": rel}))
    return out


def undersized_bump(old: SchemaSet, new: SchemaSet, needed: Bump) -> list[Change]:
    """A finding when the revision numbers declare a smaller bump than the changes need."""
    declared = declared_bump(old.revision, new.revision)
    if declared is None or declared >= needed:
        return []
    text = (
        f"Revision {old.revision} -> {new.revision} declares a {declared} bump, but the changes "
        f"need a {needed} bump."
    )
    ctx = {"declared": str(declared), "needed": str(needed)}
    return [Change(BUMP.id, BOTH, text, Loc("revision.json"), Loc("revision.json"), ctx)]
