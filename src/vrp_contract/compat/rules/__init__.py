"""The compatibility rules, one small function each, grouped by family.

Importing this package registers every node rule, in the order the walker applies them.
"""

from __future__ import annotations

from vrp_contract.compat.rules import annotation, arrays, composition, objects, scalars

__all__ = ["annotation", "arrays", "composition", "objects", "scalars"]
