"""Differential check: on 100,000 generated events, every language's checker = the Python validator.

The stream (tests/behaviour/streamgen.py, fixed seed) interleaves hundreds of sessions and breaks
every stream rule many times; the Python validator's findings are the reference. Each language's
`vrp-session-check` must report exactly the same (line, rule, session_id, pointer) list, under the
default options and under a strict policy with a stream cut mid-day and a tiny memory of
terminated ids. Takes about 15 s.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import TYPE_CHECKING

import pytest

from scripts.codegen.behaviour.common import tables
from tests.behaviour import streamgen
from tests.behaviour._checkers import CHECKERS, Key, case_args, expected, fold
from vrp_contract.revisions import load_revision

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = [pytest.mark.toolchain, pytest.mark.slow]

CONFIGS = {
    "default": streamgen.Options(),
    "strict-cut-small-memory": streamgen.Options(
        seed=streamgen.SEED + 1,
        assume_open_sessions=True,
        policy={"max_recovery_ms": 1000, "max_recovery_attempts": 1},
        remember_terminated=50,
    ),
}


@pytest.fixture(scope="module", params=sorted(CONFIGS))
def case(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp(request.param)
    streamgen.write_case(folder, load_revision(), CONFIGS[request.param])
    return folder


@pytest.fixture(scope="module", params=sorted(CHECKERS))
def checker(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    return CHECKERS[request.param](tmp_path_factory.mktemp(f"{request.param}-build"))


def test_the_stream_breaks_every_stream_rule(case):
    lines = (case / "fail.jsonl").read_text("utf-8").splitlines()
    assert len(lines) >= 100_000
    rules = Counter(f[1] for f in expected(case))
    stream_rules = {r.id for r in tables(load_revision()).rules}
    assert set(rules) == stream_rules
    assert min(rules.values()) >= 20, rules
    sessions = {json.loads(line)["session_id"] for line in lines}
    assert len(sessions) > 1000


def _compare(got: list[Key], want: list[Key]) -> None:
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        assert g == w, f"first difference: got {g}, the Python validator {w}"


def test_checker_agrees_with_python(case, checker, tmp_path):
    args = case_args(json.loads((case / "case.json").read_text("utf-8")), tmp_path)
    _compare(fold(checker, case / "fail.jsonl", args), expected(case))
    assert fold(checker, case / "pass.jsonl", args) == []
