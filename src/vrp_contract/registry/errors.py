"""The errors of the registry client: one line each, never a secret."""

from __future__ import annotations

__all__ = ["RegistryError", "RegistryHTTPError"]


class RegistryError(Exception):
    """The registry cannot be reached or answered in a way the command cannot use (exit 2)."""


class RegistryHTTPError(RegistryError):
    """The registry answered with an HTTP error status; `error_code` is its own code, if any."""

    def __init__(
        self, message: str, status: int, error_code: int | None, causes: tuple[str, ...] = ()
    ) -> None:
        """Keep the HTTP status, the registry's error code and its causes beside the message."""
        super().__init__(message)
        self.status = status
        self.error_code = error_code
        self.causes = causes
