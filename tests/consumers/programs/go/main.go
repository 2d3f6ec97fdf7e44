// A consumer of the Go module fetched by version: strict Decode of every case, then Encode.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"

	vrpevent "vrp.dev/contract/generated/go/v0_1"
)

func emit(v map[string]any) {
	out, _ := json.Marshal(v)
	fmt.Println(string(out))
}

func main() {
	data, err := os.ReadFile(os.Args[1])
	if err != nil {
		panic(err)
	}
	for _, line := range bytes.Split(data, []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		event, err := vrpevent.Decode(line)
		var de *vrpevent.DecodeError
		if errors.As(err, &de) {
			emit(map[string]any{"ok": false, "rule": de.Rule, "pointer": de.Pointer, "message": de.Message,
				"unknown": errors.Is(err, vrpevent.ErrUnknownEventType)})
			continue
		} else if err != nil {
			panic(err)
		}
		if change, ok := event.(vrpevent.StateChange); ok && change.Details.ToState == "" {
			panic("a decoded STATE_CHANGE without to_state")
		}
		out, err := vrpevent.Encode(event)
		if err != nil {
			panic(err)
		}
		emit(map[string]any{"ok": true, "encoded": string(out)})
	}
	bad := []struct {
		name  string
		event vrpevent.Event
	}{
		{"path_id-empty", vrpevent.PathSelected{TsMs: 1, SessionId: "s", Details: vrpevent.PathSelectedDetails{PathId: ""}}},
		{"session_id-empty", vrpevent.MutationTick{TsMs: 1, SessionId: ""}},
		{"ts_ms-negative", vrpevent.MutationTick{TsMs: -1, SessionId: "s"}},
	}
	for _, b := range bad {
		_, err := vrpevent.Encode(b.event)
		var ee *vrpevent.EncodeError
		if errors.As(err, &ee) {
			emit(map[string]any{"encode": b.name, "ok": false, "rule": ee.Rule, "pointer": ee.Pointer})
		} else {
			emit(map[string]any{"encode": b.name, "ok": err == nil})
		}
	}
}
