"""Each built artifact, installed into a fresh consumer project outside the repository.

`make test-consumers` builds `dist/` (`make dist`) and runs this file with VRP_DIST set. Per
language, a small consumer program (tests/consumers/programs/) is copied into a temporary
folder, the artifact is installed there from `dist/` the way a user installs it (a wheel into a
new venv, the npm tarball, the Go module through a file GOPROXY by version, the packaged crate,
the Maven jar through a file repository), and the program decodes every valid and invalid vector,
the demo stream and a few edge cases, re-encodes what it accepts, and tries to encode events
that decode would refuse. Its verdicts, rule ids, pointers and messages must equal the Python
reference (`vrp_contract.typed.decode`, which is `validate_event`), and every round trip must
be exact.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import Any

import pytest

from scripts.codegen.go import module_path
from scripts.codegen.release import artifact_name, package_version
from tests.generated._corpus import corpus_mutations
from tests.generated._toolchain import REPO, need, run
from vrp_contract import typed
from vrp_contract.revisions import load_revision

pytestmark = pytest.mark.toolchain

REVISION = load_revision(typed.REVISION)
REV_ID = "v" + REVISION.name.replace(".", "_")
NAME = artifact_name(REVISION)
VERSION = package_version(REVISION)
CONSUMERS = Path(__file__).parent / "programs"
TOOLS = REPO / "scripts" / "codegen" / "node" / "node_modules"
OVERFLOW = '{"ts_ms":1e400,"event_type":"MUTATION_TICK","session_id":"s"}'
RUST_LANGUAGES = ("rust", "rust/exact-numbers")
_TICK = '{"ts_ms":1,"event_type":"MUTATION_TICK","session_id":"s","details":'
DETAILS_OVERFLOW = [
    _TICK + '{"x":1e400}}',
    _TICK + '{"n":' + "9" * 400 + "}}",
    '{"ts_ms":1,"event_type":"PATH_SELECTED","session_id":"s","details":{"path_id":"p","rtt_ms":-1e400}}',
]
DETAILS_DEEP = [_TICK + '{"d":' + "[" * (n - 2) + "]" * (n - 2) + "}}" for n in (128, 200)]
"""Arrays and objects nested 128 and 200 levels deep (the event object is level 1, `details` 2)."""
LONG_NUMBERS = [
    _TICK + '{"n":' + "9" * 401 + "}}",
    '{"ts_ms":' + "9" * 401 + ',"event_type":"MUTATION_TICK","session_id":"s"}',
]
"""Integers of 401 digits, in `details` and as the clock (TypeScript read only 400 characters)."""
DIVERGENCES = (
    {("rust", OVERFLOW): ("input.not-json", "")}
    | {("rust", text): ("input.not-json", "") for text in DETAILS_OVERFLOW + LONG_NUMBERS}
    | {(rust, text): ("input.not-json", "") for text in DETAILS_DEEP for rust in RUST_LANGUAGES}
)
"""Documented in docs/languages/rust.md: without the crate's `exact-numbers` feature serde_json
refuses a number past the range of an f64 while parsing, before any check sees it: `ts_ms: 1e400`
is refused either way (the verdict is the same), but such a number inside open `details`, valid
elsewhere, refuses the event in Rust (its `serde_json::Value` cannot hold it without the feature).
With the feature (language `rust/exact-numbers`) numbers do not diverge. In both builds serde_json
refuses arrays and objects nested deeper than 127 levels (its recursion limit, which keeps the
stack bounded), where Python accepts about 1,000 (`DETAILS_DEEP`)."""
EDGE_CASES = [
    OVERFLOW,
    '{"ts_ms":1,"event_type":"MUTATION_TICK","session_id":"\\ud800"}',
    '{"ts_ms":1,"event_type":"MUTATION_TICK","session_id":"\\udc00x"}',
    '{"ts_ms":1,"event_type":"MUTATION_TICK","session_id":"\\\\ud800"}',
    '{"ts_ms":1,"ts_ms":2,"event_type":"MUTATION_TICK","session_id":"s"}',
    "[1,2]",
    "null",
    '{"ts_ms":1,',
    '{"event_type":"PATH_SELECTED","session_id":"","extra":1}',
    '{"event_type":"NOPE","bogus":1}',
    (
        '{"ts_ms":1,"event_type":"STATE_CHANGE","session_id":"s","reason_code":"r",'
        '"details":{"from_state":"X","to_state":"Y"}}'
    ),
    '{"ts_ms":1,"event_type":"AUDIT_EVENT","session_id":"s","details":{"invariant":7}}',
    (
        '{"ts_ms":1,"event_type":"PATH_SELECTED","session_id":"s","details":{"path_id":"p",'
        '"rtt_ms":18.25,"hops":["a",{"b":null}],"note":"caf\\u00e9 \\ud83d\\ude00"}}'
    ),
    # Rust trial (2026-11-29)
    *(
        f'{{"ts_ms":{ts},"event_type":"MUTATION_TICK","session_id":"s"}}'
        for ts in ("2000.0", "2.0e3", "1e7", "1.7e12", "0.0", "-0", "-0.0", "2000.5", "-1.0")
    ),
    '{"ts_ms":9223372036854775807.0,"event_type":"MUTATION_TICK","session_id":"s"}',
    '{"ts_ms":9.2233720368547748e18,"event_type":"MUTATION_TICK","session_id":"s"}',
    *DETAILS_OVERFLOW,
    _TICK + '{"d":' + "[" * 125 + "]" * 125 + "}}",  # 127 levels: Rust's deepest
    *DETAILS_DEEP,
    # TypeScript trial (2026-11-29)
    *LONG_NUMBERS,
    '{"ts_ms":1,"event_type":"MUTATION_TICK","session_id":"s","details":{"n":0.' + "1" * 401 + "}}",
    "\u00a0",
    "\ufeff",
    "\u2028",
    "\u3000",
    "\u00a0\u00a0 ",
]
ENCODE_CASES = {
    "path_id-empty": '{"ts_ms":1,"event_type":"PATH_SELECTED","session_id":"s",'
    '"details":{"path_id":""}}',
    "session_id-empty": '{"ts_ms":1,"event_type":"MUTATION_TICK","session_id":""}',
    "ts_ms-negative": '{"ts_ms":-1,"event_type":"MUTATION_TICK","session_id":"s"}',
}


def _dist() -> Path:
    value = os.environ.get("VRP_DIST")
    if not value:  # `make test` runs these through its test-consumers target, after `make dist`
        pytest.skip("VRP_DIST is not set: `make test-consumers` builds dist/ and runs these")
    dist = Path(value)
    if not (dist / "SHA256SUMS").is_file():
        pytest.fail(f"{dist} holds no built artifacts (SHA256SUMS missing): run `make dist`")
    return dist


def _cases() -> list[str]:
    vectors = json.loads((REPO / "generated" / "go" / REV_ID / "vectors.json").read_text("utf-8"))
    lines = [v["text"] for v in vectors["valid"] + vectors["invalid"]]
    demo = (REPO / "examples" / "demo.jsonl").read_text("utf-8").splitlines()
    mutations = [json.dumps(m, separators=(",", ":")) for m in corpus_mutations(REVISION)]
    return lines + [line for line in demo if line.strip()] + EDGE_CASES + mutations


def _reference(text: str) -> dict[str, Any]:
    try:
        typed.decode(text)
    except typed.DecodeError as e:
        return {"ok": False, "rule": e.rule, "pointer": e.pointer, "message": e.message}
    return {"ok": True}


def _check(output: str, cases: list[str], language: str) -> None:
    results = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    decoded = [r for r in results if "encode" not in r]
    assert len(decoded) == len(cases), f"{language}: {len(decoded)} results for {len(cases)} cases"
    for text, got in zip(cases, decoded, strict=True):
        want = _reference(text)
        if (language, text) in DIVERGENCES:
            assert not got["ok"], f"{language}: {text} accepted"
            assert (got["rule"], got["pointer"]) == DIVERGENCES[language, text], got
            continue
        assert got["ok"] == want["ok"], f"{language}: {text}: got {got}, want {want}"
        if want["ok"]:
            assert json.loads(got["encoded"]) == json.loads(text), f"{language}: round trip {text}"
            continue
        assert (got["rule"], got["pointer"]) == (want["rule"], want["pointer"]), (
            f"{language}: {text}: got {got}"
        )
        assert got["unknown"] == (want["rule"] == typed.UNKNOWN_EVENT_TYPE), text
        if want["rule"].startswith("schema."):
            assert got["message"] == want["message"], f"{language}: {text}"
        else:
            assert got["message"].endswith("."), f"{language}: {got['message']!r}"
    encoded = {r["encode"]: r for r in results if "encode" in r}
    assert set(encoded) == set(ENCODE_CASES), f"{language}: encode cases {sorted(encoded)}"
    for name, text in ENCODE_CASES.items():
        got = encoded[name]
        if got.get("unrepresentable"):  # the types refuse to build it (Rust newtypes)
            continue
        want = _reference(text)
        assert not got["ok"], f"{language}: encode accepted {name}"
        assert (got["rule"], got["pointer"]) == (want["rule"], want["pointer"]), f"{name}: {got}"


def _write_cases(tmp_path: Path) -> tuple[Path, list[str]]:
    cases = _cases()
    path = tmp_path / "cases.jsonl"
    path.write_text("\n".join(cases) + "\n", "utf-8")
    return path, cases


def _cache() -> Path:
    """Caches shared between runs, outside the checkout (`make setup-dist` fills the wheelhouse)."""
    default = (
        Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "vrp-contract-consumers"
    )
    return Path(os.environ.get("VRP_CONSUMER_CACHE", default))


def _outside(tmp_path: Path) -> None:
    assert REPO not in tmp_path.resolve().parents, "the consumer must live outside the checkout"


def test_checksums_cover_every_artifact():
    dist = _dist()
    listed = {}
    for line in (dist / "SHA256SUMS").read_text("utf-8").splitlines():
        digest, name = line.split("  ", 1)
        listed[name] = digest
    files = {p.relative_to(dist).as_posix() for p in dist.rglob("*") if p.is_file()}
    assert set(listed) == files - {"SHA256SUMS"}
    for name, digest in listed.items():
        assert hashlib.sha256((dist / name).read_bytes()).hexdigest() == digest, name
    for suffix in (
        ".whl",
        ".tar.gz",
        ".tgz",
        ".crate",
        ".jar",
        "-sources.jar",
        "-javadoc.jar",
        ".pom",
    ):
        assert any(name.endswith(suffix) for name in listed), suffix
    assert any(name.endswith(f"@v/v{VERSION}.zip") for name in listed)
    # the native engine the Python package depends on: a wheel and an sdist that builds anywhere
    engine = [name for name in listed if name.startswith("vrp_contract_engine-")]
    assert any(name.endswith(".whl") and "manylinux" in name for name in engine), engine
    assert any(name.endswith(".tar.gz") for name in engine), engine


def test_python_wheel(tmp_path):
    dist, (cases_file, cases) = _dist(), _write_cases(tmp_path)
    _outside(tmp_path)
    wheel = next(dist.glob(f"vrp_contract-{VERSION}-*.whl"))
    subprocess.run([sys.executable, "-m", "venv", str(tmp_path / "venv")], check=True)
    python = tmp_path / "venv" / "bin" / "python"
    # offline: the dependencies come from the wheelhouse `make setup-dist` filled (outside the repo)
    wheelhouse = _cache() / "wheelhouse"
    run(
        [
            *(str(python), "-m", "pip", "install", "--quiet", "--no-index"),
            *("--find-links", str(dist), "--find-links", str(wheelhouse), str(wheel)),
        ],
        cwd=tmp_path,
        timeout=900,
    )
    shutil.copy(CONSUMERS / "python" / "consumer.py", tmp_path)
    # mypy (from the dev venv) reads the installed package: with py.typed it sees real types
    mypy = Path(sys.executable).parent / "mypy"
    run(
        [str(mypy), "--strict", "--python-executable", str(python), "consumer.py"],
        cwd=tmp_path,
        env={"MYPYPATH": ""},
    )
    out = run([str(python), "consumer.py", str(cases_file)], cwd=tmp_path)
    _check(out, cases, "python")


def test_npm_tarball(tmp_path):
    dist, (cases_file, cases) = _dist(), _write_cases(tmp_path)
    _outside(tmp_path)
    node, npm = need("node", "Node.js 20+"), need("npm", "npm")
    tsc = need(str(TOOLS / ".bin" / "tsc"), "run `make setup-codegen` (npm ci)")
    tarball = dist / f"{NAME}-{VERSION}.tgz"
    (tmp_path / "package.json").write_text('{"private": true}\n', "utf-8")
    run([npm, "install", "--offline", "--no-audit", "--no-fund", str(tarball)], cwd=tmp_path)
    source = (CONSUMERS / "typescript" / "consumer.ts").read_text("utf-8")
    (tmp_path / "consumer.ts").write_text(source.replace("@@PACKAGE@@", NAME), "utf-8")
    run(
        [
            tsc,
            *("--strict", "--module", "commonjs", "--target", "ES2022"),
            *("--moduleResolution", "node", "--typeRoots", str(TOOLS / "@types")),
            *("--types", "node", "--outDir", str(tmp_path), "consumer.ts"),
        ],
        cwd=tmp_path,
    )
    out = run([node, "consumer.js", str(cases_file)], cwd=tmp_path)
    _check(out, cases, "typescript")
    # the package's own test runs where it is installed
    run([node, "--test", "test/"], cwd=tmp_path / "node_modules" / NAME)


def test_go_module_by_version(tmp_path):
    dist, (cases_file, cases) = _dist(), _write_cases(tmp_path)
    _outside(tmp_path)
    go = need("go", "Go 1.24+")
    module = module_path(REVISION)
    (tmp_path / "go.mod").write_text(f"module consumer\n\ngo 1.24\n\nrequire {module} v{VERSION}\n")
    shutil.copy(CONSUMERS / "go" / "main.go", tmp_path)
    # A fresh module cache (a published version is immutable: an old download of the same version
    # must not stand in for dist/), served offline: dist/goproxy for our module, the machine's
    # module download cache (itself a GOPROXY tree) for its dependency.
    cache = run([go, "env", "GOMODCACHE"], cwd=tmp_path).strip()
    env = {
        "GOPROXY": f"file://{dist / 'goproxy'},file://{cache}/cache/download",
        "GOMODCACHE": str(tmp_path / "modcache"),
        "GOFLAGS": "-mod=mod -modcacherw",
        "GOTOOLCHAIN": "local",
        "GOSUMDB": "off",
    }
    run([go, "mod", "tidy"], cwd=tmp_path, env=env)
    out = run([go, "run", ".", str(cases_file)], cwd=tmp_path, env=env)
    _check(out, cases, "go")
    # the module's own test runs from the module cache copy
    where = run([go, "list", "-m", "-f", "{{.Dir}}", module], cwd=tmp_path, env=env).strip()
    run([go, "test", "-count=1", module], cwd=tmp_path, env={**env, "GOFLAGS": "-mod=mod"})
    assert Path(where, "vectors.json").is_file()


def test_cargo_crate(tmp_path):
    dist, (cases_file, cases) = _dist(), _write_cases(tmp_path)
    _outside(tmp_path)
    cargo = need("cargo", "Rust via rustup")
    crate = dist / f"{NAME}-{VERSION}.crate"
    with tarfile.open(crate) as tar:
        tar.extractall(tmp_path / "vendor", filter="data")
    # fresh mtimes: the shared build cache must not take the unpacked sources for ones it built
    for path in (tmp_path / "vendor").rglob("*"):
        os.utime(path)
    lib = NAME.replace("-", "_")
    project = tmp_path / "consumer"
    (project / "src").mkdir(parents=True)
    source = (CONSUMERS / "rust" / "main.rs").read_text("utf-8").replace("@@LIB@@", lib)
    (project / "src" / "main.rs").write_text(source)
    # a build cache outside the checkout, shared between runs (compiling serde takes a while)
    env = {"CARGO_TARGET_DIR": str(_cache() / "rust-target")}
    # as a user depends on it, then with the feature that keeps numbers exactly
    for features, language in (
        ("", "rust"),
        (', features = ["exact-numbers"]', "rust/exact-numbers"),
    ):
        (project / "Cargo.toml").write_text(
            '[package]\nname = "consumer"\nversion = "0.0.0"\nedition = "2021"\npublish = false\n\n'
            f'[dependencies]\n{NAME} = {{ path = "../vendor/{NAME}-{VERSION}"{features} }}\n'
            'serde_json = "1"\n'
        )
        out = run(
            [cargo, "run", "--quiet", "--offline", "--", str(cases_file)],
            cwd=project,
            env=env,
            timeout=3600,
        )
        _check(out, cases, language)
    own = tmp_path / "vendor" / f"{NAME}-{VERSION}"
    run([cargo, "test", "--quiet", "--offline"], cwd=own, env=env, timeout=3600)


def test_maven_jar(tmp_path):
    dist, (cases_file, cases) = _dist(), _write_cases(tmp_path)
    _outside(tmp_path)
    mvn, java = need("mvn", "Maven 3.8+"), need("java", "a JDK 17")
    stem = f"{NAME}-{VERSION}"
    # a Maven repository is a folder layout: publish the four files of dist/ into one
    repo = tmp_path / "repo"
    folder = repo / "dev" / "vrp" / "contract" / NAME / VERSION
    folder.mkdir(parents=True)
    for suffix in (".jar", "-sources.jar", "-javadoc.jar", ".pom"):
        shutil.copyfile(dist / f"{stem}{suffix}", folder / f"{stem}{suffix}")
    project = tmp_path / "consumer"
    (project / "src" / "main" / "java").mkdir(parents=True)
    (project / "pom.xml").write_text(
        '<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>'
        "<groupId>example</groupId><artifactId>consumer</artifactId><version>0</version>"
        "<properties><maven.compiler.release>17</maven.compiler.release>"
        "<project.build.sourceEncoding>UTF-8</project.build.sourceEncoding></properties>"
        f"<repositories><repository><id>dist</id><url>{repo.as_uri()}</url></repository>"
        "</repositories><dependencies><dependency><groupId>dev.vrp.contract</groupId>"
        f"<artifactId>{NAME}</artifactId><version>{VERSION}</version></dependency>"
        "</dependencies><build><plugins><plugin>"
        "<groupId>org.apache.maven.plugins</groupId><artifactId>maven-compiler-plugin</artifactId>"
        "<version>3.13.0</version></plugin><plugin><groupId>org.apache.maven.plugins</groupId>"
        "<artifactId>maven-resources-plugin</artifactId><version>3.3.1</version></plugin>"
        "</plugins></build></project>\n"
    )
    source = (CONSUMERS / "java" / "Consumer.java").read_text("utf-8").replace("@@REV_ID@@", REV_ID)
    (project / "src" / "main" / "java" / "Consumer.java").write_text(source)
    # Maven caches what it fetched from the file repository in ~/.m2: drop an earlier build of
    # this very version, so the jar under test is the one in dist/
    cached = Path.home() / ".m2" / "repository" / "dev" / "vrp" / "contract" / NAME / VERSION
    shutil.rmtree(cached, ignore_errors=True)
    cp_file = tmp_path / "classpath.txt"
    run(
        [
            *(mvn, "-q", "-B", "compile"),  # every plugin and dependency is cached by setup
            "org.apache.maven.plugins:maven-dependency-plugin:3.6.1:build-classpath",
            f"-Dmdep.outputFile={cp_file}",
        ],
        cwd=project,
        timeout=1800,
    )
    classpath = f"{project / 'target' / 'classes'}:{cp_file.read_text().strip()}"
    out = run([java, "-cp", classpath, "Consumer", str(cases_file)], cwd=project)
    _check(out, cases, "java")
