"""Typed events: a JSON object <-> the generated dataclasses of the latest revision.

`from_dict` validates against the revision's JSON Schema first (so every constraint holds, not only
what the types say), then builds the dataclass with the generated stdlib loader; `to_dict` is its
inverse. Keys the schema leaves open (`details`, and `extra` on details with named keys) survive a
round trip unchanged.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from vrp_contract.generated import v0_1
from vrp_contract.generated.v0_1 import DecodeError, VrpEvent
from vrp_contract.revisions import load_revision

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["REVISION", "DecodeError", "VrpEvent", "from_dict", "to_dict"]

REVISION = "0.1"
"""The revision whose generated module (`vrp_contract.generated.v0_1`) these functions use."""


@functools.cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(load_revision(REVISION).bundle())


def from_dict(data: Mapping[str, Any], *, validate: bool = True) -> VrpEvent:
    """Decode one parsed JSON event into its dataclass.

    Raises DecodeError (a ValueError) whose message starts with the JSON pointer of the problem.
    With `validate=False` only what the types enforce is checked (no minLength, minimum, maximum).
    """
    if validate:
        error = best_match(_validator().iter_errors(data))
        if error is not None:
            pointer = "".join(f"/{part}" for part in error.absolute_path)
            raise DecodeError(pointer, f"{error.validator}: {error.message}")
    return v0_1.from_dict(data)


def to_dict(event: VrpEvent) -> dict[str, Any]:
    """Encode an event to a JSON-ready dict (optional keys left unset are omitted)."""
    return v0_1.to_dict(event)
