"""The pinned Mermaid script shipped with the site, so the state diagram renders offline.

Material for MkDocs loads Mermaid from a CDN unless a global `mermaid` is already defined; the hook
adds this pinned copy to `extra_javascript`. `python docs/hooks/fetch_mermaid.py` fetches it once
with `npm pack` (the npm registry's ordinary client), checks the tarball against the pinned
integrity and keeps `dist/mermaid.min.js` and the licence under `.cache/docs/`.
"""

from __future__ import annotations

import base64
import hashlib
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

__all__ = [
    "MERMAID_INTEGRITY",
    "MERMAID_VERSION",
    "SITE_PATH",
    "cache_dir",
    "fetch",
    "script_path",
]

# Material 9.8 is tested against Mermaid 11 (its CDN fallback is `mermaid@11`).
MERMAID_VERSION = "11.17.2"
MERMAID_INTEGRITY = (
    "sha512-V6K3C8EBdEsPFZXSKMJe6ppQOENxuHARr9GvHX4hh47lAbhMRD9qf4oEK7LoaRQx"
    "ULMa80/qt5gHO73aCleBBg=="
)
SITE_PATH = f"assets/vendor/mermaid-{MERMAID_VERSION}.min.js"
_MEMBERS = {"package/dist/mermaid.min.js": "mermaid.min.js", "package/LICENSE": "LICENSE"}


def cache_dir(project_root: Path) -> Path:
    """Return the folder that holds the extracted Mermaid files of the pinned version."""
    return project_root / ".cache" / "docs" / f"mermaid-{MERMAID_VERSION}"


def script_path(project_root: Path) -> Path:
    """Return where the pinned `mermaid.min.js` lives once fetched."""
    return cache_dir(project_root) / "mermaid.min.js"


def _integrity(tarball: Path) -> str:
    digest = hashlib.sha512(tarball.read_bytes()).digest()
    return "sha512-" + base64.b64encode(digest).decode("ascii")


def fetch(project_root: Path, npm: str = "npm") -> Path:
    """Fetch the pinned Mermaid into the cache (no-op when present); return the script path."""
    target = script_path(project_root)
    if target.is_file():
        return target
    with tempfile.TemporaryDirectory(prefix="vrp-mermaid-") as tmp:
        work = Path(tmp)
        subprocess.run(
            [npm, "pack", f"mermaid@{MERMAID_VERSION}", "--silent", "--pack-destination", tmp],
            cwd=tmp,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        tarball = work / f"mermaid-{MERMAID_VERSION}.tgz"
        found = _integrity(tarball)
        if found != MERMAID_INTEGRITY:
            msg = f"mermaid@{MERMAID_VERSION}: integrity {found} does not match the pin"
            raise RuntimeError(msg)
        staging = work / "out"
        staging.mkdir()
        with tarfile.open(tarball, "r:gz") as tar:
            for member, name in _MEMBERS.items():
                source = tar.extractfile(member)
                if source is None:
                    msg = f"mermaid@{MERMAID_VERSION}: {member} missing from the package"
                    raise RuntimeError(msg)
                (staging / name).write_bytes(source.read())
        final = cache_dir(project_root)
        final.parent.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(final, ignore_errors=True)
        shutil.move(str(staging), final)
    return target
