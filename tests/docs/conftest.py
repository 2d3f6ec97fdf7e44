"""Put `docs/hooks` on `sys.path`: the tests import the site generator (`vrp_site`) like mkdocs."""

from __future__ import annotations

import sys
from pathlib import Path

HOOKS = str(Path(__file__).resolve().parents[2] / "docs" / "hooks")
if HOOKS not in sys.path:
    sys.path.insert(0, HOOKS)
