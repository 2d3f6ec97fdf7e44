"""Where generated pages live, and links between them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from vrp_site.md import code

if TYPE_CHECKING:
    from vrp_contract.revisions import Revision
    from vrp_site.schema_text import Linker

__all__ = [
    "download_dir",
    "event_page",
    "invariant_anchor",
    "linker",
    "rev_dir",
    "state_anchor",
]


def rev_dir(revision: Revision) -> str:
    """The folder of a revision's reference pages, e.g. `reference/v0.1`."""
    return f"reference/v{revision.name}"


def download_dir(revision: Revision) -> str:
    """The folder of a revision's downloadable schema files, e.g. `schema/v0.1`."""
    return f"schema/v{revision.name}"


def event_page(event_type: str) -> str:
    """The page of an event type, relative to the revision folder."""
    return f"events/{event_type.lower()}.md"


def state_anchor(state: str) -> str:
    """The anchor of a state on the state model page."""
    return "state-" + state.lower()


def invariant_anchor(invariant_id: str) -> str:
    """The anchor of an invariant on the invariant catalog page."""
    return "inv-" + invariant_id.replace(".", "-")


def linker(revision: Revision, prefix: str) -> Linker:
    """Return a linker for enum values; `prefix` leads from the page to the revision folder."""
    events = set(revision.event_types)
    states = {s["name"] for s in revision.state_machine["states"]}
    invariants = {i["id"] for i in revision.invariants}

    def link(value: str) -> str | None:
        if value in events:
            return f"[{code(value)}]({prefix}{event_page(value)})"
        if value in states:
            return f"[{code(value)}]({prefix}state-machine.md#{state_anchor(value)})"
        if value in invariants:
            return f"[{code(value)}]({prefix}invariants.md#{invariant_anchor(value)})"
        return None

    return link
