"""`compat --all DIR`: every consecutive pair of revisions, and every older one against the newest.

A breaking change is allowed only across a declared major bump (it is then a warning); with a git
`base`, every revision released there must be unchanged.
"""

from __future__ import annotations

import itertools
from dataclasses import replace
from pathlib import PurePosixPath

from vrp_contract import catalog
from vrp_contract.compat.check import CompatReport, PairReport, compare_sets
from vrp_contract.compat.model import Bump, Mode
from vrp_contract.compat.revision import declared_bump, version_of
from vrp_contract.compat.sources import InputError, SchemaSet, load_source, read_tree
from vrp_contract.compat.tree import git_folder
from vrp_contract.findings import Finding, Severity

__all__ = ["check_all", "revision_dirs", "run_all"]


def revision_dirs(files: list[str]) -> list[str]:
    """The revision folder names (`v0.1`, ...) among relative file paths, oldest first."""
    names = {PurePosixPath(f).parts[0] for f in files if len(PurePosixPath(f).parts) > 1}
    found = [n for n in names if version_of(n) is not None and n.startswith("v")]
    return sorted(found, key=lambda n: version_of(n) or (0, 0, 0))


def _join(folder: str, name: str) -> str:
    return folder.rstrip("/") + "/" + name


def run_all(
    folder: str, mode: Mode, *, base: str | None = None, allow_unclassified: bool = False
) -> CompatReport:
    """Compare the revisions of `folder` and check released revisions against `base`."""
    report = CompatReport(mode)
    names = revision_dirs(list(read_tree(folder)))
    if not names:
        raise InputError(f"{folder}: no revision folders (v<major>.<minor>) found")
    sets: dict[str, SchemaSet] = {n: load_source(_join(folder, n)) for n in names}
    if len(names) == 1:
        report.notes.append(f"{folder}: only one revision ({names[0]}), nothing to compare.")
    pairs = list(itertools.pairwise(names))
    pairs += [(n, names[-1]) for n in names[:-2]]
    for a, b in pairs:
        pair = compare_sets(sets[a], sets[b], mode, allow_unclassified=allow_unclassified)
        declared = declared_bump(sets[a].revision or a, sets[b].revision or b)
        if declared is Bump.MAJOR and pair.bump is Bump.MAJOR:
            pair.findings = [_demote(f) for f in pair.findings]
            report.notes.append(
                f"{a} -> {b}: breaking changes are allowed, the revision declares a major bump."
            )
        report.pairs.append(pair)
    if base is not None:
        report.pairs.extend(_released_against(folder, base, sets, report))
    return report


def check_all(
    folder: str,
    mode: Mode | str = Mode.BACKWARD,
    *,
    base: str | None = None,
    allow_unclassified: bool = False,
) -> CompatReport:
    """Check every consecutive pair of revisions in `folder` and every older one against the newest.

    With `base` (a git ref), every revision released at `base` must be unchanged in `folder`.
    """
    return run_all(folder, Mode(mode), base=base, allow_unclassified=allow_unclassified)


def _demote(f: Finding) -> Finding:
    """The finding as it stands across a declared major bump (the catalog decides)."""
    breaks = f.severity is Severity.ERROR
    level = catalog.compat_severity(f.rule, breaks=breaks, declared_major=True) if breaks else None
    return f if level in {None, f.severity} else replace(f, severity=level)


def _released_against(
    folder: str, base: str, sets: dict[str, SchemaSet], report: CompatReport
) -> list[PairReport]:
    """Every revision released at `base` must exist, byte for byte, in `folder`."""
    if folder.startswith("git:"):
        spec, cwd = folder, None
    else:
        cwd, rel = git_folder(folder, base)
        spec = f"git:{base}:{rel}"
    try:
        old_names = revision_dirs(list(read_tree(spec, cwd)))
    except InputError:
        report.notes.append(f"{folder} did not exist at {base}, so no revision was released there.")
        return []
    out: list[PairReport] = []
    for name in old_names:
        old = load_source(_join(spec, name), cwd)
        if not old.released:
            continue
        if name not in sets:
            finding = Finding(
                "revision.released-edited", Severity.ERROR,
                f"Released revision {name} was deleted; a released revision is immutable.",
                "", _join(folder, name), directions=("backward", "forward"),
            )  # fmt: skip
            out.append(PairReport(old.label, _join(folder, name), report.mode, [], [finding],
                                  Bump.MAJOR))  # fmt: skip
            continue
        out.append(compare_sets(old, sets[name], report.mode, same_revision=True))
    return out
