"""Would the registry accept a revision? Its verdict beside ours (`vrp_contract.compat`).

The registry judges a new schema with its own keyword rules (Confluent-style reader/writer
rules); `vrp_contract.compat` judges by set inclusion (every event OLD accepts, NEW accepts).
Both are asked about the same pair of documents: the version the registry holds and the
revision's bundle. Where the verdicts differ, the report says which side is stricter and why.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vrp_contract.compat import Bump, InputError, Mode, compare
from vrp_contract.registry.push import schema_text

if TYPE_CHECKING:
    from collections.abc import Sequence

    from vrp_contract.compat import PairReport
    from vrp_contract.findings import Finding
    from vrp_contract.registry.client import RegistryClient
    from vrp_contract.revisions import Revision

__all__ = ["CheckReport", "VersionCheck", "check", "mode_of_level"]


def mode_of_level(level: str) -> Mode:
    """The `compat` mode that asks the question a registry level asks (NONE: backward)."""
    head = level.upper().split("_", 1)[0]
    return {"FORWARD": Mode.FORWARD, "FULL": Mode.FULL}.get(head, Mode.BACKWARD)


@dataclass
class VersionCheck:
    """One registered version against the checked revision: both verdicts and our findings."""

    version: int
    revision: str | None
    """The tree's revision whose bundle this version is, if any."""
    registry_ok: bool
    registry_messages: list[str]
    pair: PairReport

    @property
    def ours_ok(self) -> bool:
        """Our verdict: no breaking finding."""
        return self.pair.compatible

    @property
    def findings(self) -> list[Finding]:
        """Our findings for this pair."""
        return self.pair.findings

    def pair_line(self, mode: Mode) -> str:
        """Our verdict in words: `compatible; needs a minor bump`."""
        errors = sum(1 for f in self.findings if f.is_error)
        verdict = "compatible" if self.ours_ok else f"INCOMPATIBLE ({errors} breaking)"
        bump = self.pair.bump
        needs = "needs no version bump" if bump is Bump.NONE else f"needs a {bump} bump"
        return f"{verdict} in {mode} mode; {needs}"

    def label(self) -> str:
        """`version 1 (revision 0.1)`."""
        what = f"revision {self.revision}" if self.revision else "not a revision of this tree"
        return f"version {self.version} ({what})"

    def why(self, mode: Mode, checked: str) -> str | None:
        """Why the verdicts differ (None when they agree)."""
        if self.registry_ok == self.ours_ok:
            return None
        directions = "/".join(sorted(mode.directions))
        if self.ours_ok:
            rule = f" ({'; '.join(self.registry_messages)})" if self.registry_messages else ""
            return (
                f"the registry rejects revision {checked} although every event {self.label()} "
                f"accepts is still accepted ({directions} set inclusion holds): its keyword "
                f"rule{rule} is stricter than set inclusion here; the changes it may object to "
                "are listed as info findings"
            )
        return (
            f"the registry accepts revision {checked} although it breaks {directions}: the "
            "breaking findings name events one side accepts and the other rejects, which the "
            "registry's keyword rules do not catch"
        )

    def as_dict(self, mode: Mode, checked: str) -> dict[str, Any]:
        """The check as JSON-ready data (findings included)."""
        return {
            "version": self.version,
            "revision": self.revision,
            "registry": {"compatible": self.registry_ok, "messages": self.registry_messages},
            "vrp_contract": {
                "compatible": self.ours_ok,
                "bump": str(self.pair.bump),
                "findings": [f.to_dict() for f in self.findings],
            },
            "differ": self.why(mode, checked),
        }


@dataclass
class CheckReport:
    """The outcome of `registry check`."""

    subject: str
    revision: str
    level: str
    level_source: str
    """`subject` (the subject's own level) or `global` (the registry default)."""
    mode: Mode
    registered_as: int | None = None
    """The version that already holds this revision's bundle, if any."""
    checks: list[VersionCheck] = field(default_factory=list)

    @property
    def registry_ok(self) -> bool:
        """The registry would accept the revision."""
        return all(c.registry_ok for c in self.checks)

    @property
    def ours_ok(self) -> bool:
        """`vrp_contract.compat` finds nothing breaking."""
        return all(c.ours_ok for c in self.checks)

    @property
    def failed(self) -> bool:
        """Either side rejects the revision."""
        return not (self.registry_ok and self.ours_ok)

    def as_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data."""
        return {
            "subject": self.subject,
            "revision": self.revision,
            "compatibility": self.level,
            "compatibility_source": self.level_source,
            "mode": str(self.mode),
            "registered_as": self.registered_as,
            "registry_compatible": self.registry_ok,
            "vrp_contract_compatible": self.ours_ok,
            "versions": [c.as_dict(self.mode, self.revision) for c in self.checks],
        }

    def verdict(self) -> str:
        """The closing line."""
        if self.registered_as is not None:
            return (
                f"OK: revision {self.revision} is already registered as {self.subject} "
                f"version {self.registered_as}; nothing to check."
            )
        if not self.checks:
            return (
                f"OK: subject {self.subject} has no version yet; the registry accepts any first "
                f"schema, so revision {self.revision} would be registered as version 1."
            )
        theirs = "would accept" if self.registry_ok else "would REJECT"
        ours = "compatible" if self.ours_ok else "INCOMPATIBLE"
        agree = "agree" if self.registry_ok == self.ours_ok else "DISAGREE"
        head = "FAILED" if self.failed else "OK"
        return (
            f"{head}: the registry {theirs} revision {self.revision} under {self.level}; "
            f"vrp-contract finds it {ours} in {self.mode} mode (the two {agree})."
        )


def _which(doc: dict[str, Any], bundles: dict[str, dict[str, Any]]) -> str | None:
    return next((name for name, bundle in bundles.items() if bundle == doc), None)


def _ours(old: dict[str, Any], new: Revision, mode: Mode, old_label: str) -> PairReport:
    """Compare the registered document with the revision's bundle through the public API.

    Raises `InputError` (one line, naming the version) when a side cannot be compared.
    """
    new_label = f"bundle-v{new.name}.json"
    with tempfile.TemporaryDirectory(prefix="vrp-registry-") as tmp:
        old_path, new_path = Path(tmp, "registered.json"), Path(tmp, new_label)
        old_path.write_text(json.dumps(old, indent=2, ensure_ascii=False), "utf-8")
        new_path.write_text(json.dumps(new.bundle(), indent=2, ensure_ascii=False), "utf-8")
        relabel = {str(old_path): old_label, str(new_path): new_label}
        try:
            pair = compare(str(old_path), str(new_path), mode).pairs[0]
        except InputError as exc:  # e.g. a version registered by hand with a remote $ref
            text = str(exc)
            for path, label in relabel.items():
                text = text.replace(path, label)
            raise InputError(
                f"compat cannot compare {old_label} with {new_label}: {text}"
            ) from None
    findings = []
    for f in pair.findings:
        context = dict(f.context)
        if "old_source" in context:
            context["old_source"] = relabel.get(context["old_source"], context["old_source"])
        findings.append(replace(f, source=relabel.get(f.source or "", f.source), context=context))
    return replace(pair, old=old_label, new=new_label, findings=findings)


def check(
    client: RegistryClient,
    subject: str,
    revision: Revision,
    known: Sequence[Revision] = (),
) -> CheckReport:
    """Ask the registry and `vrp_contract.compat` whether `revision` may follow `subject`.

    A transitive level is checked against every registered version, any other level against
    the latest; `known` (the tree's revisions) names the revision each version holds.
    """
    subject_level = client.compatibility(subject)
    level = subject_level or client.global_compatibility()
    mode = mode_of_level(level)
    report = CheckReport(
        subject, revision.name, level, "subject" if subject_level else "global", mode
    )
    versions = client.versions(subject)
    if not versions:
        return report
    text = schema_text(revision)
    hit = client.lookup(subject, text)
    if hit is not None and isinstance(hit.get("version"), int):
        report.registered_as = hit["version"]
        return report
    targets = versions if level.endswith("_TRANSITIVE") else versions[-1:]
    bundles = {r.name: r.bundle() for r in known}
    for version in targets:
        doc = client.schema(subject, version)
        ok, messages = client.is_compatible(subject, text, version)
        if not ok and not messages:
            messages = client.explain(subject, text)
        pair = _ours(doc, revision, mode, f"{subject}@v{version}")
        report.checks.append(VersionCheck(version, _which(doc, bundles), ok, messages, pair))
    return report
