# The native line engine of vrp-contract (see vrp_contract.stream.native).
from collections.abc import Callable
from typing import Any, TypeAlias

__version__: str

_Violation: TypeAlias = tuple[str, tuple[str | int, ...], tuple[str | int, ...], tuple[str, ...]]

class Engine:
    def __init__(
        self,
        variants: list[tuple[str, str, bool, bool]],
        envelope: str,
        resources: list[tuple[str, str]],
        states: list[str],
        session_key: list[str],
        clock: list[str],
        from_field: list[str],
        to_field: list[str],
    ) -> None: ...
    def decode(
        self,
        lines: list[bytes],
        explain: Callable[[bytes, list[_Violation] | None], Any],
        threads: int = 1,
    ) -> list[Any]: ...
    def decode_block(
        self,
        block: bytes,
        explain: Callable[[bytes, list[_Violation] | None], Any],
        threads: int = 1,
    ) -> list[Any]: ...
    def violations(self, text: bytes) -> list[_Violation] | None: ...

class Terminated:
    def __init__(self, capacity: int, ended: list[Any], *, reserve: int | None = None) -> None: ...
    def recall(self, sid: str) -> Any | None: ...  # noqa: ANN401 - an `ended` object
    def remember(self, sid: str, state: int) -> None: ...
    def __len__(self) -> int: ...
    def items(self) -> list[tuple[bytes, Any]]: ...
