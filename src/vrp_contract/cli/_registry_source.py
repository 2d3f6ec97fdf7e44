"""`--registry-url`, `--registry-subject`: the revision a registry holds (validate, flink)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from vrp_contract.cli._io import UsageError

if TYPE_CHECKING:
    import argparse

__all__ = ["add_registry_arguments", "revision_name"]


def add_registry_arguments(parser: argparse.ArgumentParser) -> None:
    """The options that take the revision from a registry instead of `--revision`."""
    group = parser.add_argument_group(
        "schema registry (instead of --revision: the revision registered for the topic)"
    )
    group.add_argument("--registry-url", metavar="URL", help="Confluent-compatible API base URL")
    group.add_argument("--registry-subject", metavar="SUBJECT", help="e.g. vrp-events-value")
    group.add_argument("--registry-version", metavar="N", default="latest", help="default: latest")


def revision_name(args: argparse.Namespace) -> str | None:
    """The revision to check against: `--revision`, or the one the registry holds."""
    if not args.registry_url and not args.registry_subject:
        return args.revision  # type: ignore[no-any-return]
    if not (args.registry_url and args.registry_subject):
        raise UsageError("--registry-url and --registry-subject go together")
    if args.revision:
        raise UsageError("give --revision or --registry-url, not both")
    from vrp_contract.registry import RegistryError, registered_revision  # noqa: PLC0415 - on use

    try:
        return registered_revision(
            args.registry_url, args.registry_subject, args.registry_version
        ).name
    except RegistryError as exc:
        raise UsageError(str(exc)) from None
