"""Per-language code generation targets driven by `scripts/generate.py`.

Each target module exposes `NAME`, `tool_status()` (None when its generator is installed, else the
reason) and `generate(revision, out)`, which writes that language's files for one revision under
`out` (a folder laid out like the repository root).
"""

from __future__ import annotations

from scripts.codegen import go, java, jsonschema, python, rust, typescript

__all__ = ["TARGETS"]

TARGETS = (jsonschema, python, typescript, go, rust, java)
