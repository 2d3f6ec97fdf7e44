"""Fixtures shared by every test folder."""

from __future__ import annotations

import pytest

from tests._support import run_cli


@pytest.fixture
def cli():
    return run_cli
