"""The behaviour examples of docs/languages/{typescript,go}.md compile and run as documented."""

from __future__ import annotations

import json

import pytest

from tests.behaviour._checkers import go_module, typescript_package
from tests.generated._toolchain import REPO, docs_example, need, run

MARKER = "tested behaviour example"
TOOLS = REPO / "scripts" / "codegen" / "node" / "node_modules"
EXPECTED = [
    "emitted SESSION_CREATED",
    "emitted PATH_SELECTED",
    "emitted STATE_CHANGE",
    "refused PATH_SELECTED: transport.single-active at /event_type",
]


@pytest.mark.toolchain
def test_typescript_example(tmp_path):
    node = need("node", "Node.js 20+")
    npm = need("npm", "Node.js 20+ with npm")
    tsc = need(str(TOOLS / ".bin" / "tsc"), "run `make setup-codegen` (npm ci)")
    package = typescript_package()
    name = json.loads((package / "package.json").read_text("utf-8"))["name"]
    (tmp_path / "package.json").write_text('{"private": true}\n', "utf-8")
    run([npm, "install", "--offline", "--no-audit", "--no-fund", str(package)], cwd=tmp_path)
    example = docs_example("typescript", MARKER)
    assert f'from "{name}/behaviour"' in example
    (tmp_path / "example.ts").write_text(example, "utf-8")
    run(
        [
            tsc,
            *("--strict", "--module", "commonjs", "--target", "ES2022"),
            *("--moduleResolution", "node", "--typeRoots", str(TOOLS / "@types")),
            *("--types", "node", "--outDir", str(tmp_path)),
            "example.ts",
        ],
        cwd=tmp_path,
    )
    out = run([node, "example.js"], cwd=tmp_path)
    assert out.splitlines() == [*EXPECTED, "ATTACHED false"]


@pytest.mark.toolchain
def test_go_example(tmp_path):
    go = need("go", "Go 1.22+")
    module = go_module()
    vendored = f"./third_party/vrp-event-{module.name}"
    lines = docs_example("go", "tested go.mod")
    (tmp_path / "go.mod").write_text(
        "module example\n\ngo 1.22\n\n" + lines.replace(vendored, str(module))
    )
    (tmp_path / "main.go").write_text(docs_example("go", MARKER))
    offline = {"GOTOOLCHAIN": "local", "GOFLAGS": "", "GOPROXY": "off"}  # the module cache only
    run([go, "mod", "tidy"], cwd=tmp_path, env=offline)
    out = run([go, "run", "."], cwd=tmp_path, env=offline)
    assert out.splitlines() == [*EXPECTED, "ATTACHED true false"]
