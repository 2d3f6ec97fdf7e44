"""The plain tuples that cross module and process boundaries in the stream validator.

They are tuples, not classes, because millions of them are built per run and some travel between
processes (`--jobs`) and into Flink state; each is defined here once.
"""

from __future__ import annotations

__all__ = ["Problem", "Record"]

Problem = tuple[str, str, str]
"""One finding before it knows its line: (rule id, JSON Pointer into the event, message)."""

Record = tuple[str, str, int | None, str | None, str | None]
"""What the session fold needs of one event: (session_id, event_type, ts_ms, from, to).

`from`/`to` are the states of a transition event (both or neither); `ts_ms` is None when the
event has no usable clock value.
"""
