"""Go: `go vet` and `go test` in each generated module (shared vectors), and the docs example."""

from __future__ import annotations

import pytest

from tests.generated._toolchain import GENERATED, docs_example, need, run

MODULES = sorted(p for p in (GENERATED / "go").iterdir() if (p / "go.mod").is_file())
ENV = {"GOTOOLCHAIN": "local", "GOFLAGS": "-mod=mod"}
pytestmark = pytest.mark.toolchain


@pytest.mark.parametrize("module", MODULES, ids=[m.name for m in MODULES])
def test_vet_and_vectors(module):
    go = need("go", "Go 1.22+")
    run([go, "vet", "./..."], cwd=module, env=ENV)
    out = run([go, "test", "-count=1", "-v", "./..."], cwd=module, env=ENV)
    assert "--- PASS: TestValidVectorsRoundTrip" in out
    assert "--- PASS: TestInvalidVectorsRejected" in out


def test_docs_example_runs(tmp_path):
    go = need("go", "Go 1.22+")
    module = MODULES[-1]
    path = f"vrp.dev/contract/go/{module.name}"
    (tmp_path / "go.mod").write_text(
        f"module example\n\ngo 1.22\n\nrequire {path} v0.0.0\n\nreplace {path} => {module}\n"
    )
    (tmp_path / "go.sum").write_bytes((module / "go.sum").read_bytes())
    (tmp_path / "main.go").write_text(docs_example("go"))
    out = run([go, "run", "."], cwd=tmp_path, env=ENV)
    assert out.strip()
