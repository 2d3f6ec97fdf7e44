"""Verdicts on real contract edits, cross-checked with python-jsonschema on generated events.

Each test edits a copy of revision 0.1 the way a schema author evolving the contract did (a new
user trial), runs the checker and then checks, with python-jsonschema on events built from the
revision's own examples, that no instance contradicts the verdict: an event OLD accepts and NEW
rejects needs a finding that breaks backward, and the other way round for forward. The expected
verdict of each edit is asserted too, so a false "breaking" fails as well as a false
"compatible".
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import jsonschema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from referencing import Registry, Resource

from tests.compat._revisions import copy_revision, patch
from vrp_contract.compat import Mode, compare
from vrp_contract.compat.check import compare_sets
from vrp_contract.compat.sources import load_document

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from vrp_contract.compat.check import CompatReport

VALUES = [
    "",
    "a",
    "abc",
    "abcd",
    "ATTACHED",
    "BIRTH",
    "RECOVERING",
    "x" * 25,
    0,
    5,
    -1,
    2.5,
    None,
    True,
    [1],
    {"k": 1},
]


def _validator(folder: Path, rel: str = "event.schema.json") -> jsonschema.Draft202012Validator:
    docs = [json.loads(f.read_text("utf-8")) for f in folder.rglob("*.schema.json")]
    registry: Registry[Any] = Registry().with_resources(
        (d["$id"], Resource.from_contents(d)) for d in docs
    )
    entry = json.loads((folder / rel).read_text("utf-8"))
    return jsonschema.Draft202012Validator(entry, registry=registry)


def _events(folder: Path) -> list[dict[str, Any]]:
    """One valid event per event type, from the examples of the revision's event schemas."""
    out = []
    for file in sorted((folder / "events").glob("*.schema.json")):
        out.extend(json.loads(file.read_text("utf-8")).get("examples", [])[:1])
    return out


def _edit(tmp_path: Path, rel: str, change: Callable[[dict[str, Any]], None]) -> tuple[Path, Path]:
    """(OLD, NEW): revision 0.1 copied twice, NEW with one edit of its file `rel`."""
    old = copy_revision(tmp_path / "old", "0.1")
    new = copy_revision(tmp_path / "new", "0.2", status="draft")
    patch(new / rel, change)
    return old, new


def _broken(report: CompatReport) -> set[str]:
    return {d for f in report.findings for d in f.directions}


@st.composite
def _variants(draw: st.DrawFn, events: list[dict[str, Any]]) -> dict[str, Any]:
    """A valid event with a few fields replaced by other values (valid or not)."""
    event = dict(draw(st.sampled_from(events)))
    keys = st.sampled_from(["node_id", "session_id", "reason_code", "ts_ms", "details", "extra"])
    for key in draw(st.lists(keys, max_size=3, unique=True)):
        event[key] = draw(st.sampled_from(VALUES))
    if draw(st.booleans()):
        event["details"] = {"path_id": "p", "from_state": draw(st.sampled_from(VALUES))}
    return event


def _cross_check(
    old: Path, new: Path, report: CompatReport, rel: str = "event.schema.json"
) -> None:
    """No generated event contradicts the directions the report leaves unbroken."""
    broken = _broken(report)
    v_old, v_new = _validator(old, rel), _validator(new, rel)
    events = _events(old)

    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
    @given(_variants(events))
    def agree(event: dict[str, Any]) -> None:
        in_old, in_new = v_old.is_valid(event), v_new.is_valid(event)
        if in_old and not in_new:
            assert "backward" in broken, event
        if in_new and not in_old:
            assert "forward" in broken, event

    agree()
    for event in events:  # the examples themselves stay valid on both sides
        assert v_old.is_valid(event)


def test_one_of_to_any_of_keeps_each_branch_file_base_uri(tmp_path):
    """The union's branches live in events/ and reference ../common.schema.json: flattened
    (oneOf to anyOf), each branch still resolves against its own file, not the entry's."""
    old, new = _edit(tmp_path, "event.schema.json", lambda d: d.update(anyOf=d.pop("oneOf")))
    for a, b in ((old, new), (new, old)):
        report = compare(str(a), str(b), Mode.FULL)
        assert not report.failed, [f.message for f in report.findings]
        _cross_check(a, b, report)
    # a single event's schema against the union file: the same base URIs, a real verdict
    one = compare(str(old / "event.schema.json"), str(new / "events/mutation_tick.schema.json"))
    assert one.failed
    assert {f.rule for f in one.findings if f.is_error} == {"composition.one-of"}


def test_a_narrowing_beside_a_ref_is_a_narrowing(tmp_path):
    """`{"$ref": NodeId, "maxLength": 3}` accepts a subset of NodeId: forward compatible, and
    the only change is the length limit (not a type widened to any, not annotations removed)."""

    def narrow(d: dict[str, Any]) -> None:
        d["properties"]["node_id"]["maxLength"] = 3

    old, new = _edit(tmp_path, "events/mutation_tick.schema.json", narrow)
    assert not compare(str(old), str(new), Mode.FORWARD).failed
    report = compare(str(old), str(new), Mode.FULL)
    assert [(f.rule, f.directions, f.pointer) for f in report.findings] == [
        ("string.max-length", ("backward",), "/properties/node_id/maxLength")
    ]
    _cross_check(old, new, report)
    # the other way round (the limit dropped) widens: breaks forward only
    back = compare(str(new), str(old), Mode.FULL)
    assert [(f.rule, f.directions) for f in back.findings] == [("string.max-length", ("forward",))]
    _cross_check(new, old, back)


def _wrap_union(d: dict[str, Any]) -> None:
    d["allOf"] = [{"oneOf": d.pop("oneOf")}]


def _wrap_branch(d: dict[str, Any]) -> None:
    d["oneOf"][4] = {"anyOf": [d["oneOf"][4]]}


def _wrap_and_drop(d: dict[str, Any]) -> None:
    _wrap_union(d)
    del d["allOf"][0]["oneOf"][2]


def test_rewrites_that_accept_the_same_events_break_nothing(tmp_path):
    """The union wrapped in `allOf: [{oneOf: [...]}]`, one branch wrapped in `anyOf`: the same
    events, so compatible both ways with no bump, and every event type is still found."""
    for n, edit in enumerate((_wrap_union, _wrap_branch)):
        old, new = _edit(tmp_path / str(n), "event.schema.json", edit)
        for a, b in ((old, new), (new, old)):
            report = compare(str(a), str(b), Mode.FULL)
            assert not report.failed, [f.message for f in report.findings]
            assert str(report.bump) == "none", [f.message for f in report.findings]
            _cross_check(a, b, report)


def test_a_type_dropped_from_a_wrapped_union_is_still_a_removal(tmp_path):
    old, new = _edit(tmp_path, "event.schema.json", _wrap_and_drop)
    report = compare(str(old), str(new), Mode.BACKWARD)
    errors = {(f.rule, f.context.get("event_type")) for f in report.findings if f.is_error}
    assert ("behaviour.event-type", "PATH_SELECTED") in errors
    (union,) = [f for f in report.findings if f.rule == "composition.one-of"]
    assert (union.pointer, union.old_pointer) == ("/allOf/0/oneOf", "/oneOf/2")  # as written
    _cross_check(old, new, report)


def test_a_retargeted_ref_is_reported_at_the_ref_not_at_the_unchanged_definition(tmp_path):
    def retarget(d: dict[str, Any]) -> None:
        d["properties"]["node_id"]["$ref"] = "../common.schema.json#/$defs/SessionId"

    old, new = _edit(tmp_path, "events/path_selected.schema.json", retarget)
    report = compare(str(old), str(new), Mode.FULL)
    assert {f.source for f in report.findings} == {f"{new}/events/path_selected.schema.json"}
    assert {(f.pointer, f.old_pointer) for f in report.findings} == {
        ("/properties/node_id/$ref", "/properties/node_id/$ref")
    }
    (error,) = [f for f in report.findings if f.is_error]
    assert (error.rule, error.directions) == ("string.min-length", ("backward",))
    assert error.context["target"] == "common.schema.json#/$defs/SessionId/minLength"
    assert error.context["old_target"] == "common.schema.json#/$defs/NodeId/minLength"
    assert error.line == 20  # the line of the edited "$ref"
    _cross_check(old, new, report)


def test_a_changed_shared_definition_is_still_reported_once_at_the_definition(tmp_path):
    def narrow(d: dict[str, Any]) -> None:
        d["$defs"]["NodeId"]["minLength"] = 1

    old, new = _edit(tmp_path, "common.schema.json", narrow)
    report = compare(str(old), str(new), Mode.FULL)
    assert [(f.rule, f.source, f.pointer) for f in report.findings] == [
        ("string.min-length", f"{new}/common.schema.json", "/$defs/NodeId/minLength")
    ]
    _cross_check(old, new, report)


def _state_pattern(pattern: str) -> Callable[[dict[str, Any]], None]:
    return lambda d: d["$defs"]["SessionState"].update(pattern=pattern)


def _details_key(d: dict[str, Any]) -> None:
    d["properties"]["details"]["properties"] = {"tick": {"description": "The tick number."}}


def test_changes_that_accept_the_same_events_need_a_patch_bump_only(tmp_path):
    """Finite domains are exact: a pattern every enum value matches, a maxLength no value
    reaches, and a details key with only a description accept the same events."""
    edits = [
        ("common.schema.json", _state_pattern("^[A-Z]+$")),
        ("common.schema.json", lambda d: d["$defs"]["SessionState"].update(maxLength=20)),
        ("events/mutation_tick.schema.json", _details_key),
    ]
    for n, (rel, edit) in enumerate(edits):
        old, new = _edit(tmp_path / str(n), rel, edit)
        report = compare(str(old), str(new), Mode.FULL)
        assert not report.failed
        assert str(report.bump) == "patch", [f.message for f in report.findings]
        assert all(not f.directions for f in report.findings)
        assert not any("any string" in f.message for f in report.findings)
        _cross_check(old, new, report)


def test_a_pattern_that_drops_an_enum_value_still_breaks(tmp_path):
    old, new = _edit(tmp_path, "common.schema.json", _state_pattern("^[A-Z]{6,}$"))  # not BIRTH
    report = compare(str(old), str(new), Mode.FULL)
    assert [(f.rule, f.directions) for f in report.findings if f.is_error] == [
        ("string.pattern", ("backward",)),
        # and NEW's own state machine no longer satisfies its schema: its initial state is BIRTH
        ("behaviour.data-invalid", ("backward", "forward")),
    ]
    _cross_check(old, new, report)


def test_an_annotation_beside_a_ref_with_siblings_is_reported_once():
    def doc(description: str) -> dict[str, Any]:
        node = {"$ref": "#/$defs/N", "maxLength": 3, "description": description}
        return {"$defs": {"N": {"type": "string"}}, "properties": {"x": node}}

    report = compare_sets(load_document("old", doc("a")), load_document("new", doc("b")), Mode.FULL)
    assert [(f.rule, f.pointer, f.message) for f in report.findings] == [
        (
            "annotation.changed",
            "/properties/x",
            'Annotation description changed from "a" to "b". Annotations never break.',
        )
    ]


def test_a_keyword_added_or_dropped_beside_a_ref_is_reported_beside_the_ref_on_both_sides():
    defs = {"N": {"type": "string"}, "S": {"type": "string", "minLength": 1}}
    bare = {"$defs": defs, "properties": {"y": {"$ref": "#/$defs/N"}}}
    beside = {"$defs": defs, "properties": {"y": {"$ref": "#/$defs/N", "maxLength": 5}}}
    for old, new, broken in ((bare, beside, ("backward",)), (beside, bare, ("forward",))):
        report = compare_sets(load_document("old", old), load_document("new", new), Mode.FULL)
        assert [(f.rule, f.directions, f.pointer, f.old_pointer) for f in report.findings] == [
            ("string.max-length", broken, "/properties/y/maxLength", "/properties/y/maxLength")
        ]
