"""The README is what a new user follows: its examples run and its prerequisites match the check."""

from __future__ import annotations

import contextlib
import io
import re
import runpy
from typing import TYPE_CHECKING

from tests._support import ROOT, run_cli

if TYPE_CHECKING:
    import pytest

README = (ROOT / "README.md").read_text("utf-8")


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, re.DOTALL)


def _prereqs_module() -> dict[str, object]:
    return runpy.run_path(str(ROOT / "scripts" / "prereqs.py"), run_name="prereqs")


def test_the_python_api_example_runs_on_the_shipped_example(monkeypatch: pytest.MonkeyPatch):
    [code] = [b for b in _blocks("python") if "StreamValidator" in b]
    monkeypatch.chdir(ROOT)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "README.md", "exec"), {"__name__": "readme"})  # noqa: S102 - our own README
    printed = out.getvalue()
    assert "schema.required /details Required property 'details' is missing" in printed
    assert "'lines': 22, 'valid': 14" in printed
    assert "transport.single-active" in printed


def test_the_sample_output_is_what_the_demo_prints():
    [sample] = [b for b in _blocks("text") if "examples/demo.jsonl:" in b]
    actual = run_cli("validate", str(ROOT / "examples" / "demo.jsonl")).out
    actual = actual.replace(str(ROOT / "examples"), "examples")
    for line in sample.splitlines():
        if line != "...":
            assert line in actual.splitlines(), line


def test_the_prerequisites_table_states_what_setup_checks():
    quick_start = README[: README.index("## Install it in a service")]
    module = _prereqs_module()
    minimum = ".".join(map(str, module["PYTHON_MIN"]))  # type: ignore[call-overload]
    assert f"| {minimum} or newer" in quick_start
    for tool in module["TOOLS"]:  # type: ignore[attr-defined]
        version = ".".join(map(str, tool.minimum)) + "+"
        assert version in quick_start, (tool.label, version)


def test_the_registry_install_is_marked_as_not_published_yet():
    assert "`pip install vrp-contract` (**not on PyPI yet**)" in README
    for line in README.splitlines():
        if "<OWNER>" in line:
            assert "placeholder" in line or "placeholder" in README[README.index(line) :][:300]


def test_readme_commands_exist():
    commands = set(re.findall(r"^(?:vrp-contract|\$ vrp-contract) (\w+)", README, re.MULTILINE))
    assert commands >= {"validate", "compat", "schema"}
    for command in commands:
        assert run_cli(command, "--help").code == 0, command
    targets = set(re.findall(r"`make ([a-z-]+)", README))
    help_text = (ROOT / "Makefile").read_text("utf-8") + "".join(
        p.read_text("utf-8") for p in (ROOT / "mk").glob("*.mk")
    )
    for target in targets:
        assert re.search(rf"^{re.escape(target)}:", help_text, re.MULTILINE), target


def test_the_licence_pyproject_names_is_there():
    assert 'license = "Apache-2.0"' in (ROOT / "pyproject.toml").read_text("utf-8")
    text = (ROOT / "LICENSE").read_text("utf-8")
    assert text.split()[:3] == ["Apache", "License", "Version"]
    assert "http://www.apache.org/licenses/LICENSE-2.0" in text
    assert "END OF TERMS AND CONDITIONS" in text
