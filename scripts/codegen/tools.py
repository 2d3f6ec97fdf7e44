"""Install the pinned generators (`python scripts/generate.py --install-tools`)."""

from __future__ import annotations

__all__ = ["install"]


def install() -> int:
    """Not written yet."""
    return 0
