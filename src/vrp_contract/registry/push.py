"""Register the contract's revisions under one subject, in order, as self-contained bundles.

Idempotent: a revision whose bundle the subject already holds is not registered again (the
registry is asked first, so no new version appears), and the compatibility level is only set
when it differs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from vrp_contract.registry.errors import RegistryHTTPError

if TYPE_CHECKING:
    from collections.abc import Sequence

    from vrp_contract.registry.client import RegistryClient
    from vrp_contract.revisions import Revision

__all__ = ["PushResult", "PushStep", "push", "schema_text"]


def schema_text(revision: Revision) -> str:
    """The exact text registered for `revision`: its bundle as compact JSON (stable bytes)."""
    return json.dumps(revision.bundle(), ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True)
class PushStep:
    """What happened to one revision: `registered`, `unchanged` or `rejected`."""

    revision: str
    status: str
    version: int | None = None
    schema_id: int | None = None
    reason: str = ""

    def as_dict(self) -> dict[str, Any]:
        """The step as JSON-ready data."""
        out: dict[str, Any] = {"revision": self.revision, "status": self.status}
        if self.version is not None:
            out["version"] = self.version
        if self.schema_id is not None:
            out["id"] = self.schema_id
        if self.reason:
            out["reason"] = self.reason
        return out

    def text(self, subject: str) -> str:
        """One line of text."""
        if self.status == "rejected":
            return f"revision {self.revision}: REJECTED by the registry: {self.reason}"
        where = f"{subject} version {self.version} (schema id {self.schema_id})"
        if self.status == "unchanged":
            return f"revision {self.revision}: already registered as {where}"
        return f"revision {self.revision}: registered as {where}"


@dataclass
class PushResult:
    """The outcome of one push: the level set and one step per revision."""

    subject: str
    level: str
    previous_level: str | None
    steps: list[PushStep] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        """True when the registry rejected a revision."""
        return any(s.status == "rejected" for s in self.steps)

    def as_dict(self) -> dict[str, Any]:
        """The result as JSON-ready data."""
        return {
            "subject": self.subject,
            "compatibility": self.level,
            "previous_compatibility": self.previous_level,
            "revisions": [s.as_dict() for s in self.steps],
            "ok": not self.failed,
        }

    def text_lines(self) -> list[str]:
        """The result as lines of text."""
        if self.previous_level == self.level:
            lines = [f"subject {self.subject}: compatibility {self.level} (unchanged)"]
        else:
            was = self.previous_level or "the registry default"
            lines = [f"subject {self.subject}: compatibility set to {self.level} (was {was})"]
        lines += [s.text(self.subject) for s in self.steps]
        new = sum(1 for s in self.steps if s.status == "registered")
        same = sum(1 for s in self.steps if s.status == "unchanged")
        verdict = "FAILED" if self.failed else "OK"
        lines.append(f"{verdict}: {new} registered, {same} already registered.")
        return lines


def push(
    client: RegistryClient, subject: str, revisions: Sequence[Revision], level: str
) -> PushResult:
    """Set `subject`'s compatibility level, then register each revision not yet registered.

    Stops at the first revision the registry rejects (HTTP 409: incompatible under its level,
    or 422: a schema it cannot read), since later revisions must follow it in order.
    """
    previous = client.compatibility(subject)
    if previous != level:
        client.set_compatibility(subject, level)
    result = PushResult(subject, level, previous)
    for revision in revisions:
        text = schema_text(revision)
        known = client.lookup(subject, text)
        if known is not None:
            step = PushStep(revision.name, "unchanged", known.get("version"), known.get("id"))
            result.steps.append(step)
            continue
        try:
            schema_id = client.register(subject, text)
        except RegistryHTTPError as exc:
            if exc.status not in {409, 422}:
                raise
            why = "incompatible" if exc.status == 409 else "not a schema it accepts"
            reason = f"{why} under compatibility {level} ({exc})"
            result.steps.append(PushStep(revision.name, "rejected", reason=reason))
            break
        record = client.lookup(subject, text) or {}
        result.steps.append(PushStep(revision.name, "registered", record.get("version"), schema_id))
    return result
