"""Write docs/guides/revision-example.md: the revision lifecycle run for real in a temporary copy.

    python scripts/revision_example.py            rewrite the page
    python scripts/revision_example.py --check    exit 1 when the committed page is stale

In a temporary copy of the repository (the files git tracks, as they are in the work tree), a
contributor's steps run one after the other: `vrp-contract revision new`, an edit that adds an
optional field and a new event type, `vrp-contract compat` (first without declaring the type),
`scripts/generate.py`, a CHANGELOG entry and `vrp-contract revision release`. Every command's real
output goes into the page, with the regenerated files and the change page the docs build shows.
`tests/compat/test_revision_workflow.py` (slow) runs it and then the language tests on the copy.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
PAGE = "docs/guides/revision-example.md"
DATE = "2026-12-01"
LINKED = ("scripts/codegen/node/node_modules", ".cache/docs")
"""Installed tools the copy borrows from this checkout (make setup-codegen, setup-docs-js)."""
HEADER = (
    "<!-- DO NOT EDIT: written by scripts/revision_example.py from a real run in a temporary "
    "copy of the repository; run `python scripts/revision_example.py` to refresh it. -->"
)


class StepError(RuntimeError):
    """A step of the example did not do what the page says it does."""


def copy_repo(dest: Path) -> Path:
    """Copy the tracked files of this work tree to `dest` and link the installed tools."""
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True
    ).stdout.decode()
    for rel in filter(None, listed.split("\0")):
        src = REPO / rel
        if src.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)
    for rel in LINKED:
        if (REPO / rel).exists() and not (dest / rel).exists():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            (dest / rel).symlink_to(REPO / rel, target_is_directory=True)
    return dest


def env_for(repo: Path) -> dict[str, str]:
    """The environment that makes `vrp_contract` and `scripts` resolve inside the copy."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(repo / "src"), str(repo)])}
    env["NO_MKDOCS_2_WARNING"] = "1"
    return env


def run(repo: Path, shown: str, cmd: list[str], *, expect: int = 0) -> str:
    """Run one command in the copy; return its output, failing when the exit code differs."""
    done = subprocess.run(
        cmd, cwd=repo, env=env_for(repo), capture_output=True, text=True, timeout=1800, check=False
    )
    out = (done.stdout + done.stderr).rstrip()
    if done.returncode != expect:
        msg = f"`{shown}` exited {done.returncode}, expected {expect}:\n{out}"
        raise StepError(msg)
    return out


def cli(repo: Path, *args: str, expect: int = 0) -> tuple[str, str]:
    """Run `vrp-contract ARGS` in the copy: (the command as shown, its output)."""
    shown = "vrp-contract " + " ".join(args)
    return shown, run(repo, shown, [sys.executable, "-m", "vrp_contract", *args], expect=expect)


def _load(path: Path) -> Any:  # noqa: ANN401 - JSON
    return json.loads(path.read_text("utf-8"))


def _dump(path: Path, doc: Any) -> None:  # noqa: ANN401 - JSON
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", "utf-8")


TRACE_ID = {
    "type": "string",
    "minLength": 1,
    "description": "Optional trace id linking the tick to the producer's tracing span.",
}


def add_optional_field(folder: Path) -> None:
    """MUTATION_TICK gains an optional top-level `trace_id`."""
    path = folder / "events" / "mutation_tick.schema.json"
    doc = _load(path)
    doc["properties"]["trace_id"] = TRACE_ID
    _dump(path, doc)


def heartbeat_schema(folder: Path) -> dict[str, Any]:
    """The new event type's schema, written like its siblings (closed envelope, open details)."""
    base = _load(folder / "events" / "mutation_tick.schema.json")
    props = {k: v for k, v in base["properties"].items() if k != "trace_id"}
    props["event_type"] = {
        "type": "string",
        "const": "HEARTBEAT",
        "description": "Discriminator: always `HEARTBEAT` for this event type.",
    }
    props["details"] = {
        "type": "object",
        "description": "Open, producer-defined metadata of a liveness probe.",
    }
    return {
        "$schema": base["$schema"],
        "$id": base["$id"].replace("mutation_tick", "heartbeat"),
        "title": "Heartbeat",
        "description": "A liveness probe a producer emits between other events of a session.",
        "type": "object",
        "properties": props,
        "required": ["ts_ms", "event_type", "session_id"],
        "additionalProperties": False,
        "examples": [{"ts_ms": 1700000000000, "event_type": "HEARTBEAT", "session_id": "s-1"}],
    }


def add_event_type(folder: Path) -> None:
    """HEARTBEAT: its schema, a branch of the union, a name in EventType, a valid vector."""
    _dump(folder / "events" / "heartbeat.schema.json", heartbeat_schema(folder))
    union = _load(folder / "event.schema.json")
    union["oneOf"].append({"$ref": "events/heartbeat.schema.json"})
    union["description"] = (
        union["description"].replace("eight event types", "event types").replace("0.1", "0.2")
    )
    _dump(folder / "event.schema.json", union)
    common = _load(folder / "common.schema.json")
    common["$defs"]["EventType"]["enum"].append("HEARTBEAT")
    _dump(folder / "common.schema.json", common)
    vector: dict[str, Any] = _load(folder / "examples" / "valid" / "mutation_tick.json")
    vector["description"] = "A liveness probe."
    vector["event"].update(event_type="HEARTBEAT")  # the same envelope under the new type
    vector["event"].pop("details", None)  # an empty `details` is a known gap of some bindings
    _dump(folder / "examples" / "valid" / "heartbeat.json", vector)


def declare(folder: Path) -> None:
    """revision.json introduces HEARTBEAT explicitly, with its reason."""
    manifest = _load(folder / "revision.json")
    manifest["added_event_types"] = [
        {"name": "HEARTBEAT", "reason": "Producers prove liveness between recoveries."}
    ]
    _dump(folder / "revision.json", manifest)


def _fence(text: str, lang: str = "text") -> str:
    return f"```{lang}\n{text}\n```\n"


def _generated_files(repo: Path) -> list[str]:
    out = run(repo, "git status", ["git", "status", "--porcelain", "--untracked-files=all"])
    names = (line[3:] for line in out.splitlines())
    return sorted(n for n in names if n.startswith(("generated/", "src/vrp_contract/generated/")))


INTRO = """Generated by `scripts/revision_example.py`, which runs every command below for real in a
temporary copy of this repository (its test, `tests/compat/test_revision_workflow.py`, then runs
the language tests on the copy). The draft adds an optional field to MUTATION_TICK and a new event
type, HEARTBEAT. See [Versioning](versioning.md) for the rules and [Compatibility](compat.md) for
the checker.
"""
AFTER_NEW = """It copies the latest revision with every `$id` rewritten, the example vectors, and
the behaviour data (`behaviour.json`, the behaviour suite `streams/`); `status` is `draft`.
Running it again changes nothing.
"""
AFTER_EDIT = """and the new event type gets its schema (`events/heartbeat.schema.json`), a branch in
`event.schema.json`, its name in `common.schema.json` `EventType`, and a valid vector
(`examples/valid/heartbeat.json`).

An example vector is one JSON object, never a bare event: `{"description": "A liveness probe.",
"event": {...}}`; one under `examples/invalid/` adds the finding the event must raise,
`"error": {"rule": "schema.required", "pointer": "/details/invariant"}`. `scripts/generate.py`
refuses any other shape with one line naming the file (exit 2).
"""
DECLARE = """The contract asks new event types to be introduced explicitly, so the revision declares
it in its `revision.json`:
"""
FORWARD = """Backward (consumers on 0.2 read 0.1 events) holds. Forward does not: a consumer still
on 0.1 rejects `trace_id` and HEARTBEAT, which is why consumers are tolerant readers and why a 0.x
minor step counts as a major bump:
"""
ENTRY = (
    "- Schema revision 0.2 (`schema/v0.2/`): MUTATION_TICK may carry `trace_id`; the new event "
    "type HEARTBEAT."
)


def _dataclass(repo: Path, name: str) -> str:
    text = (repo / "generated" / "python" / "vrp_event_v0_2.py").read_text("utf-8")
    start = text.find(f"@dataclass\nclass {name}:")
    if start < 0:
        raise StepError(f"the Python binding has no dataclass {name}")
    end = text.find("\n\n\n", start)
    return text[start:end].rstrip()


def build(repo: Path) -> str:
    """Run every step in `repo` (a copy) and return the page."""
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "copy"]):
        run(repo, "git", ["git", "-c", "user.name=x", "-c", "user.email=x@x", *args])
    pages: list[str] = [HEADER, "", "# Worked example: the next revision", "", INTRO]
    shown, out = cli(repo, "revision", "new")
    pages += ["## 1. Start the draft", "", _fence(f"$ {shown}\n{out}", "console"), AFTER_NEW]
    folder = repo / "schema" / "v0.2"
    add_optional_field(folder)
    add_event_type(folder)
    pages += ["## 2. Edit it", "", "`events/mutation_tick.schema.json` gains an optional property:"]
    pages += ["", _fence(json.dumps({"trace_id": TRACE_ID}, indent=2), "json"), AFTER_EDIT]
    pages += ["## 3. Check compatibility: a new event type must be declared", ""]
    shown, out = cli(repo, "compat", "schema/v0.1", "schema/v0.2", expect=1)
    pages += [_fence(f"$ {shown}\n{out}", "console"), DECLARE]
    declare(folder)
    declared = _load(folder / "revision.json")["added_event_types"]
    pages += [_fence(json.dumps({"added_event_types": declared}, indent=2), "json")]
    shown, out = cli(repo, "compat", "schema/v0.1", "schema/v0.2")
    pages += [_fence(f"$ {shown}\n{out}", "console"), FORWARD]
    shown, out = cli(repo, "compat", "--mode", "full", "schema/v0.1", "schema/v0.2", expect=1)
    pages += [_fence(f"$ {shown}\n{out}", "console")]
    pages += ["## 4. Regenerate, record, release", ""]
    pages += ["A release is refused until the CHANGELOG, the generated files and the docs follow:"]
    shown, out = cli(repo, "revision", "release", "0.2", expect=1)
    pages += ["", _fence(f"$ {shown}\n{out}", "console")]
    out = run(repo, "generate", [sys.executable, "scripts/generate.py"])
    pages += [_fence(f"$ python scripts/generate.py\n{out}", "console")]
    pages += ["New files (bindings for every language, the bundled schema and its test suite):"]
    pages += ["", _fence("\n".join(_generated_files(repo)))]
    pages += ["The Python binding's new dataclass (`generated/python/vrp_event_v0_2.py`):", ""]
    pages += [_fence(_dataclass(repo, "Heartbeat"), "python")]
    changelog = repo / "CHANGELOG.md"
    text = changelog.read_text("utf-8")
    changelog.write_text(text.replace("### Added\n", f"### Added\n{ENTRY}\n", 1), "utf-8")
    pages += ["With a CHANGELOG entry under `## [Unreleased]`:", "", _fence(ENTRY, "markdown")]
    shown, out = cli(repo, "revision", "release", "0.2", "--date", DATE)
    pages += [_fence(f"$ {shown}\n{out}", "console")]
    pages += ["## 5. The change page", ""]
    pages += ["The docs build adds *Reference → Changes → 0.1 → 0.2* with no hand edit:", ""]
    sys.path[:0] = [str(repo / "docs" / "hooks"), str(repo / "src")]
    pages += [_quoted(_change_page(repo)), ""]
    return "\n".join(pages)


def _quoted(page: str) -> str:
    """The change page as a quotation, its title demoted below this page's headings."""
    demoted = ("\n" + page).replace("\n# ", "\n### ").strip()
    return "\n".join(("> " + line).rstrip() for line in demoted.splitlines())


def _change_page(repo: Path) -> str:
    from vrp_site import compat_pages  # noqa: PLC0415 - the copy's docs hook

    from vrp_contract import compat  # noqa: PLC0415 - the copy's checker
    from vrp_contract.revisions import Revision  # noqa: PLC0415

    old = Revision("0.1", repo / "schema" / "v0.1")
    new = Revision("0.2", repo / "schema" / "v0.2")
    text = compat_pages._pair_page(compat, old, new)  # noqa: SLF001 - the page the site shows
    return text.replace(str(repo) + "/", "").replace("](../../rules/", "](../rules/")


def main(argv: list[str] | None = None) -> int:
    """Rewrite the page, or with --check compare it with the committed one."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when the page is stale")
    parser.add_argument("--keep", metavar="DIR", help="run in DIR (kept) instead of a temp dir")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="vrp-revision-example-") as tmp:
        repo = copy_repo(Path(args.keep) if args.keep else Path(tmp))
        try:
            page = build(repo)
        except StepError as exc:
            print(f"revision_example.py: {exc}", file=sys.stderr)
            return 2
    target = REPO / PAGE
    if args.check:
        current = target.read_text("utf-8") if target.is_file() else ""
        if current != page:
            print(f"{PAGE} is stale: run python scripts/revision_example.py", file=sys.stderr)
            return 1
        print(f"{PAGE} is up to date")
        return 0
    target.write_text(page, "utf-8")
    print(f"wrote {PAGE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
