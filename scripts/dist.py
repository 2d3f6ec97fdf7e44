"""Build every releasable artifact into one folder (`make dist`), with SHA-256 sums.

    python scripts/dist.py [--out dist] [--only python|typescript|go|rust|java ...]

- Python: wheel and sdist of `vrp-contract` (`python -m build`), with `py.typed`, and of the
  native line engine it depends on, `vrp-contract-engine` (native/, built by maturin: a wheel
  for this platform, and an sdist that builds anywhere cargo runs);
- TypeScript: the `npm pack` tarball of each revision's package;
- Go: each revision's module as a Go module proxy tree (`goproxy/<module>/@v/<version>.zip`,
  `.mod`, `.info`, `list`), what `GOPROXY=file://.../goproxy` serves and a tag
  `generated/go/<rev>/v<version>` publishes;
- Rust: the `cargo package` crate of each revision;
- Java: jar, sources jar, javadoc jar and pom of each revision (`mvn package`).

Every artifact carries its revision's `vectors.json`. `SHA256SUMS` lists every file (the
`sha256sum -c` format). A failing tool stops the build with its output and exit code 2.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from scripts.codegen.go import module_path
from scripts.codegen.release import artifact_name, package_version
from vrp_contract.revisions import Revision, list_revisions

REPO = Path(__file__).resolve().parents[1]
GENERATED = REPO / "generated"
LANGUAGES = ("python", "typescript", "go", "rust", "java")
GO_EXCLUDED = {"known-gaps.json"}  # everything else in the module folder ships


class DistError(RuntimeError):
    """A build tool failed; the message names the command and carries its output."""


def _run(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    print("+", " ".join(cmd), flush=True)
    proc = subprocess.run(  # noqa: PLW1510 - checked below
        cmd, cwd=cwd, capture_output=True, text=True, env={**os.environ, **(env or {})}
    )
    if proc.returncode != 0:
        msg = f"{' '.join(cmd)} (in {cwd}) exited {proc.returncode}:\n{proc.stdout}{proc.stderr}"
        raise DistError(msg)
    return proc.stdout


def _python(out: Path) -> None:
    version = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["project"]["version"]
    expected = package_version(list_revisions()[-1])
    if version != expected:
        msg = (
            f"pyproject.toml project.version is {version}, the bindings of the latest revision "
            f"are {expected} (scripts/codegen/release.py): make them agree"
        )
        raise DistError(msg)
    _run([sys.executable, "-m", "build", "--outdir", str(out), str(REPO)], cwd=REPO)
    # the engine's wheel from its source tree (cargo reuses native/target), tagged manylinux as
    # PyPI requires (pip's build would tag it for this machine only), then its sdist
    engine = REPO / "native"
    maturin = [sys.executable, "-m", "maturin"]
    _run([*maturin, "build", "-r", "--compatibility", "pypi", "-o", str(out)], cwd=engine)
    _run([*maturin, "sdist", "-o", str(out)], cwd=engine)
    wheel = next(out.glob(f"vrp_contract-{version}-*.whl"))
    with zipfile.ZipFile(wheel) as zf:
        if "vrp_contract/py.typed" not in zf.namelist():
            msg = f"{wheel.name} has no vrp_contract/py.typed"
            raise DistError(msg)


def _typescript(out: Path, _revision: Revision, rev_id: str) -> None:
    package = GENERATED / "typescript" / rev_id
    _run(["npm", "pack", "--pack-destination", str(out), "--silent"], cwd=package)


def _go(out: Path, revision: Revision, rev_id: str) -> None:
    module = GENERATED / "go" / rev_id
    path, version = module_path(revision), "v" + package_version(revision)
    folder = out / "goproxy" / path / "@v"
    folder.mkdir(parents=True, exist_ok=True)
    prefix = f"{path}@{version}/"
    with zipfile.ZipFile(folder / f"{version}.zip", "w", zipfile.ZIP_DEFLATED) as zf:
        for file in sorted(module.rglob("*")):
            rel = file.relative_to(module).as_posix()
            if file.is_file() and rel not in GO_EXCLUDED:
                info = zipfile.ZipInfo(prefix + rel, date_time=(1980, 1, 1, 0, 0, 0))
                zf.writestr(info, file.read_bytes(), zipfile.ZIP_DEFLATED)
    shutil.copyfile(module / "go.mod", folder / f"{version}.mod")
    (folder / f"{version}.info").write_text(
        json.dumps({"Version": version, "Time": "2026-01-01T00:00:00Z"}) + "\n", "utf-8"
    )
    (folder / "list").write_text(version + "\n", "utf-8")


def _rust(out: Path, revision: Revision, rev_id: str) -> None:
    crate = GENERATED / "rust" / rev_id
    target = REPO / "build" / "dist-cargo-target"
    _run(
        ["cargo", "package", "--locked", "--allow-dirty", "--no-verify"],
        cwd=crate,
        env={"CARGO_TARGET_DIR": str(target)},
    )
    name = f"{artifact_name(revision)}-{package_version(revision)}.crate"
    shutil.copyfile(target / "package" / name, out / name)


def _java(out: Path, revision: Revision, rev_id: str) -> None:
    project = GENERATED / "java" / rev_id
    build = project / "target"  # .gitignored
    _run(["mvn", "-q", "-B", "clean", "package", "-DskipTests"], cwd=project)
    stem = f"{artifact_name(revision)}-{package_version(revision)}"
    for suffix in ("", "-sources", "-javadoc"):
        shutil.copyfile(build / f"{stem}{suffix}.jar", out / f"{stem}{suffix}.jar")
    shutil.copyfile(project / "pom.xml", out / f"{stem}.pom")


def _sums(out: Path) -> None:
    lines = []
    for path in sorted(p for p in out.rglob("*") if p.is_file() and p.name != "SHA256SUMS"):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        lines.append(f"{digest}  {path.relative_to(out).as_posix()}")
    (out / "SHA256SUMS").write_text("\n".join(lines) + "\n", "utf-8")


def build(out: Path, languages: list[str]) -> None:
    """Build the selected artifacts into a fresh `out` folder, then write SHA256SUMS."""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    per_revision = {"typescript": _typescript, "go": _go, "rust": _rust, "java": _java}
    if "python" in languages:
        _python(out)
    for revision in list_revisions():
        rev_id = "v" + revision.name.replace(".", "_")
        for language in languages:
            if language in per_revision:
                per_revision[language](out, revision, rev_id)
    _sums(out)


def main(argv: list[str] | None = None) -> int:
    """Entry point; see the module docstring."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=REPO / "dist", help="output folder")
    parser.add_argument("--only", action="append", choices=LANGUAGES, help="one language")
    args = parser.parse_args(argv)
    out: Path = args.out.resolve()
    try:
        build(out, args.only or list(LANGUAGES))
    except DistError as exc:
        print(f"dist.py: {exc}", file=sys.stderr)
        return 2
    except FileNotFoundError as exc:
        print(f"dist.py: {exc.filename} not found: run `make setup`", file=sys.stderr)
        return 2
    files = sum(1 for p in out.rglob("*") if p.is_file())
    print(f"dist.py: {files} files in {out} (checksums in SHA256SUMS)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
