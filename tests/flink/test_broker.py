"""scripts/services/kafka.py: a real broker starts, answers on its port, and stops by its PID."""

from __future__ import annotations

import shutil
import socket

import pytest

from scripts.services import _process, kafka

pytestmark = pytest.mark.skipif(shutil.which("java") is None, reason="java is not installed")


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def test_broker_starts_answers_and_stops_by_pid():
    broker = kafka.KafkaBroker()
    with broker:
        assert broker.pid is not None
        assert _listening(broker.port)
        assert broker.bootstrap == f"127.0.0.1:{broker.port}"
        pid, data = broker.pid, broker.data_dir
        assert (data / "server.properties").read_text().count("127.0.0.1") >= 3
    assert not _process.alive(pid)
    assert not _listening(broker.port)
    assert not data.exists()


def test_a_broker_that_cannot_start_is_reported_and_stopped():
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    broker = kafka.KafkaBroker(start_timeout=60)
    broker.controller_port = taken.getsockname()[1]  # the controller cannot bind its port
    try:
        with pytest.raises(kafka.BrokerError, match="exited with code") as err:
            broker.start()
        assert broker.process is None  # stopped, not left running
        assert "---" in str(err.value)  # the broker's own log is in the message
    finally:
        taken.close()
        shutil.rmtree(broker.data_dir, ignore_errors=True)


def test_run_sets_the_bootstrap_for_the_command_and_passes_its_exit_code(tmp_path):
    out = tmp_path / "seen"
    code = kafka.main(["run", "--", "sh", "-c", f'echo "${kafka.ENV_BOOTSTRAP}" > {out}; exit 3'])
    assert code == 3
    host, port = out.read_text().strip().split(":")
    assert host == "127.0.0.1"
    assert not _listening(int(port))


def test_a_cluster_id_never_starts_with_a_dash(monkeypatch: pytest.MonkeyPatch) -> None:
    """A random id starting with `-` (1 in 64) made the storage tool refuse it as an option."""
    import uuid  # noqa: PLC0415

    dashed = uuid.UUID(bytes=b"\xfb" + bytes(15))  # URL-safe base64 of 0xfb... starts with "-"
    draws = iter([dashed, dashed, uuid.UUID(int=7)])
    monkeypatch.setattr(uuid, "uuid4", lambda: next(draws))
    assert kafka._cluster_id() == "AAAAAAAAAAAAAAAAAAAABw"
