"""Fixtures of the engine tests: a real Kafka broker (scripts/services/kafka.py), never a mock."""

from __future__ import annotations

import os
import shutil

import pytest

from scripts.services import kafka


def pytest_configure(config):
    # PyFlink warns about its own deprecated classes when its table package is imported.
    config.addinivalue_line("filterwarnings", r"ignore::DeprecationWarning:pyflink\..*")


def _require(reason: str) -> None:
    if os.environ.get("VRP_REQUIRE_TOOLCHAINS") == "1":
        pytest.fail(f"{reason} (VRP_REQUIRE_TOOLCHAINS=1)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def kafka_bootstrap():
    """A running broker's host:port: $VRP_KAFKA_BOOTSTRAP (make test-flink) or one started here."""
    if not os.environ.get(kafka.ENV_BOOTSTRAP):
        if shutil.which("java") is None:
            _require("java is not installed; the Kafka broker needs it")
        if not (kafka.LIBS / ".version").is_file() and shutil.which("mvn") is None:
            _require("the Kafka jars are not fetched and mvn is missing (make setup-kafka)")
    with kafka.running_broker() as bootstrap:
        yield bootstrap
