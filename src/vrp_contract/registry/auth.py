"""Registry credentials, read from the environment only: a bearer token or basic auth."""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from vrp_contract.registry.errors import RegistryError

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["ENV_PASSWORD", "ENV_TOKEN", "ENV_USERNAME", "Auth"]

ENV_USERNAME = "VRP_REGISTRY_USERNAME"
ENV_PASSWORD = "VRP_REGISTRY_PASSWORD"  # noqa: S105 - the name of a variable, not a secret
ENV_TOKEN = "VRP_REGISTRY_TOKEN"  # noqa: S105 - the name of a variable, not a secret


@dataclass(frozen=True)
class Auth:
    """Credentials for the registry: HTTP basic auth or a bearer token (never both).

    `repr` hides the secrets, so an `Auth` can be logged.
    """

    username: str | None = None
    password: str | None = field(default=None, repr=False)
    token: str | None = field(default=None, repr=False)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Auth:
        """Read `VRP_REGISTRY_TOKEN`, or `VRP_REGISTRY_USERNAME` and `VRP_REGISTRY_PASSWORD`."""
        env = os.environ if env is None else env
        token = env.get(ENV_TOKEN) or None
        username = env.get(ENV_USERNAME) or None
        password = env.get(ENV_PASSWORD)
        if token is not None and username is not None:
            msg = f"set either {ENV_TOKEN} (bearer token) or {ENV_USERNAME} (basic auth), not both"
            raise RegistryError(msg)
        if username is not None and password is None:
            msg = f"{ENV_USERNAME} is set but {ENV_PASSWORD} is not (basic auth needs both)"
            raise RegistryError(msg)
        if username is None and password is not None:
            msg = f"{ENV_PASSWORD} is set but {ENV_USERNAME} is not (basic auth needs both)"
            raise RegistryError(msg)
        return cls(username=username, password=password, token=token)

    @property
    def kind(self) -> str:
        """`bearer`, `basic` or `none`: what the requests carry (printable, no secret)."""
        return "bearer" if self.token else "basic" if self.username else "none"

    def header(self) -> str | None:
        """The `Authorization` header value, or None without credentials."""
        if self.token:
            return f"Bearer {self.token}"
        if self.username is not None:
            pair = f"{self.username}:{self.password or ''}".encode()
            return "Basic " + base64.b64encode(pair).decode("ascii")
        return None
