"""The one catalog of rule ids: every finding the package can emit, with purpose and severity.

Four families feed it:

- `input.*`: a line that is not a usable event (defined here);
- `schema.*`: an event that breaks a JSON Schema keyword of its type's schema (defined here, one
  entry per 2020-12 assertion keyword);
- stream invariants: the revision's `invariants.json` entries with `check: stream` (id, statement,
  severity are contract data), each checked by one function of `vrp_contract.stream.rules`;
- compatibility and revision rules: registered by `vrp_contract.compat` (`@rule`, `declare`).

Severity is decided here and nowhere else: `severity()` for validation findings,
`compat_severity()` for compatibility findings. Validator, checker, reporters (SARIF rule
descriptions, GitHub annotations), docs and tests read this module.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from vrp_contract.findings import Severity
from vrp_contract.revisions import load_revision

if TYPE_CHECKING:
    from vrp_contract.revisions import Revision

__all__ = [
    "RuleInfo",
    "compat_severity",
    "get",
    "register",
    "rules",
    "severity",
]


@dataclass(frozen=True)
class RuleInfo:
    """One rule id: what it protects (one sentence), how bad a finding is, and its family.

    `applies_to` names the directions a compatibility rule can break (`backward`, `forward`);
    input, schema and stream rules apply to every event.
    """

    id: str
    purpose: str
    severity: Severity
    category: str
    applies_to: tuple[str, ...] = ()
    always: bool = False
    """A compatibility finding of this rule keeps its severity whatever the mode checks."""


_ERROR, _WARNING, _INFO = Severity.ERROR, Severity.WARNING, Severity.INFO

_INPUT = (
    RuleInfo("input.not-json", "Every line of a stream is one JSON value.", _ERROR, "input"),
    RuleInfo("input.not-utf8", "A stream is UTF-8 text any JSON parser reads.", _ERROR, "input"),
    RuleInfo("input.not-object", "Every line holds a JSON object: an event.", _ERROR, "input"),
    RuleInfo(
        "input.duplicate-key",
        "No object repeats a key: JSON parsers disagree on which value wins.",
        _ERROR,
        "input",
    ),
    RuleInfo(
        "input.line-too-long",
        "A line is at most --max-line-bytes long (64 MiB by default): a longer one is skipped "
        "unread, so no input can exhaust memory.",
        _ERROR,
        "input",
    ),
    RuleInfo(
        "input.blank-line",
        "JSON Lines holds one event per line; a blank line carries nothing.",
        _WARNING,
        "input",
    ),
)

_SCHEMA_SPECIAL = (
    RuleInfo(
        "schema.unknown-event-type",
        "An event's event_type is one the revision defines (tolerant readers skip unknown ones).",
        _ERROR,
        "schema",
    ),
    RuleInfo(
        "schema.required",
        "Every property the event type requires is present.",
        _ERROR,
        "schema",
    ),
    RuleInfo(
        "schema.additionalProperties",
        "An event holds only the properties its type defines; extensions belong in details.",
        _ERROR,
        "schema",
    ),
)

_ASSERTIONS = (
    "type", "enum", "const", "multipleOf", "maximum", "exclusiveMaximum", "minimum",
    "exclusiveMinimum", "maxLength", "minLength", "pattern", "format", "maxItems", "minItems",
    "uniqueItems", "maxContains", "minContains", "contains", "maxProperties", "minProperties",
    "dependentRequired", "dependentSchemas", "propertyNames", "patternProperties", "items",
    "prefixItems", "unevaluatedItems", "unevaluatedProperties", "allOf", "anyOf", "oneOf", "not",
    "if", "then", "else", "false", "$ref", "$dynamicRef",
)  # fmt: skip
"""The JSON Schema 2020-12 keywords whose failure a validation finding can name."""

_STATIC: dict[str, RuleInfo] = {
    r.id: r
    for r in (
        *_INPUT,
        *_SCHEMA_SPECIAL,
        *(
            RuleInfo(
                f"schema.{kw}",
                f"Every event satisfies the `{kw}` constraints of its event type's schema.",
                _ERROR,
                "schema",
            )
            for kw in _ASSERTIONS
            if f"schema.{kw}" not in {s.id for s in _SCHEMA_SPECIAL}
        ),
    )
}
_REGISTERED: dict[str, RuleInfo] = {}
_FAMILIES = ("vrp_contract.compat", "vrp_contract.vendor", "vrp_contract.flink.logic")
"""The modules that register the other rule families when imported (PyFlink not among them)."""


def _load_families() -> None:
    """Import every module that registers rules (only when asked: a validation run needs none).

    This also makes the Flink engine's rule ids known without importing the Flink job.
    """
    for module in _FAMILIES:
        importlib.import_module(module)


def register(info: RuleInfo) -> RuleInfo:
    """Add a rule from another family (compatibility and revision rules register here)."""
    if info.id in _STATIC or _REGISTERED.setdefault(info.id, info) != info:
        msg = f"rule id {info.id!r} is defined twice"
        raise ValueError(msg)
    return info


def _stream(revision: Revision) -> dict[str, RuleInfo]:
    return {
        inv["id"]: RuleInfo(inv["id"], inv["statement"], Severity(inv["severity"]), "stream")
        for inv in revision.invariants
        if inv.get("check") == "stream"
    }


def rules(revision: Revision | None = None) -> list[RuleInfo]:
    """Every rule id known: input, schema, the revision's stream rules, compatibility rules."""
    stream = _stream(revision or load_revision())
    _load_families()
    return [*_STATIC.values(), *stream.values(), *_REGISTERED.values()]


def get(rule_id: str, revision: Revision | None = None) -> RuleInfo:
    """Return the catalog entry of `rule_id` (KeyError when the package never emits it)."""
    found = _STATIC.get(rule_id) or _REGISTERED.get(rule_id)
    if found is not None:
        return found
    stream = _stream(revision or load_revision())
    if rule_id in stream:
        return stream[rule_id]
    _load_families()
    return _REGISTERED[rule_id]


def severity(rule_id: str, revision: Revision) -> Severity:
    """The severity of a validation finding of `rule_id` against `revision`."""
    return get(rule_id, revision).severity


def compat_severity(
    rule_id: str, *, breaks: bool, allow_unclassified: bool = False, declared_major: bool = False
) -> Severity:
    """The severity of a compatibility finding.

    A change that breaks a direction the mode checks has its rule's severity, any other change is
    information; `--allow-unclassified` turns an unclassified change into a warning; rules marked
    `always` (a released revision edited, an undersized bump) keep theirs whatever the mode;
    across a declared major bump a breaking change is a warning, except a revision rule's.
    """
    info = get(rule_id)
    if info.always:
        return info.severity
    if info.category == "unclassified" and allow_unclassified:
        return _WARNING
    level = info.severity if breaks else _INFO
    if declared_major and level is _ERROR and info.category != "revision":
        return _WARNING
    return level
