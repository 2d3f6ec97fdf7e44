"""Run `vrp-contract validate` against a revision folder outside the package (a draft, a test).

Usage: python bench/validate_revision.py REVISION_DIR [validate options] FILE...

The benchmark times revision 0.1 and the test-only future revision (bench/future_revision.py)
through this same driver, so the two runs differ only in the revision. One process only: `--jobs`
workers load revisions by name.
"""

from __future__ import annotations

import sys
from pathlib import Path

from vrp_contract.cli import main, validate_cmd
from vrp_contract.revisions import Revision


def _run(argv: list[str]) -> int:
    folder = Path(argv[0]).resolve()
    supplement = folder.parent / "supplements" / folder.name  # what a released revision lacks
    revision = Revision(
        folder.name.removeprefix("v"), folder, supplement if supplement.is_dir() else None
    )
    validate_cmd.load_revision = lambda _name=None: revision  # type: ignore[assignment]
    return main(["validate", "--jobs", "1", *argv[1:]])


if __name__ == "__main__":
    sys.exit(_run(sys.argv[1:]))
