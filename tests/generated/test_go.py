"""Go: `go vet` and `go test` in each generated module (shared vectors), and the docs example."""

from __future__ import annotations

import re

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
    assert "--- PASS: TestEventStructsReadAloneAreStrict" in out
    assert "--- PASS: TestWholeFloatTimestampsDecode" in out
    assert "--- PASS: TestDetailsNumbersRoundTripExactly" in out
    assert "--- PASS: TestCheckJSONFoldsWhatValidateFolds" in out
    assert "--- PASS: TestNestingLimitIsPythons" in out
    assert "--- PASS: TestEncodeRefusesTextThatIsNotUTF8" in out
    assert "--- PASS: TestEncodeRefusesOpenKeysItWouldDrop" in out
    assert "--- PASS: TestFloatLiteralsReadAsPythonReadsThem" in out
    assert "--- PASS: TestLongIntegerLiteralsAreIntegers" in out
    assert "--- PASS: TestTypedEventsAreCheckedAsEncodeWritesThem" in out


def test_docs_example_runs(tmp_path):
    go = need("go", "Go 1.24+")
    module = MODULES[-1]
    # The require line of the page; the vendored folder stands in for the tag (a replace).
    lines = docs_example("go", "tested go.mod")
    path = re.search(r"^module (\S+)$", (module / "go.mod").read_text(), re.MULTILINE)
    assert path is not None
    assert lines.startswith(f"require {path.group(1)} v")
    (tmp_path / "go.mod").write_text(
        f"module example\n\ngo 1.24\n\n{lines}\nreplace {path.group(1)} => {module}\n"
    )
    (tmp_path / "main.go").write_text(docs_example("go"))
    offline = {"GOTOOLCHAIN": "local", "GOFLAGS": "", "GOPROXY": "off"}  # the module cache only
    run([go, "mod", "tidy"], cwd=tmp_path, env=offline)
    out = run([go, "run", "."], cwd=tmp_path, env=offline).splitlines()
    assert out[0] == "ATTACHED -> VOLATILE 9223372036854775807"
    assert out[2:] == ["schema.required /details/path_id", "true"]
