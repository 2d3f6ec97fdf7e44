"""Line numbers of JSON Pointers in a JSON text, so annotations land on the changed line."""

from __future__ import annotations

import re

from vrp_contract.compat.model import escape

__all__ = ["pointer_lines"]

_TOKEN = re.compile(
    r'"(?:[^"\\]|\\.)*"|[{}\[\]:,]|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null|\s+',
    re.DOTALL,
)


def pointer_lines(text: str) -> dict[str, int]:  # noqa: C901 - one tokenizer loop
    """Map every JSON Pointer of a JSON document to the 1-based line its value starts on.

    Returns what it could map when `text` is not valid JSON (the caller already checked it).
    """
    out: dict[str, int] = {"": 1}
    line = 1
    # A stack of [pointer, kind, next index or pending key]; values are assigned as they start.
    stack: list[list[object]] = []
    key: str | None = None
    for m in _TOKEN.finditer(text):
        tok = m.group()
        if tok.isspace():
            line += tok.count("\n")
            continue
        if tok in ":,":
            continue
        if tok in "}]":
            if stack:
                stack.pop()
            continue
        if stack and stack[-1][1] == "obj" and key is None and tok.startswith('"'):
            key = _unquote(tok)
            line += tok.count("\n")
            continue
        here = ""
        if stack:
            parent = stack[-1]
            if parent[1] == "obj":
                here = f"{parent[0]}/{escape(key or '')}"
                key = None
            else:
                index = int(str(parent[2]))
                here = f"{parent[0]}/{index}"
                parent[2] = index + 1
            out.setdefault(here, line)
        if tok == "{":
            stack.append([here, "obj", 0])
        elif tok == "[":
            stack.append([here, "arr", 0])
        line += tok.count("\n")
    return out


def _unquote(token: str) -> str:
    import json  # noqa: PLC0415 - only for the rare escaped key

    return token[1:-1] if "\\" not in token else str(json.loads(token))
