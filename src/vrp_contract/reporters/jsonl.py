"""JSON Lines: one finding object per line (schema: `finding_schema()`), nothing else."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import orjson

from vrp_contract.findings import Severity
from vrp_contract.reporters.base import Reporter

if TYPE_CHECKING:
    from vrp_contract.findings import Finding

__all__ = ["JsonlReporter"]


class JsonlReporter(Reporter):
    """`--format jsonl`: every finding as one JSON object per line, for machines."""

    name: ClassVar[str] = "jsonl"
    commands: ClassVar[frozenset[str]] = frozenset({"validate", "compat", "vendor"})

    def finding(self, finding: Finding) -> None:
        """Write the finding's JSON form on one line."""
        if self.quiet and finding.severity is not Severity.ERROR:
            return
        self.out.write(orjson.dumps(finding.to_dict()).decode() + "\n")
