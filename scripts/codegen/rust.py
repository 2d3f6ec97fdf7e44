"""Rust: a crate per revision, types from typify (`cargo typify`, version pinned in pins.py).

`generated/rust/v0_1/` (crate `vrp-event-v0_1`, library `vrp_event_v0_1`): `src/lib.rs` (typify
output), `tests/vectors.rs`, `known-gaps.json`, `Cargo.toml` and `Cargo.lock` (copied from
`scripts/codegen/templates/rust/Cargo.lock.in`, so `cargo test --locked` builds the same serde
everywhere; refresh it by hand with `cargo generate-lockfile` when the dependencies change).

Rust view of the schema (same instances valid): each `event_type` `const` is written as a one-value
`enum`, which typify turns into a one-variant enum so the untagged `VrpEvent` picks the right
variant; open objects that name keys get `additionalProperties: {}`, which typify turns into a
`#[serde(flatten)] extra` map (with `true` it drops the unnamed keys).
"""

from __future__ import annotations

import math
import re
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

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
from scripts.codegen.release import REPOSITORY, artifact_name, package_version
from scripts.codegen.tools import cargo_typify_ok

if TYPE_CHECKING:
    from vrp_contract.revisions import Revision

__all__ = ["NAME", "ROOTS", "generate", "tool_status"]

NAME = "rust"
ROOTS = ("generated/rust",)
TEMPLATES = Path(__file__).parent / "templates" / "rust"


def tool_status() -> str | None:
    """cargo-typify must be installed at the pinned version."""
    if not cargo_typify_ok():
        return f"cargo-typify {pins.CARGO_TYPIFY} is not installed: run `make setup-codegen`"
    return None


def _rust_view(revision: Revision) -> dict[str, Any]:
    view = codegen_view(revision)
    for schema in view["$defs"].values():
        props = schema.get("properties", {})
        tag = props.get("event_type")
        if tag is not None and "const" in tag:
            tag["enum"] = [tag.pop("const")]
        details = props.get("details")
        if details is not None and details.get("properties"):
            details["additionalProperties"] = {}
    return view


UNTAGGED = (
    "#[derive(:: serde :: Deserialize, :: serde :: Serialize, Clone, Debug)]\n"
    "#[serde(untagged)]\npub enum VrpEvent {"
)
PLAIN_DERIVE = "#[derive(:: serde :: Deserialize, :: serde :: Serialize, Clone, Debug)]"
EMPTY_MAP = (
    '    #[serde(default, skip_serializing_if = "::serde_json::Map::is_empty")]\n'
    "    pub details: ::serde_json::Map<::std::string::String, ::serde_json::Value>,"
)
OPTIONAL_MAP = (
    '    #[serde(default, skip_serializing_if = "::std::option::Option::is_none")]\n'
    "    pub details: ::std::option::Option<\n"
    "        ::serde_json::Map<::std::string::String, ::serde_json::Value>,\n    >,"
)


def _adapt(types: str) -> str:
    """Adapt typify output: a closed enum with PartialEq whose serde impls are the strict ones.

    The untagged `VrpEvent` loses its derives (strict `Deserialize`/`Serialize` follow in
    `_union`), every plain struct derives `PartialEq`, and optional open `details` become an
    `Option<Map>` so `details: {}` round-trips (typify drops an empty map).
    """
    for needle in (UNTAGGED, PLAIN_DERIVE, EMPTY_MAP):
        if needle not in types:
            msg = f"rust: typify output changed, {needle.splitlines()[0]!r} not found"
            raise GeneratorError(msg)
    types = types.replace(UNTAGGED, "#[derive(Clone, Debug, PartialEq)]\npub enum VrpEvent {")
    types = types.replace(PLAIN_DERIVE, PLAIN_DERIVE.replace("Debug)]", "Debug, PartialEq)]"))
    return types.replace(EMPTY_MAP, OPTIONAL_MAP)


INTEGER_NEWTYPE = re.compile(
    r"#\[derive\(:: serde :: Deserialize, (:: serde :: Serialize, Clone, Debug, PartialEq)\)\]\n"
    r"#\[serde\(transparent\)\]\npub struct (\w+)\(pub ([iu](?:8|16|32|64))\);\n"
)
BARE_INTEGER = re.compile(
    r"^\s+pub \w+: (?:::std::option::Option<)?[iu](?:8|16|32|64|128)\b", re.MULTILINE
)
WHOLE_NUMBER = """impl<'de> ::serde::Deserialize<'de> for {name} {{
    /// Any JSON number whose value is a whole number (`2000`, `2000.0`, `2e3`) from {low}
    /// to {high}, as JSON Schema's `integer` reads it.
    fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {{
        strict::whole_number(d, {low}, {high}).map(Self)
    }}
}}
"""
INT_RANGE = {f"i{b}": (-(2 ** (b - 1)), 2 ** (b - 1) - 1) for b in (8, 16, 32, 64)} | {
    f"u{b}": (0, 2**b - 1) for b in (8, 16, 32, 64)
}


def _whole_numbers(types: str, defs: dict[str, Any]) -> str:
    """Give each integer newtype (`Timestamp(pub i64)`) a `Deserialize` that reads any whole number.

    JSON Schema's `integer` is a value, not a spelling: `2000.0` and `2e3` are integers, which
    serde's derived `i64` reader refuses. Bounds are the schema's (`minimum`/`maximum`) within
    the Rust type's range. typify writes an integer either as such a newtype (a `$defs` entry)
    or as a bare field; a bare field has no reader here, so the generator stops on one.
    """
    bare = BARE_INTEGER.search(types)
    if bare is not None:
        msg = f"rust: a bare integer field {bare.group(0).strip()!r}: give it a whole-number reader"
        raise GeneratorError(msg)

    def replace(match: re.Match[str]) -> str:
        derives, name, rust = match.groups()
        schema = defs.get(name, {})
        low, high = INT_RANGE[rust]
        low = max(low, math.ceil(schema.get("minimum", low)))
        high = min(high, math.floor(schema.get("maximum", high)))
        derive = f"#[derive({derives})]\n#[serde(transparent)]\npub struct {name}(pub {rust});\n"
        return derive + WHOLE_NUMBER.format(name=name, low=low, high=high)

    return INTEGER_NEWTYPE.sub(replace, types)


def _variant_struct(types: str, title: str) -> tuple[str, str]:
    """The derive line and the body (`pub struct ... {...}`) of one event struct (typify output)."""
    derive = PLAIN_DERIVE.replace("Debug)]", "Debug, PartialEq)]")  # as _adapt leaves it
    head = f"{derive}\n#[serde(deny_unknown_fields)]\npub struct {title} {{\n"
    start = types.find(head)
    end = types.find("\n}\n", start)
    if start < 0 or end < 0:
        msg = f"rust: typify output changed, the struct {title} was not found"
        raise GeneratorError(msg)
    return derive, types[start + len(derive) + 1 : end + 2]


def _strict_structs(types: str, titles: list[str]) -> tuple[str, str]:
    """Take serde's derived `Deserialize` off each event struct; return (types, unchecked module).

    The derived field-by-field deserializer moves to a private twin (`#[serde(remote = ...)]`,
    same fields, same attributes) in `mod unchecked`; the struct's own `Deserialize` (from
    union.rs) runs the check plan first, so `serde_json::from_str::<PathSelected>` is strict.
    """
    twins = []
    for title in titles:
        derive, body = _variant_struct(types, title)
        plain = derive.replace(":: serde :: Deserialize, ", "")
        types = types.replace(f"{derive}\n{body}", f"{plain}\n{body}", 1)
        body = body.replace(
            "#[serde(deny_unknown_fields)]\npub struct",
            f'#[serde(remote = "super::{title}", deny_unknown_fields)]\npub(super) struct',
        )
        twin = f"#[derive(::serde::Deserialize)]\n#[allow(dead_code)]\n{body}"
        twins.append(
            "".join(
                f"    {line}" if line.strip() else line for line in twin.splitlines(keepends=True)
            )
        )
    unchecked = (
        "/// The field-by-field serde readers of the event structs, run only on values the check\n"
        "/// plan accepted (each struct's own `Deserialize` checks first).\n"
        "mod unchecked {\n    use super::*;\n\n" + "\n".join(twins) + "}\n"
    )
    return types, unchecked


def _union(revision: Revision) -> str:
    variants = [(schema["title"], tag) for tag, schema in revision.variants.items()]
    names = "\n".join(f'            VrpEvent::{t}(_) => "{tag}",' for t, tag in variants)
    typed = "\n".join(
        f'        "{tag}" => unchecked::{t}::deserialize(value).map(VrpEvent::{t}),'
        for t, tag in variants
    )
    serialize = "\n".join(f"            VrpEvent::{t}(e) => e.serialize(s)," for t, _ in variants)
    template = (TEMPLATES / "variant.rs").read_text("utf-8")
    structs = "".join(
        template.replace("@@TYPE@@", t).replace("@@TAG@@", tag) for t, tag in variants
    )
    return (
        (TEMPLATES / "union.rs")
        .read_text("utf-8")
        .replace("@@NAMES@@", names)
        .replace("@@TYPED@@", typed)
        .replace("@@SERIALIZE@@", serialize)
        .replace("@@VARIANTS@@", structs)
    )


def _concrete_reads(revision: Revision, lib: str) -> str:
    """The match arms of the crate test that reads each event struct alone (tests/vectors.rs)."""
    arms = []
    for tag, schema in revision.variants.items():
        t = f"{lib}::{schema['title']}"
        arms.append(
            f'        "{tag}" => (\n'
            f"            serde_json::from_str::<{t}>(text).map(VrpEvent::from)"
            ".map_err(|e| e.to_string()),\n"
            f"            {t}::decode(text.as_bytes()).map(VrpEvent::from),\n"
            "        ),"
        )
    return "\n".join(arms)


def generate(revision: Revision, out: Path) -> None:
    """Write the crate of one revision."""
    rev_id = module_suffix(revision)
    crate = artifact_name(revision)
    lib = crate.replace("-", "_")
    base = f"generated/rust/{rev_id}"
    slash = "\n".join("// " + line for line in header_lines(revision))
    hashes = "\n".join("# " + line for line in header_lines(revision))
    view = _rust_view(revision)
    with tempfile.TemporaryDirectory(prefix="vrp-codegen-rs-") as tmp:
        (Path(tmp) / "schema.json").write_text(dump_json(view), "utf-8")
        run_tool(["cargo", "typify", "--no-builder", "-o", "lib.rs", "schema.json"], cwd=Path(tmp))
        types = _adapt((Path(tmp) / "lib.rs").read_text("utf-8"))
    types = _whole_numbers(types, view["$defs"])
    titles = [schema["title"] for schema in revision.variants.values()]
    types, unchecked = _strict_structs(types, titles)
    doc = (
        f"//! VRP event contract revision {revision.name}: serde types (generated by typify), the\n"
        "//! closed `VrpEvent` enum, and the strict `decode` / `encode` (see `strict.rs`)."
    )
    write(out, f"{base}/src/lib.rs", f"{slash}\n{doc}\n\n{types}\n{_union(revision)}\n{unchecked}")
    strict = (TEMPLATES / "strict.rs").read_text("utf-8").replace("// @@HEADER@@", slash)
    write(out, f"{base}/src/strict.rs", strict)
    write(out, f"{base}/plan.json", plan_json(revision))
    write(out, f"{base}/vectors.json", vectors_text(revision))
    write(out, f"{base}/LICENSE", (REPO / "LICENSE").read_text("utf-8"))
    version = package_version(revision)
    write(
        out,
        f"{base}/Cargo.toml",
        f"{hashes}\n\n[package]\n"
        f'name = "{crate}"\nversion = "{version}"\nedition = "2021"\nrust-version = "1.70"\n'
        f'description = "Strict decoder, encoder and serde types of VRP event contract revision '
        f'{revision.name}."\n'
        'license = "Apache-2.0"\n'
        f'repository = "{REPOSITORY}"\n'
        f'homepage = "{REPOSITORY}"\n'
        f'documentation = "https://docs.rs/{crate}"\n'
        'keywords = ["vrp", "json-schema", "events", "contract"]\n'
        'categories = ["encoding", "parser-implementations"]\n'
        'include = ["src/**", "tests/**", "plan.json", "vectors.json", "known-gaps.json", '
        '"LICENSE", "Cargo.toml", "Cargo.lock"]\n\n'
        f'[package.metadata.vrp-contract]\nrevision = "{revision.name}"\n\n'
        f'[lib]\nname = "{lib}"\npath = "src/lib.rs"\n\n'
        '[dependencies]\nserde = { version = "1", features = ["derive"] }\n'
        # float_roundtrip: every decimal reads as its nearest f64, as in Python (serde_json's
        # default fast path may be one unit off in the last place)
        'serde_json = { version = "1", features = ["float_roundtrip"] }\n\n'
        "[features]\n"
        "# Numbers kept as written (serde_json's arbitrary_precision): integers past 64\n"
        "# bits, and 1e400 read as infinity (schema.type) as in the other languages. Off\n"
        "# by default: Cargo turns it on for serde_json in the whole build, and it changes\n"
        "# how other crates' numbers deserialize.\n"
        'exact-numbers = ["serde_json/arbitrary_precision"]\n',
    )
    lock = (TEMPLATES / "Cargo.lock.in").read_text("utf-8").replace("@@CRATE@@", crate)
    write(out, f"{base}/Cargo.lock", lock.replace("@@VERSION@@", version))  # Cargo.toml's
    test = (TEMPLATES / "vectors.rs").read_text("utf-8").replace("// @@HEADER@@", slash)
    test = test.replace("@@REV@@", revision.name).replace("@@LIB@@", lib)
    test = test.replace("@@CONCRETE@@", _concrete_reads(revision, lib)).replace(
        "@@TAGS@@", ", ".join(f'"{tag}"' for tag in revision.variants)
    )
    write(out, f"{base}/tests/vectors.rs", test)
    copy_gaps("rust", out, f"{base}/known-gaps.json")
