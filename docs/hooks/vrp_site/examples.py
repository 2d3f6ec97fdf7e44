"""Example vectors on the reference pages: valid events, invalid events and the error each gets.

The expected error comes from the vector file (`error.rule`, `error.pointer`); the message the
stream validator actually reports is shown too. When the validator fails on an example, the page
keeps the expected error and the hook logs a warning, so `mkdocs build --strict` fails instead of
publishing pages without the validator's messages.
"""

from __future__ import annotations

import html
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from vrp_contract.stream import validate_event
from vrp_site.md import code, json_block

if TYPE_CHECKING:
    from vrp_contract.revisions import Revision

__all__ = ["Vector", "render_invalid", "render_valid", "validator_messages", "vectors"]

log = logging.getLogger("mkdocs.hooks.vrp_site")
JSON = dict[str, Any]


@dataclass(frozen=True)
class Vector:
    """One example vector file of a revision."""

    name: str
    kind: str
    data: JSON

    @property
    def event(self) -> Any:  # noqa: ANN401 - an invalid example may be any JSON value
        """The example event."""
        return self.data.get("event")

    @property
    def event_type(self) -> str | None:
        """The `event_type` of the example, if it has a string one."""
        event = self.event
        value = event.get("event_type") if isinstance(event, dict) else None
        return value if isinstance(value, str) else None


def vectors(revision: Revision, kind: str) -> list[Vector]:
    """Return the `valid` or `invalid` vectors of a revision, sorted by name."""
    return [Vector(name, kind, data) for name, data in revision.examples(kind)]


def validator_messages(revision: Revision, event: Any) -> list[str] | None:  # noqa: ANN401
    """Return the validator's messages for `event`, or None when the validator fails on it."""
    try:
        findings = validate_event(event, revision=revision)
        return [f"{code(f.rule)}: {_plain(f.message)}" for f in findings]
    except Exception as exc:  # noqa: BLE001 - reported as a warning: --strict fails, serve goes on
        log.warning("vrp_site: validate_event failed on an example (%r); expected error only", exc)
        return None


def _plain(text: str) -> str:
    """Escape a message for Markdown so it renders verbatim."""
    text = html.escape(text, quote=False)
    for char in "\\`*_[]":
        text = text.replace(char, "\\" + char)
    return text


def render_valid(vector: Vector) -> str:
    """Return the Markdown of one valid example."""
    text = str(vector.data.get("description", ""))
    head = f"### {code(vector.name)} {{ #valid-{vector.name} }}\n"
    return f"{head}\n{text}\n\n{json_block(vector.event)}\n"


def render_invalid(revision: Revision, vector: Vector) -> str:
    """Return the Markdown of one invalid example with the error it gets."""
    text = str(vector.data.get("description", ""))
    error: JSON = vector.data.get("error", {})
    rule, pointer = code(error.get("rule", "?")), code(error.get("pointer") or "/")
    out = [
        f"### {code(vector.name)} {{ #invalid-{vector.name} }}\n",
        f"{text}\n",
        json_block(vector.event),
        f"**Rejected:** rule {rule} at {pointer}\n",
    ]
    messages = validator_messages(revision, vector.event)
    if messages:
        out.append('!!! failure "What `vrp-contract validate` reports"\n')
        out.extend(f"    - {m}\n" for m in messages)
    return "\n".join(out) + "\n"
