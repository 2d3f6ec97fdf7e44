"""Peer: parse with orjson, validate with jsonschema (schema only). Args: SCHEMA EVENTS."""

import json
import sys

import jsonschema
import orjson

with open(sys.argv[1], encoding="utf-8") as handle:  # noqa: PTH123
    schema = json.load(handle)
is_valid = jsonschema.Draft202012Validator(schema).is_valid
with open(sys.argv[2], "rb") as lines:  # noqa: PTH123
    for line in lines:
        try:
            event = orjson.loads(line)
        except orjson.JSONDecodeError:
            continue
        is_valid(event)
