"""Fixtures of the registry tests: a real Apicurio Registry and a real Kafka broker, never mocks.

`make test-registry` starts both once (scripts/services/apicurio.py and kafka.py `run`) and
passes their addresses in VRP_REGISTRY_URL and VRP_KAFKA_BOOTSTRAP; `pytest tests/registry`
alone starts them here and stops them by their PID at the end of the session.
"""

from __future__ import annotations

import os
import shutil
import uuid

import pytest

from scripts.services import apicurio, kafka


def _require(reason: str) -> None:
    if os.environ.get("VRP_REQUIRE_TOOLCHAINS") == "1":
        pytest.fail(f"{reason} (VRP_REQUIRE_TOOLCHAINS=1)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def registry_url():
    """The Confluent-compatible API of a running Apicurio Registry."""
    if not os.environ.get(apicurio.ENV_URL):
        if not (apicurio.APP / "quarkus-run.jar").is_file() and shutil.which("mvn") is None:
            _require("Apicurio is not fetched and mvn is missing (make setup-registry)")
        try:
            apicurio.find_java()
        except apicurio.RegistryServiceError as exc:
            _require(str(exc))
    with apicurio.running_registry() as url:
        yield url


@pytest.fixture(scope="session")
def kafka_bootstrap():
    """A running broker's host:port."""
    if not os.environ.get(kafka.ENV_BOOTSTRAP):
        if shutil.which("java") is None:
            _require("java is not installed; the Kafka broker needs it")
        if not (kafka.LIBS / ".version").is_file() and shutil.which("mvn") is None:
            _require("the Kafka jars are not fetched and mvn is missing (make setup-kafka)")
    with kafka.running_broker() as bootstrap:
        yield bootstrap


@pytest.fixture
def subject():
    """A subject no other test uses (the registry lives for the whole session)."""
    return f"vrp-test-{uuid.uuid4().hex[:12]}-value"
