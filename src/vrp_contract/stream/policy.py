"""The recovery policy: the revision's default, overridden key by key by a policy file."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from vrp_contract.revisions import Revision

__all__ = ["Policy", "PolicyError", "load_policy"]


class PolicyError(ValueError):
    """A policy file that cannot be used; the message names the file and the field."""


@dataclass(frozen=True, slots=True)
class Policy:
    """Bounds on recovery (invariants recovery.bounded-time and recovery.bounded-attempts)."""

    max_recovery_ms: int
    max_recovery_attempts: int


class _RepeatedKeyError(ValueError):
    """A key given twice in one object: parsers disagree on which value wins."""


def _unique(pairs: list[tuple[str, object]]) -> dict[str, object]:
    out: dict[str, object] = {}
    for key, value in pairs:
        if key in out:
            raise _RepeatedKeyError(repr(key))
        out[key] = value
    return out


def _wording(error: Any) -> str:  # noqa: ANN401 - a jsonschema ValidationError (a slow import)
    """One policy-schema error as a sentence: an unknown key is named with the known ones."""
    known = error.schema.get("properties") if isinstance(error.schema, dict) else None
    if error.validator == "additionalProperties" and known and isinstance(error.instance, dict):
        unknown = sorted(k for k in error.instance if k not in known)
        if unknown:
            names = ", ".join(map(repr, unknown))
            return f"unknown key {names}; a policy file holds {', '.join(sorted(known))}"
    where = "/".join(map(str, error.absolute_path)) or "(top level)"
    return f"field {where}: {error.message}"


def load_policy(revision: Revision, path: str | None = None) -> Policy:
    """Return the revision's default policy, with the keys of the JSON file at `path` applied."""
    values = dict(revision.default_policy)
    if path is not None:
        try:
            with open(path, encoding="utf-8") as handle:  # noqa: PTH123 - str path from the CLI
                override = json.load(handle, object_pairs_hook=_unique)
        except OSError as exc:
            raise PolicyError(f"{path}: cannot read the policy file: {exc.strerror}") from None
        except _RepeatedKeyError as exc:
            msg = f"{path}: the key {exc} appears twice in one object; give it once"
            raise PolicyError(msg) from None
        except (ValueError, UnicodeDecodeError) as exc:
            raise PolicyError(f"{path}: the policy file is not valid JSON: {exc}") from None
        import jsonschema  # noqa: PLC0415 - only a policy file needs it (a slow import)

        schema = revision.schema_file("policy.schema.json")
        if isinstance(override, dict):
            override = {k: v for k, v in override.items() if k != "$schema"}
        error = jsonschema.exceptions.best_match(
            jsonschema.Draft202012Validator(schema).iter_errors(override)
        )
        if error is not None:
            raise PolicyError(f"{path}: {_wording(error)}")
        values.update(override)
    return Policy(int(values["max_recovery_ms"]), int(values["max_recovery_attempts"]))
