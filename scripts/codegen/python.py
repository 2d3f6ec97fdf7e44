"""Python: dataclasses from datamodel-code-generator, plus the templated stdlib-only typed loader.

Each revision becomes one self-contained module, written twice with the same bytes:
`generated/python/vrp_event_v0_1.py` (to vendor as one file) and
`src/vrp_contract/generated/v0_1.py` (importable as `vrp_contract.generated.v0_1`).
"""

from __future__ import annotations

import json
import os
import re
import sys
import tempfile
from importlib import metadata
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
from scripts.codegen.plan import check_plan

if TYPE_CHECKING:
    from vrp_contract.revisions import Revision

__all__ = ["NAME", "ROOTS", "generate", "generate_package_init", "tool_status"]

NAME = "python"
ROOTS = ("generated/python", "src/vrp_contract/generated")
TEMPLATES = Path(__file__).parent / "templates" / "python"


def _codegen_exe() -> Path:
    return Path(sys.executable).parent / "datamodel-codegen"


def tool_status() -> str | None:
    """datamodel-code-generator must sit next to the running interpreter, at the pinned version."""
    try:
        found: str | None = metadata.version("datamodel-code-generator")
    except metadata.PackageNotFoundError:
        found = None
    if found != pins.DATAMODEL_CODE_GENERATOR or not _codegen_exe().exists():
        return (
            f"datamodel-code-generator=={pins.DATAMODEL_CODE_GENERATOR} is not installed next to "
            f"{sys.executable} (found {found}); run `make setup-python`"
        )
    return None


LIMITS = ("minLength", "maxLength", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")
"""The plan keywords the typed loader checks from `_LIMITS` (the types carry no length or range)."""


def _bound(value: Any) -> Any:  # noqa: ANN401 - an int, or a decimal text from the plan
    if isinstance(value, str):
        return int(value) if re.fullmatch(r"-?[0-9]+", value) else float(value)
    return value


def _collect(node: Any, ptr: str, out: dict[str, dict[str, Any]], where: str) -> None:  # noqa: ANN401
    for keyword, arg in node:
        if keyword in LIMITS:
            out.setdefault(ptr, {})[keyword] = _bound(arg)
        elif keyword == "properties":
            for name, sub in arg:
                _collect(sub, f"{ptr}/{name}", out, where)
        elif keyword in ("items", "additionalProperties") and arg is not False:
            inner: dict[str, dict[str, Any]] = {}
            _collect(arg, ptr, inner, where)
            if inner:
                msg = (
                    f"python: {where}{ptr} bounds the {keyword} of an object or array, which the "
                    "typed loader reads as Any and cannot check (scripts/codegen/python.py)"
                )
                raise GeneratorError(msg)


def limits(revision: Revision) -> dict[str, dict[str, dict[str, Any]]]:
    """Per event type, the lengths and ranges of its typed fields by JSON Pointer (the plan)."""
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for tag, node in check_plan(revision)["variants"].items():
        out[tag] = {}
        _collect(node, "", out[tag], tag)
    return out


def _module_text(revision: Revision) -> str:
    header = "\n".join("# " + line for line in header_lines(revision))
    with tempfile.TemporaryDirectory(prefix="vrp-codegen-py-") as tmp:
        src = Path(tmp) / "schema.json"
        src.write_text(dump_json(codegen_view(revision)), "utf-8")
        dst = Path(tmp) / "models.py"
        run_tool(
            [
                str(_codegen_exe()),
                *("--input", "schema.json", "--input-file-type", "jsonschema"),
                *("--output", "models.py"),
                *("--output-model-type", "dataclasses.dataclass"),
                *("--target-python-version", "3.11"),
                "--use-standard-collections",
                "--use-union-operator",
                *("--enum-field-as-literal", "one"),
                "--use-subclass-enum",
                "--use-title-as-name",
                "--keep-model-order",
                "--use-schema-description",
                "--use-field-description",
                "--use-double-quotes",
                "--disable-timestamp",
                *("--formatters", "ruff-format"),
                *("--custom-template-dir", str(TEMPLATES)),
                *("--additional-imports", "dataclasses.field"),
                *("--custom-file-header", header),
            ],
            cwd=Path(tmp),
            env={"PATH": str(_codegen_exe().parent) + os.pathsep + os.environ.get("PATH", "")},
        )
        models = dst.read_text("utf-8")
    table = "{\n"
    for tag, fields in limits(revision).items():
        table += f"    {json.dumps(tag)}: {{\n"
        for ptr, bounds in fields.items():
            table += f"        {json.dumps(ptr)}: {json.dumps(bounds, separators=(', ', ': '))},\n"
        table += "    },\n"
    table += "}"
    loader = (TEMPLATES / "loader.py.txt").read_text("utf-8").replace("@@LIMITS@@", table)
    return models.rstrip("\n") + "\n" + loader


def generate(revision: Revision, out: Path) -> None:
    """Write the module for one revision to both places."""
    text = _module_text(revision)
    suffix = module_suffix(revision)
    write(out, f"generated/python/vrp_event_{suffix}.py", text)
    write(out, f"src/vrp_contract/generated/{suffix}.py", text)
    copy_gaps("python", out, "generated/python/known-gaps.json")


def generate_package_init(revisions: list[Revision], out: Path) -> None:
    """Write `src/vrp_contract/generated/__init__.py` naming every revision module."""
    header = (
        "# Code generated by scripts/generate.py from schema/*/event.schema.json "
        "(one module per revision). DO NOT EDIT."
    )
    names = [module_suffix(r) for r in revisions]
    body = (
        f"{header}\n"
        '"""Generated dataclass bindings, one module per contract revision (`v0_1`, ...)."""\n\n'
        f"__all__ = {names!r}\n"
    ).replace("'", '"')
    write(out, "src/vrp_contract/generated/__init__.py", body)
