"""The state model as each language binding generates it: a section of the state model page.

Every behaviour generator (scripts/codegen/behaviour/) marks the state model part of its
generated tables with `// region state-model` ... `// endregion state-model`; this section shows
that region of the committed generated file of each language, so the page shows exactly what a
consumer vendors. A language not generated for a revision is left out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from vrp_contract.revisions import Revision

__all__ = ["LANGUAGES", "section"]

BEGIN = "// region state-model"
END = "// endregion state-model"

LANGUAGES: dict[str, tuple[str, str, str]] = {
    "TypeScript": ("generated/typescript/{rev}/behaviour.d.ts", "ts", "typescript.md"),
    "Go": ("generated/go/{rev}/behaviour/tables.go", "go", "go.md"),
    "Rust": ("generated/rust/{rev}/src/behaviour.rs", "rust", "rust.md"),
    "Java": (
        "generated/java/{rev}/src/main/java/dev/vrp/contract/{rev}/Behaviour.java",
        "java",
        "java.md",
    ),
}
"""Language -> (generated file with a state-model region, code fence language, its docs page)."""


def _region(text: str) -> str | None:
    start = text.find(BEGIN)
    end = text.find(END, start)
    if start < 0 or end < 0:
        return None
    body = text[text.index("\n", start) + 1 : end]
    return body.strip("\n") + "\n"


def section(revision: Revision, project_root: Path, languages_dir: str) -> str:
    """The "In each language" section; `languages_dir` is the page's link to docs/languages/."""
    rev = "v" + revision.name.replace(".", "_")
    parts: list[str] = []
    for language, (template, fence, page) in LANGUAGES.items():
        path = project_root / template.format(rev=rev)
        region = _region(path.read_text("utf-8")) if path.is_file() else None
        if region is None:
            continue
        parts += [
            f"### {language}\n",
            (
                f"From `{template.format(rev=rev)}` (generated; see "
                f"[{language}]({languages_dir}/{page}) for the session checker).\n"
            ),
            f"```{fence}\n{region}```\n",
        ]
    if not parts:
        return ""
    intro = (
        "## In each language\n\n"
        "Each language binding generates these states with their roles, the transition table "
        "and an `isAllowed`-style lookup from the revision's data; its session checker reads "
        "only these tables.\n"
    )
    return "\n".join([intro, *parts])
