"""The files of one input, read-only: a filesystem directory or a directory of a git tree.

Git is only ever run here, with `git -C CWD` when the repository is not the current directory.
"""

from __future__ import annotations

import posixpath
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlsplit

__all__ = ["InputError", "MemoryTree", "Tree", "git", "git_folder"]


class InputError(Exception):
    """An input that cannot be compared (unreadable, invalid JSON, fails its metaschema)."""


def git(*args: str, cwd: str | None = None) -> bytes:
    """Run git (in `cwd`, default the current directory); InputError with git's last line."""
    where = ["-C", cwd] if cwd is not None else []
    try:
        done = subprocess.run(["git", *where, *args], capture_output=True, check=False, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise InputError(f"cannot run git: {exc}") from None
    if done.returncode != 0:
        lines = done.stderr.decode(errors="replace").strip().splitlines() or ["failed"]
        raise InputError(f"git {' '.join(args)}: {lines[-1]}")
    return done.stdout


def git_folder(folder: str, ref: str) -> tuple[str, str]:
    """Return (work tree root, FOLDER relative to it) after checking that `ref` is a commit.

    For `--base REF`: FOLDER may be relative to any directory or absolute; git paths are not.
    """
    try:
        top = git("rev-parse", "--show-toplevel", cwd=folder).decode().strip()
    except InputError:
        msg = f"{folder}: not inside a git work tree, so it cannot be compared with --base {ref}"
        raise InputError(msg) from None
    try:
        git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", cwd=top)
    except InputError:
        raise InputError(f"--base {ref}: no such commit, branch or tag in {top}") from None
    rel = Path(folder).resolve().relative_to(Path(top).resolve()).as_posix()
    return top, "" if rel == "." else rel


class Tree:
    """Files below a filesystem folder (`root`) or a folder of a git tree (`git` = ref, path)."""

    def __init__(
        self,
        label: str,
        root: Path | None = None,
        git: tuple[str, str] | None = None,
        cwd: str | None = None,
    ) -> None:
        """Name the tree `label`; set `root`, or `git` (run in `cwd`)."""
        self.label, self.root, self.git, self.cwd = label, root, git, cwd

    def uri(self, rel: str) -> str:
        """The `file:` URI of a file of the tree (git trees get a stable made-up one)."""
        if self.root is not None:
            return (self.root / rel).resolve().as_uri()
        assert self.git is not None  # noqa: S101 - one of the two is set by construction
        return f"file:///git/{self.git[0]}/{posixpath.normpath(posixpath.join(self.git[1], rel))}"

    def rel_of(self, uri: str) -> str | None:
        """Map a `file:` URI onto a path relative to the input's folder (may start with ..)."""
        base = self.uri("x")[:-1]
        if not uri.startswith("file:///") or not base.startswith("file:///"):
            return None
        rel = posixpath.relpath(unquote(urlsplit(uri).path), unquote(urlsplit(base).path))
        return None if rel.startswith("../../../") else rel

    def list(self) -> list[str]:
        """Every file of the tree, relative to its folder, sorted."""
        if self.root is not None:
            return sorted(
                p.relative_to(self.root).as_posix() for p in self.root.rglob("*") if p.is_file()
            )
        ref, path = self.git or ("", "")
        spec = f"{ref}:{path}" if path else f"{ref}:"
        out = git("ls-tree", "-r", "--name-only", spec, cwd=self.cwd)
        return sorted(out.decode().splitlines())

    def read(self, rel: str) -> bytes | None:
        """The bytes of one file, or None when there is no such file."""
        if self.root is not None:
            path = self.root / rel
            try:
                return path.read_bytes()
            except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
                return None
            except OSError as exc:
                raise InputError(f"{self.label}/{rel}: cannot read: {exc.strerror}") from None
        ref, path_ = self.git or ("", "")
        try:
            return git("show", f"{ref}:{posixpath.normpath(posixpath.join(path_, rel))}",
                       cwd=self.cwd)  # fmt: skip
        except InputError:
            return None


class MemoryTree(Tree):
    """An in-memory document: nothing is beside it."""

    def read(self, rel: str) -> bytes | None:
        """Nothing is beside an in-memory document."""
        del rel
        return None
