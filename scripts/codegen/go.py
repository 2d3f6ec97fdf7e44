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
from typing import TYPE_CHECKING

from scripts.codegen import pins
from scripts.codegen.common import (
    REPO,
    GeneratorError,
    codegen_view,
    dump_json,
    header_lines,
    module_suffix,
    run_tool,
    write,
)
from scripts.codegen.gaps import copy_gaps
from scripts.codegen.plan import plan_json, vectors_text
from scripts.codegen.tools import go_jsonschema_path

if TYPE_CHECKING:
    from vrp_contract.revisions import Revision

__all__ = ["NAME", "ROOTS", "generate", "module_path", "tool_status"]

NAME = "go"
ROOTS = ("generated/go",)
TEMPLATES = Path(__file__).parent / "templates" / "go"
MAPSTRUCTURE = "github.com/go-viper/mapstructure/v2 v2.5.0"  # imported by go-jsonschema's output
GO_DIRECTIVE = "1.24"  # `omitzero` (an empty details map is written back)
LICENSE = REPO / "LICENSE"


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


def _union(revision: Revision, types_go: str, slash: str) -> str:
    """union.go: the closed Event interface, its members, and the typed half of Decode."""
    variants = [(schema["title"], tag) for tag, schema in revision.variants.items()]
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
        '\t"encoding/json"',
        '\t"fmt"',
        '\t"unsafe"',
        ")",
        "",
        "// Timestamp must be 64 bits wide: this fails to compile where int is 32 bits.",
        "var _ [unsafe.Sizeof(Timestamp(0)) - 8]struct{}",
        "",
        "// Event is one event of this revision: one of the event type structs. The interface is",
        "// closed (an unexported method): no other type can be passed to Encode.",
        "type Event interface {",
        "\t// EventTypeName is the `event_type` discriminator of the event.",
        "\tEventTypeName() string",
        "\t// tagged returns the event with its `event_type` set from its type.",
        "\ttagged() Event",
        "}",
        "",
    ]
    for title, tag in variants:
        lines += [
            f'// EventTypeName returns "{tag}".',
            f'func ({title}) EventTypeName() string {{ return "{tag}" }}',
            "",
            f"func (e {title}) tagged() Event {{",
            f'\te.EventType = "{tag}"',
            "\treturn e",
            "}",
            "",
        ]
    lines += [
        "// decodeChecked builds the event type struct of an input the plan accepted. The plan",
        "// checked every field the structs read, so the readers cannot refuse it; should one",
        "// still do, the error is a *DecodeError like every error of Decode.",
        "func decodeChecked(data []byte) (Event, error) {",
        "\tevent, err := decodeStruct(data)",
        "\tif err != nil {",
        '\t\treturn nil, &DecodeError{"input.not-json", "", fmt.Sprintf(',
        '\t\t\t"The event cannot be read into its Go struct: %v.", err)}',
        "\t}",
        "\treturn event, nil",
        "}",
        "",
        "func decodeStruct(data []byte) (Event, error) {",
        "\tvar head struct {",
        '\t\tEventType string `json:"event_type"`',
        "\t}",
        "\tif err := json.Unmarshal(data, &head); err != nil {",
        "\t\treturn nil, err",
        "\t}",
        "\tswitch head.EventType {",
    ]
    for title, tag in variants:
        lines += [
            f'\tcase "{tag}":',
            f"\t\tvar event {title}",
            "\t\terr := event.unmarshalUnchecked(data)",
            "\t\treturn event, err",
        ]
    lines += [
        "\t}",
        '\treturn nil, fmt.Errorf("vrpevent: %q has no struct", head.EventType)',
        "}",
    ]
    for title, tag in variants:
        lines += [
            "",
            f"// UnmarshalJSON implements json.Unmarshaler strictly: json.Unmarshal into a {title}",
            "// gives the verdict of Decode (a *DecodeError), and refuses an event of another type",
            "// (schema.const at /event_type).",
            f"func (j *{title}) UnmarshalJSON(value []byte) error {{",
            f'\tif problem := firstProblemAs(value, "{tag}"); problem != nil {{',
            "\t\treturn problem",
            "\t}",
            "\treturn j.unmarshalUnchecked(value)",
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
            "\tswitch extra := j.AdditionalProperties.(type) {",
            "\tcase nil:",
            "\tcase map[string]interface{}:",
            "\t\tfor k, v := range extra {",
            "\t\t\tout[k] = v",
            "\t\t}",
            "\tdefault: // anything else would be dropped without a word",
            (
                f'\t\treturn nil, fmt.Errorf("{name}.AdditionalProperties is a %T; '
                'it must be a map[string]interface{} (or nil)", extra)'
            ),
            "\t}",
            "\tvar fields map[string]interface{}",
            "\tif err := unmarshalExact(named, &fields); err != nil { // numbers as written",
            "\t\treturn nil, err",
            "\t}",
            '\tdelete(fields, "AdditionalProperties")',
            "\tfor k, v := range fields {",
            "\t\tif _, twice := out[k]; twice { // one of the two values would be lost",
            (
                f'\t\t\treturn nil, fmt.Errorf("{name}.AdditionalProperties holds %q, '
                f'a named field of {name}: set the field instead", k)'
            ),
            "\t\t}",
            "\t\tout[k] = v",
            "\t}",
            "\treturn json.Marshal(out)",
            "}",
        ]
    return "\n".join(lines) + "\n"


def _unchecked_readers(types_go: str, titles: list[str]) -> str:
    """Rename go-jsonschema's `UnmarshalJSON` of each event struct to `unmarshalUnchecked`.

    union.go gives each event struct a strict `UnmarshalJSON` that runs the check plan first and
    then this reader (which checks required keys and the tag, and keeps numbers exact).
    """
    for title in titles:
        head = (
            "// UnmarshalJSON implements json.Unmarshaler.\n"
            f"func (j *{title}) UnmarshalJSON(value []byte) error {{"
        )
        if types_go.count(head) != 1:
            msg = f"go: go-jsonschema output changed, the UnmarshalJSON of {title} was not found"
            raise GeneratorError(msg)
        types_go = types_go.replace(
            head,
            "// unmarshalUnchecked is go-jsonschema's reader, run on input the plan accepted.\n"
            f"func (j *{title}) unmarshalUnchecked(value []byte) error {{",
        )
    return types_go


def _whole_integers(types_go: str) -> str:
    """Every integer type (`type X int`) reads a whole-number float (`2000.0`, `2e3`) as well.

    JSON Schema counts a number with a zero fractional part as an integer, and so does the plan;
    encoding/json refuses it for an `int`. `wholeNumber` (strict.go) reads either form.
    """
    for name in re.findall(r"^type (\w+) int$", types_go, re.MULTILINE):
        old = (
            f"\ttype Plain {name}\n\tvar plain Plain\n"
            "\tif err := unmarshalExact(value, &plain); err != nil {\n\t\treturn err\n\t}\n"
        )
        if types_go.count(old) != 1:
            msg = f"go: go-jsonschema output changed, the UnmarshalJSON of {name} was not found"
            raise GeneratorError(msg)
        types_go = types_go.replace(
            old,
            f"\ttype Plain {name}\n\twhole, err := wholeNumber(value)\n"
            "\tif err != nil {\n\t\treturn err\n\t}\n\tplain := Plain(whole)\n",
        )
    return types_go


def _keep_empty_maps(types_go: str) -> str:
    """An optional open `details` map: `omitzero` only, so `details: {}` is written back.

    (`omitempty` also drops an empty non-nil map; `omitzero`, Go 1.24+, drops only nil.)
    """
    maps = re.findall(r"^type (\w+) map\[string\]interface\{\}$", types_go, re.MULTILINE)
    for name in maps:
        types_go = re.sub(
            rf'(\w+ {name} `json:"\w+),omitempty,omitzero"`', r'\1,omitzero"`', types_go
        )
    return types_go


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
        titles = [schema["title"] for schema in revision.variants.values()]
        types_go = _keep_empty_maps((work / "types.go").read_text("utf-8"))
        types_go = _unchecked_readers(types_go, titles)
        # numbers inside open objects stay exact (json.Number), not float64
        types_go = types_go.replace("json.Unmarshal(", "unmarshalExact(")
        types_go = _whole_integers(types_go)
        code = [ln for ln in types_go.splitlines() if not ln.lstrip().startswith(("//", "import"))]
        if not any("json." in line for line in code):
            types_go = types_go.replace('import "encoding/json"\n', "")
        types_go = f"{slash}\n\n" + types_go  # keeps go-jsonschema's own "Code generated" line
        (work / "types.go").write_text(types_go, "utf-8")
        (work / "union.go").write_text(_union(revision, types_go, slash), "utf-8")
        structs = "\n".join(
            f'\t"{tag}": func() any {{ return new({schema["title"]}) }},'
            for tag, schema in revision.variants.items()
        )
        for name in ("vectors_test.go", "strict.go"):
            text = (TEMPLATES / name).read_text("utf-8").replace("// @@HEADER@@", slash)
            text = text.replace("// @@STRUCTS@@", structs)
            (work / name).write_text(text, "utf-8")
        (work / "plan.json").write_text(plan_json(revision), "utf-8")
        (work / "go.mod").write_text(
            f"{slash}\n\nmodule {module_path(revision)}\n\ngo {GO_DIRECTIVE}\n\n"
            f"require {MAPSTRUCTURE}\n",
            "utf-8",
        )
        (work / "schema.json").unlink()
        env = {"GOFLAGS": "-mod=mod", "GOTOOLCHAIN": "local"}
        run_tool(["gofmt", "-w", "union.go", "types.go", "strict.go", "vectors_test.go"], cwd=work)
        run_tool(["go", "mod", "tidy"], cwd=work, env=env)
        names = ("types.go", "union.go", "strict.go", "vectors_test.go", "plan.json", "go.mod")
        for name in (*names, "go.sum"):
            write(out, f"{base}/{name}", (work / name).read_text("utf-8"))
    write(out, f"{base}/vectors.json", vectors_text(revision))
    write(out, f"{base}/LICENSE", LICENSE.read_text("utf-8"))
    copy_gaps("go", out, f"{base}/known-gaps.json")


def module_path(revision: Revision) -> str:
    """The module path: `vrp.dev/contract/generated/go/v0_1` (a tag `generated/go/v0_1/vX.Y.Z`).

    `vrp.dev/contract` is the vanity prefix of the repository root (docs/languages/go.md shows
    the `go-import` meta tag), so the module path names the module's folder in the repository
    and `go get vrp.dev/contract/generated/go/v0_1@v0.1.1` resolves from that tag.
    """
    return f"vrp.dev/contract/generated/go/{module_suffix(revision)}"
