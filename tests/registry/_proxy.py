"""A hosted registry in front of the real one: HTTPS and/or an `Authorization` check, then a
byte-for-byte forward to the Apicurio Registry of the session (no answer is made up here).
"""

from __future__ import annotations

import contextlib
import ssl
import subprocess
import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key, made with the openssl command line."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
            "-keyout", str(key), "-out", str(cert),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )  # fmt: skip
    return cert, key


class _Handler(BaseHTTPRequestHandler):
    upstream: ClassVar[str] = ""
    expected: ClassVar[str | None] = None
    seen: ClassVar[list[str | None]] = []

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib name
        """Quiet."""

    def _forward(self) -> None:
        header = self.headers.get("Authorization")
        self.seen.append(header)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        if self.expected is not None and header != self.expected:
            self._answer(401, b'{"error_code":40101,"message":"Unauthorized"}', "application/json")
            return
        request = urllib.request.Request(  # noqa: S310 - http://127.0.0.1 upstream
            self.upstream + self.path, data=body, method=self.command
        )
        if body is not None:
            request.add_header("Content-Type", self.headers.get("Content-Type", "application/json"))
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                self._answer(response.status, response.read(), response.headers["Content-Type"])
        except urllib.error.HTTPError as exc:
            self._answer(exc.code, exc.read(), exc.headers.get("Content-Type", "text/plain"))

    def _answer(self, status: int, body: bytes, kind: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = _forward  # noqa: N815 - the stdlib's method names


@contextlib.contextmanager
def hosted(
    upstream: str, *, tls: tuple[Path, Path] | None = None, expected: str | None = None
) -> Iterator[tuple[str, list[str | None]]]:
    """Yield (URL of the front, the Authorization headers it saw); stop it on exit."""
    seen: list[str | None] = []
    handler = type(
        "Handler", (_Handler,), {"upstream": upstream, "expected": expected, "seen": seen}
    )
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    scheme = "http"
    if tls is not None:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(*tls)
        server.socket = context.wrap_socket(server.socket, server_side=True)
        scheme = "https"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"{scheme}://127.0.0.1:{server.server_address[1]}", seen
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
