"""TypeScript: `tsc --strict` over the package and its vector test, then `node --test`."""

from __future__ import annotations

import pytest

from tests.generated._toolchain import GENERATED, REPO, docs_example, need, run

TOOLS = REPO / "scripts" / "codegen" / "node" / "node_modules"
PACKAGES = sorted(p for p in (GENERATED / "typescript").iterdir() if p.is_dir())
pytestmark = pytest.mark.toolchain


def _tools() -> tuple[str, str]:
    node = need("node", "Node.js 20+")
    tsc = need(str(TOOLS / ".bin" / "tsc"), "run `make setup-codegen` (npm ci)")
    return node, tsc


@pytest.mark.parametrize("package", PACKAGES, ids=[p.name for p in PACKAGES])
def test_vectors(package):
    node, tsc = _tools()
    run([tsc, "-p", "tsconfig.json"], cwd=package)
    out = run([node, "--test", "dist/"], cwd=package, env={"NODE_PATH": str(TOOLS)})
    assert "# fail 0" in out
    assert "# pass 0" not in out


def test_docs_example_compiles_and_runs():
    node, tsc = _tools()
    package = PACKAGES[-1]
    work = package / "dist" / "docs"
    link = work / "node_modules" / "@vrp-contract" / f"event-{package.name[1:].replace('_', '.')}"
    link.parent.mkdir(parents=True, exist_ok=True)
    if not link.exists():
        link.symlink_to(package, target_is_directory=True)  # as `npm install <folder>` would
    ajv = work / "node_modules" / "ajv"
    if not ajv.exists():
        ajv.symlink_to(TOOLS / "ajv", target_is_directory=True)
    (work / "example.ts").write_text(docs_example("typescript"), "utf-8")
    run(
        [
            tsc,
            *("--strict", "--esModuleInterop", "--module", "commonjs", "--target", "ES2022"),
            *("--moduleResolution", "node", "--typeRoots", str(TOOLS / "@types")),
            *("--types", "node", "--outDir", str(work)),
            "example.ts",
        ],
        cwd=work,
    )
    out = run([node, "example.js"], cwd=work, env={"NODE_PATH": str(TOOLS)})
    assert out.strip()
