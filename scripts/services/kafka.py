"""A real single-node Apache Kafka broker (KRaft, combined broker + controller) on 127.0.0.1.

The broker jars are the pinned `org.apache.kafka:kafka_2.13` from Maven Central, fetched once by
`mvn dependency:copy-dependencies` (scripts/services/kafka-pom.xml) into the gitignored
`.cache/kafka/libs`.
Each broker gets its own temporary data directory and free ports, so several can run side by side.

As a library (tests, other scripts)::

    from scripts.services.kafka import KafkaBroker

    with KafkaBroker() as broker:
        use(broker.bootstrap)  # "127.0.0.1:<port>"

From make or a shell::

    python scripts/services/kafka.py fetch   # jars into .cache/kafka/libs (once)
    python scripts/services/kafka.py run -- pytest ...   # start; run with VRP_KAFKA_BOOTSTRAP; stop
    python scripts/services/kafka.py start   # background broker, state in .cache/kafka/run
    python scripts/services/kafka.py stop

Exit codes: the command's own under `run`; 0 ok, 2 when the broker cannot be fetched or started.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

if __package__ in {None, ""}:  # run as a script: make `scripts.services` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from typing import TYPE_CHECKING, Self

from scripts.services._process import HOST, alive, free_port, terminate

if TYPE_CHECKING:
    from collections.abc import Iterator
    from types import TracebackType

ROOT = Path(__file__).resolve().parents[2]
POM = Path(__file__).resolve().with_name("kafka-pom.xml")
CACHE = ROOT / ".cache" / "kafka"
LIBS = CACHE / "libs"
RUN_STATE = CACHE / "run" / "broker.json"
ENV_BOOTSTRAP = "VRP_KAFKA_BOOTSTRAP"
START_TIMEOUT_S = 90.0
LOG_TAIL_LINES = 30
# Small heap: the engine tests move a few MB; the machine is shared.
JVM_OPTS = ("-Xms128m", "-Xmx512m", "-XX:+UseSerialGC", "-Djava.awt.headless=true")
LOG4J2 = """\
<?xml version="1.0" encoding="UTF-8"?>
<Configuration status="WARN">
  <Appenders>
    <File name="file" fileName="{log}">
      <PatternLayout pattern="[%d] %p %m (%c)%n"/>
    </File>
  </Appenders>
  <Loggers>
    <Root level="INFO"><AppenderRef ref="file"/></Root>
    <Logger name="org.apache.kafka" level="WARN"/>
    <Logger name="kafka" level="WARN"/>
    <Logger name="kafka.server.KafkaServer" level="INFO"/>
    <Logger name="kafka.server.BrokerServer" level="INFO"/>
  </Loggers>
</Configuration>
"""


class BrokerError(RuntimeError):
    """The broker could not be fetched, formatted or started (message says which and why)."""


def _pinned_version() -> str:
    text = POM.read_text(encoding="utf-8")
    start = text.index("<kafka.version>") + len("<kafka.version>")
    return text[start : text.index("</kafka.version>", start)]


def fetch(*, quiet: bool = True) -> Path:
    """Copy the pinned broker jars into .cache/kafka/libs (once per version); return the dir."""
    version = _pinned_version()
    stamp = LIBS / ".version"
    if stamp.is_file() and stamp.read_text(encoding="utf-8").strip() == version:
        return LIBS
    mvn = shutil.which("mvn")
    if mvn is None:
        raise BrokerError("mvn (Apache Maven) is not on PATH; it fetches the Kafka broker jars")
    shutil.rmtree(LIBS, ignore_errors=True)
    cmd = [mvn, "-B", "-f", str(POM), "dependency:copy-dependencies", f"-DoutputDirectory={LIBS}"]
    if quiet:
        cmd.insert(1, "-q")
    done = subprocess.run(cmd, check=False, capture_output=quiet, text=True, timeout=900)
    if done.returncode != 0:
        tail = "\n".join((done.stdout or "").splitlines()[-LOG_TAIL_LINES:])
        raise BrokerError(
            f"mvn could not fetch kafka_2.13 {version} (exit {done.returncode})\n{tail}"
        )
    if not any(LIBS.glob(f"kafka_2.13-{version}.jar")):
        raise BrokerError(f"mvn finished but {LIBS} holds no kafka_2.13-{version}.jar")
    stamp.write_text(version + "\n", encoding="utf-8")
    return LIBS


def _port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((HOST, port)) == 0


def _cluster_id() -> str:
    """Kafka's Uuid text form: 16 random bytes, URL-safe base64 without padding (22 characters).

    Never one that starts with `-` (1 in 64 do): the storage tool would read it as an option and
    refuse to start (`--cluster-id: expected one argument`); Kafka's own `random-uuid` skips them.
    """
    while True:
        text = base64.urlsafe_b64encode(uuid.uuid4().bytes).rstrip(b"=").decode("ascii")
        if not text.startswith("-"):
            return text


def _java() -> str:
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "java").is_file():
        return str(Path(home) / "bin" / "java")
    found = shutil.which("java")
    if found is None:
        raise BrokerError("java is not on PATH (Kafka needs Java 17 or newer)")
    return found


class KafkaBroker:
    """One KRaft broker+controller process on 127.0.0.1 with its own data directory.

    `start()` formats the storage, launches `kafka.Kafka` and waits (at most `start_timeout`
    seconds) for the client port; `stop()` ends the process by its PID (SIGTERM, then SIGKILL)
    and removes the data directory. Used as a context manager it always stops, also when the
    body raises.
    """

    def __init__(
        self,
        *,
        port: int | None = None,
        data_dir: Path | None = None,
        start_timeout: float = START_TIMEOUT_S,
        extra_config: dict[str, str] | None = None,
    ) -> None:
        """Prepare (not start) a broker; `port=None` picks a free port."""
        self.port = port or free_port()
        self.controller_port = free_port()
        self._own_dir = data_dir is None
        self.data_dir = data_dir or Path(tempfile.mkdtemp(prefix="vrp-kafka-"))
        self.start_timeout = start_timeout
        self.extra_config = dict(extra_config or {})
        self.process: subprocess.Popen[bytes] | None = None
        self.pid: int | None = None

    @property
    def bootstrap(self) -> str:
        """The `bootstrap.servers` value for clients."""
        return f"{HOST}:{self.port}"

    @property
    def log_file(self) -> Path:
        """The broker's own log (kept until stop())."""
        return self.data_dir / "broker.log"

    def _properties(self) -> str:
        conf = {
            "process.roles": "broker,controller",
            "node.id": "1",
            "controller.quorum.voters": f"1@{HOST}:{self.controller_port}",
            "listeners": f"PLAINTEXT://{HOST}:{self.port},CONTROLLER://{HOST}:{self.controller_port}",
            "advertised.listeners": f"PLAINTEXT://{HOST}:{self.port}",
            "controller.listener.names": "CONTROLLER",
            "inter.broker.listener.name": "PLAINTEXT",
            "listener.security.protocol.map": "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
            "log.dirs": str(self.data_dir / "data"),
            "num.partitions": "1",
            "offsets.topic.replication.factor": "1",
            "offsets.topic.num.partitions": "1",
            "transaction.state.log.replication.factor": "1",
            "transaction.state.log.min.isr": "1",
            "transaction.state.log.num.partitions": "1",
            "share.coordinator.state.topic.replication.factor": "1",
            "share.coordinator.state.topic.min.isr": "1",
            "group.initial.rebalance.delay.ms": "0",
            # Tests create their topics with the partitions they need (admin futures awaited).
            "auto.create.topics.enable": "false",
            # 15 minutes, Kafka's default, spelled out: a transactional producer (the Flink sink)
            # must ask for no more than this.
            "transaction.max.timeout.ms": "900000",
        }
        conf.update(self.extra_config)
        return "".join(f"{key}={value}\n" for key, value in conf.items())

    def _classpath(self) -> str:
        libs = fetch()
        return str(libs / "*")

    def _java_cmd(self, main_class: str, *args: str) -> list[str]:
        log4j = self.data_dir / "log4j2.xml"
        return [
            _java(),
            *JVM_OPTS,
            f"-Dlog4j2.configurationFile={log4j}",
            f"-Dkafka.logs.dir={self.data_dir}",
            "-cp",
            self._classpath(),
            main_class,
            *args,
        ]

    def start(self) -> Self:
        """Format storage, launch the broker and wait for its port; raise BrokerError on failure."""
        if self.process is not None:
            return self
        self.data_dir.mkdir(parents=True, exist_ok=True)
        props = self.data_dir / "server.properties"
        props.write_text(self._properties(), encoding="utf-8")
        (self.data_dir / "log4j2.xml").write_text(
            LOG4J2.format(log=self.log_file), encoding="utf-8"
        )
        fmt = subprocess.run(
            self._java_cmd(
                "kafka.tools.StorageTool", "format", "-t", _cluster_id(), "-c", str(props)
            ),
            check=False,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if fmt.returncode != 0:
            raise BrokerError(
                f"kafka storage format failed (exit {fmt.returncode}): "
                + (fmt.stderr or fmt.stdout).strip()[-2000:]
            )
        with (self.data_dir / "stdout.log").open("wb") as out:
            self.process = subprocess.Popen(
                self._java_cmd("kafka.Kafka", str(props)),
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        self.pid = self.process.pid
        try:
            self._wait_ready()
        except BaseException:
            self.stop(keep_data=True)
            raise
        return self

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            assert self.process is not None  # noqa: S101 (set by start)
            if self.process.poll() is not None:
                raise BrokerError(
                    f"the Kafka broker exited with code {self.process.returncode} before opening "
                    f"{self.bootstrap}\n{self.log_tail()}"
                )
            if _port_open(self.port):
                return
            time.sleep(0.25)
        raise BrokerError(
            f"the Kafka broker did not open {self.bootstrap} within {self.start_timeout:.0f} s\n"
            f"{self.log_tail()}"
        )

    def log_tail(self, lines: int = LOG_TAIL_LINES) -> str:
        """The last lines of the broker's stdout and log, for error messages."""
        parts = []
        for path in (self.data_dir / "stdout.log", self.log_file):
            if path.is_file():
                text = path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:]
                parts.append(f"--- {path}\n" + "\n".join(text))
        return "\n".join(parts)

    def stop(self, *, keep_data: bool = False) -> None:
        """End the broker by its PID (SIGTERM, then SIGKILL after a cap); remove its data dir."""
        if self.process is not None:
            terminate(self.process.pid, self.process)
            self.process = None
        if self._own_dir and not keep_data:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    def __enter__(self) -> Self:
        """Start the broker."""
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Stop the broker, also when the body raised."""
        self.stop()


@contextlib.contextmanager
def running_broker() -> Iterator[str]:
    """Yield a bootstrap address: $VRP_KAFKA_BOOTSTRAP when set, else a broker started here.

    The broker started here is stopped on exit; this is the body of a pytest session fixture.
    """
    given = os.environ.get(ENV_BOOTSTRAP)
    if given:
        yield given
        return
    with KafkaBroker() as broker:
        yield broker.bootstrap


def _cmd_run(command: list[str]) -> int:
    if command and command[0] == "--":
        command = command[1:]
    if not command:
        print("kafka.py run: give the command to run after --", file=sys.stderr)
        return 2
    with KafkaBroker() as broker:
        print(f"kafka: broker {broker.bootstrap} (pid {broker.pid})", file=sys.stderr)
        env = {**os.environ, ENV_BOOTSTRAP: broker.bootstrap}
        try:
            return subprocess.run(command, env=env, check=False).returncode
        except KeyboardInterrupt:
            return 130
        finally:
            print(f"kafka: stopping broker pid {broker.pid}", file=sys.stderr)


def _cmd_start() -> int:
    if RUN_STATE.is_file():
        state = json.loads(RUN_STATE.read_text(encoding="utf-8"))
        if alive(int(state["pid"])):
            print(state["bootstrap"])
            return 0
    broker = KafkaBroker(data_dir=CACHE / "run" / "data")
    broker.start()
    RUN_STATE.parent.mkdir(parents=True, exist_ok=True)
    RUN_STATE.write_text(
        json.dumps({"pid": broker.pid, "bootstrap": broker.bootstrap}), encoding="utf-8"
    )
    print(broker.bootstrap)
    return 0


def _cmd_stop() -> int:
    if not RUN_STATE.is_file():
        print("kafka: no broker started by `kafka.py start`", file=sys.stderr)
        return 0
    state = json.loads(RUN_STATE.read_text(encoding="utf-8"))
    terminate(int(state["pid"]))
    RUN_STATE.unlink()
    shutil.rmtree(CACHE / "run" / "data", ignore_errors=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Command line: fetch | run -- CMD... | start | stop."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    sub = parser.add_subparsers(dest="action", required=True)
    sub.add_parser("fetch", help="fetch the pinned broker jars into .cache/kafka/libs")
    run = sub.add_parser("run", help="start a broker, run a command with VRP_KAFKA_BOOTSTRAP, stop")
    run.add_argument("command", nargs=argparse.REMAINDER)
    sub.add_parser("start", help="start a background broker (prints its bootstrap address)")
    sub.add_parser("stop", help="stop the broker started by `start`")
    args = parser.parse_args(argv)
    try:
        if args.action == "fetch":
            print(fetch(quiet=False))
            return 0
        if args.action == "run":
            return _cmd_run(list(args.command))
        if args.action == "start":
            return _cmd_start()
        return _cmd_stop()
    except BrokerError as exc:
        print(f"kafka: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
