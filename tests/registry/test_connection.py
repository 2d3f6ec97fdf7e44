"""Bad URLs, refused connections, HTTP errors, credentials and TLS: one line, exit 2, no secret."""

from __future__ import annotations

import base64
import functools
import shutil
import socket
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, SimpleHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest

from tests._support import run_cli
from tests.registry._proxy import hosted, self_signed
from tests.registry._revisions import tree
from vrp_contract.registry import Auth, RegistryError, fetch_schema

TOKEN = "t0ken-Sekr1t"  # noqa: S105 - a test value
PASSWORD = "pa55-Sekr1t"  # noqa: S105 - a test value


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _one_line_error(run) -> str:
    assert run.code == 2, run.out + run.err
    assert run.out == ""
    assert run.err.startswith("vrp-contract: error: registry")
    assert run.err.count("\n") == 1, run.err
    assert "Traceback" not in run.err
    return str(run.err)


def _no_secret(run) -> None:
    for secret in (TOKEN, PASSWORD, base64.b64encode(f"ci:{PASSWORD}".encode()).decode()):
        assert secret not in run.out + run.err


@pytest.mark.parametrize("action", ["push", "check"])
def test_refused_connection(action, monkeypatch):
    monkeypatch.setenv("VRP_REGISTRY_TOKEN", TOKEN)
    url = f"http://127.0.0.1:{_free_port()}/apis/ccompat/v7"
    run = run_cli("registry", action, "--url", url, "--subject", "s")
    err = _one_line_error(run)
    assert "cannot connect: connection refused (is the registry running?)" in err
    _no_secret(run)


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("ftp://127.0.0.1/x", "is not an http:// or https:// URL with a host"),
        ("127.0.0.1:8081", "is not an http:// or https:// URL with a host"),
        ("http://127.0.0.1:99999/x", "has an invalid port"),
        ("http://127.0.0.1:8081/x?a=1", "has a query or fragment"),
        (f"http://ci:{PASSWORD}@127.0.0.1:8081/x", "the registry URL carries credentials"),
    ],
)
def test_bad_url(url, says):
    run = run_cli("registry", "push", "--url", url, "--subject", "s")
    assert says in _one_line_error(run)
    _no_secret(run)


def test_missing_url_and_conflicting_credentials(monkeypatch):
    monkeypatch.delenv("VRP_REGISTRY_URL", raising=False)
    run = run_cli("registry", "check", "--subject", "s")
    assert "give --url or set VRP_REGISTRY_URL" in _one_line_error(run)
    monkeypatch.setenv("VRP_REGISTRY_TOKEN", TOKEN)
    monkeypatch.setenv("VRP_REGISTRY_USERNAME", "ci")
    run = run_cli("registry", "check", "--url", "http://127.0.0.1:1/x", "--subject", "s")
    assert "not both" in _one_line_error(run)
    _no_secret(run)
    monkeypatch.delenv("VRP_REGISTRY_TOKEN")
    run = run_cli("registry", "check", "--url", "http://127.0.0.1:1/x", "--subject", "s")
    assert "VRP_REGISTRY_PASSWORD is not" in _one_line_error(run)


def test_bad_schema_dir_and_revision(registry_url, tmp_path):
    run = run_cli(
        "registry", "push", "--url", registry_url, "--subject", "s", "--schema-dir", str(tmp_path)
    )
    assert run.code == 2
    assert "no revision folders" in run.err
    run = run_cli("registry", "push", "--url", registry_url, "--subject", "s", "--revision", "9.9")
    assert run.code == 2
    assert "no revision '9.9'; known: 0.1" in run.err


def test_wrong_base_path_is_an_http_error_with_a_hint(registry_url, subject):
    root = urllib.parse.urlsplit(registry_url)._replace(path="/apis").geturl()
    run = run_cli("registry", "push", "--url", root, "--subject", subject)
    err = _one_line_error(run)
    assert "HTTP 404" in err
    assert "for Apicurio: .../apis/ccompat/v7" in err


def test_bearer_and_basic_credentials_reach_the_registry_and_never_print(
    registry_url, subject, monkeypatch
):
    with hosted(registry_url, expected=f"Bearer {TOKEN}") as (url, seen):
        monkeypatch.setenv("VRP_REGISTRY_TOKEN", TOKEN)
        run = run_cli("registry", "push", "--url", url, "--subject", subject)
        assert run.code == 0, run.out + run.err
        _no_secret(run)
        assert set(seen) == {f"Bearer {TOKEN}"}
        monkeypatch.setenv("VRP_REGISTRY_TOKEN", "wrong")
        run = run_cli("registry", "check", "--url", url, "--subject", subject)
        err = _one_line_error(run)
        assert "HTTP 401" in err
        assert "check VRP_REGISTRY_TOKEN or VRP_REGISTRY_USERNAME/VRP_REGISTRY_PASSWORD" in err
        assert "wrong" not in err
    basic = "Basic " + base64.b64encode(f"ci:{PASSWORD}".encode()).decode()
    with hosted(registry_url, expected=basic) as (url, seen):
        monkeypatch.delenv("VRP_REGISTRY_TOKEN")
        monkeypatch.setenv("VRP_REGISTRY_USERNAME", "ci")
        monkeypatch.setenv("VRP_REGISTRY_PASSWORD", PASSWORD)
        run = run_cli("registry", "check", "--url", url, "--subject", subject)
        assert run.code == 0, run.out + run.err
        _no_secret(run)
        assert set(seen) == {basic}
    assert "Sekr1t" not in repr(Auth(username="ci", password=PASSWORD, token=TOKEN))


def test_tls_ca_file_and_insecure(registry_url, subject, tmp_path):
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command line makes the test certificate")
    cert, key = self_signed(tmp_path)
    with hosted(registry_url, tls=(cert, key)) as (url, _):
        untrusted = run_cli("registry", "push", "--url", url, "--subject", subject)
        assert "the TLS certificate is not trusted" in _one_line_error(untrusted)
        assert "see --ca-file" in untrusted.err
        trusted = ["--url", url, "--subject", subject, "--ca-file", str(cert)]
        run = run_cli("registry", "push", *trusted)
        assert run.code == 0, run.out + run.err
        run = run_cli("registry", "check", "--url", url, "--subject", subject, "--insecure")
        assert run.code == 0, run.out + run.err
        assert run.err == (
            "vrp-contract: warning: --insecure: the registry's TLS certificate is not verified\n"
        )
        missing = run_cli("registry", "push", *trusted[:-1], str(tmp_path / "nope.pem"))
        assert "does not exist" in _one_line_error(missing)
        with pytest.raises(RegistryError, match="not trusted"):
            fetch_schema(url, subject)
        assert fetch_schema(url, subject, ca_file=str(cert), auth=Auth())["title"] == "VrpEvent"


class _QuietFiles(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib name
        """Quiet."""


def test_an_answer_that_is_not_json_and_a_server_that_never_answers(tmp_path):
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "s").write_text("<html>a web page</html>")
    handler = functools.partial(_QuietFiles, directory=str(tmp_path))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        run = run_cli("registry", "check", "--url", url, "--subject", "s")
        err = _one_line_error(run)
        assert "GET /config/s: the answer (HTTP 200" in err
        assert "is not JSON; is http://127.0.0.1" in err
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
    with socket.socket() as silent:  # accepts connections (backlog) but never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(4)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        run = run_cli("registry", "push", "--url", url, "--subject", "s", "--timeout", "0.5")
        assert "no answer within 0.5 s" in _one_line_error(run)


class _Redirect(BaseHTTPRequestHandler):
    seen: ClassVar[list[str | None]] = []

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib name
        """Quiet."""

    def do_GET(self) -> None:
        self.seen.append(self.headers.get("Authorization"))
        self.send_response(302)
        self.send_header("Location", "http://127.0.0.1:9/elsewhere")
        self.send_header("Content-Length", "0")
        self.end_headers()


def test_a_redirect_is_refused_so_credentials_never_follow_it(monkeypatch):
    monkeypatch.setenv("VRP_REGISTRY_TOKEN", TOKEN)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Redirect)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/apis/ccompat/v7"
        run = run_cli("registry", "check", "--url", url, "--subject", "s")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
    err = _one_line_error(run)
    assert "GET /config/s: HTTP 302" in err
    _no_secret(run)
    assert _Redirect.seen == [f"Bearer {TOKEN}"]  # one request; nothing followed the redirect


def test_a_revision_that_cannot_be_read_is_named_before_any_request(tmp_path):
    root = tree(tmp_path)
    broken = root / "v0.1" / "events" / "mutation_tick.schema.json"
    broken.write_text('{\n  "type": "object",\n  "properties": {,\n}\n')
    url = f"http://127.0.0.1:{_free_port()}/apis/ccompat/v7"  # never asked
    run = run_cli("registry", "push", "--url", url, "--subject", "s", "--schema-dir", str(root))
    err = _one_line_error(run)
    assert "mutation_tick.schema.json:3:" in err
    assert "connect" not in err
