"""Small Markdown builders shared by the generated pages."""

from __future__ import annotations

import json
from typing import Any

__all__ = ["code", "json_block", "link_list", "table"]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ").strip() or " "


def table(headers: list[str], rows: list[list[str]]) -> str:
    """Return a Markdown table; cells are escaped for pipes and line breaks."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def code(text: object) -> str:
    """Return `text` as inline code (JSON for non-strings)."""
    value = text if isinstance(text, str) else json.dumps(text, ensure_ascii=False)
    fence = "``" if "`" in value else "`"
    pad = " " if fence == "``" else ""
    return f"{fence}{pad}{value}{pad}{fence}"


def json_block(value: Any, title: str | None = None) -> str:  # noqa: ANN401 - any JSON value
    """Return a fenced, highlighted JSON block."""
    head = f'```json title="{title}"' if title else "```json"
    return f"{head}\n{json.dumps(value, indent=2, ensure_ascii=False)}\n```\n"


def link_list(items: list[tuple[str, str, str]]) -> str:
    """Return a bullet list of `[label](href)`: text items."""
    return "".join(
        f"- [{label}]({href}){': ' + text if text else ''}\n" for label, href, text in items
    )
