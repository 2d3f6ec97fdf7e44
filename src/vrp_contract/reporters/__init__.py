"""Output formats for findings: a registry of reporters, one class per `--format` value."""

from __future__ import annotations

from vrp_contract.reporters.base import Reporter, Summary
from vrp_contract.reporters.events import EventsReporter
from vrp_contract.reporters.github import GithubReporter
from vrp_contract.reporters.json import JsonReporter
from vrp_contract.reporters.jsonl import JsonlReporter
from vrp_contract.reporters.markdown import MarkdownReporter
from vrp_contract.reporters.sarif import SarifReporter
from vrp_contract.reporters.text import TextReporter

__all__ = ["REPORTERS", "Reporter", "Summary", "formats_for", "get_reporter"]

REPORTERS: dict[str, type[Reporter]] = {
    cls.name: cls
    for cls in (
        TextReporter,
        JsonlReporter,
        EventsReporter,
        JsonReporter,
        GithubReporter,
        SarifReporter,
        MarkdownReporter,
    )
}


def formats_for(command: str) -> list[str]:
    """Return the `--format` values `command` offers, default (text) first."""
    return [name for name, cls in REPORTERS.items() if command in cls.commands]


def get_reporter(name: str) -> type[Reporter]:
    """Return the reporter class registered as `name`."""
    return REPORTERS[name]
