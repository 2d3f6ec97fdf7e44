"""A test-only future revision (0.2) that uses every keyword family revision 0.1 does not.

Built into a folder of the caller's choice (a temporary directory), never under `schema/`: it is
not part of the contract. It is revision 0.1 plus, on fields the benchmark's events carry:

| keyword family | where |
|---|---|
| `pattern`, `format` | `NodeId` (`^node-[a-z0-9-]+$`, `hostname`) |
| `const` | `MUTATION_TICK` `details.unit` |
| nested objects and arrays | `CANDIDATES_DISCOVERED` `details.candidates[]` (closed objects) |
| `oneOf` inside details | `VOLATILITY_SIGNAL` `details.loss_pct` (a number, or text like `"12%"`) |
| `$ref` with sibling keywords | `PATH_SELECTED` `details.path_id` (`PathId` plus `maxLength`) |
| `unevaluatedProperties` | `RECOVERY_SIGNAL` `details` (`stable_ms`, `x-*` keys, nothing else) |

Every event `bench/gen_stream.py` writes as valid stays valid, so the two revisions can be timed
on the same events. Usage: `python bench/future_revision.py DEST` prints the revision folder.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
NAME = "0.2"

JSON = dict[str, Any]


def _details(**schema: Any) -> JSON:  # noqa: ANN401
    return {"type": "object", "description": "Test-only details of the future revision.", **schema}


_CHANGES: dict[str, JSON] = {
    "events/mutation_tick.schema.json": _details(
        properties={"tick": {"type": "integer", "minimum": 0}, "unit": {"const": "tick"}}
    ),
    "events/candidates_discovered.schema.json": _details(
        properties={
            "candidates": {
                "type": "array",
                "minItems": 1,
                "maxItems": 16,
                "items": {
                    "type": "object",
                    "properties": {
                        "path_id": {"$ref": "../common.schema.json#/$defs/PathId"},
                        "rtt_ms": {"type": "integer", "minimum": 0, "maximum": 60000},
                    },
                    "required": ["path_id", "rtt_ms"],
                    "additionalProperties": False,
                },
            }
        },
        required=["candidates"],
    ),
    "events/volatility_signal.schema.json": _details(
        properties={
            "loss_pct": {
                "oneOf": [
                    {"type": "number", "minimum": 0, "maximum": 100},
                    {"type": "string", "pattern": "^[0-9]+(\\.[0-9]+)?%$"},
                ]
            }
        }
    ),
    "events/recovery_signal.schema.json": _details(
        properties={"stable_ms": {"type": "integer", "minimum": 0}},
        patternProperties={"^x-": {"type": "string"}},
        unevaluatedProperties=False,
    ),
}


def build(dest: Path) -> Path:
    """Write revision 0.2 into `dest/v0.2` and return that folder."""
    target = dest / f"v{NAME}"
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(ROOT / "schema" / "v0.1", target)
    shutil.copy(ROOT / "schema" / "supplements" / "v0.1" / "behaviour.json", target)
    for path in sorted(target.rglob("*.json")):
        text = path.read_text("utf-8").replace("/contract/v0.1/", f"/contract/v{NAME}/")
        path.write_text(text.replace('"revision": "0.1"', f'"revision": "{NAME}"'), "utf-8")
    common = _load(target / "common.schema.json")
    defs = common["$defs"]
    defs["NodeId"] = {**defs["NodeId"], "pattern": "^node-[a-z0-9-]+$", "format": "hostname"}
    defs["PathId"] = {"title": "PathId", "type": "string", "minLength": 1}
    _dump(target / "common.schema.json", common)
    for rel, details in _CHANGES.items():
        schema = _load(target / rel)
        schema["properties"]["details"] = details
        _dump(target / rel, schema)
    path_selected = _load(target / "events/path_selected.schema.json")
    path_id = {"$ref": "../common.schema.json#/$defs/PathId", "maxLength": 64}
    path_selected["properties"]["details"]["properties"]["path_id"] = path_id
    _dump(target / "events/path_selected.schema.json", path_selected)
    manifest = _load(target / "revision.json")
    manifest.update({"label": f"v{NAME}-test", "status": "draft"})
    _dump(target / "revision.json", manifest)
    return target


def load(dest: Path) -> Any:  # noqa: ANN401 - a vrp_contract Revision (imported lazily)
    """Build revision 0.2 into `dest` and return it as a `Revision`."""
    from vrp_contract.revisions import Revision  # noqa: PLC0415 - the package may be absent

    return Revision(NAME, build(dest))


def _load(path: Path) -> JSON:
    data: JSON = json.loads(path.read_text("utf-8"))
    return data


def _dump(path: Path, data: JSON) -> None:
    path.write_text(json.dumps(data, indent=2) + "\n", "utf-8")


if __name__ == "__main__":
    print(build(Path(sys.argv[1])))
