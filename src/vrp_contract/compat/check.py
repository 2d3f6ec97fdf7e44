"""Running a comparison: OLD against NEW, or every revision of a folder (`--all`).

Changes become `Finding`s here: a change that breaks a direction the mode checks is an error,
anything else is informational; the bump is the largest any change needs.
"""

from __future__ import annotations

import posixpath
import sys
from dataclasses import dataclass, field, replace
from typing import Any

from vrp_contract import catalog
from vrp_contract.compat import behaviour, revision
from vrp_contract.compat.locate import pointer_lines
from vrp_contract.compat.model import Bump, Change, Mode
from vrp_contract.compat.registry import make_walker
from vrp_contract.compat.sources import InputError, SchemaSet, load_source
from vrp_contract.findings import Finding, Severity

__all__ = ["CompatReport", "PairReport", "bump_of", "compare", "compare_sets"]


@dataclass
class PairReport:
    """The outcome of comparing one OLD with one NEW."""

    old: str
    new: str
    mode: Mode
    changes: list[Change]
    findings: list[Finding]
    bump: Bump

    @property
    def compatible(self) -> bool:
        """True when no finding of this pair is an error."""
        return not any(f.is_error for f in self.findings)

    def as_dict(self) -> dict[str, Any]:
        """The pair as JSON-ready data (without its findings)."""
        counts = {str(s): sum(1 for f in self.findings if f.severity is s) for s in Severity}
        return {
            "old": self.old,
            "new": self.new,
            "compatible": self.compatible,
            "bump": str(self.bump),
            "counts": counts,
        }


@dataclass
class CompatReport:
    """The result of one `compat` run: one or more pairs; implements the reporters' `Summary`."""

    mode: Mode
    pairs: list[PairReport] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def findings(self) -> list[Finding]:
        """Every finding of every pair, in order."""
        return [f for p in self.pairs for f in p.findings]

    @property
    def failed(self) -> bool:
        """True when any pair is incompatible."""
        return any(not p.compatible for p in self.pairs)

    @property
    def bump(self) -> Bump:
        """The largest bump any pair needs."""
        return max((p.bump for p in self.pairs), default=Bump.NONE)

    def as_dict(self) -> dict[str, Any]:
        """The summary as JSON-ready data."""
        return {
            "mode": str(self.mode),
            "compatible": not self.failed,
            "bump": str(self.bump),
            "pairs": [p.as_dict() for p in self.pairs],
            "notes": list(self.notes),
        }

    def text_lines(self) -> list[str]:
        """The summary as lines of text."""
        lines = list(self.notes)
        for p in self.pairs:
            errors = sum(1 for f in p.findings if f.is_error)
            verdict = "compatible" if p.compatible else f"INCOMPATIBLE ({errors} breaking)"
            bump = "needs no version bump" if p.bump is Bump.NONE else f"needs a {p.bump} bump"
            lines.append(f"{p.old} -> {p.new}: {verdict} in {self.mode} mode; {bump}.")
        return lines


def bump_of(changes: list[Change], mode: Mode) -> Bump:
    """Major if a change breaks the mode, minor for any other change, patch for annotations."""
    out = Bump.NONE
    for c in changes:
        if set(c.directions) & mode.directions:
            level = Bump.MAJOR
        elif c.annotation:
            level = Bump.PATCH
        else:
            level = Bump.MINOR
        out = max(out, level)
    return out


def _merge(changes: list[Change]) -> list[Change]:
    """Report each change once; one reached by several paths keeps the union of directions."""
    seen: dict[tuple[str, ...], Change] = {}
    for c in changes:
        prior = seen.get(c.key)
        if prior is None:
            seen[c.key] = c
        elif set(c.directions) - set(prior.directions):
            union = tuple(sorted(set(c.directions) | set(prior.directions)))
            seen[c.key] = replace(prior, directions=union)
    return list(seen.values())


def _where(side: SchemaSet, rel: str) -> str:
    if side.is_dir:
        return posixpath.normpath(side.label.rstrip("/") + "/" + rel)
    if rel == side.roots[0]:
        return side.label
    if side.label.startswith("git:"):
        head, _, path = side.label.rpartition(":")
        return f"{head}:{posixpath.normpath(posixpath.join(posixpath.dirname(path), rel))}"
    return posixpath.normpath(posixpath.join(posixpath.dirname(side.label), rel))


class _Lines:
    """Line numbers of pointers in NEW's files, parsed once per file on first use."""

    def __init__(self, side: SchemaSet) -> None:
        self.side = side
        self.files: dict[str, dict[str, int]] = {}

    def __call__(self, rel: str, pointer: str) -> int | None:
        if rel not in self.files:
            data = self.side.raw.get(rel, self.side.extra.get(rel))
            self.files[rel] = pointer_lines(data.decode("utf-8", "replace")) if data else {}
        lines = self.files[rel]
        while pointer not in lines:  # a keyword NEW lacks: point at its parent
            if "/" not in pointer:
                return lines.get("")  # not a pointer of this file (it always ends here)
            pointer = pointer.rsplit("/", 1)[0]
        return lines[pointer]


def _finding(  # noqa: PLR0913 - one change and what it needs to become a finding
    c: Change, old: SchemaSet, new: SchemaSet, mode: Mode, lines: _Lines, *, allow: bool
) -> Finding:
    breaks = bool(set(c.directions) & mode.directions)
    severity = catalog.compat_severity(c.rule, breaks=breaks, allow_unclassified=allow)
    # a finding on a whole file has no pointer and no line (revision.bump on revision.json); a
    # revision rule on one entry (revision.invariant-reused) has both, as every other rule
    whole_file = "file" in c.context or (c.rule.startswith("revision.") and not c.new.pointer)
    context = dict(c.context)
    old_where = _where(old, c.old.source)
    if old_where != _where(new, c.new.source):
        context["old_source"] = old_where
    return Finding(
        rule=c.rule,
        severity=severity,
        message=c.message,
        pointer=c.new.pointer,
        source=_where(new, c.new.source),
        line=None if whole_file else lines(c.new.source, c.new.pointer),
        old_pointer=None if whole_file else c.old.pointer,
        directions=c.directions,
        context=context,
    )


def _entry(side: SchemaSet) -> str:
    """The document a folder compared with a single file stands for: its declared entry."""
    if not side.is_dir:
        return side.roots[0]
    entry = str((side.manifest or {}).get("entry", "event.schema.json"))
    if entry not in side.docs:
        msg = (
            f"{side.label}: a folder compared with a single schema file needs an entry schema "
            f'({entry} is missing; revision.json can name another with "entry"); compare two '
            "files or two folders instead"
        )
        raise InputError(msg)
    return entry


def compare_sets(
    old: SchemaSet,
    new: SchemaSet,
    mode: Mode = Mode.BACKWARD,
    *,
    allow_unclassified: bool = False,
    same_revision: bool = False,
) -> PairReport:
    """Compare two loaded inputs: entry documents first, then every document both have.

    `same_revision`: NEW is OLD's folder as it is now, so a released OLD must be unchanged
    whatever NEW's manifest says.
    """
    walker = make_walker(old, new)
    changes: list[Change] = []
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 20_000))
    try:
        if old.is_dir and new.is_dir:
            pairs = [(old.roots[0], new.roots[0])] if old.roots[0] == new.roots[0] else []
            pairs += [(r, r) for r in old.roots if r in new.docs and (r, r) not in pairs]
        else:
            pairs = [(_entry(old), _entry(new))]
        for a, b in pairs:
            changes.extend(walker.root(a, b))
    finally:
        sys.setrecursionlimit(limit)
    found, covered = behaviour.behaviour_changes(old, new)
    process = [c for c in found if catalog.get(c.rule).always]  # never a reason for a bump
    changes += [c for c in found if not catalog.get(c.rule).always]
    changes += revision.file_set(old, new) + revision.data_files(old, new, skip=covered)
    changes = _merge(changes)
    bump = bump_of(changes, mode)
    changes += process
    changes += revision.released_edited(old, new, same_folder=same_revision)
    changes += revision.undersized_bump(old, new, bump)
    lines = _Lines(new)
    findings = [_finding(c, old, new, mode, lines, allow=allow_unclassified) for c in changes]
    findings.sort(key=lambda f: (not f.is_error, f.source or "", f.pointer))
    return PairReport(old.label, new.label, mode, changes, findings, bump)


def compare(
    old: str,
    new: str,
    mode: Mode | str = Mode.BACKWARD,
    *,
    allow_unclassified: bool = False,
    default_dialect: str | None = None,
) -> CompatReport:
    """Compare OLD with NEW (each a schema file, a revision folder or `git:REF:PATH`).

    `default_dialect` (`draft-07`, ...): how to read documents that declare no `$schema`.
    Raises `InputError` (one line) for an input that cannot be read or is not a valid schema.
    """
    mode = Mode(mode)
    report = CompatReport(mode)
    old_set = load_source(old, default_dialect=default_dialect)
    new_set = load_source(new, default_dialect=default_dialect)
    report.pairs.append(compare_sets(old_set, new_set, mode, allow_unclassified=allow_unclassified))
    return report
