"""The public surface: docs/guides/public-api.md equals `__all__`, and a wheel works outside."""

from __future__ import annotations

import importlib
import re
import subprocess
import sys
import textwrap
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "guides" / "public-api.md"


def _documented() -> dict[str, list[str]]:
    rows = re.findall(r"^\| `(vrp_contract[\w.]*)` \| (.+) \|$", PAGE.read_text(), re.MULTILINE)
    return {module: re.findall(r"`([\w]+)`", names) for module, names in rows}


def test_the_page_lists_exactly_each_modules_all():
    documented = _documented()
    assert documented, "no module table found in the page"
    for module, names in documented.items():
        assert names == list(importlib.import_module(module).__all__), module


def test_every_public_name_exists():
    for module, names in _documented().items():
        mod = importlib.import_module(module)
        for name in names:
            assert hasattr(mod, name), f"{module}.{name}"


_PROGRAM = textwrap.dedent(
    """
    import json, pathlib, sys, tempfile
    import vrp_contract
    from vrp_contract import catalog, compat, load_revision
    from vrp_contract.stream import StreamValidator, validate_event

    assert "site-packages" in vrp_contract.__file__, vrp_contract.__file__
    rev = load_revision()
    name, vector = rev.examples("invalid")[0]
    found = validate_event(vector["event"])
    assert [(f.rule, f.pointer) for f in found][:1] == [
        (vector["error"]["rule"], vector["error"]["pointer"])
    ], (name, found)
    lines = [json.dumps(v["event"]).encode() for _, v in rev.examples("valid")]
    findings = list(StreamValidator().iter_findings(lines))
    assert not [f for f in findings if f.rule.split(".")[0] in {"input", "schema"}], findings
    assert rev.stream_cases() and rev.behaviour["event_roles"]
    cases = compat.examples("type.changed")
    assert cases and cases[0].expect["findings"], cases
    ids = {r.id for r in catalog.rules()}
    assert {"input.not-json", "schema.required", "transition.allowed", "type.changed"} <= ids
    with tempfile.TemporaryDirectory() as tmp:
        old, new = pathlib.Path(tmp, "old.json"), pathlib.Path(tmp, "new.json")
        old.write_text('{"type": "string"}')
        new.write_text('{"type": "integer"}')
        report = compat.compare(str(old), str(new))
        assert report.failed and report.findings[0].rule == "type.changed"
    print("public API ok")
    """
)


@pytest.mark.slow
def test_the_public_api_works_from_an_installed_wheel(tmp_path: Path):
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(dist), str(ROOT)],
        check=True,
    )
    # the native engine it depends on, from its source tree (cargo reuses native/target)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(dist), "."],
        cwd=ROOT / "native",
        check=True,
    )
    (wheel,) = dist.glob("vrp_contract-*.whl")
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    install = [str(python), "-m", "pip", "install", "-q", "--find-links", str(dist), str(wheel)]
    subprocess.run(install, check=True)
    run = subprocess.run(
        [python, "-c", _PROGRAM], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, run.stderr
    assert "public API ok" in run.stdout


def test_the_catalog_knows_every_family_and_validation_imports_none_of_them():
    """`catalog.rules()` lists the compat, vendor and Flink rule ids without the caller importing
    their modules; `vrp-contract validate` never imports the compatibility checker."""
    program = textwrap.dedent(
        """
        import sys
        from vrp_contract.cli import main
        main(["validate", "--quiet", "examples/demo.jsonl"])
        assert "vrp_contract.compat" not in sys.modules, "validate imported compat"
        from vrp_contract import catalog
        ids = {r.id for r in catalog.rules()}
        assert {"stream.late-event", "session.idle-timeout"} <= ids, "no Flink rules"
        assert "type.changed" in ids and catalog.get("type.changed").category
        print("catalog ok")
        """
    )
    run = subprocess.run(
        [sys.executable, "-c", program], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert "catalog ok" in run.stdout, run.stderr
