"""Peer: parse every line with orjson and nothing else (the floor). Args: SCHEMA EVENTS."""

import contextlib
import sys

import orjson

with open(sys.argv[2], "rb") as lines:  # noqa: PTH123
    for line in lines:
        with contextlib.suppress(orjson.JSONDecodeError):
            orjson.loads(line)
