"""Reference pages of one revision: overview, envelope and one page per event type."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from vrp_site import links
from vrp_site.examples import Vector, render_invalid, render_valid, vectors
from vrp_site.md import code, json_block, table
from vrp_site.schema_text import fields, fields_table, resolve

if TYPE_CHECKING:
    from vrp_contract.revisions import Revision

__all__ = ["envelope_page", "event_page", "events_index_page", "revision_page"]

JSON = dict[str, Any]


def _title(revision: Revision) -> str:
    label = revision.manifest.get("label", f"v{revision.name}")
    return f"v{revision.name} ({label})" if label != f"v{revision.name}" else label


def revision_page(revision: Revision) -> str:
    """The overview of a revision: manifest, pages, event types and the default policy."""
    man = revision.manifest
    out = [
        f"# Revision {_title(revision)}\n",
        table(
            ["Revision", "Label", "Status", "Released", "Source"],
            [
                [
                    code(revision.name),
                    code(man.get("label", "")),
                    str(man.get("status", "")),
                    str(man.get("released", "—")),
                    str(man.get("source", "")),
                ]
            ],
        ),
        "\n## Pages\n",
        (
            "- [Envelope](envelope.md): the fields every event carries.\n"
            "- [Event types](events/index.md): one page per event type, with examples.\n"
            "- [State model](state-machine.md): the session states and allowed transitions.\n"
            "- [Invariants](invariants.md): what consumers may assume, and how it is checked.\n"
            "- [Downloads](downloads.md): the raw and bundled schema files.\n"
        ),
        "\n## Event types\n",
        _events_table(revision, "events/"),
    ]
    policy = revision.schema_file("policy.schema.json")
    rows = fields(revision, policy, policy["$id"])
    defaults = revision.default_policy
    out += [
        "\n## Default recovery policy\n",
        f"{policy.get('description', '')}\n\n",
        table(
            ["Key", "Default", "Description"],
            [
                [code(f.name), code(defaults.get(f.name, "—")), f.schema.get("description", "")]
                for f in rows
            ],
        ),
    ]
    return "\n".join(out)


def _events_table(revision: Revision, base: str) -> str:
    """The event types table; `base` leads from the page to the `events/` folder."""
    rows = [
        [
            f"[{code(name)}]({base}{links.event_page(name).removeprefix('events/')})",
            code(schema.get("title", "")),
            str(schema.get("description", "")),
        ]
        for name, schema in revision.variants.items()
    ]
    return table(["Event type", "Schema", "Purpose"], rows)


def events_index_page(revision: Revision) -> str:
    """The list of event types of a revision (the section index)."""
    union = revision.event_schema.get("description", "")
    return f"# Event types of {_title(revision)}\n\n{union}\n\n" + _events_table(revision, "")


def _by_type(revision: Revision, kind: str) -> dict[str | None, list[Vector]]:
    known = set(revision.event_types)
    out: dict[str | None, list[Vector]] = {}
    for vector in vectors(revision, kind):
        key = vector.event_type if vector.event_type in known else None
        out.setdefault(key, []).append(vector)
    return out


def envelope_page(revision: Revision) -> str:
    """The envelope table, its example and the invalid examples with no known event type."""
    schema = revision.envelope_schema
    rows = fields(revision, schema, schema["$id"])
    closed = schema.get("additionalProperties") is False
    out = [
        f"# Envelope of {_title(revision)}\n",
        f"{schema.get('description', '')}\n",
        fields_table(rows, links.linker(revision, "")),
        "\nUnknown top-level keys are **rejected**.\n" if closed else "",
        (
            "Each event type narrows this envelope (for example by requiring `details`): see "
            "[Event types](events/index.md).\n"
        ),
        "\n## Example\n",
        *(json_block(e) for e in schema.get("examples", [])),
    ]
    invalid = _by_type(revision, "invalid").get(None, [])
    if invalid:
        out.append("\n## Invalid examples without a known event type\n")
        out += [render_invalid(revision, v) for v in invalid]
    return "\n".join(out)


def _details_section(revision: Revision, schema: JSON) -> str:
    raw = schema.get("properties", {}).get("details")
    if raw is None:
        return "This event type has no `details`.\n"
    details = resolve(revision, raw, schema["$id"])
    required = "details" in schema.get("required", [])
    status = "required" if required else "optional"
    out = [f"`details` is **{status}**. {details.get('description', '')}\n"]
    rows = fields(revision, details, schema["$id"])
    if rows:
        out.append(fields_table(rows, links.linker(revision, "../")))
        extra = details.get("additionalProperties", True) is not False
        out.append("\nOther keys are " + ("allowed.\n" if extra else "rejected.\n"))
    out.append('\n??? note "The `details` schema"\n')
    out.append("\n".join("    " + line for line in json_block(details).splitlines()) + "\n")
    return "\n".join(out)


def event_page(revision: Revision, event_type: str) -> str:
    """One event type: purpose, fields, `details` schema, examples valid and invalid."""
    schema = revision.variants[event_type]
    rel = next(r for r in revision.files() if schema["$id"].endswith("/" + r))
    out = [
        f"# {code(event_type)}\n",
        f"**Purpose:** {schema.get('description', '')}\n",
        (
            f"Schema {code(schema.get('title', ''))}, revision {_title(revision)} · "
            f"[download {code(rel)}](../../../{links.download_dir(revision)}/{rel})\n"
        ),
        "\n## Fields\n",
        fields_table(fields(revision, schema, schema["$id"]), links.linker(revision, "../")),
        "\n## Details\n",
        _details_section(revision, schema),
        "\n## Example\n",
        *(json_block(e) for e in schema.get("examples", [])),
    ]
    valid = _by_type(revision, "valid").get(event_type, [])
    invalid = _by_type(revision, "invalid").get(event_type, [])
    out.append("\n## Valid examples\n")
    out += [render_valid(v) for v in valid] or ["No example vectors for this event type yet.\n"]
    out.append("\n## Invalid examples\n")
    out += [render_invalid(revision, v) for v in invalid] or [
        "No invalid example vectors for this event type yet.\n"
    ]
    return "\n".join(out)
