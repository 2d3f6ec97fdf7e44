"""Fetch the pinned Mermaid script for the docs site (run by `make setup-docs-js`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from vrp_site.mermaid import MERMAID_VERSION, fetch


def main() -> int:
    """Fetch into `.cache/docs/` of the project; print where the script is."""
    root = Path(__file__).resolve().parents[2]
    try:
        path = fetch(root)
    except (OSError, RuntimeError, subprocess.CalledProcessError) as exc:
        print(f"fetch_mermaid: cannot fetch mermaid@{MERMAID_VERSION}: {exc}", file=sys.stderr)
        return 2
    print(f"mermaid@{MERMAID_VERSION}: {path.relative_to(root)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
