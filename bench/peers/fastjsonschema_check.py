"""Peer: parse with orjson, validate with fastjsonschema (schema only). Args: SCHEMA EVENTS."""

import json
import sys

import fastjsonschema
import orjson


def _compiled(schema: object) -> object:
    validate = fastjsonschema.compile(schema)

    def check(event: object) -> bool:
        try:
            validate(event)
        except fastjsonschema.JsonSchemaException:
            return False
        return True

    return check


with open(sys.argv[1], encoding="utf-8") as handle:  # noqa: PTH123
    schema = json.load(handle)
is_valid = _compiled(schema)
with open(sys.argv[2], "rb") as lines:  # noqa: PTH123
    for line in lines:
        try:
            event = orjson.loads(line)
        except orjson.JSONDecodeError:
            continue
        is_valid(event)
