"""The revision lifecycle: scaffold the next revision from the latest, release a draft.

`new_revision(repo, version)` copies the latest revision folder of `repo/schema/` to
`schema/v<version>/` with every `$id` and internal reference rewritten, `status: draft`, the example
vectors and the effective behaviour data (`behaviour.json` and the behaviour suite `streams/`, read
from the revision or its released supplement) copied in. It never overwrites: a second run for the
same draft changes nothing.

`release_revision(repo, version)` refuses while the CHANGELOG has no entry for the revision, while
the compatibility check against the previous released revision fails without a declared major
bump, or while `scripts/generate.py --check` or the strict docs build fails; then it sets the
status and the release date. A released revision is never edited again (`compat --base` guards it).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import posixpath
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vrp_contract.compat.model import Bump, Mode
from vrp_contract.compat.revision import declared_bump, version_of

if TYPE_CHECKING:
    from collections.abc import Sequence

    from vrp_contract.findings import Finding

__all__ = [
    "LifecycleError",
    "ReleaseRefusedError",
    "Released",
    "Scaffolded",
    "changelog_mentions",
    "new_revision",
    "next_versions",
    "release_date",
    "release_revision",
    "revision_folders",
]

MANIFEST = "revision.json"
BEHAVIOUR = "behaviour.json"
SUITE = "streams"
CHECK_TIMEOUT_S = 3600


class LifecycleError(Exception):
    """A lifecycle step that cannot go ahead; the message is one line for the user."""


class ReleaseRefusedError(LifecycleError):
    """A release check failed (CHANGELOG, compatibility, generated files, docs build)."""


@dataclass(frozen=True)
class Scaffolded:
    """What `revision new` did."""

    version: str
    folder: Path
    source: str
    created: bool
    """False when the revision already existed (nothing was written)."""
    files: int = 0
    status: str = "draft"


@dataclass
class Released:
    """What `revision release` checked and did."""

    version: str
    folder: Path
    previous: str | None
    bump: Bump
    date: str
    steps: list[str] = field(default_factory=list)
    """One line per check that passed, in order."""


def _schema_dir(repo: Path) -> Path:
    folder = repo / "schema"
    if not folder.is_dir():
        msg = f"{repo}: no schema/ folder (run in a vrp-contract checkout or pass --repo)"
        raise LifecycleError(msg)
    return folder


def revision_folders(repo: Path) -> list[tuple[tuple[int, int, int], Path]]:
    """The revision folders (`schema/v<MAJOR>.<MINOR>[.<PATCH>]`), oldest first."""
    out = []
    for child in _schema_dir(repo).iterdir():
        version = version_of(child.name) if child.name.startswith("v") else None
        if child.is_dir() and version is not None:
            out.append((version, child))
    return sorted(out)


def _read_json(path: Path) -> Any:  # noqa: ANN401 - any JSON document
    try:
        return json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise LifecycleError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise LifecycleError(f"{path}: cannot read: {exc}") from None
    except json.JSONDecodeError as exc:
        raise LifecycleError(f"{path}:{exc.lineno}: invalid JSON: {exc.msg}") from None


def _write_json(path: Path, doc: Any) -> None:  # noqa: ANN401 - any JSON document
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", "utf-8")


def _normal(version: str) -> str:
    parsed = version_of(version)
    if parsed is None:
        msg = f"{version!r} is not a revision number (MAJOR.MINOR or MAJOR.MINOR.PATCH, e.g. 0.2)"
        raise LifecycleError(msg)
    return version.removeprefix("v")


def _base_uri(folder: Path) -> str:
    """The URI prefix every `$id` of a revision starts with (from its entry schema)."""
    manifest = _read_json(folder / MANIFEST)
    entry = str(manifest.get("entry", "event.schema.json")) if isinstance(manifest, dict) else ""
    doc = _read_json(folder / entry)
    own = doc.get("$id") if isinstance(doc, dict) else None
    if not isinstance(own, str) or "/" not in own:
        msg = f"{folder / entry}: has no $id, so the revision's URIs cannot be rewritten"
        raise LifecycleError(msg)
    return own.rsplit("/", 1)[0] + "/"


def _next_base(base: str, old_name: str, new_name: str) -> str:
    """The new revision's URI prefix: the old one with its `v<version>` segment replaced."""
    segment = f"/{old_name}/"
    if segment not in base:
        msg = f"the $id prefix {base} has no {segment} segment to rewrite for {new_name}"
        raise LifecycleError(msg)
    return base.replace(segment, f"/{new_name}/")


def _supplement(repo: Path, name: str) -> Path:
    return repo / "schema" / "supplements" / name


def _effective(repo: Path, folder: Path, rel: str) -> Path | None:
    """A file or folder of a revision, or of its released supplement (the revision's own wins)."""
    for candidate in (folder / rel, _supplement(repo, folder.name) / rel):
        if candidate.exists():
            return candidate
    return None


def _rebase_schema_pointer(doc: dict[str, Any], was: Path, now: Path) -> None:
    """Keep a relative `$schema` of a moved data file pointing at the same file."""
    target = doc.get("$schema")
    if not isinstance(target, str) or "://" in target:
        return
    absolute = posixpath.normpath(posixpath.join(was.parent.as_posix(), target))
    doc["$schema"] = posixpath.relpath(absolute, now.parent.as_posix())


def new_revision(repo: Path, version: str | None = None, *, today: str | None = None) -> Scaffolded:
    """Scaffold `schema/v<version>/` (default: the next minor) from the latest revision."""
    del today  # a draft has no date; kept for a symmetric API with release_revision
    folders = revision_folders(repo)
    if not folders:
        raise LifecycleError(f"{repo / 'schema'}: no revision folder to start from")
    latest_version, latest = folders[-1]
    if version is None:
        manifest = _read_json(latest / MANIFEST) if (latest / MANIFEST).is_file() else {}
        if isinstance(manifest, dict) and manifest.get("status") == "draft":
            name = latest.name.removeprefix("v")  # the next revision is already started
            return Scaffolded(name, latest, latest.name, created=False, status="draft")
        major, minor, _ = latest_version
        version = f"{major}.{minor + 1}"
    version = _normal(version)
    target = repo / "schema" / f"v{version}"
    if target.exists():
        manifest = _read_json(target / MANIFEST) if (target / MANIFEST).is_file() else {}
        if isinstance(manifest, dict) and manifest.get("revision") == version:
            status = str(manifest.get("status", "draft"))
            return Scaffolded(version, target, latest.name, created=False, status=status)
        msg = f"{target} already exists and is not revision {version}; it is never overwritten"
        raise LifecycleError(msg)
    if (version_of(version) or (0, 0, 0)) <= latest_version:
        msg = f"revision {version} is not newer than the latest revision {latest.name[1:]}"
        raise LifecycleError(msg)
    following = next_versions(latest_version)
    if version_of(version) not in following.values():
        names = ", ".join(following)
        msg = (
            f"revision {version} skips a number: the revision after {latest.name[1:]} is one of "
            f"{names}; revision numbers grow one step at a time"
        )
        raise LifecycleError(msg)
    old_base = _base_uri(latest)
    new_base = _next_base(old_base, latest.name, f"v{version}")
    staging = Path(tempfile.mkdtemp(prefix=f".v{version}-", dir=repo / "schema"))
    try:
        count = _copy_revision(
            repo, latest, staging, version=version, old_base=old_base, new_base=new_base
        )
        manifest = _read_json(staging / MANIFEST)
        for key in ("released", "source"):
            manifest.pop(key, None)
        manifest.update(revision=version, label=f"v{version}", status="draft")
        manifest.setdefault("added_event_types", [])
        manifest.setdefault("changed_invariants", [])
        _write_json(staging / MANIFEST, manifest)
        staging.rename(target)  # appears whole or not at all
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    return Scaffolded(version, target, latest.name, created=True, files=count)


def next_versions(latest: tuple[int, int, int]) -> dict[str, tuple[int, int, int]]:
    """The revisions that may follow `latest`: its next patch, next minor and next major."""
    major, minor, patch = latest
    return {
        f"{major}.{minor}.{patch + 1}": (major, minor, patch + 1),
        f"{major}.{minor + 1}": (major, minor + 1, 0),
        f"{major + 1}.0": (major + 1, 0, 0),
    }


def _copy_revision(  # noqa: PLR0913 - where from, where to, and the two URI prefixes
    repo: Path, latest: Path, dest: Path, *, version: str, old_base: str, new_base: str
) -> int:
    """Copy the revision's files, its behaviour data and suite; rewrite its URIs. Return a count."""
    count = 0
    for path in sorted(latest.rglob("*")):
        if not path.is_file():
            continue
        rel = path.relative_to(latest)
        out = dest / rel
        out.parent.mkdir(parents=True, exist_ok=True)
        if path.suffix == ".json":
            out.write_text(path.read_text("utf-8").replace(old_base, new_base), "utf-8")
        else:
            shutil.copy2(path, out)
        count += 1
    behaviour = _effective(repo, latest, BEHAVIOUR)
    if behaviour is not None and not (dest / BEHAVIOUR).exists():
        doc = _read_json(behaviour)
        if isinstance(doc, dict):
            _rebase_schema_pointer(doc, behaviour, dest / BEHAVIOUR)
            doc.pop("$comment", None)  # the supplement's note is about the released revision
            doc["revision"] = version
        _write_json(dest / BEHAVIOUR, doc)
        count += 1
    suite = _effective(repo, latest, SUITE)
    if suite is not None and suite.is_dir() and not (dest / SUITE).exists():
        shutil.copytree(suite, dest / SUITE)
        count += sum(1 for p in (dest / SUITE).rglob("*") if p.is_file())
    return count


UNRELEASED = re.compile(r"^## \[Unreleased\][^\n]*\n(.*?)(?=^## |\Z)", re.MULTILINE | re.DOTALL)
"""The `## [Unreleased]` section of a Keep a Changelog file, up to the next `## ` heading."""


def changelog_mentions(repo: Path, version: str) -> bool:
    """True when CHANGELOG.md names the revision under `## [Unreleased]`.

    It counts as named by `schema/v0.2` (or `schema/v0.2/`), `revision 0.2` or `v0.2`, exactly:
    `v0.2.1`, `0.20`, a file inside the folder (`schema/v0.2/events/x.schema.json`, an example in
    some other entry) or a mention in an earlier release's section do not count.
    """
    try:
        text = (repo / "CHANGELOG.md").read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    section = UNRELEASED.search(text)
    if section is None:
        return False
    escaped = re.escape(version)
    end = r"(?![\w.-]*\d)"  # not the start of a longer version (0.2.1, 0.20, 0.2-rc1)
    folder = rf"schema/v{escaped}{end}(?!/[\w.-])"  # the folder, not a file inside it
    pattern = rf"(?<![\w/])({folder}|revision {escaped}{end}|v{escaped}{end}(?!/[\w.-]))"
    return re.search(pattern, section.group(1), flags=re.IGNORECASE) is not None


def release_date(value: str) -> str:
    """Return `value` when it is a calendar date written YYYY-MM-DD, else raise LifecycleError."""
    try:
        parsed = dt.date.fromisoformat(value)
    except ValueError:
        parsed = None
    if parsed is None or parsed.isoformat() != value:
        msg = f"--date {value!r} is not a date written YYYY-MM-DD (e.g. 2026-12-01)"
        raise LifecycleError(msg)
    return value


def _previous_released(repo: Path, version: str) -> Path | None:
    wanted = version_of(version) or (0, 0, 0)
    released = [
        folder
        for v, folder in revision_folders(repo)
        if v < wanted
        and isinstance(m := _read_json(folder / MANIFEST), dict)
        and m.get("status") == "released"
    ]
    return released[-1] if released else None


def _check_release_order(repo: Path, version: str) -> None:
    """Revisions are released in order: no older draft left behind, no newer one released yet.

    A consumer reads "the latest released revision" as containing every earlier one; releasing
    0.4 before 0.3 would let 0.3 appear later with changes 0.4 never had.
    """
    wanted = version_of(version) or (0, 0, 0)
    for v, folder in revision_folders(repo):
        manifest = _read_json(folder / MANIFEST) if (folder / MANIFEST).is_file() else None
        status = manifest.get("status") if isinstance(manifest, dict) else None
        name = folder.name.removeprefix("v")
        if v < wanted and status == "draft":
            msg = (
                f"revision {name} is still a draft: release it (or remove {folder}) before "
                f"releasing {version}; revisions are released in order"
            )
            raise LifecycleError(msg)
        if v > wanted and status == "released":
            msg = (
                f"revision {name} is already released, so {version} can no longer be: "
                "revisions are released in order; move this draft's changes to a new revision "
                "after the latest"
            )
            raise LifecycleError(msg)


def _run_check(label: str, cmd: list[str], repo: Path) -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(repo / "src"), str(repo)])}
    env["NO_MKDOCS_2_WARNING"] = "1"  # as mk/docs.mk runs it
    try:
        done = subprocess.run(
            cmd, cwd=repo, capture_output=True, text=True, timeout=CHECK_TIMEOUT_S, check=False,
            env=env,
        )  # fmt: skip
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise LifecycleError(f"{label} could not run: {exc}") from None
    if done.returncode != 0:
        tail = (done.stdout + done.stderr).strip().splitlines()[-3:]
        detail = " / ".join(line.strip() for line in tail) or f"exit code {done.returncode}"
        raise ReleaseRefusedError(f"{label} fails ({' '.join(cmd[1:])}): {detail}")


def _files(folder: Path) -> dict[str, bytes]:
    """Every file below `folder` but the manifest, by its relative path."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file() and p.relative_to(folder).as_posix() != MANIFEST
    }


def _refuse_an_unchanged_copy(repo: Path, previous: Path | None, draft: Path, version: str) -> None:
    """Refuse `draft` if it holds exactly what `revision new` copied from `previous`."""
    if previous is None:
        return
    old_base = _base_uri(previous)
    new_base = _next_base(old_base, previous.name, draft.name)
    # beside the draft, as `revision new` stages it: relative `$schema` pointers come out the same
    with tempfile.TemporaryDirectory(prefix=f".{draft.name}-copy-", dir=draft.parent) as tmp:
        fresh = Path(tmp)
        _copy_revision(repo, previous, fresh, version=version, old_base=old_base, new_base=new_base)
        unchanged = _files(fresh) == _files(draft)
    if unchanged:
        msg = (
            f"{draft} is still the copy of {previous.name} that `revision new` made (no file "
            f"but {MANIFEST} differs): there is nothing to release; edit the draft first"
        )
        raise ReleaseRefusedError(msg)


def _refuse_errors(
    findings: Sequence[Finding], declared: Bump | None, what: str, mode: Mode, command: str
) -> bool:
    """Refuse a release whose compat run has errors its declared bump does not allow.

    A breaking change needs a major bump; a finding of the versioning rules themselves
    (`revision.*`: an undeclared event type, a reused invariant id) no bump allows. Returns
    whether there were breaking changes (which the declared major bump allowed).
    """
    process = [f for f in findings if f.is_error and f.rule.startswith("revision.")]
    breaking = [f for f in findings if f.is_error and not f.rule.startswith("revision.")]
    if breaking and declared is not Bump.MAJOR:
        first, hint = breaking[0], "declare a major bump with a major revision number"
        what += f" is not {mode}-compatible ({len(breaking)} breaking finding(s)"
    elif process:
        first, hint = process[0], "fix the finding"
        what += f" breaks the versioning rules ({len(process)} finding(s)"
    else:
        return bool(breaking)
    where = f"{first.source}" + (f":{first.line}" if first.line else "")
    msg = f"{what}; first: {where}: {first.rule}: {first.message}); {hint} ({command})"
    raise ReleaseRefusedError(msg)


def release_revision(
    repo: Path,
    version: str,
    *,
    today: str | None = None,
    mode: Mode = Mode.BACKWARD,
) -> Released:
    """Check a draft revision and mark it released (status and date), or raise LifecycleError."""
    from vrp_contract.compat.check import compare_sets  # noqa: PLC0415 - heavy, only here
    from vrp_contract.compat.sources import InputError, load_source  # noqa: PLC0415

    version = _normal(version)
    folder = repo / "schema" / f"v{version}"
    manifest = _read_json(folder / MANIFEST) if folder.is_dir() else None
    if not isinstance(manifest, dict):
        raise LifecycleError(
            f"{folder}: no such revision (start one with `revision new {version}`)"
        )
    if manifest.get("status") == "released":
        msg = f"revision {version} is already released ({manifest.get('released', 'no date')}); "
        raise LifecycleError(msg + "a released revision never changes")
    _check_release_order(repo, version)
    date = release_date(today) if today is not None else dt.datetime.now(dt.UTC).date().isoformat()
    if not changelog_mentions(repo, version):
        msg = (
            f"CHANGELOG.md has no entry for revision {version}: add one under ## [Unreleased] "
            f"that names schema/v{version}"
        )
        raise ReleaseRefusedError(msg)
    steps = [f"CHANGELOG.md names revision {version}."]
    previous = _previous_released(repo, version)
    bump = Bump.NONE
    _refuse_an_unchanged_copy(repo, previous, folder, version)
    if previous is not None:
        try:
            pair = compare_sets(load_source(str(previous)), load_source(str(folder)), mode)
        except InputError as exc:
            raise LifecycleError(str(exc)) from None
        bump = pair.bump
        declared = declared_bump(previous.name, f"v{version}")
        command = f"vrp-contract compat {previous} {folder}"
        broke = _refuse_errors(
            pair.findings, declared, f"{previous.name} -> v{version}", mode, command
        )
        allowed = " (breaking changes allowed by the declared major bump)" if broke else ""
        steps.append(f"compat {previous.name} -> v{version}: needs a {bump} bump{allowed}.")
    else:
        steps.append("No earlier released revision: nothing to compare.")
    missing = [rel for rel in ("scripts/generate.py", "mkdocs.yml") if not (repo / rel).is_file()]
    if missing:
        msg = (
            f"{repo}: releasing needs a source checkout ({', '.join(missing)} missing), because "
            "the generated files and the docs build are checked"
        )
        raise LifecycleError(msg)
    _run_check(
        "scripts/generate.py --check", [sys.executable, "scripts/generate.py", "--check"], repo
    )
    steps.append("Generated files are in sync (scripts/generate.py --check).")
    with tempfile.TemporaryDirectory(prefix="vrp-release-site-") as site:
        _run_check(
            "the docs build",
            [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", site],
            repo,
        )
    steps.append("The docs build passes (mkdocs build --strict).")
    manifest.update(status="released", released=date)
    _write_json(folder / MANIFEST, manifest)
    return Released(version, folder, previous.name if previous else None, bump, date, steps)
