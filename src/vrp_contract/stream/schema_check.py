"""Check one event object against the event schema of a revision, with precise messages.

The union is checked by dispatching on `event_type` to the one variant it names, so an error
says "PATH_SELECTED requires details.path_id" instead of "not valid under any of the given
schemas". The verdict is the union's verdict: the variants' `event_type` constants are distinct.

Two engines implement it with the same findings: `FastChecker` (jsonschema-rs, what the
validator runs) and `ReferenceChecker` (python-jsonschema, the reference the differential tests
compare it with). Both report `Violation`s, which `explain` orders and words.
"""

from __future__ import annotations

import functools
import re
import sys
from typing import TYPE_CHECKING, Any

import jsonschema_rs

from vrp_contract.stream.explain import Violation, explain

if TYPE_CHECKING:
    import jsonschema

    from vrp_contract.revisions import Revision
    from vrp_contract.stream.types import Problem

__all__ = ["FastChecker", "ReferenceChecker", "SchemaChecker"]

JSON = dict[str, Any]
_Kind = jsonschema_rs.ValidationErrorKind
_REQUIRED = _Kind.Required
_UNEXPECTED = frozenset({_Kind.AdditionalProperties, _Kind.UnevaluatedProperties})


class _Checker:
    """What both engines share: the variants, their inlined schemas, dispatch and wording."""

    def __init__(self, revision: Revision) -> None:
        self.revision = revision
        self.schemas: dict[str, JSON] = {
            et: revision.inlined(schema) for et, schema in revision.variants.items()
        }
        self.envelope = revision.inlined(revision.envelope_schema)
        self.known = f"{revision.name} defines {', '.join(revision.event_types)}"
        self._memo: dict[Any, list[Problem]] = {}

    def problems(self, event: JSON, found: list[Violation] | None = None) -> list[Problem]:
        """Every schema problem of the event, in canonical order (empty: the event is valid).

        `found`: the event's violations when an engine found them already (the native engine
        does, for the lines it parsed); else this checker's engine finds them.
        """
        event_type = event.get("event_type")
        if event_type.__class__ is str and event_type in self.schemas:
            schema, subject = self.schemas[event_type], f"the {event_type} event"
            violations = self.violations(event, event_type) if found is None else found
        else:
            schema, subject = self.envelope, "the event"
            violations = self.violations(event, None) if found is None else found
        if not violations:
            return []
        return explain(
            violations, schema, event, subject=subject, known=self.known, memo=self._memo
        )

    def violations(self, event: JSON, event_type: str | None) -> list[Violation]:
        """The engine's violations of `event` against a variant (None: the envelope)."""
        raise NotImplementedError


class FastChecker(_Checker):
    """jsonschema-rs: the complete 2020-12 vocabulary compiled to native code.

    It checks parsed events (`problems`): `validate_event`, and the few lines the native line
    engine hands back unparsed (duplicate keys, integers past 64 bits); its validators are
    compiled on first use.
    """

    @functools.cached_property
    def _reference(self) -> ReferenceChecker:
        """python-jsonschema, for the events nested too deeply for jsonschema-rs to take."""
        return ReferenceChecker(self.revision)

    @functools.cached_property
    def _validators(self) -> tuple[dict[str, jsonschema_rs.Validator], jsonschema_rs.Validator]:
        """One validator per variant, and one for the envelope (unknown types)."""
        revision = self.revision
        registry = jsonschema_rs.Registry(
            [(s["$id"], s) for s in map(revision.schema_file, revision.files()) if "$id" in s]
        )

        def compile_(schema: JSON) -> jsonschema_rs.Validator:
            return jsonschema_rs.Draft202012Validator(schema, registry=registry, offline=True)

        variants = {et: compile_(schema) for et, schema in self.schemas.items()}
        return variants, compile_(self.envelope)

    def violations(self, event: JSON, event_type: str | None) -> list[Violation]:
        """The violations jsonschema-rs finds."""
        variants, envelope = self._validators
        validator = envelope if event_type is None else variants[event_type]
        # jsonschema-rs reads an integer through its decimal text: one of more than 4,300 digits
        # would silently count as valid under Python's default limit
        limit = sys.get_int_max_str_digits()
        sys.set_int_max_str_digits(0)
        try:
            errors = list(validator.iter_errors(event))
        except ValueError:  # nested deeper than jsonschema-rs reads a Python value: the reference
            return self._reference.violations(event, event_type)
        finally:
            sys.set_int_max_str_digits(limit)
        out = []
        for e in errors:
            kind = e.kind
            names: tuple[str, ...] = ()
            cls = kind.__class__
            if cls is _REQUIRED:
                names = (kind.property,)  # type: ignore[attr-defined]
            elif cls in _UNEXPECTED:
                names = tuple(kind.unexpected)  # type: ignore[attr-defined]
            out.append(Violation(kind.name, tuple(e.instance_path), tuple(e.schema_path), names))
        return out


class ReferenceChecker(_Checker):
    """python-jsonschema: the reference implementation of the specification."""

    def __init__(self, revision: Revision) -> None:
        """Compile one validator per variant and one for the envelope (unknown types)."""
        super().__init__(revision)
        import jsonschema  # noqa: PLC0415 - the reference only (a slow import)

        cls = jsonschema.Draft202012Validator
        self._cls = cls
        self._variants = {
            et: cls(schema, registry=revision.registry) for et, schema in self.schemas.items()
        }
        self._envelope = cls(self.envelope, registry=revision.registry)

    def violations(self, event: JSON, event_type: str | None) -> list[Violation]:
        """The violations python-jsonschema finds."""
        validator = self._envelope if event_type is None else self._variants[event_type]
        return [self._violation(e) for e in validator.iter_errors(event)]

    def _violation(self, e: jsonschema.ValidationError) -> Violation:
        keyword = "falseSchema" if e.validator is None else str(e.validator)
        inst: Any = e.instance
        names: tuple[str, ...] = ()
        if keyword == "required" and isinstance(inst, dict):
            names = tuple(
                name
                for name in e.validator_value  # type: ignore[union-attr]
                if name not in inst and e.message.startswith(repr(name))
            )[:1]
        elif keyword == "additionalProperties" and isinstance(inst, dict):
            schema: JSON = e.schema if isinstance(e.schema, dict) else {}
            props, patterns = schema.get("properties", {}), schema.get("patternProperties", {})
            names = tuple(
                k for k in inst if k not in props and not any(re.search(p, k) for p in patterns)
            )
        elif keyword == "unevaluatedProperties" and isinstance(inst, dict):
            names = self._unevaluated(e, inst)
        return Violation(keyword, tuple(e.absolute_path), tuple(e.absolute_schema_path), names)

    def _unevaluated(self, e: jsonschema.ValidationError, inst: JSON) -> tuple[str, ...]:
        from jsonschema._utils import (  # noqa: PLC0415 - the reference's own evaluation
            find_evaluated_property_keys_by_schema,
        )

        schema: JSON = e.schema  # type: ignore[assignment]
        validator = self._cls(schema, registry=self.revision.registry)
        evaluated = find_evaluated_property_keys_by_schema(validator, inst, schema)
        sub = schema["unevaluatedProperties"]
        check = self._cls(sub, registry=self.revision.registry).is_valid
        return tuple(k for k in inst if k not in evaluated and (sub is False or not check(inst[k])))


SchemaChecker = FastChecker
"""The checker the validator runs."""
