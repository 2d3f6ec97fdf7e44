"""Reference pages of one revision: the state model, the invariant catalog and the downloads."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from vrp_site import links
from vrp_site.md import code, table

if TYPE_CHECKING:
    from vrp_contract.revisions import Revision

__all__ = [
    "DATA_FILES",
    "downloads",
    "downloads_page",
    "invariants_page",
    "mermaid_state_diagram",
    "state_machine_page",
]

JSON = dict[str, Any]
# Data files of a revision besides the `*.schema.json` files, with what each holds.
DATA_FILES = {
    "revision.json": "the revision manifest: label, status, release date",
    "state-machine.json": "the state model: states, initial and terminal states, transitions",
    "invariants.json": "the invariant catalog",
    "policy.default.json": "the default recovery policy",
}
BUNDLE = "bundle/event.schema.json"


def mermaid_state_diagram(machine: JSON) -> str:
    """Return the state model as Mermaid `stateDiagram-v2` source."""
    lines = ["stateDiagram-v2", f"    [*] --> {machine['initial']}"]
    lines += [f"    {t['from']} --> {t['to']}" for t in machine["transitions"]]
    lines += [f"    {s} --> [*]" for s in machine.get("terminal", [])]
    recovery = machine.get("recovery_states", [])
    if recovery:
        lines.append("    classDef recovery fill:#fde68a,stroke:#b45309,color:#1f2937")
        lines.append(f"    class {', '.join(recovery)} recovery")
    return "\n".join(lines) + "\n"


def _roles(machine: JSON, state: str) -> list[str]:
    roles = []
    if state == machine["initial"]:
        roles.append("initial")
    if state in machine.get("terminal", []):
        roles.append("terminal")
    if state in machine.get("recovery_states", []):
        roles.append("recovery (bounded by the recovery policy)")
    if state in machine.get("binding_states", []):
        roles.append("binding (a PATH_SELECTED may bind a transport)")
    return roles


def state_machine_page(revision: Revision) -> str:
    """The state diagram, then each state with its transitions, then the transition table."""
    machine = revision.state_machine
    names = [s["name"] for s in machine["states"]]
    to = {n: [t["to"] for t in machine["transitions"] if t["from"] == n] for n in names}
    come = {n: [t["from"] for t in machine["transitions"] if t["to"] == n] for n in names}

    def state_links(items: list[str]) -> str:
        return ", ".join(f"[{code(s)}](#{links.state_anchor(s)})" for s in items) or "—"

    change = links.event_page("STATE_CHANGE")
    allowed = f"invariants.md#{links.invariant_anchor('transition.allowed')}"
    out = [
        f"# State model of revision {revision.name}\n",
        (
            "Every transition is an explicit, reason-coded "
            f"[{code('STATE_CHANGE')}]({change}) event whose `from_state -> to_state` pair is an "
            "arrow of this diagram; anything else is a violation of "
            f"[{code('transition.allowed')}]({allowed}). "
            "Recovery states are highlighted.\n"
        ),
        "```mermaid\n" + mermaid_state_diagram(machine) + "```\n",
        "## States\n",
    ]
    for state in machine["states"]:
        name = state["name"]
        roles = _roles(machine, name)
        out += [
            f"### {code(name)} {{ #{links.state_anchor(name)} }}\n",
            f"{state.get('description', '')}\n",
            *([f"*Role:* {'; '.join(roles)}.\n"] if roles else []),
            f"- Leads to: {state_links(to[name])}\n- Entered from: {state_links(come[name])}\n",
        ]
    out += [
        "## Transition table\n",
        "Rows are `from_state`, columns are `to_state`; ✓ marks an allowed transition.\n",
        table(
            ["from \\ to", *[code(n) for n in names]],
            [[code(a)] + ["✓" if b in to[a] else "" for b in names] for a in names],
        ),
    ]
    return "\n".join(out)


def invariants_page(revision: Revision) -> str:
    """The invariant catalog: a summary table, then every invariant in full."""
    entries = revision.invariants
    audit = links.event_page("AUDIT_EVENT")
    out = [
        f"# Invariants of revision {revision.name}\n",
        (
            "What consumers may assume about a stream. A producer that detects a violation "
            f"emits an [{code('AUDIT_EVENT')}]({audit}) naming the invariant id; "
            "`vrp-contract validate` checks every invariant whose check is `schema` or `stream`.\n"
        ),
        table(
            ["Id", "Severity", "Check", "Statement"],
            [
                [
                    f"[{code(e['id'])}](#{links.invariant_anchor(e['id'])})",
                    str(e.get("severity", "")),
                    str(e.get("check", "")),
                    str(e.get("statement", "")),
                ]
                for e in entries
            ],
        ),
    ]
    for e in entries:
        out += [
            f"## {code(e['id'])} {{ #{links.invariant_anchor(e['id'])} }}\n",
            f"{e.get('statement', '')}\n",
            (
                f"- **Severity:** {e.get('severity', '')}\n- **Check:** {e.get('check', '')}\n"
                f"- **How:** {e.get('how', '')}\n- **Source:** {e.get('source', '')}\n"
            ),
        ]
    return "\n".join(out)


def _dump(value: Any) -> bytes:  # noqa: ANN401 - any JSON value
    return (json.dumps(value, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def downloads(revision: Revision) -> dict[str, tuple[bytes, str]]:
    """Return relative path -> (file content, what it is) of every downloadable file."""
    out: dict[str, tuple[bytes, str]] = {
        BUNDLE: (_dump(revision.bundle()), "the event schema bundled into one self-contained file")
    }
    for rel in revision.files():
        schema = revision.schema_file(rel)
        out[rel] = (_dump(schema), str(schema.get("title", "")) + " schema")
    for rel, what in DATA_FILES.items():
        try:
            out[rel] = (_dump(revision.data_file(rel)), what)
        except FileNotFoundError:
            continue
    return out


def downloads_page(revision: Revision, files: dict[str, tuple[bytes, str]]) -> str:
    """The download links of a revision (files copied into the site under `schema/`)."""
    base = f"../../{links.download_dir(revision)}/"
    first = [BUNDLE]
    rest = sorted(k for k in files if k != BUNDLE)
    return "\n".join(
        [
            f"# Downloads of revision {revision.name}\n",
            (
                "The schema files of this revision, copied into the site at build time. "
                f"Validate against [{code(BUNDLE)}]({base}{BUNDLE}) when your tool cannot "
                "resolve `$ref`s across files; the raw files resolve relative to their `$id`.\n"
            ),
            table(
                ["File", "What", "Size"],
                [
                    [f"[{code(rel)}]({base}{rel})", files[rel][1], f"{len(files[rel][0]):,} bytes"]
                    for rel in first + rest
                ],
            ),
        ]
    )
