"""The pull-request workflow files parse and call `compat` with options it has."""

from __future__ import annotations

import shlex
from typing import Any

import pytest
import yaml  # type: ignore[import-untyped] # installed with mkdocs and pre-commit

from tests._support import ROOT
from vrp_contract.cli import build_parser


def _load(name: str) -> Any:
    return yaml.safe_load((ROOT / name).read_text("utf-8"))


@pytest.mark.parametrize("hook", _load(".pre-commit-hooks.yaml"), ids=lambda h: h["id"])
def test_pre_commit_hooks_parse_as_cli_calls(hook):
    words = shlex.split(hook["entry"])
    assert words[0] == "vrp-contract"
    args = words[1:] + (["git:HEAD:schema/v0.1", "schema/v0.1"] if words[1:] == ["compat"] else [])
    parsed = build_parser().parse_args(args)
    assert parsed.command == "compat"
    assert hook["pass_filenames"] is False


def test_action_is_composite_and_runs_compat():
    action = _load("action.yml")
    assert action["runs"]["using"] == "composite"
    script = "\n".join(step.get("run", "") for step in action["runs"]["steps"])
    assert "vrp-contract compat" in script
    assert "--format github" in script
    assert "GITHUB_STEP_SUMMARY" in script
    assert {"path", "base-ref", "old", "new", "mode"} <= set(action["inputs"])


def test_repo_workflow_uses_the_action_and_make_test():
    workflow = _load(".github/workflows/compat.yml")
    steps = [s for job in workflow["jobs"].values() for s in job["steps"]]
    assert any(s.get("uses") == "./" for s in steps)
    assert any(s.get("run") == "make test" for s in steps)
