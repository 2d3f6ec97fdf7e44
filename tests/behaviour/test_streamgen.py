"""The generated stream is a function of its seed alone (not of the process's hash seed)."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys

from tests.generated._toolchain import REPO

SCRIPT = (
    "import hashlib; from tests.behaviour import streamgen; "
    "from vrp_contract.revisions import load_revision; "
    "lines = streamgen.generate_stream(load_revision(), streamgen.Options(events=20000)); "
    "print(hashlib.sha256('\\n'.join(lines).encode()).hexdigest())"
)


def test_same_seed_same_stream_in_every_process():
    digests = set()
    for hash_seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        proc = subprocess.run(  # the generator in a fresh interpreter
            [sys.executable, "-c", SCRIPT],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        digests.add(proc.stdout.strip())
    assert len(digests) == 1
    assert len(next(iter(digests))) == len(hashlib.sha256().hexdigest())
