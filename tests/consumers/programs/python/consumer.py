"""A consumer of the installed `vrp-contract` wheel: strict decode of every case, then encode."""

import json
import sys
from pathlib import Path

from vrp_contract import typed
from vrp_contract.generated import v0_1


def main() -> None:
    for line in Path(sys.argv[1]).read_bytes().split(b"\n"):
        if not line:
            continue
        try:
            event = typed.decode(line)
            print(json.dumps({"ok": True, "encoded": typed.encode(event)}))
        except typed.DecodeError as e:
            unknown = isinstance(e, typed.UnknownEventTypeError)
            print(
                json.dumps(
                    {
                        "ok": False,
                        "rule": e.rule,
                        "pointer": e.pointer,
                        "message": e.message,
                        "unknown": unknown,
                    }
                )
            )
    bad: dict[str, v0_1.VrpEvent] = {
        "path_id-empty": v0_1.PathSelected(
            ts_ms=1,
            event_type="PATH_SELECTED",
            session_id="s",
            details=v0_1.PathSelectedDetails(path_id=""),
        ),
        "session_id-empty": v0_1.MutationTick(ts_ms=1, event_type="MUTATION_TICK", session_id=""),
        "ts_ms-negative": v0_1.MutationTick(ts_ms=-1, event_type="MUTATION_TICK", session_id="s"),
    }
    for name, event in bad.items():
        try:
            typed.encode(event)
            print(json.dumps({"encode": name, "ok": True}))
        except typed.EncodeError as e:
            print(json.dumps({"encode": name, "ok": False, "rule": e.rule, "pointer": e.pointer}))


main()
