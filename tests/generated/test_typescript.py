"""TypeScript: `tsc --strict` over the package and its vector test, then `node --test`."""

from __future__ import annotations

import json
import subprocess
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


STREAM_CASES = REPO / "tests" / "stream" / "cases"


def _session_check(package: Path, stream: Path, *args: str) -> subprocess.CompletedProcess[str]:
    node = need("node", "Node.js 20+")
    return subprocess.run(  # noqa: PLW1510 - callers check the exit code
        [node, str(package / "bin" / "vrp-session-check.js"), *args, str(stream)],
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("case", ["ts-ms-edge-values"])
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
    assert proc.returncode == (1 if expected else 0), proc.stderr
    assert _session_check(PACKAGES[-1], folder / "pass.jsonl").stdout == ""
