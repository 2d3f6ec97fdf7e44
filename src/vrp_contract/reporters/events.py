"""AUDIT_EVENTs: every violation as a contract event, as the contract requires."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from vrp_contract.reporters.base import Reporter, json_line

if TYPE_CHECKING:
    from collections.abc import Mapping

    from vrp_contract.findings import Finding

__all__ = ["CONFORMANCE_INVARIANT", "EventsReporter", "audit_event"]

CONFORMANCE_INVARIANT = "event.conforms"
"""The catalog invariant that schema and input findings (`schema.*`, `input.*`) violate."""

VALIDATOR_NODE = "vrp-contract"


class EventsReporter(Reporter):
    """`--format events`: each finding as an AUDIT_EVENT envelope, one JSON line each.

    See `audit_event` for what each field of the event means.
    """

    name: ClassVar[str] = "events"
    commands: ClassVar[frozenset[str]] = frozenset({"validate"})

    invariants: frozenset[str] = frozenset()
    """The revision's invariant ids, learnt at `start`, to map rule ids onto them."""
    audit_type: str = ""
    """The event type the revision's behaviour reports findings with (its `audit` role)."""

    def start(self, meta: Mapping[str, Any]) -> None:
        """Learn the invariant ids and the audit event type of the revision."""
        super().start(meta)
        self.invariants = frozenset(meta.get("invariants", ()))
        self.audit_type = str(meta["audit_type"])

    def write(self, finding: Finding) -> None:
        """Write the AUDIT_EVENT for one finding."""
        self.out.write(json_line(audit_event(finding, self.invariants, self.audit_type)))


def audit_event(
    finding: Finding, invariants: frozenset[str], audit_type: str, node: str = VALIDATOR_NODE
) -> dict[str, Any]:
    """The audit event (a contract event, as JSON-ready data) that reports `finding`.

    `audit_type` is the event type of the revision's `audit` role (`Behaviour.audit`).

    One definition for every writer of the audit stream (`--format events`, the Flink job), so
    the same input gives the same audit stream, byte for byte, whichever engine ran:

    - `session_id`: the session the finding is about (the offending event's `session_id`); a
      finding about a line that belongs to no session (not JSON, no `session_id`) is about the
      input itself: `<node>:<source>`.
    - `ts_ms`: the offending event's own `ts_ms` when it is a valid timestamp, so the audit
      stream merges back into the input by time, each audit beside the event it reports; an
      event without a usable `ts_ms` has no time, and its audit says 0 (never the wall clock:
      re-running a check must give the same events). `details.source` and `details.line` place
      every audit exactly.
    - `reason_code`: the rule id; `details.invariant`: the catalog invariant the rule enforces
      (`event.conforms` for input, schema and engine rules).
    """
    invariant = finding.rule if finding.rule in invariants else CONFORMANCE_INVARIANT
    details: dict[str, Any] = {
        "invariant": invariant,
        "outcome": "violated",
        "rule": finding.rule,
        "severity": str(finding.severity),
        "message": finding.message,
        "pointer": finding.pointer,
    }
    if finding.source is not None:
        details["source"] = finding.source
    if finding.line is not None:
        details["line"] = finding.line
    ts = finding.context.get("ts_ms")
    valid_ts = isinstance(ts, int) and not isinstance(ts, bool) and 0 <= ts < 2**63
    return {
        "ts_ms": ts if valid_ts else 0,
        "event_type": audit_type,
        "session_id": finding.session_id or f"{node}:{finding.source or '-'}",
        "node_id": node,
        "reason_code": finding.rule,
        "details": details,
    }
