// A consumer of the Go module fetched by version: strict Decode of every case, then Encode.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"reflect"

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
		// one event struct read alone with plain json.Unmarshal: the same verdict, and an event
		// of another type is refused (schema.const at /event_type)
		var alone vrpevent.PathSelected
		aloneErr := json.Unmarshal(line, &alone)
		var ade *vrpevent.DecodeError
		if p, isPath := event.(vrpevent.PathSelected); err == nil && isPath {
			if aloneErr != nil || !reflect.DeepEqual(p, alone) {
				panic(fmt.Sprintf("PathSelected alone: %v", aloneErr))
			}
		} else if err == nil {
			if !errors.As(aloneErr, &ade) || ade.Rule != "schema.const" || ade.Pointer != "/event_type" {
				panic(fmt.Sprintf("PathSelected read another event type: %v", aloneErr))
			}
		} else if errors.As(aloneErr, &ade) {
			if ade.Error() != err.Error() {
				panic(fmt.Sprintf("PathSelected alone: %v, Decode: %v", aloneErr, err))
			}
		} else if _, isSyntax := aloneErr.(*json.SyntaxError); !isSyntax {
			// text that is not JSON fails in encoding/json's own scan first: same verdict
			panic(fmt.Sprintf("PathSelected alone accepted or failed oddly: %v (Decode: %v)", aloneErr, err))
		}
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
