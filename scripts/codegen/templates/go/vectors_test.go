// @@HEADER@@

// This module's own test, runnable wherever it is vendored (`go test ./...`): every vector in
// vectors.json (the revision's examples) through the strict decoder and encoder.

package vrpevent

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
)

type vectorFile struct {
	Valid []struct {
		Name string `json:"name"`
		Text string `json:"text"`
	} `json:"valid"`
	Invalid []struct {
		Name    string `json:"name"`
		Text    string `json:"text"`
		Rule    string `json:"rule"`
		Pointer string `json:"pointer"`
	} `json:"invalid"`
}

func loadVectors(t *testing.T) vectorFile {
	t.Helper()
	data, err := os.ReadFile("vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var v vectorFile
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	if len(v.Valid) == 0 || len(v.Invalid) == 0 {
		t.Fatal("vectors.json holds no vectors")
	}
	return v
}

func sameJSON(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y any
	for _, pair := range []struct {
		src []byte
		dst *any
	}{{a, &x}, {b, &y}} {
		dec := json.NewDecoder(bytes.NewReader(pair.src))
		dec.UseNumber()
		if err := dec.Decode(pair.dst); err != nil {
			t.Fatal(err)
		}
	}
	return reflect.DeepEqual(x, y)
}

func TestValidVectorsRoundTrip(t *testing.T) {
	for _, v := range loadVectors(t).Valid {
		t.Run(v.Name, func(t *testing.T) {
			event, err := Decode([]byte(v.Text))
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			out, err := Encode(event)
			if err != nil {
				t.Fatalf("encode: %v", err)
			}
			if !sameJSON(t, []byte(v.Text), out) {
				t.Fatalf("round trip changed the event:\n in: %s\nout: %s", v.Text, out)
			}
		})
	}
}

func TestInvalidVectorsRefused(t *testing.T) {
	for _, v := range loadVectors(t).Invalid {
		t.Run(v.Name, func(t *testing.T) {
			_, err := Decode([]byte(v.Text))
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("accepted, or not a *DecodeError: %v", err)
			}
			if de.Rule != v.Rule || de.Pointer != v.Pointer {
				t.Fatalf("got %s at %q, want %s at %q (%s)", de.Rule, de.Pointer, v.Rule, v.Pointer, de.Message)
			}
			if errors.Is(err, ErrUnknownEventType) != (v.Rule == "schema.unknown-event-type") {
				t.Fatalf("errors.Is(err, ErrUnknownEventType) is wrong for %s", v.Rule)
			}
		})
	}
}

// eventStructs makes a zero event struct per event type.
var eventStructs = map[string]func() any{
// @@STRUCTS@@
}

func TestEventStructsReadAloneAreStrict(t *testing.T) {
	v := loadVectors(t)
	for _, c := range v.Valid {
		event, err := Decode([]byte(c.Text))
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		for tag, fresh := range eventStructs {
			target := fresh()
			err := json.Unmarshal([]byte(c.Text), target)
			if tag == event.EventTypeName() {
				if err != nil || !reflect.DeepEqual(reflect.ValueOf(target).Elem().Interface(), event) {
					t.Errorf("%s: json.Unmarshal into its own struct: %v", c.Name, err)
				}
				continue
			}
			var de *DecodeError
			want := fmt.Sprintf("The field /event_type must be '%s'; got a string \"%s\".", tag, event.EventTypeName())
			if !errors.As(err, &de) || de.Rule != "schema.const" || de.Pointer != "/event_type" || de.Message != want {
				t.Errorf("%s read as %s: got %v", c.Name, tag, err)
			}
		}
	}
	for _, c := range v.Invalid {
		want := Check([]byte(c.Text))
		for tag, fresh := range eventStructs {
			err := json.Unmarshal([]byte(c.Text), fresh())
			var de *DecodeError
			if !errors.As(err, &de) || de.Error() != want.Error() {
				t.Errorf("%s read as %s: got %v, want %v", c.Name, tag, err, want)
			}
		}
	}
}

func TestEncodeRefusesWhatDecodeRefuses(t *testing.T) {
	_, err := Encode(StateChange{})
	var ee *EncodeError
	if !errors.As(err, &ee) || ee.Pointer != "/session_id" {
		t.Fatalf("Encode(StateChange{}) = %v, want an *EncodeError at /session_id", err)
	}
	out, err := Encode(MutationTick{TsMs: 1, SessionId: "s"})
	if err != nil || string(out) != `{"event_type":"MUTATION_TICK","session_id":"s","ts_ms":1}` {
		t.Fatalf("the struct type fixes event_type: got %s, %v", out, err)
	}
}

// Open keys are written beside the named ones; open keys that are not a map, or a named key given
// again among them, are an error: one of the values would be dropped without a word.
func TestEncodeRefusesOpenKeysItWouldDrop(t *testing.T) {
	for name, extra := range map[string]interface{}{
		"a named key again": map[string]interface{}{"path_id": "b"},
		"not a map":         []int{1, 2},
		"a typed map":       map[string]int{"rtt": 5},
	} {
		event := PathSelected{TsMs: 1, SessionId: "s", Details: PathSelectedDetails{PathId: "a", AdditionalProperties: extra}}
		_, err := Encode(event)
		var ee *EncodeError
		if !errors.As(err, &ee) || ee.Rule != "input.not-json" {
			t.Errorf("%s: got %v", name, err)
		}
	}
	open := map[string]interface{}{"note": "n"}
	out, err := Encode(PathSelected{TsMs: 1, SessionId: "s", Details: PathSelectedDetails{PathId: "a", AdditionalProperties: open}})
	if err != nil || !bytes.Contains(out, []byte(`"note":"n"`)) || !bytes.Contains(out, []byte(`"path_id":"a"`)) {
		t.Fatalf("open keys beside named ones: got %s, %v", out, err)
	}
}

func TestDeepNestingIsAnErrorNotACrash(t *testing.T) {
	deep := bytes.Repeat([]byte("["), 100000)
	var de *DecodeError
	if _, err := Decode(deep); !errors.As(err, &de) || de.Rule != "input.not-json" {
		t.Fatalf("got %v", err)
	}
}

// A whole-number float is an integer in JSON Schema (and in the other bindings): Decode reads it
// into the integer field, and every error Decode returns is a *DecodeError.
func TestWholeFloatTimestampsDecode(t *testing.T) {
	for text, want := range map[string]Timestamp{
		"2000.0": 2000, "2e3": 2000, "1e7": 10000000, "0.0": 0, "-0.0": 0,
		"9.21e18": 9210000000000000000, "9223372036854775807": 9223372036854775807,
	} {
		line := `{"event_type":"MUTATION_TICK","session_id":"s","ts_ms":` + text + `}`
		event, err := Decode([]byte(line))
		if err != nil {
			t.Errorf("ts_ms %s: %T %v", text, err, err)
			continue
		}
		if got := event.(MutationTick).TsMs; got != want {
			t.Errorf("ts_ms %s read as %d, want %d", text, got, want)
		}
	}
	for _, text := range []string{"2000.5", "-1", "-1.0", "9.3e18", "1e400", "9223372036854775808"} {
		line := `{"event_type":"MUTATION_TICK","session_id":"s","ts_ms":` + text + `}`
		var de *DecodeError
		if _, err := Decode([]byte(line)); !errors.As(err, &de) || !strings.HasPrefix(de.Rule, "schema.") || de.Pointer != "/ts_ms" {
			t.Errorf("ts_ms %s: got %T %v, want a *DecodeError at /ts_ms", text, err, err)
		}
	}
}

// Numbers in open details are written back digit for digit, also past a float64's range and in
// the details structs with named keys (their MarshalJSON). Go/Java trial (2026-11-29).
func TestDetailsNumbersRoundTripExactly(t *testing.T) {
	numbers := `"big":1e400,"long":123456789012345678901234567890,"small":-1.5e-400`
	for _, line := range []string{
		`{"ts_ms":1,"event_type":"STATE_CHANGE","session_id":"s","reason_code":"r","details":{"from_state":"BIRTH","to_state":"ATTACHED",` + numbers + `}}`,
		`{"ts_ms":1,"event_type":"PATH_SELECTED","session_id":"s","details":{"path_id":"p",` + numbers + `}}`,
		`{"ts_ms":1,"event_type":"AUDIT_EVENT","session_id":"s","details":{"invariant":"event.conforms",` + numbers + `}}`,
		`{"ts_ms":1,"event_type":"MUTATION_TICK","session_id":"s","details":{` + numbers + `}}`,
	} {
		event, err := Decode([]byte(line))
		if err != nil {
			t.Fatalf("%s: %v", line, err)
		}
		out, err := Encode(event)
		if err != nil {
			t.Fatalf("%s: encode: %v", event.EventTypeName(), err)
		}
		for _, digits := range []string{`"big":1e400`, `"long":123456789012345678901234567890`, `"small":-1.5e-400`} {
			if !strings.Contains(string(out), digits) {
				t.Errorf("%s: %s is not written back as read: %s", event.EventTypeName(), digits, out)
			}
		}
	}
}

// The nesting limit is the Python reference's: 1,024 arrays and objects, scalars not counted.
func TestNestingLimitIsPythons(t *testing.T) {
	line := func(arrays int, inner string) []byte {
		return []byte(`{"ts_ms":1,"event_type":"MUTATION_TICK","session_id":"s","details":{"x":` +
			strings.Repeat("[", arrays) + inner + strings.Repeat("]", arrays) + `}}`)
	}
	for _, inner := range []string{"", "1", `"s"`} {
		if _, err := Decode(line(1022, inner)); err != nil { // 1,024 levels with the two objects
			t.Errorf("1,024 levels (%q inside): %v", inner, err)
		}
		var de *DecodeError
		if _, err := Decode(line(1023, inner)); !errors.As(err, &de) || de.Rule != "input.not-json" {
			t.Errorf("1,025 levels (%q inside): got %v", inner, err)
		}
	}
}

// A Go string may hold any bytes: Encode refuses text that is not valid UTF-8 (encoding/json
// would write U+FFFD in its place) and names where it is. Go/Java trial (2026-11-29).
func TestEncodeRefusesTextThatIsNotUTF8(t *testing.T) {
	cases := map[string]Event{
		"/session_id":      MutationTick{TsMs: 1, SessionId: "s\xed\xa0\x80"},
		"/details/k\xff":    MutationTick{TsMs: 1, SessionId: "s", Details: MutationTickDetails{"k\xff": 1}},
		"/details/a/0":      MutationTick{TsMs: 1, SessionId: "s", Details: MutationTickDetails{"a": []any{"\xff"}}},
		"/details/path_id":  PathSelected{TsMs: 1, SessionId: "s", Details: PathSelectedDetails{PathId: "p\xff"}},
		"/details/note":     PathSelected{TsMs: 1, SessionId: "s", Details: PathSelectedDetails{PathId: "p", AdditionalProperties: map[string]interface{}{"note": "\xc3"}}},
	}
	for where, event := range cases {
		_, err := Encode(event)
		var ee *EncodeError
		if !errors.As(err, &ee) || ee.Rule != "input.not-utf8" || ee.Pointer != where {
			t.Errorf("%q: got %v", where, err)
		}
	}
	if _, err := Encode(MutationTick{TsMs: 1, SessionId: "caf\u00e9 \U0001F600"}); err != nil {
		t.Errorf("valid UTF-8 refused: %v", err)
	}
}

// A number written with a fraction or an exponent is a 64-bit float, as the Python reference
// reads it: its verdict, its value and its message are those of the float.
func TestFloatLiteralsReadAsPythonReadsThem(t *testing.T) {
	line := func(ts string) []byte {
		return []byte(`{"ts_ms":` + ts + `,"event_type":"MUTATION_TICK","session_id":"s"}`)
	}
	for text, want := range map[string]Timestamp{
		"9.2233720368547748e18":  9223372036854774784,
		"2000.000000000000000001": 2000,
		"1e-400":                 0,
	} {
		event, err := Decode(line(text))
		if err != nil || event.(MutationTick).TsMs != want {
			t.Errorf("%s: got %v %v, want %d", text, event, err, want)
		}
	}
	for text, message := range map[string]string{
		"9223372036854775807.0": "The field /ts_ms must be at most 9223372036854775807, got a number 9.223372036854776e+18.",
		"1.0e19":                "The field /ts_ms must be at most 9223372036854775807, got a number 1e+19.",
		"2000.50":               "The field /ts_ms must be an integer, got a number 2000.5.",
		"-1.0":                  "The field /ts_ms must be at least 0, got a number -1.0.",
		"1.5e-7":                "The field /ts_ms must be an integer, got a number 1.5e-07.",
	} {
		var de *DecodeError
		if _, err := Decode(line(text)); !errors.As(err, &de) || de.Message != message {
			t.Errorf("%s: got %v, want %q", text, err, message)
		}
	}
}

// An integer literal is exact at any length, as in Python: past 2^63-1 it is schema.maximum, not
// a float's infinity (schema.type).
func TestLongIntegerLiteralsAreIntegers(t *testing.T) {
	long := strings.Repeat("9", 400)
	var de *DecodeError
	_, err := Decode([]byte(`{"ts_ms":` + long + `,"event_type":"MUTATION_TICK","session_id":"s"}`))
	if !errors.As(err, &de) || de.Rule != "schema.maximum" || de.Pointer != "/ts_ms" {
		t.Fatalf("got %v", err)
	}
	event, err := Decode([]byte(`{"ts_ms":1,"event_type":"MUTATION_TICK","session_id":"s","details":{"n":` + long + `}}`))
	if err != nil {
		t.Fatal(err)
	}
	if out, err := Encode(event); err != nil || !strings.Contains(string(out), long) {
		t.Fatalf("a long integer in details is not written back exactly: %s %v", out, err)
	}
}
