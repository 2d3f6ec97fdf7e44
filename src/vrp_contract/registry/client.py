"""A small client for the Confluent-compatible schema registry REST API (stdlib `urllib` only).

Confluent Schema Registry, Apicurio Registry (under `/apis/ccompat/v7`) and Redpanda serve this
API. Every failure (a bad URL, a refused connection, a timeout, an HTTP error, an answer that is
not JSON) becomes a `RegistryError` with one line naming the registry and the request; secrets
(a password, a token) are read from the environment and never appear in a message.
"""

from __future__ import annotations

import http.client
import json
import ssl
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from vrp_contract.registry.auth import ENV_PASSWORD, ENV_TOKEN, ENV_USERNAME, Auth
from vrp_contract.registry.errors import RegistryError, RegistryHTTPError

__all__ = ["APICURIO_CCOMPAT", "COMPATIBILITY_LEVELS", "RegistryClient"]

COMPATIBILITY_LEVELS = (
    "BACKWARD",
    "BACKWARD_TRANSITIVE",
    "FORWARD",
    "FORWARD_TRANSITIVE",
    "FULL",
    "FULL_TRANSITIVE",
    "NONE",
)
_CONTENT_TYPE = "application/vnd.schemaregistry.v1+json"
APICURIO_CCOMPAT = "/apis/ccompat/v7"


def _check_url(url: str) -> str:
    """Return `url` without a trailing slash, or raise for one the client cannot use."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        msg = (
            f"registry URL {_safe(url)!r} is not an http:// or https:// URL with a host "
            "(for Apicurio: http://HOST:PORT/apis/ccompat/v7)"
        )
        raise RegistryError(msg)
    if parts.username is not None or parts.password is not None:
        msg = (
            "the registry URL carries credentials; put them in the environment instead "
            f"({ENV_USERNAME} and {ENV_PASSWORD}, or {ENV_TOKEN})"
        )
        raise RegistryError(msg)
    if parts.query or parts.fragment:
        msg = f"registry URL {url!r} has a query or fragment; give the API base URL only"
        raise RegistryError(msg)
    try:
        _ = parts.port
    except ValueError:
        msg = f"registry URL {url!r} has an invalid port"
        raise RegistryError(msg) from None
    return url.rstrip("/")


def _safe(url: str) -> str:
    """`url` without any user:password part (for messages)."""
    parts = urllib.parse.urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    netloc = parts.hostname or ""
    if parts.port is not None:
        netloc += f":{parts.port}"
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc))


def _tls_context(ca_file: str | None, insecure: bool) -> ssl.SSLContext:
    try:
        context = ssl.create_default_context(cafile=ca_file)
    except FileNotFoundError:
        raise RegistryError(f"CA file {ca_file} does not exist") from None
    except (ssl.SSLError, OSError) as exc:
        raise RegistryError(f"CA file {ca_file} cannot be used: {exc}") from None
    if insecure:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


def _quote(segment: str) -> str:
    return urllib.parse.quote(segment, safe="")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Refuse redirects: urllib would resend the Authorization header to the new host."""

    def redirect_request(  # noqa: PLR0913, PLR0917 - the stdlib's signature
        self,
        req: urllib.request.Request,
        fp: Any,  # noqa: ANN401 - the stdlib's type
        code: int,
        msg: str,
        headers: Any,  # noqa: ANN401 - the stdlib's type
        newurl: str,
    ) -> None:
        """None: the 3xx answer becomes an HTTP error naming the status."""


class RegistryClient:
    """The few calls `vrp-contract registry` needs, against one registry base URL."""

    def __init__(
        self,
        url: str,
        *,
        auth: Auth | None = None,
        ca_file: str | None = None,
        insecure: bool = False,
        timeout: float = 10.0,
    ) -> None:
        """Check the URL and the TLS options; no request is made yet."""
        self.url = _check_url(url)
        self.auth = auth or Auth()
        self.timeout = timeout
        context = _tls_context(ca_file, insecure) if self.url.startswith("https:") else None
        self._opener = urllib.request.build_opener(
            _NoRedirect(), urllib.request.HTTPSHandler(context=context)
        )

    # -- the registry calls -------------------------------------------------------------------

    def subjects(self) -> list[str]:
        """Every subject the registry knows."""
        return [str(s) for s in self._list("GET", "/subjects")]

    def versions(self, subject: str) -> list[int]:
        """The version numbers of `subject`, oldest first ([] for an unknown subject)."""
        try:
            return sorted(
                int(v) for v in self._list("GET", f"/subjects/{_quote(subject)}/versions")
            )
        except RegistryHTTPError as exc:
            if exc.status == 404:
                return []
            raise

    def version(self, subject: str, version: int | str = "latest") -> dict[str, Any]:
        """One registered version: `subject`, `version`, `id`, `schema` (a JSON string)..."""
        path = f"/subjects/{_quote(subject)}/versions/{_quote(str(version))}"
        return self._object("GET", path)

    def schema(self, subject: str, version: int | str = "latest") -> dict[str, Any]:
        """The schema of one registered version, parsed into a JSON object."""
        record = self.version(subject, version)
        text = record.get("schema")
        try:
            doc = json.loads(text) if isinstance(text, str) else None
        except ValueError:
            doc = None
        if not isinstance(doc, dict):
            msg = (
                f"{self.url}: subject {subject!r} version {record.get('version', version)} "
                "holds no JSON Schema object (is it an Avro or Protobuf subject?)"
            )
            raise RegistryError(msg)
        return doc

    def lookup(self, subject: str, schema: str) -> dict[str, Any] | None:
        """The version record of `schema` under `subject`, or None when it is not registered."""
        try:
            return self._object("POST", f"/subjects/{_quote(subject)}", _body(schema))
        except RegistryHTTPError as exc:
            if exc.status == 404:
                return None
            raise

    def register(self, subject: str, schema: str) -> int:
        """Register `schema` under `subject` and return its global id (the same id if known)."""
        path = f"/subjects/{_quote(subject)}/versions"
        answer = self._object("POST", path, _body(schema))
        schema_id = answer.get("id")
        if not isinstance(schema_id, int):
            raise RegistryError(f"{self.url}: POST {path} answered without a schema id")
        return schema_id

    def compatibility(self, subject: str) -> str | None:
        """The subject's own compatibility level, or None when it follows the global level."""
        try:
            answer = self._object("GET", f"/config/{_quote(subject)}")
        except RegistryHTTPError as exc:
            if exc.status == 404:
                return None
            raise
        level = answer.get("compatibilityLevel", answer.get("compatibility"))
        return str(level) if level is not None else None

    def global_compatibility(self) -> str:
        """The registry-wide default compatibility level."""
        answer = self._object("GET", "/config")
        return str(answer.get("compatibilityLevel", answer.get("compatibility", "BACKWARD")))

    def set_compatibility(self, subject: str, level: str) -> None:
        """Set the subject's compatibility level (one of `COMPATIBILITY_LEVELS`)."""
        body = json.dumps({"compatibility": level}).encode()
        self._object("PUT", f"/config/{_quote(subject)}", body)

    def is_compatible(
        self, subject: str, schema: str, version: int | str = "latest"
    ) -> tuple[bool, list[str]]:
        """Ask the registry whether `schema` is compatible with one version, under its level.

        Returns the verdict and the registry's messages (Confluent gives them with `verbose`).
        """
        path = f"/compatibility/subjects/{_quote(subject)}/versions/{_quote(str(version))}"
        answer = self._object("POST", path + "?verbose=true", _body(schema))
        verdict = answer.get("is_compatible")
        if not isinstance(verdict, bool):
            msg = f"{self.url}: POST {path} answered without an is_compatible verdict"
            raise RegistryError(msg)
        messages = answer.get("messages") or []
        return verdict, [str(m) for m in messages] if isinstance(messages, list) else []

    def explain(self, subject: str, schema: str) -> list[str]:
        """Apicurio only: the rule violations registering `schema` would meet, by a dry run.

        The Confluent-compatible check answers a bare verdict on Apicurio; its own API (beside
        `/apis/ccompat/v7`) names the rule (`PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL at /...`)
        without registering anything. Best effort: [] for other registries or on any failure.
        """
        if not self.url.endswith(APICURIO_CCOMPAT):
            return []
        native = self.url.removesuffix(APICURIO_CCOMPAT) + "/apis/registry/v3"
        path = f"/groups/default/artifacts/{_quote(subject)}/versions?dryRun=true"
        body = json.dumps({"content": {"content": schema, "contentType": "application/json"}})
        try:
            self._request("POST", path, body.encode(), base=native, kind="application/json")
        except RegistryHTTPError as exc:
            return list(exc.causes)
        except RegistryError:
            return []
        return []

    # -- transport ------------------------------------------------------------------------------

    def _list(self, method: str, path: str) -> list[Any]:
        data = self._request(method, path)
        if not isinstance(data, list):
            raise RegistryError(f"{self.url}: {method} {path} answered {_kind(data)}, not a list")
        return data

    def _object(self, method: str, path: str, body: bytes | None = None) -> dict[str, Any]:
        data = self._request(method, path, body)
        if not isinstance(data, dict):
            msg = f"{self.url}: {method} {path} answered {_kind(data)}, not an object"
            raise RegistryError(msg)
        return data

    def _request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        *,
        base: str | None = None,
        kind: str = _CONTENT_TYPE,
    ) -> Any:  # noqa: ANN401 - any JSON value
        base = self.url if base is None else base
        headers = {"Accept": f"{_CONTENT_TYPE}, application/json"}
        if body is not None:
            headers["Content-Type"] = kind
        header = self.auth.header()
        if header is not None:
            headers["Authorization"] = header
        request = urllib.request.Request(  # noqa: S310 - the scheme is checked in _check_url
            base + path, data=body, method=method, headers=headers
        )
        where = f"{base}: {method} {path.split('?', maxsplit=1)[0]}"
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                status, kind, raw = (
                    response.status,
                    response.headers.get_content_type(),
                    response.read(),
                )
        except urllib.error.HTTPError as exc:
            raise _http_error(where, exc) from None
        except urllib.error.URLError as exc:
            raise RegistryError(f"{where}: cannot connect: {_reason(exc.reason)}") from None
        except TimeoutError:
            raise RegistryError(f"{where}: no answer within {self.timeout:g} s") from None
        except (http.client.HTTPException, OSError) as exc:
            raise RegistryError(f"{where}: the connection failed: {_reason(exc)}") from None
        try:
            return json.loads(raw) if raw.strip() else None
        except ValueError:
            msg = (
                f"{where}: the answer (HTTP {status}, {kind}) is not JSON; is {self.url} the "
                "Confluent-compatible API (for Apicurio: http://HOST:PORT/apis/ccompat/v7)?"
            )
            raise RegistryError(msg) from None


def _body(schema: str) -> bytes:
    return json.dumps({"schemaType": "JSON", "schema": schema}).encode()


def _kind(data: object) -> str:
    return {dict: "an object", list: "a list", type(None): "nothing"}.get(type(data), "a value")


def _reason(reason: object) -> str:
    if isinstance(reason, ssl.SSLCertVerificationError):
        return f"the TLS certificate is not trusted ({reason.verify_message}); see --ca-file"
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused (is the registry running?)"
    if isinstance(reason, TimeoutError):
        return "timed out"
    text = str(getattr(reason, "strerror", None) or reason).strip()
    return text or type(reason).__name__


def _http_error(where: str, exc: urllib.error.HTTPError) -> RegistryHTTPError:
    status = exc.code
    try:
        raw = exc.read()
    except OSError:
        raw = b""
    code: int | None = None
    detail = ""
    causes: tuple[str, ...] = ()
    try:
        data = json.loads(raw)
    except ValueError:
        data = None
    if isinstance(data, dict):
        raw_code = data.get("error_code")
        code = raw_code if isinstance(raw_code, int) else None
        detail = str(data.get("message") or data.get("detail") or data.get("title") or "")
        causes = tuple(
            f"{c.get('description')} at {c.get('context') or '/'}"
            for c in data.get("causes") or []
            if isinstance(c, dict) and c.get("description")
        )
    detail = " ".join(detail.split())[:300]
    if status in {401, 403}:
        hint = f"; check {ENV_TOKEN} or {ENV_USERNAME}/{ENV_PASSWORD}"
    elif status == 404 and code is None:
        hint = "; is the URL the Confluent-compatible API (for Apicurio: .../apis/ccompat/v7)?"
    else:
        hint = ""
    text = f"{where}: HTTP {status} {exc.reason}" + (f": {detail}" if detail else "") + hint
    return RegistryHTTPError(text, status, code, causes)
