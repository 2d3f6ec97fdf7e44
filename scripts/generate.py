"""Generate every artifact under `generated/` (and `src/vrp_contract/generated/`) from `schema/`.

    python scripts/generate.py                  regenerate everything, for every revision
    python scripts/generate.py --check          regenerate into a temporary folder and diff:
                                                exit 1 and name each drifted file, 0 when in sync
    python scripts/generate.py --only go        one language (repeatable): jsonschema, python,
                                                typescript, go, rust, java
    python scripts/generate.py --install-tools  install the pinned generators (make setup-codegen)

Generators are pinned (scripts/codegen/pins.py, scripts/codegen/node/package-lock.json,
scripts/codegen/java/pom.xml) so the output is byte-stable from one machine to the next.
"""

from __future__ import annotations

import argparse
import difflib
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from scripts.codegen import TARGETS, behaviour, python, tools
from scripts.codegen.common import REPO, GeneratorError, header_lines, write
from vrp_contract.revisions import RevisionDataError, list_revisions

# Build outputs that language test runs leave inside generated/ (all .gitignored).
IGNORED_DIRS = frozenset(
    {"node_modules", "target", "__pycache__", "dist", ".mypy_cache", ".pytest_cache"}
)
INDEX = "generated/README.md"
GENERATED = "generated"


def _files(root: Path) -> dict[str, Path]:
    if not root.exists():
        return {}
    out: dict[str, Path] = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if path.is_file() and not IGNORED_DIRS.intersection(rel.parts):
            out[rel.as_posix()] = path
    return out


def _write_index(out: Path, names: list[str]) -> None:
    revisions = list_revisions()
    lines = [f"<!-- {line} -->" for line in header_lines(revisions[-1])]
    lines += [
        "",
        "# Generated artifacts",
        "",
        "Everything here is written by `scripts/generate.py` from `schema/`; never edit by hand.",
        "Each language folder holds one sub-folder (or module) per contract revision; see",
        "`docs/languages/` for vendoring and the JSON Schema feature mapping.",
        "",
        "JSON files cannot carry comments: the bundled schemas carry the DO-NOT-EDIT header in a",
        "top-level `$comment`, the test suites in their group `description`, `package.json` in a",
        '`"//"` key, the known-gap lists in `$comment`. `go.sum` and `Cargo.lock` are written by',
        "`go mod tidy` and from a pinned lock template, in formats that allow no comments;",
        "`LICENSE` is a verbatim copy of the repository's licence, shipped inside each artifact.",
        "",
        "| folder | contents |",
        "|---|---|",
    ]
    lines += [f"| `{name}/` | {_DESCRIPTIONS[name]} |" for name in names]
    write(out, INDEX, "\n".join(lines) + "\n")


_DESCRIPTIONS = {
    "jsonschema": "the bundled single-file schema and a JSON-Schema-Test-Suite file per revision",
    "python": "dataclass modules with a stdlib typed loader (also `vrp_contract.generated`)",
    "typescript": "an npm package per revision: strict decode/encode, types, schema, vectors",
    "go": "a Go module per revision: strict Decode/Encode, the closed Event interface, vectors",
    "rust": "a crate per revision: strict decode/encode, the closed VrpEvent enum, vectors",
    "java": "a Maven project per revision: strict VrpEvents, the sealed VrpEvent, vectors",
}


def _generate(out: Path, selected: list[str]) -> list[str]:
    """Generate the selected targets into `out`; return the managed roots."""
    revisions = list_revisions()
    roots: list[str] = []
    for target in TARGETS:
        if target.NAME not in selected:
            continue
        problem = target.tool_status()
        if problem is not None:
            msg = f"{target.NAME}: {problem}"
            raise GeneratorError(msg)
        for revision in revisions:
            target.generate(revision, out)
            behaviour.extend(target.NAME, revision, out)
        if target is python:
            python.generate_package_init(revisions, out)
        roots.extend(target.ROOTS)
    if set(selected) == {t.NAME for t in TARGETS}:
        _write_index(out, selected)
        roots = whole_folder(roots)
    return roots


def whole_folder(roots: list[str]) -> list[str]:
    """With every target selected, `generated/` is managed as a whole (the index included).

    A file no target writes (a stray language folder, a note added by hand) is then drift too.
    """
    inside = GENERATED + "/"
    return [GENERATED, *(r for r in roots if r != GENERATED and not r.startswith(inside))]


def _compare(fresh: Path, roots: list[str], repo: Path = REPO) -> list[str]:
    """Describe every difference between `fresh` and the repository under `roots`."""
    problems: list[str] = []
    for root in roots:
        new, old = _files(fresh / root), _files(repo / root)
        if (fresh / root).is_file():
            new, old = {"": fresh / root}, ({"": repo / root} if (repo / root).is_file() else {})
        for rel in sorted(new.keys() | old.keys()):
            name = f"{root}/{rel}".rstrip("/")
            if rel not in old:
                problems.append(f"missing: {name} (not generated yet)")
            elif rel not in new:
                problems.append(f"stale: {name} (no longer generated)")
            elif new[rel].read_bytes() != old[rel].read_bytes():
                diff = difflib.unified_diff(
                    old[rel].read_text("utf-8", "replace").splitlines(),
                    new[rel].read_text("utf-8", "replace").splitlines(),
                    f"{name} (committed)",
                    f"{name} (regenerated)",
                    lineterm="",
                    n=1,
                )
                shown = list(diff)[:30]
                problems.append(f"changed: {name}\n    " + "\n    ".join(shown))
    return problems


def _sync(fresh: Path, roots: list[str]) -> int:
    changed = 0
    for root in roots:
        src, dst = fresh / root, REPO / root
        if src.is_file():
            pairs = {"": src}
            old = {"": dst} if dst.is_file() else {}
        else:
            pairs, old = _files(src), _files(dst)
        for rel, path in old.items():
            if rel not in pairs:
                path.unlink()
                changed += 1
                folder = path.parent
                while folder != dst and folder.is_dir() and not any(folder.iterdir()):
                    folder.rmdir()  # a folder left empty by the removal goes too
                    folder = folder.parent
        for rel, path in pairs.items():
            target = dst / rel if rel else dst
            if not target.exists() or target.read_bytes() != path.read_bytes():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, target)
                changed += 1
    return changed


def main(argv: list[str] | None = None) -> int:
    """Entry point; see the module docstring."""
    names = [t.NAME for t in TARGETS]
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="diff against generated/, no writes")
    parser.add_argument("--only", action="append", choices=names, help="restrict to a language")
    parser.add_argument("--install-tools", action="store_true", help="install pinned generators")
    args = parser.parse_args(argv)
    if args.install_tools:
        return tools.install()
    selected = args.only or names
    with tempfile.TemporaryDirectory(prefix="vrp-generate-") as tmp:
        try:
            roots = _generate(Path(tmp), selected)
        except (GeneratorError, RevisionDataError) as exc:
            print(f"generate.py: {exc}", file=sys.stderr)
            return 2
        if args.check:
            problems = _compare(Path(tmp), roots)
            for problem in problems:
                print(problem)
            if problems:
                print(
                    f"generate.py --check: {len(problems)} file(s) drifted; "
                    "run `python scripts/generate.py` and commit the result"
                )
                return 1
            print(f"generate.py --check: {', '.join(selected)} in sync with schema/")
            return 0
        changed = _sync(Path(tmp), roots)
    print(f"generate.py: {', '.join(selected)} generated ({changed} file(s) written or removed)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
