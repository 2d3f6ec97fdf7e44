"""TypeScript: `tsc --strict` over the package and its vector test, then `node --test`."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

from tests.generated._toolchain import GENERATED, REPO, docs_example, need, run

if TYPE_CHECKING:
    from pathlib import Path

TOOLS = REPO / "scripts" / "codegen" / "node" / "node_modules"
PACKAGES = sorted(p for p in (GENERATED / "typescript").iterdir() if p.is_dir())
pytestmark = pytest.mark.toolchain


def _tools() -> tuple[str, str]:
    node = need("node", "Node.js 20+")
    tsc = need(str(TOOLS / ".bin" / "tsc"), "run `make setup-codegen` (npm ci)")
    return node, tsc


@pytest.mark.parametrize("package", PACKAGES, ids=[p.name for p in PACKAGES])
def test_vectors(package):
    node = need("node", "Node.js 20+")
    out = run([node, "--test", "test/"], cwd=package)
    assert "# fail 0" in out
    assert "# pass 0" not in out


def test_docs_example_compiles_and_runs(tmp_path):
    node, tsc = _tools()
    npm = need("npm", "Node.js 20+ with npm")
    package = PACKAGES[-1]
    name = json.loads((package / "package.json").read_text("utf-8"))["name"]
    # As the docs say: install the vendored folder with npm (offline: a local folder, no deps).
    (tmp_path / "package.json").write_text('{"private": true}\n', "utf-8")
    run([npm, "install", "--offline", "--no-audit", "--no-fund", str(package)], cwd=tmp_path)
    assert (tmp_path / "node_modules" / name / "package.json").is_file()
    example = docs_example("typescript")
    assert f'from "{name}"' in example, f"the docs example must import the package as {name}"
    (tmp_path / "example.ts").write_text(example, "utf-8")
    run(
        [
            tsc,
            *("--strict", "--esModuleInterop", "--module", "commonjs", "--target", "ES2022"),
            *("--moduleResolution", "node", "--typeRoots", str(TOOLS / "@types")),
            *("--types", "node", "--outDir", str(tmp_path)),
            "example.ts",
        ],
        cwd=tmp_path,
    )
    out = run([node, "example.js"], cwd=tmp_path)
    assert out.splitlines() == [
        "udp-a 9223372036854775807n",
        "true",
        "schema.required /details/path_id",
        "skipped",
    ]


def test_docs_project_setup_compiles_and_runs(tmp_path):
    """The docs' project setup: `"type": "module"`, their tsconfig.json, the package vendored."""
    node, tsc = _tools()
    npm = need("npm", "Node.js 20+ with npm")
    package = PACKAGES[-1]
    name = json.loads((package / "package.json").read_text("utf-8"))["name"]
    vendored = tmp_path / "vendor" / name
    shutil.copytree(package, vendored)
    (tmp_path / "package.json").write_text('{"private": true, "type": "module"}\n', "utf-8")
    run([npm, "install", "--offline", "--no-audit", "--no-fund", f"./vendor/{name}"], tmp_path)
    # what `npm install -D @types/node` puts there (offline here: the pinned copy)
    (tmp_path / "node_modules" / "@types").symlink_to(TOOLS / "@types")
    (tmp_path / "tsconfig.json").write_text(docs_example("typescript", "tested tsconfig"), "utf-8")
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "example.ts").write_text(docs_example("typescript"), "utf-8")
    run([tsc, "-p", "."], cwd=tmp_path)
    out = run([node, "dist/example.js"], cwd=tmp_path)
    assert out.splitlines() == [
        "udp-a 9223372036854775807n",
        "true",
        "schema.required /details/path_id",
        "skipped",
    ]


STREAM_CASES = REPO / "tests" / "stream" / "cases"


def _session_check(package: Path, stream: Path, *args: str) -> subprocess.CompletedProcess[str]:
    node = need("node", "Node.js 20+")
    return subprocess.run(  # noqa: PLW1510 - callers check the exit code
        [node, str(package / "bin" / "vrp-session-check.js"), *args, str(stream)],
        capture_output=True,
        text=True,
        timeout=120,
    )


# every stream case but input.line-too-long (the tool has no line length limit; see the docs)
TOOL_CASES = sorted(
    p.name for p in STREAM_CASES.iterdir() if p.is_dir() and p.name != "input.line-too-long"
)


@pytest.mark.parametrize("case", TOOL_CASES)
def test_session_check_tool_matches_the_stream_case(case):
    """`vrp-session-check` reports a stream case's findings that are not schema findings."""
    folder = STREAM_CASES / case
    expected = [
        {k: f[k] for k in ("line", "rule", "pointer")}
        for f in map(json.loads, (folder / "fail.expected.jsonl").read_text("utf-8").splitlines())
        if not f["rule"].startswith("schema.")
    ]
    proc = _session_check(PACKAGES[-1], folder / "fail.jsonl")
    got = [
        {k: f[k] for k in ("line", "rule", "pointer")}
        for f in map(json.loads, proc.stdout.splitlines())
    ]
    assert got == expected, proc.stderr
    errors = [f for f in map(json.loads, proc.stdout.splitlines()) if f["severity"] == "error"]
    assert proc.returncode == (1 if errors else 0), proc.stderr
    assert _session_check(PACKAGES[-1], folder / "pass.jsonl").stdout == ""


BAD_LINES = (
    b'{"ts_ms":1,"event_type":"SESSION_CREATED","session_id":"s"}\n'
    b'\n   \n[1]\nnull\n"x"\n\xff\n'
    b'{"a":1,"a":2}\n'
    b'{"ts_ms":2,"event_type":"MUTATION_TICK","session_id":"s","session_id":"s"}\n'
    b"\xc2\xa0\nthis line is not JSON\n"
    b'{"ts_ms":1,"event_type":"MUTATION_TICK","session_id":"s"}\n'
)


@pytest.mark.parametrize("stream", ["demo", "bad-lines"])
def test_session_check_tool_reports_bad_lines_and_goes_on(stream, tmp_path):
    """Every line `vrp-contract validate` reports (but schema findings) and its exit code."""
    path = REPO / "examples" / "demo.jsonl"
    if stream == "bad-lines":
        path = tmp_path / "bad.jsonl"
        path.write_bytes(BAD_LINES)
    keys = ("line", "rule", "severity", "pointer", "session_id")
    validate = subprocess.run(  # noqa: PLW1510 - the exit code is compared below
        [sys.executable, "-m", "vrp_contract", "validate", "--format", "jsonl", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    want = [
        {k: f.get(k) for k in keys}
        for f in map(json.loads, validate.stdout.splitlines())
        if not f["rule"].startswith("schema.")
    ]
    proc = _session_check(PACKAGES[-1], path)
    got = [{k: f.get(k) for k in keys} for f in map(json.loads, proc.stdout.splitlines())]
    assert got == want, proc.stderr
    assert any(f["rule"].startswith("input.") for f in got)
    assert all(json.loads(line)["message"].endswith(".") for line in proc.stdout.splitlines())
    assert (proc.returncode, proc.stderr) == (validate.returncode, "")


_VERDICTS_JS = """
const vrp = require(process.argv[1]);
const texts = JSON.parse(require("fs").readFileSync(0, "utf8"));
console.log(JSON.stringify(texts.map((text) => {
  try { vrp.decode(text); return null; } catch (err) {
    if (!(err instanceof vrp.DecodeError)) return ["not a DecodeError", String(err), ""];
    return [err.rule, err.pointer, err.detail];
  }
})));
"""
TICK = '{"ts_ms":1,"event_type":"MUTATION_TICK","session_id":"s"'
DECODE_CASES = {
    "details-401-digits": TICK + ',"details":{"n":' + "9" * 401 + "}}",
    "details-5000-digits": TICK + ',"details":{"n":-' + "9" * 5000 + "}}",
    "details-401-fraction-digits": TICK + ',"details":{"n":0.' + "1" * 401 + "}}",
    "ts_ms-401-digits": '{"ts_ms":' + "9" * 401 + ',"event_type":"MUTATION_TICK","session_id":"s"}',
    "ts_ms-401-digits-float": '{"ts_ms":1'
    + "0" * 400
    + '.0,"event_type":"MUTATION_TICK","session_id":"s"}',
    "nbsp": "\u00a0",
    "bom": "\ufeff",
    "line-separator": "\u2028",
    "ideographic-space": "\u3000",
    "nbsp-and-space": "\u00a0\u00a0 ",
    "vertical-tab": "\x0b",
    "form-feed": "\x0c",
    "json-whitespace": " \t\r ",
}


def _python_verdict(text: str) -> list[str] | None:
    from vrp_contract.typed import DecodeError, decode  # noqa: PLC0415 - the reference

    try:
        decode(text)
    except DecodeError as err:
        return [err.rule, err.pointer, err.message]
    return None


def test_decode_agrees_with_python():
    """The package's `decode` gives Python's verdict, rule, pointer and message on edge inputs."""
    node = need("node", "Node.js 20+")
    texts = list(DECODE_CASES.values())
    proc = subprocess.run(  # noqa: PLW1510 - checked below
        [node, "-e", _VERDICTS_JS, str(PACKAGES[-1])],
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    for (name, text), got in zip(DECODE_CASES.items(), json.loads(proc.stdout), strict=True):
        want = _python_verdict(text)
        assert (got and got[:2]) == (want and want[:2]), f"{name}: got {got}, want {want}"
        if want is not None and want[0].startswith("schema."):
            assert got[2] == want[2], name
        elif got is not None:  # the input.* messages name each parser's own complaint
            assert got[2].endswith("."), got


POLICIES = {
    "unknown-key": '{"max_recovery_msec": 10}',
    "zero": '{"max_recovery_ms": 0, "max_recovery_attempts": 0}',
    "past-int64": '{"$schema": "x", "max_recovery_ms": 9223372036854775808}',
    "string": '{"max_recovery_attempts": "3"}',
    "not-object": "[1]",
}


@pytest.mark.parametrize("name", POLICIES)
def test_session_check_tool_refuses_a_policy_as_python_does(name, tmp_path):
    """`vrp-session-check --policy` exits 2 with the sentence of `validate --policy`."""
    from vrp_contract.revisions import load_revision  # noqa: PLC0415 - the reference
    from vrp_contract.stream.policy import PolicyError, load_policy  # noqa: PLC0415

    policy = tmp_path / "policy.json"
    policy.write_text(POLICIES[name], "utf-8")
    with pytest.raises(PolicyError) as refused:
        load_policy(load_revision("0.1"), str(policy))
    want = f"vrp-session-check: {refused.value}".replace("a policy file holds", "a policy holds")
    proc = _session_check(PACKAGES[-1], REPO / "examples" / "demo.jsonl", "--policy", str(policy))
    assert (proc.returncode, proc.stdout, proc.stderr) == (2, "", want + "\n")
