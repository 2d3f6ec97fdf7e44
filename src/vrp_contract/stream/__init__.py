"""The stream validator: every event against the schema, every session against the invariants."""

from __future__ import annotations

from vrp_contract.stream.fold import Behaviour, Fold, Session
from vrp_contract.stream.policy import Policy, PolicyError, load_policy
from vrp_contract.stream.reader import InputError, Source, open_sources
from vrp_contract.stream.rules import RULE_IDS
from vrp_contract.stream.validator import StreamSummary, StreamValidator, validate_event

__all__ = [
    "RULE_IDS",
    "Behaviour",
    "Fold",
    "InputError",
    "Policy",
    "PolicyError",
    "Session",
    "Source",
    "StreamSummary",
    "StreamValidator",
    "load_policy",
    "open_sources",
    "validate_event",
]
