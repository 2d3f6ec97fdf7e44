"""scripts/services/apicurio.py: Java 21+, readiness, and the process stopped by its PID."""

from __future__ import annotations

import os
import time

import pytest

from scripts.services import apicurio

# the fixture skips (or fails under VRP_REQUIRE_TOOLCHAINS=1) where Apicurio or Java is missing
pytestmark = pytest.mark.usefixtures("registry_url")


def _gone(pid: int) -> bool:
    for _ in range(100):  # bounded: ~10 s
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


def test_java_is_21_or_newer():
    java = apicurio.find_java()
    major = apicurio._java_major(java)
    assert major is not None
    assert major >= apicurio.MIN_JAVA


def test_a_registry_that_is_not_ready_in_time_is_stopped_by_its_pid():
    registry = apicurio.ApicurioRegistry(start_timeout=0.5)
    with pytest.raises(apicurio.RegistryServiceError, match="was not ready") as caught:
        registry.start()
    assert registry.pid is not None
    assert registry.process is None
    assert _gone(registry.pid)
    assert "/health/ready within 0 s" in str(caught.value)


def _fail_inside(registry: apicurio.ApicurioRegistry) -> None:
    with registry:
        assert registry.url.startswith("http://127.0.0.1:")
        assert apicurio._is_ours(registry.pid or 0)
        raise RuntimeError("a failing test")


@pytest.mark.slow
def test_the_registry_is_stopped_when_the_body_fails():
    registry = apicurio.ApicurioRegistry()
    with pytest.raises(RuntimeError, match="a failing test"):
        _fail_inside(registry)
    assert registry.pid is not None
    assert _gone(registry.pid)
    assert not registry.work_dir.exists()


@pytest.mark.parametrize(("version", "chosen"), [("21.0.4", True), ("17.0.15", False)])
def test_java_home_is_taken_when_it_is_21_or_newer(tmp_path, monkeypatch, version, chosen):
    java = tmp_path / "bin" / "java"
    java.parent.mkdir()
    java.write_text(f"#!/bin/sh\necho 'openjdk version \"{version}\" 2025-01-01' >&2\n")
    java.chmod(0o755)
    monkeypatch.setenv("JAVA_HOME", str(tmp_path))
    assert (apicurio.find_java() == str(java)) is chosen
    assert apicurio._java_major(apicurio.find_java()) >= apicurio.MIN_JAVA  # type: ignore[operator]
