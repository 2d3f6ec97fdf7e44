"""Older drafts (04, 06, 07, 2019-09) rewritten into 2020-12 keywords, so one walker serves all."""

from __future__ import annotations

from typing import Any

__all__ = ["LEGACY_DRAFTS", "normalize_legacy"]

LEGACY_DRAFTS = (
    "json-schema.org/draft-04/",
    "json-schema.org/draft-06/",
    "json-schema.org/draft-07/",
    "json-schema.org/draft/2019-09/",
)
_VALUE_KEYS = frozenset({"enum", "const", "examples", "default"})


def normalize_legacy(doc: Any) -> Any:  # noqa: ANN401 - any schema document
    """Return `doc` with legacy keywords rewritten as 2020-12 ones (2020-12 documents as is).

    Tuple `items`, `additionalItems`, `dependencies` and draft-04 boolean exclusive bounds.
    """
    if not isinstance(doc, dict):
        return doc
    dialect = str(doc.get("$schema", ""))
    if not any(d in dialect for d in LEGACY_DRAFTS):
        return doc
    return _rewrite(doc, draft4="draft-04" in dialect, bare_ref="2019-09" not in dialect)


def _rewrite(node: Any, *, draft4: bool, bare_ref: bool) -> Any:  # noqa: ANN401, C901, PLR0912 - a keyword table
    if isinstance(node, list):
        return [_rewrite(x, draft4=draft4, bare_ref=bare_ref) for x in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        out[key] = (
            value if key in _VALUE_KEYS else _rewrite(value, draft4=draft4, bare_ref=bare_ref)
        )
    if isinstance(out.get("items"), list):
        out["prefixItems"] = out.pop("items")
        if "additionalItems" in out:
            out["items"] = out.pop("additionalItems")
    else:
        out.pop("additionalItems", None)  # ignored unless items is an array
    deps = out.pop("dependencies", None)
    if isinstance(deps, dict):
        for name, dep in deps.items():
            target = "dependentRequired" if isinstance(dep, list) else "dependentSchemas"
            out.setdefault(target, {})[name] = dep
    if draft4:
        for bound in ("Minimum", "Maximum"):
            flag = out.get("exclusive" + bound)
            if isinstance(flag, bool):
                del out["exclusive" + bound]
                if flag and bound.lower() in out:
                    out["exclusive" + bound] = out.pop(bound.lower())
        if isinstance(out.get("id"), str) and "$id" not in out:
            out["$id"] = out.pop("id")
    if (
        bare_ref and "$ref" in out and len(out) > 1
    ):  # before 2019-09, keywords beside $ref are ignored
        out = {"$ref": out["$ref"]} | {
            k: v for k, v in out.items() if k in {"definitions", "$defs"}
        }
    return out
