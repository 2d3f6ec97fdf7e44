// @@HEADER@@

package vrpevent

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// The shared vectors live in the repository: `go test` runs in this package's folder.
const examples = "../../../schema/v@@REV@@/examples"

type knownGaps struct {
	InvalidAccepted      map[string]string `json:"invalid_accepted"`
	ValidNotRoundTripped map[string]string `json:"valid_not_round_tripped"`
}

type vector struct {
	Description string          `json:"description"`
	Event       json.RawMessage `json:"event"`
}

func loadGaps(t *testing.T) knownGaps {
	t.Helper()
	data, err := os.ReadFile("known-gaps.json")
	if err != nil {
		t.Fatal(err)
	}
	var g knownGaps
	if err := json.Unmarshal(data, &g); err != nil {
		t.Fatal(err)
	}
	return g
}

func loadVectors(t *testing.T, kind string) map[string]vector {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(examples, kind, "*.json"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no %s vectors under %s (%v)", kind, examples, err)
	}
	sort.Strings(paths)
	out := map[string]vector{}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var v vector
		if err := json.Unmarshal(data, &v); err != nil {
			t.Fatal(err)
		}
		out[strings.TrimSuffix(filepath.Base(p), ".json")] = v
	}
	return out
}

// generic decodes JSON keeping numbers as their decimal text, so int64 values compare exactly.
func generic(t *testing.T, data []byte) interface{} {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v interface{}
	if err := dec.Decode(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestValidVectorsRoundTrip(t *testing.T) {
	gaps := loadGaps(t)
	for name, v := range loadVectors(t, "valid") {
		t.Run(name, func(t *testing.T) {
			event, err := Decode(v.Event)
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			again, err := Encode(event)
			if err != nil {
				t.Fatalf("encode: %v", err)
			}
			same := reflect.DeepEqual(generic(t, v.Event), generic(t, again))
			if _, gap := gaps.ValidNotRoundTripped[name]; gap {
				if same {
					t.Fatalf("%s round-trips now: drop it from known-gaps.json", name)
				}
				return
			}
			if !same {
				t.Fatalf("round trip changed the event:\n in: %s\nout: %s", v.Event, again)
			}
		})
	}
}

func TestInvalidVectorsRejected(t *testing.T) {
	gaps := loadGaps(t)
	for name, v := range loadVectors(t, "invalid") {
		t.Run(name, func(t *testing.T) {
			_, err := Decode(v.Event)
			if _, gap := gaps.InvalidAccepted[name]; gap {
				if err != nil {
					t.Fatalf("%s is rejected now (%v): drop it from known-gaps.json", name, err)
				}
				return
			}
			if err == nil {
				t.Fatalf("%s was accepted", name)
			}
		})
	}
}

func TestKnownGapsNameRealVectors(t *testing.T) {
	gaps := loadGaps(t)
	valid, invalid := loadVectors(t, "valid"), loadVectors(t, "invalid")
	for name := range gaps.InvalidAccepted {
		if _, ok := invalid[name]; !ok {
			t.Errorf("known-gaps.json names %s, which is not an invalid vector", name)
		}
	}
	for name := range gaps.ValidNotRoundTripped {
		if _, ok := valid[name]; !ok {
			t.Errorf("known-gaps.json names %s, which is not a valid vector", name)
		}
	}
}

func TestTimestampIsInt64(t *testing.T) {
	event, err := Decode([]byte(`{"ts_ms":9223372036854775807,"event_type":"@@FIRST_TYPE@@","session_id":"s"}`))
	if err != nil {
		t.Fatal(err)
	}
	out, _ := Encode(event)
	if !strings.Contains(string(out), "9223372036854775807") {
		t.Fatalf("int64 max not kept: %s", out)
	}
}
