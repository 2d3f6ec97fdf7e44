"""The small value types of the compatibility checker: modes, directions, locations, changes."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import IntEnum, StrEnum
from typing import Any

from vrp_contract.vocabulary import escape

__all__ = [
    "BACKWARD",
    "BOTH",
    "FORWARD",
    "NONE",
    "Bump",
    "Change",
    "Loc",
    "Mode",
    "directions",
    "escape",
]

BACKWARD: tuple[str, ...] = ("backward",)
"""NEW rejects an instance OLD accepted: new readers cannot read old data."""
FORWARD: tuple[str, ...] = ("forward",)
"""NEW accepts an instance OLD rejected: old readers cannot read new data."""
BOTH: tuple[str, ...] = ("backward", "forward")
NONE: tuple[str, ...] = ()


def directions(*, narrowed: bool, widened: bool) -> tuple[str, ...]:
    """Return the directions a change breaks: narrowing breaks backward, widening forward."""
    return (("backward",) if narrowed else ()) + (("forward",) if widened else ())


class Mode(StrEnum):
    """Which set inclusion must hold between the instances OLD and NEW accept."""

    BACKWARD = "backward"
    FORWARD = "forward"
    FULL = "full"

    @property
    def directions(self) -> frozenset[str]:
        """The directions that fail a check in this mode."""
        if self is Mode.FULL:
            return frozenset(BOTH)
        return frozenset({self.value})


class Bump(IntEnum):
    """The version bump a change needs, ordered so that `max()` combines them."""

    NONE = 0
    PATCH = 1
    MINOR = 2
    MAJOR = 3

    def __str__(self) -> str:
        """Return the lower-case name (`major`, `minor`, `patch`, `none`)."""
        return self.name.lower()


@dataclass(frozen=True, slots=True)
class Loc:
    """Where a schema node lives: its file (relative to the input), pointer and base URI."""

    source: str
    pointer: str = ""
    base: str = ""

    def child(self, *keys: str | int) -> Loc:
        """Return the location of a descendant reached by `keys`."""
        suffix = "".join("/" + escape(str(k)) for k in keys)
        return Loc(self.source, self.pointer + suffix, self.base)


@dataclass(frozen=True, slots=True)
class Change:
    """One classified difference between OLD and NEW, before it becomes a `Finding`.

    `directions` are the compatibility directions the change breaks (empty: breaks nothing);
    `annotation` marks changes that only touch annotations (a patch bump at most).
    """

    rule: str
    directions: tuple[str, ...]
    message: str
    old: Loc
    new: Loc
    context: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    annotation: bool = False

    @property
    def key(self) -> tuple[str, str, str, str, str]:
        """Identity used to report a change once, however many paths reach it."""
        return (
            self.rule,
            self.old.source + "#" + self.old.pointer,
            self.new.source,
            self.new.pointer,
            self.message,
        )

    def without(self, direction: str) -> Change:
        """Return this change with `direction` removed (it was proven not to break)."""
        return replace(self, directions=tuple(d for d in self.directions if d != direction))

    def flipped(self) -> Change:
        """Return this change with backward and forward swapped (under a `not`)."""
        swap = {"backward": "forward", "forward": "backward"}
        return replace(self, directions=tuple(sorted(swap[d] for d in self.directions)))
