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
    assert "--- PASS: TestInvalidVectorsRefused" in out
    assert "--- PASS: TestEncodeRefusesWhatDecodeRefuses" in out


def test_docs_example_runs(tmp_path):
    go = need("go", "Go 1.22+")
    module = MODULES[-1]
    # As the docs say: the vendored folder, the go.mod lines of the page, `go mod tidy`.
    vendored = f"./third_party/vrp-event-{module.name}"
    lines = docs_example("go", "tested go.mod")
    assert f"=> {vendored}\n" in lines
    (tmp_path / "go.mod").write_text(
        "module example\n\ngo 1.22\n\n" + lines.replace(vendored, str(module))
    )
    (tmp_path / "main.go").write_text(docs_example("go"))
    offline = {"GOTOOLCHAIN": "local", "GOFLAGS": "", "GOPROXY": "off"}  # the module cache only
    run([go, "mod", "tidy"], cwd=tmp_path, env=offline)
    out = run([go, "run", "."], cwd=tmp_path, env=offline)
    assert out.splitlines()[0] == "ATTACHED -> VOLATILE 9223372036854775807"
