"""Go: a module per revision, types from go-jsonschema (omissis/go-jsonschema, pinned in pins.py).

`generated/go/v0_1/` (module `vrp.dev/contract/go/v0_1`, package `vrpevent`):
- `types.go`: go-jsonschema output: decoding enforces required keys, enums, `const` tags, minLength
  and the timestamp minimum;
- `union.go`: from this file: the `Event` interface over the event types, `Decode` (dispatch on
  `event_type`, closed envelope: unknown top-level keys rejected) and `Encode`, and `MarshalJSON`
  for details structs so their open keys (`AdditionalProperties`) are written back inline;
- `vectors_test.go`: the shared vectors; `known-gaps.json`; `go.mod`/`go.sum` (via `go mod tidy`).

Go view of the schema: the timestamp's `maximum` (2^63-1) is dropped: go-jsonschema renders it
through a float64 and gets it wrong, and Go's 64-bit `int` already stops there (encoding/json
rejects 2^63 with an overflow error); `union.go` asserts at compile time that the type is 64-bit.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scripts.codegen import pins
from scripts.codegen.common import (
    GeneratorError,
    codegen_view,
    dump_json,
    header_lines,
    module_suffix,
    run_tool,
    write,
)
from scripts.codegen.gaps import copy_gaps
from scripts.codegen.tools import go_jsonschema_path

if TYPE_CHECKING:
    from vrp_contract.revisions import Revision

__all__ = ["NAME", "ROOTS", "generate", "tool_status"]

NAME = "go"
ROOTS = ("generated/go",)
TEMPLATES = Path(__file__).parent / "templates" / "go"
MAPSTRUCTURE = "github.com/go-viper/mapstructure/v2 v2.5.0"  # imported by go-jsonschema's output
GO_DIRECTIVE = "1.22"


def tool_status() -> str | None:
    """go-jsonschema must be installed at the pinned version."""
    if go_jsonschema_path() is None:
        return (
            f"{pins.GO_JSONSCHEMA_MODULE}@{pins.GO_JSONSCHEMA_VERSION} is not installed "
            "(needs go): run `make setup-codegen`"
        )
    return None


def _go_view(revision: Revision) -> dict[str, object]:
    view = codegen_view(revision)
    defs = view["$defs"]
    defs["Timestamp"].pop("maximum", None)
    return view


def _admits_null(schema: dict[str, Any], defs: dict[str, Any]) -> bool:
    """True when a property schema (following one local `$ref`) accepts JSON null."""
    ref = schema.get("$ref", "")
    if ref.startswith("#/$defs/"):
        schema = defs[ref.removeprefix("#/$defs/")]
    kind = schema.get("type")
    if kind is None:
        return ("const" not in schema and "enum" not in schema) or None in schema.get("enum", [])
    return kind == "null" or (isinstance(kind, list) and "null" in kind)


def _union(revision: Revision, types_go: str, slash: str) -> str:
    variants = [(schema["title"], tag) for tag, schema in revision.variants.items()]
    allowed = {
        schema["title"]: sorted(schema.get("properties", {}))
        for schema in revision.variants.values()
    }
    defs = revision.bundle()["$defs"]
    nullable = {
        title: sorted(
            key
            for key, prop in defs[title].get("properties", {}).items()
            if _admits_null(prop, defs)
        )
        for title, _ in variants
    }
    open_structs = re.findall(
        r"^type (\w+) struct \{[^}]*?\n\s*AdditionalProperties interface\{\}",
        types_go,
        re.MULTILINE,
    )
    lines = [
        slash,
        "",
        "package vrpevent",
        "",
        "import (",
        '\t"bytes"',
        '\t"encoding/json"',
        '\t"fmt"',
        '\t"unsafe"',
        ")",
        "",
        "// Timestamp must be 64 bits wide: this fails to compile where int is 32 bits.",
        "var _ [unsafe.Sizeof(Timestamp(0)) - 8]struct{}",
        "",
        "// Event is one event of this revision: one of the event type structs.",
        "type Event interface {",
        "\t// EventTypeName is the `event_type` discriminator of the event.",
        "\tEventTypeName() string",
        "}",
        "",
    ]
    for title, tag in variants:
        lines += [
            f"// EventTypeName returns {tag!r}.".replace("'", '"'),
            f'func ({title}) EventTypeName() string {{ return "{tag}" }}',
            "",
        ]
    lines += [
        "// closedKeys lists the top-level keys each event type allows (its schema is closed).",
        "var closedKeys = map[string]map[string]bool{",
    ]
    for title, tag in variants:
        keys = ", ".join(f'"{k}": true' for k in allowed[title])
        lines.append(f'\t"{tag}": {{{keys}}},')
    lines += [
        "}",
        "",
        "// nullableKeys lists the top-level keys whose schema admits `null`; for every other",
        "// key a JSON null is an error rather than an absent key.",
        "var nullableKeys = map[string]map[string]bool{",
    ]
    for title, tag in variants:
        keys = ", ".join(f'"{k}": true' for k in nullable[title])
        lines.append(f'\t"{tag}": {{{keys}}},')
    lines += [
        "}",
        "",
        "// Decode reads one JSON event into its event type struct, dispatching on `event_type`.",
        "// It rejects unknown event types, unknown top-level keys, missing required keys, values",
        "// of the wrong JSON type, values outside an enum, and the constraints types.go checks.",
        "func Decode(data []byte) (Event, error) {",
        "\tvar raw map[string]json.RawMessage",
        "\tif err := json.Unmarshal(data, &raw); err != nil {",
        "\t\treturn nil, err",
        "\t}",
        '\ttagRaw, ok := raw["event_type"]',
        "\tif !ok {",
        '\t\treturn nil, fmt.Errorf("field event_type: required")',
        "\t}",
        "\tvar tag string",
        "\tif err := json.Unmarshal(tagRaw, &tag); err != nil {",
        '\t\treturn nil, fmt.Errorf("field event_type: %w", err)',
        "\t}",
        "\tkeys, known := closedKeys[tag]",
        "\tif !known {",
        '\t\treturn nil, fmt.Errorf("field event_type: unknown event type %q", tag)',
        "\t}",
        "\tfor key, value := range raw {",
        "\t\tif !keys[key] {",
        '\t\t\treturn nil, fmt.Errorf("field %s: unknown key (the envelope is closed)", key)',
        "\t\t}",
        '\t\tif string(bytes.TrimSpace(value)) == "null" && !nullableKeys[tag][key] {',
        '\t\t\treturn nil, fmt.Errorf("field %s: null is not allowed (omit the key)", key)',
        "\t\t}",
        "\t}",
        "\tswitch tag {",
    ]
    for title, tag in variants:
        lines += [
            f'\tcase "{tag}":',
            f"\t\tvar event {title}",
            "\t\tif err := json.Unmarshal(data, &event); err != nil {",
            "\t\t\treturn nil, err",
            "\t\t}",
            "\t\treturn event, nil",
        ]
    lines += [
        "\t}",
        '\treturn nil, fmt.Errorf("field event_type: unknown event type %q", tag)',
        "}",
        "",
        "// Encode writes an event back to JSON (optional keys left unset are omitted).",
        "func Encode(event Event) ([]byte, error) {",
        "\treturn json.Marshal(event)",
        "}",
    ]
    for name in open_structs:
        lines += [
            "",
            f"// MarshalJSON writes the named keys of {name} and its open keys",
            "// (AdditionalProperties) side by side, as they were read.",
            f"func (j {name}) MarshalJSON() ([]byte, error) {{",
            f"\ttype Plain {name}",
            "\tnamed, err := json.Marshal(Plain(j))",
            "\tif err != nil {",
            "\t\treturn nil, err",
            "\t}",
            "\tout := map[string]interface{}{}",
            "\tif extra, ok := j.AdditionalProperties.(map[string]interface{}); ok {",
            "\t\tfor k, v := range extra {",
            "\t\t\tout[k] = v",
            "\t\t}",
            "\t}",
            "\tvar fields map[string]interface{}",
            "\tif err := json.Unmarshal(named, &fields); err != nil {",
            "\t\treturn nil, err",
            "\t}",
            '\tdelete(fields, "AdditionalProperties")',
            "\tfor k, v := range fields {",
            "\t\tout[k] = v",
            "\t}",
            "\treturn json.Marshal(out)",
            "}",
        ]
    return "\n".join(lines) + "\n"


def generate(revision: Revision, out: Path) -> None:
    """Write the Go module of one revision."""
    exe = go_jsonschema_path()
    if exe is None:  # pragma: no cover - tool_status ran first
        raise GeneratorError("go-jsonschema is missing")
    rev_id = module_suffix(revision)
    base = f"generated/go/{rev_id}"
    slash = "\n".join("// " + line for line in header_lines(revision))
    with tempfile.TemporaryDirectory(prefix="vrp-codegen-go-") as tmp:
        work = Path(tmp)
        (work / "schema.json").write_text(dump_json(_go_view(revision)), "utf-8")
        run_tool(
            [
                str(exe),
                *("-p", "vrpevent", "--struct-name-from-title", "--tags", "json"),
                *("-o", "types.go", "schema.json"),
            ],
            cwd=work,
        )
        types_go = (work / "types.go").read_text("utf-8")
        types_go = f"{slash}\n\n" + types_go  # keeps go-jsonschema's own "Code generated" line
        (work / "types.go").write_text(types_go, "utf-8")
        (work / "union.go").write_text(_union(revision, types_go, slash), "utf-8")
        test = (TEMPLATES / "vectors_test.go").read_text("utf-8").replace("// @@HEADER@@", slash)
        test = test.replace("@@REV@@", revision.name)
        test = test.replace("@@FIRST_TYPE@@", revision.event_types[0])
        (work / "vectors_test.go").write_text(test, "utf-8")
        (work / "go.mod").write_text(
            f"{slash}\n\nmodule vrp.dev/contract/go/{rev_id}\n\ngo {GO_DIRECTIVE}\n\n"
            f"require {MAPSTRUCTURE}\n",
            "utf-8",
        )
        (work / "schema.json").unlink()
        env = {"GOFLAGS": "-mod=mod", "GOTOOLCHAIN": "local"}
        run_tool(["gofmt", "-w", "union.go", "types.go"], cwd=work)
        run_tool(["go", "mod", "tidy"], cwd=work, env=env)
        for name in ("types.go", "union.go", "vectors_test.go", "go.mod", "go.sum"):
            write(out, f"{base}/{name}", (work / name).read_text("utf-8"))
    copy_gaps("go", out, f"{base}/known-gaps.json")
