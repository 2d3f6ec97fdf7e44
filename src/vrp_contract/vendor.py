"""Vendoring a revision: copy its files into a consuming service's tree with a lock, check a copy.

`vendor_revision` writes every file of a revision (schema files, state machine, invariants,
policy, example vectors), its supplement (behaviour data and behaviour suite, where the released
revision states them only in prose), the bundled single-file schema and a lock file naming the
revision, the package version and the SHA-256 of every file. `check_vendored` compares a vendored
folder with its lock (edited, missing or unexpected files) and with what this package ships for
the same revision (a stale copy).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from vrp_contract import catalog
from vrp_contract._version import __version__
from vrp_contract.findings import Finding, Severity
from vrp_contract.revisions import (
    UnknownRevisionError,
    latest_revision,
    load_revision,
)

if TYPE_CHECKING:
    from importlib.abc import Traversable

    from vrp_contract.revisions import Revision

__all__ = [
    "BUNDLE_NAME",
    "LOCK_NAME",
    "RULES",
    "VENDOR_WRITTEN",
    "VendorError",
    "VendorResult",
    "VendorSummary",
    "check_vendored",
    "revision_files",
    "vendor_revision",
]

LOCK_NAME = "vrp-contract.lock.json"
BUNDLE_NAME = "event.bundle.json"
VENDOR_WRITTEN = frozenset({LOCK_NAME, BUNDLE_NAME})
"""The files `vendor` derives (not copies): `vrp-contract compat` on a vendored folder skips them,
so a new package version (a new lock) or bundler is not an edit of the revision."""

RULES = tuple(
    catalog.register(catalog.RuleInfo(rule_id, purpose, Severity.ERROR, "vendor"))
    for rule_id, purpose in (
        ("vendor.missing", "A file the lock lists is missing from the vendored folder."),
        (
            "vendor.edited",
            "A vendored file is not the file the lock recorded: it was edited by hand.",
        ),
        ("vendor.unexpected", "The vendored folder holds a file that the lock does not list."),
        (
            "vendor.stale",
            "The vendored copy is not what the installed vrp-contract ships for its revision.",
        ),
    )
)
"""The rules of `vendor --check`, in the one rule catalog (which decides their severity)."""


class VendorError(Exception):
    """A folder that cannot be vendored into or checked (exit 2 with one line)."""


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _walk(root: Traversable, prefix: str = "") -> dict[str, bytes]:
    """Every file under `root` by its relative POSIX path."""
    out: dict[str, bytes] = {}
    stack: list[tuple[str, Traversable]] = [(prefix, root)]
    while stack:
        here, node = stack.pop()
        for child in node.iterdir():
            if child.name.startswith(".") or child.name == "__pycache__":
                continue
            if child.is_dir():
                stack.append((f"{here}{child.name}/", child))
            elif child.is_file():
                out[here + child.name] = child.read_bytes()
    return out


def _bundle_bytes(revision: Revision) -> bytes:
    bundle: dict[str, Any] = {
        "$comment": (
            f"Bundled by `vrp-contract vendor` from contract revision {revision.name} "
            "(event.schema.json and every file it references). DO NOT EDIT: `vrp-contract "
            "vendor --check` fails when a vendored file changes."
        ),
        **revision.bundle(),
    }
    return (json.dumps(bundle, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def revision_files(revision: Revision) -> dict[str, bytes]:
    """The files `vendor` writes for `revision` (lock excluded), by relative path, sorted.

    The revision's own folder, then its supplement (`schema/supplements/v<name>/`, read as part
    of the revision by `Revision.resource`; the revision's own file wins), then the bundle.
    """
    files = _walk(revision.root)
    supplement = revision.supplement
    if supplement is not None and supplement.is_dir():
        for rel, data in _walk(supplement).items():
            files.setdefault(rel, data)
    files[BUNDLE_NAME] = _bundle_bytes(revision)
    return dict(sorted(files.items()))


def _lock(revision: Revision, files: dict[str, bytes]) -> dict[str, Any]:
    return {
        "$comment": (
            "Written by `vrp-contract vendor`. Do not edit the files listed here: "
            "`vrp-contract vendor --check DIR` fails when one differs from its SHA-256 or when "
            "the copy is not what the installed vrp-contract ships for this revision; update "
            "with `vrp-contract vendor --revision REV DIR`."
        ),
        "revision": revision.name,
        "label": revision.manifest.get("label", ""),
        "package": "vrp-contract",
        "package_version": __version__,
        "files": {rel: _sha256(data) for rel, data in files.items()},
    }


@dataclass
class VendorResult:
    """What `vendor_revision` did."""

    revision: str
    files: int
    removed: list[str] = field(default_factory=list)
    """Files of the previous vendored revision that this one no longer has (deleted)."""
    unexpected: list[str] = field(default_factory=list)
    """Files in the folder that no lock lists (left alone; `--check` reports them)."""


def _disk_files(target: Path) -> list[str]:
    out: list[str] = []
    for folder, _dirs, names in os.walk(target):
        out.extend(
            Path(folder, name).relative_to(target).as_posix() for name in names if name != LOCK_NAME
        )
    return sorted(out)


def _read_lock(target: Path) -> dict[str, Any]:
    """The lock of a vendored folder, its shape checked; VendorError names what is wrong."""
    path = target / LOCK_NAME
    if not path.is_file():
        msg = (
            f"{target}: no {LOCK_NAME} here; vendor a revision first with "
            f"`vrp-contract vendor --revision REV {target}`"
        )
        raise VendorError(msg)
    try:
        lock = json.loads(path.read_bytes().decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise VendorError(f"{path}: not valid JSON ({exc})") from None
    except OSError as exc:
        raise VendorError(f"{path}: cannot read: {exc.strerror}") from None
    if not isinstance(lock, dict):
        raise VendorError(f"{path}: expected a JSON object")
    for key in ("revision", "package_version"):
        if not isinstance(lock.get(key), str):
            raise VendorError(f"{path}: field {key!r} must be a string")
    files = lock.get("files")
    if not isinstance(files, dict) or not all(isinstance(v, str) for v in files.values()):
        raise VendorError(f"{path}: field 'files' must map file names to SHA-256 hex digests")
    for rel in files:
        parts = PurePosixPath(rel).parts
        if not parts or rel.startswith("/") or ".." in parts or rel == LOCK_NAME:
            raise VendorError(f"{path}: field 'files' names {rel!r}, which is not inside {target}")
    return lock


def _previous_files(target: Path) -> dict[str, Any]:
    """The files the lock of an earlier copy in `target` lists (none: no earlier copy)."""
    if not (target.is_dir() and (target / LOCK_NAME).exists()):
        return {}
    try:
        files: dict[str, Any] = _read_lock(target)["files"]
    except VendorError as exc:  # which files are ours is unknown: replacing them is unsafe
        msg = f"{exc}; the lock is damaged: remove {target} and vendor the revision again"
        raise VendorError(msg) from None
    return files


def vendor_revision(revision: Revision, target: Path) -> VendorResult:
    """Write `revision`'s files and the lock into `target` (created; a previous copy replaced).

    A folder that exists, is not empty and has no lock is refused: vendoring never mixes the
    contract with files it did not write.
    """
    if target.exists() and not target.is_dir():
        raise VendorError(f"{target}: exists and is not a folder")
    previous = _previous_files(target)
    if not (target / LOCK_NAME).exists() and target.is_dir() and any(target.iterdir()):
        msg = (
            f"{target}: the folder is not empty and holds no {LOCK_NAME}; vendor into a new "
            "or empty folder (or one vendored before)"
        )
        raise VendorError(msg)
    files = revision_files(revision)
    result = VendorResult(revision.name, len(files))
    try:
        for rel in sorted(set(previous) - set(files)):
            old = target / rel
            if old.is_file():
                old.unlink()
                result.removed.append(rel)
        for rel, data in files.items():
            path = target / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        lock = json.dumps(_lock(revision, files), indent=2, ensure_ascii=False) + "\n"
        (target / LOCK_NAME).write_text(lock, "utf-8")
        for folder, dirs, names in os.walk(target, topdown=False):
            if not dirs and not names and Path(folder) != target:
                Path(folder).rmdir()  # a folder that only held removed files
    except OSError as exc:
        raise VendorError(f"{exc.filename or target}: cannot write: {exc.strerror}") from None
    result.unexpected = [rel for rel in _disk_files(target) if rel not in files]
    return result


@dataclass
class VendorSummary:
    """The result of `vendor --check`: counts by rule and what was compared."""

    folder: str
    revision: str = ""
    vendored_by: str = ""
    checked_by: str = ""
    files: int = 0
    newest: str = ""
    by_rule: dict[str, int] = field(default_factory=dict)
    errors: int = 0

    @property
    def failed(self) -> bool:
        """True when a finding is an error (every `vendor.*` rule is, in the catalog)."""
        return self.errors > 0

    def as_dict(self) -> dict[str, Any]:
        """The summary as JSON-ready data."""
        return {
            "folder": self.folder,
            "revision": self.revision,
            "vendored_by": self.vendored_by,
            "checked_by": self.checked_by,
            "files": self.files,
            "errors": self.errors,
            "newest_revision": self.newest,
            "by_rule": dict(sorted(self.by_rule.items())),
        }

    def text_lines(self) -> list[str]:
        """A verdict line, then one line per rule that fired."""
        origin = (
            f"revision {self.revision} vendored by vrp-contract {self.vendored_by}, "
            f"checked with {self.checked_by}"
        )
        if self.by_rule:
            count = sum(self.by_rule.values())
            found = f"{count:,} finding" + ("" if count == 1 else "s")
            out = [
                f"FAILED: {self.folder} differs from its lock or this package: {found} ({origin})."
            ]
            out.append("  findings  rule")
            out.extend(f"  {n:>8,}  {rule}" for rule, n in sorted(self.by_rule.items()))
            if set(self.by_rule) - {"vendor.unexpected"}:
                out.append(
                    f"Update the copy with `vrp-contract vendor --revision {self.revision} "
                    f"{self.folder}` (edits to vendored files belong in the contract repository)."
                )
            if "vendor.unexpected" in self.by_rule:
                out.append(
                    "Move the files the lock does not list out of the folder (vendoring again "
                    "leaves them where they are)."
                )
        else:
            out = [f"OK: {self.folder}: {self.files:,} files match the lock ({origin})."]
        if self.newest and self.newest != self.revision:
            out.append(
                f"Note: revision {self.newest} is the newest this vrp-contract ships; "
                f"`vrp-contract compat {self.folder} <new copy>` says whether moving is safe."
            )
        return out


def _finding(rule: str, message: str, source: str) -> Finding:
    return Finding(rule, catalog.get(rule).severity, message, source=source)


def check_vendored(
    target: Path, revision: str | None = None
) -> tuple[list[Finding], VendorSummary]:
    """Compare a vendored folder with its lock and with this package; return findings, summary.

    `revision`, when given, is the revision the folder must hold (a different one is stale).
    """
    if not target.is_dir():
        raise VendorError(f"{target}: no such folder")
    lock = _read_lock(target)
    locked: dict[str, str] = lock["files"]
    summary = VendorSummary(
        str(target), lock["revision"], lock["package_version"], __version__, len(locked)
    )
    summary.newest = latest_revision().name
    findings: list[Finding] = []
    for rel, digest in locked.items():
        path = target / rel
        if not path.is_file():
            message = (
                f"The file {rel} of revision {lock['revision']} is listed in {LOCK_NAME} but "
                "missing from the vendored folder."
            )
            findings.append(_finding("vendor.missing", message, str(path)))
            continue
        try:
            found = _sha256(path.read_bytes())
        except OSError as exc:
            raise VendorError(f"{path}: cannot read: {exc.strerror}") from None
        if found != digest:
            message = (
                f"The file was edited after it was vendored: its SHA-256 is {found[:12]}..., "
                f"{LOCK_NAME} recorded {digest[:12]}...; revert it or vendor the revision again."
            )
            findings.append(_finding("vendor.edited", message, str(path)))
    for rel in _disk_files(target):
        if rel not in locked:
            message = (
                f"The file {rel} is not part of the vendored revision ({LOCK_NAME} does not list "
                "it); keep the service's own files outside the vendored folder."
            )
            findings.append(_finding("vendor.unexpected", message, str(target / rel)))
    findings.extend(_stale(target, lock, revision))
    for item in findings:
        summary.by_rule[item.rule] = summary.by_rule.get(item.rule, 0) + 1
        summary.errors += item.is_error
    return findings, summary


def _stale(target: Path, lock: dict[str, Any], wanted: str | None) -> list[Finding]:
    """Findings for a copy that is not what this package ships for the locked revision."""
    lock_path = str(target / LOCK_NAME)
    try:
        revision = load_revision(lock["revision"])
    except UnknownRevisionError:
        message = (
            f"The folder holds revision {lock['revision']}, which this vrp-contract does not "
            f"ship (vendored by vrp-contract {lock['package_version']}): upgrade vrp-contract."
        )
        return [_finding("vendor.stale", message, lock_path)]
    out: list[Finding] = []
    if wanted is not None:
        try:
            expected = load_revision(wanted).name
        except UnknownRevisionError as exc:
            raise VendorError(str(exc)) from None
        if expected != revision.name:
            message = (
                f"The folder holds revision {revision.name}, not the expected revision "
                f"{expected}: vendor revision {expected} into it."
            )
            out.append(_finding("vendor.stale", message, lock_path))
    shipped = {rel: _sha256(data) for rel, data in revision_files(revision).items()}
    locked: dict[str, str] = lock["files"]
    for rel in sorted(set(shipped) | set(locked)):
        if rel not in locked:
            what = "ships the file, which the vendored copy lacks"
        elif rel not in shipped:
            what = "no longer ships the file"
        elif shipped[rel] != locked[rel]:
            what = "ships a different version of the file"
        else:
            continue
        message = (
            f"The copy is stale: vrp-contract {__version__} {what} {rel} for revision "
            f"{revision.name}; vendor the revision again."
        )
        out.append(_finding("vendor.stale", message, str(target / rel)))
    return out
