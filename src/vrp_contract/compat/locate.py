"""Line numbers of JSON Pointers in a JSON text, so annotations land on the changed line."""

from __future__ import annotations

from vrp_contract.vocabulary import pointer_lines

__all__ = ["pointer_lines"]
