// @@HEADER@@

// The strict decoder and encoder: a small interpreter of the revision's check plan (plan.json,
// generated from the schema by scripts/codegen/plan.py). The Python, TypeScript, Rust and Java
// bindings interpret the same plan in the same order, so all five report the same rule id, JSON
// Pointer and message for the same input.

package vrpevent

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"
)

//go:embed plan.json
var planJSON []byte

const unknownEventTypeRule = "schema.unknown-event-type"

// ErrUnknownEventType matches (errors.Is) a DecodeError for an event type this revision does not
// define: a tolerant reader skips such events.
var ErrUnknownEventType = errors.New("unknown event type")

// DecodeError is the one error of Decode: the rule id, the JSON Pointer of the offending value
// ("" for the whole input) and a sentence in JSON terms.
type DecodeError struct {
	Rule    string
	Pointer string
	Message string
}

func (e *DecodeError) Error() string {
	pointer := e.Pointer
	if pointer == "" {
		pointer = "/"
	}
	return fmt.Sprintf("%s at %s: %s", e.Rule, pointer, e.Message)
}

// Unwrap makes errors.Is(err, ErrUnknownEventType) true for an unknown event type.
func (e *DecodeError) Unwrap() error {
	if e.Rule == unknownEventTypeRule {
		return ErrUnknownEventType
	}
	return nil
}

// EncodeError is the error of Encode for an event that Decode would refuse (same rule, pointer
// and message).
type EncodeError struct {
	Rule    string
	Pointer string
	Message string
}

func (e *EncodeError) Error() string {
	return (&DecodeError{e.Rule, e.Pointer, e.Message}).Error()
}

// unmarshalExact is json.Unmarshal keeping numbers of open objects (`details`) as json.Number, so
// they are written back digit for digit. The input has passed the plan: no trailing data.
func unmarshalExact(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	return dec.Decode(v)
}

// wholeNumber reads a JSON number of an integer field (the plan accepted it): written as an
// integer (`2000`) or as a whole float (`2000.0`, `2e3`, `-0.0`), which JSON Schema counts as an
// integer too. It must fit an int64 (the width of every integer type here).
func wholeNumber(value []byte) (int64, error) {
	var n json.Number
	if err := unmarshalExact(value, &n); err != nil {
		return 0, err
	}
	if overflows(n) {
		return 0, fmt.Errorf("%s is not a 64-bit integer", n)
	}
	r := rat(n)
	if !r.IsInt() || !r.Num().IsInt64() {
		return 0, fmt.Errorf("%s is not a 64-bit integer", n)
	}
	return r.Num().Int64(), nil
}

// ---- JSON text -> ordered values: exact numbers (json.Number), duplicate keys refused ----------

type object struct {
	keys []string
	vals map[string]any
}

func escapeToken(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

func parseJSON(data []byte) (any, *DecodeError) {
	value, _, derr := parseText(data, true)
	return value, derr
}

// parseText is the strict parser. With firstRepeat, a repeated key is the error (Decode's
// verdict); without it, a repeated key reads as its last occurrence and its input.duplicate-key
// problem is returned beside the value, in the order Decode would meet them (a session
// checker folds such a line, as `vrp-contract validate` does).
func parseText(data []byte, firstRepeat bool) (any, []*DecodeError, *DecodeError) {
	if !utf8.Valid(data) {
		at := 0
		for at < len(data) {
			r, size := utf8.DecodeRune(data[at:])
			if r == utf8.RuneError && size <= 1 {
				break
			}
			at += size
		}
		return nil, nil, &DecodeError{"input.not-utf8", "", fmt.Sprintf("The input is not valid UTF-8: byte 0x%02x at byte offset %d cannot be decoded.", data[at], at)}
	}
	data = bytes.TrimRight(data, "\r\n")
	if lone, found := loneSurrogate(data); found {
		return nil, nil, &DecodeError{"input.not-utf8", "", fmt.Sprintf("The input is not valid Unicode: the escape \\u%04x is a lone surrogate, which no UTF-8 text can hold.", lone)}
	}
	if len(bytes.Trim(data, " \t\r\n")) == 0 { // JSON whitespace only: U+00A0 or U+2028 is no blank
		return nil, nil, &DecodeError{"input.blank-line", "", "The input is blank; JSON Lines holds one event per line."}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	r := &reader{dec: dec, firstRepeat: firstRepeat}
	value, derr := r.value("", 0)
	if derr != nil {
		return nil, nil, derr
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, nil, &DecodeError{"input.not-json", "", "The input is not valid JSON: unexpected text after the value."}
	}
	return value, r.repeats, nil
}

// loneSurrogate finds the first \\uD800-\\uDFFF escape inside a JSON string that is not half
// of a high-low pair (encoding/json would silently read it as U+FFFD).
func loneSurrogate(data []byte) (int, bool) {
	hex4 := func(at int) (int, bool) {
		if at+4 > len(data) {
			return 0, false
		}
		v := 0
		for _, c := range data[at : at+4] {
			switch {
			case c >= '0' && c <= '9':
				v = v*16 + int(c-'0')
			case c >= 'a' && c <= 'f':
				v = v*16 + int(c-'a') + 10
			case c >= 'A' && c <= 'F':
				v = v*16 + int(c-'A') + 10
			default:
				return 0, false
			}
		}
		return v, true
	}
	inString := false
	for i := 0; i < len(data); i++ {
		c := data[i]
		if !inString {
			inString = c == '"'
			continue
		}
		if c == '"' {
			inString = false
			continue
		}
		if c != '\\' || i+1 >= len(data) {
			continue
		}
		i++
		if data[i] != 'u' {
			continue
		}
		v, ok := hex4(i + 1)
		if !ok {
			continue
		}
		i += 4
		if v >= 0xDC00 && v <= 0xDFFF {
			return v, true
		}
		if v >= 0xD800 && v <= 0xDBFF {
			if i+2 >= len(data) || data[i+1] != '\\' || data[i+2] != 'u' {
				return v, true
			}
			low, ok := hex4(i + 3)
			if !ok || low < 0xDC00 || low > 0xDFFF {
				return v, true
			}
			i += 6
		}
	}
	return 0, false
}

func notJSON(err error) *DecodeError {
	return &DecodeError{"input.not-json", "", fmt.Sprintf("The input is not valid JSON: %v.", err)}
}

// maxDepth bounds the nesting a reader follows (each level is a Go call frame): 1,024 nested
// arrays and objects, the limit of the Python reference (orjson), so every binding refuses the
// same inputs.
const maxDepth = 1024

// reader reads one JSON value token by token (encoding/json's tokenizer: strict JSON).
type reader struct {
	dec         *json.Decoder
	firstRepeat bool            // a repeated key ends the read (Decode)
	repeats     []*DecodeError // the repeated keys met, when they do not end it
}

func (r *reader) value(ptr string, depth int) (any, *DecodeError) {
	dec := r.dec
	tok, err := dec.Token()
	if err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, notJSON(err)
	}
	switch t := tok.(type) {
	case json.Delim:
		if depth >= maxDepth { // this array or object is one level too many
			return nil, &DecodeError{"input.not-json", "", "The input nests JSON too deeply to be parsed."}
		}
		if t == '{' {
			obj := &object{vals: map[string]any{}}
			counts := map[string]int{}
			for dec.More() {
				keyTok, err := dec.Token()
				if err != nil {
					return nil, notJSON(err)
				}
				key := keyTok.(string)
				item, derr := r.value(ptr+"/"+escapeToken(key), depth+1)
				if derr != nil {
					return nil, derr
				}
				if counts[key] == 0 {
					obj.keys = append(obj.keys, key)
				}
				counts[key]++
				obj.vals[key] = item
			}
			if _, err := dec.Token(); err != nil {
				return nil, notJSON(err)
			}
			for _, key := range obj.keys {
				if counts[key] > 1 {
					problem := &DecodeError{"input.duplicate-key", ptr + "/" + escapeToken(key), fmt.Sprintf("The key '%s' appears %d times in one object; JSON parsers disagree on which value wins, so the event is ambiguous.", key, counts[key])}
					if r.firstRepeat {
						return nil, problem
					}
					r.repeats = append(r.repeats, problem)
				}
			}
			return obj, nil
		}
		var arr []any
		for dec.More() {
			item, derr := r.value(fmt.Sprintf("%s/%d", ptr, len(arr)), depth+1)
			if derr != nil {
				return nil, derr
			}
			arr = append(arr, item)
		}
		if _, err := dec.Token(); err != nil {
			return nil, notJSON(err)
		}
		if arr == nil {
			arr = []any{}
		}
		return arr, nil
	default:
		return tok, nil
	}
}

// ReadEvent reads one JSON event with Decode's own strict parser, without checking it against
// the schema: for a session checker, which folds every line `vrp-contract validate` folds. The
// event comes back as plain Go values (map[string]any, []any, json.Number, string, bool, nil).
// A repeated key reads as its last occurrence (as Python's json module reads it) and is listed
// in repeated (input.duplicate-key, in Decode's order). err is the *DecodeError of an input that
// is no JSON object (not UTF-8, a lone surrogate, blank, not JSON, trailing data, too deep, an
// array...): such a line holds no event.
func ReadEvent(data []byte) (event map[string]any, repeated []*DecodeError, err error) {
	value, repeats, derr := parseText(data, false)
	if derr != nil {
		return nil, nil, derr
	}
	obj, ok := value.(*object)
	if !ok {
		return nil, nil, notObject(value)
	}
	return plainValue(obj).(map[string]any), repeats, nil
}

func notObject(value any) *DecodeError {
	k := kind(value)
	if k == "integer" {
		k = "number"
	}
	return &DecodeError{"input.not-object", "", fmt.Sprintf("The value is a JSON %s, not an event object.", k)}
}

func plainValue(v any) any {
	switch t := v.(type) {
	case *object:
		out := make(map[string]any, len(t.keys))
		for _, key := range t.keys {
			out[key] = plainValue(t.vals[key])
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, item := range t {
			out[i] = plainValue(item)
		}
		return out
	}
	return v
}

// ---- the plan -----------------------------------------------------------------------------

type pair struct {
	kw    string
	arg   any    // the raw argument
	props []prop // "properties"
	sub   node   // "items", or "additionalProperties" given as a schema
}

type node []pair

type prop struct {
	name string
	node node
}

type plan struct {
	revision   string
	eventTypes []string
	envelope   node
	variants   map[string]node
}

func toNode(v any) node {
	var out node
	for _, raw := range v.([]any) {
		kv := raw.([]any)
		p := pair{kw: kv[0].(string), arg: kv[1]}
		switch p.kw {
		case "properties":
			for _, item := range kv[1].([]any) {
				nv := item.([]any)
				p.props = append(p.props, prop{nv[0].(string), toNode(nv[1])})
			}
		case "items":
			p.sub = toNode(kv[1])
		case "additionalProperties":
			if _, isBool := kv[1].(bool); !isBool {
				p.sub = toNode(kv[1])
			}
		}
		out = append(out, p)
	}
	return out
}

var thePlan = func() plan {
	value, derr := parseJSON(planJSON)
	if derr != nil {
		panic("vrpevent: the embedded plan.json is broken: " + derr.Error())
	}
	root := value.(*object)
	p := plan{revision: root.vals["revision"].(string), variants: map[string]node{}}
	for _, name := range root.vals["event_types"].([]any) {
		p.eventTypes = append(p.eventTypes, name.(string))
	}
	p.envelope = toNode(root.vals["envelope"])
	variants := root.vals["variants"].(*object)
	for _, name := range variants.keys {
		p.variants[name] = toNode(variants.vals[name])
	}
	return p
}()

// ---- the interpreter ----------------------------------------------------------------------

// isFloat is true for a number written with a fraction or an exponent: the Python reference reads
// it as a 64-bit float (2000.000000000000000001 is 2000.0, 9223372036854775807.0 is 2^63), and so
// do the checks and messages here. An integer literal stays exact.
func isFloat(n json.Number) bool { return strings.ContainsAny(string(n), ".eE") }

// pyFloat writes a float as Python's repr does (the reference messages): the shortest digits,
// scientific below 1e-4 and from 1e16 on, else fixed with at least one decimal.
func pyFloat(f float64) string {
	exp := 0
	if f != 0 {
		sci := strconv.FormatFloat(f, 'e', -1, 64)
		exp, _ = strconv.Atoi(sci[strings.IndexByte(sci, 'e')+1:])
	}
	if exp < -4 || exp >= 16 {
		return strconv.FormatFloat(f, 'e', -1, 64)
	}
	out := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.Contains(out, ".") {
		out += ".0"
	}
	return out
}

func rat(n json.Number) *big.Rat {
	if isFloat(n) {
		if f, err := strconv.ParseFloat(string(n), 64); err == nil {
			return new(big.Rat).SetFloat64(f)
		}
	}
	r, ok := new(big.Rat).SetString(string(n))
	if !ok { // beyond big.Rat's exponent range: compare as a float
		f, _ := new(big.Float).SetString(string(n))
		r, _ = f.Rat(nil)
		if r == nil {
			r = new(big.Rat)
		}
	}
	return r
}

// overflows is true for a number past the range of a float64: the Python reference reads it as
// infinity (a number, not an integer), and so do the messages here.
func overflows(n json.Number) bool {
	if !isFloat(n) { // an integer literal is exact at any length, as in Python
		return false
	}
	f, err := strconv.ParseFloat(string(n), 64)
	return err != nil && math.IsInf(f, 0)
}

func kind(v any) string {
	switch t := v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string"
	case json.Number:
		if strings.ContainsAny(string(t), ".eE") {
			return "number"
		}
		return "integer"
	case []any:
		return "array"
	case *object:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

func isType(v any, name string) bool {
	k := kind(v)
	switch name {
	case "number":
		return k == "integer" || k == "number"
	case "integer":
		if n, ok := v.(json.Number); ok {
			return !overflows(n) && rat(n).IsInt()
		}
	}
	return k == name
}

func dumpString(s string) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return strings.TrimRight(buf.String(), "\n")
}

// dumps writes a value as Python's json.dumps does (the reference messages).
func dumps(v any) string {
	switch t := v.(type) {
	case nil:
		return "null"
	case bool:
		if t {
			return "true"
		}
		return "false"
	case string:
		return dumpString(t)
	case json.Number:
		if overflows(t) {
			if strings.HasPrefix(string(t), "-") {
				return "-Infinity"
			}
			return "Infinity"
		}
		if isFloat(t) {
			f, _ := strconv.ParseFloat(string(t), 64)
			return pyFloat(f)
		}
		return string(t)
	case []any:
		parts := make([]string, len(t))
		for i, item := range t {
			parts[i] = dumps(item)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case *object:
		parts := make([]string, len(t.keys))
		for i, key := range t.keys {
			parts[i] = dumpString(key) + ": " + dumps(t.vals[key])
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return fmt.Sprint(v)
}

func show(v any) string {
	runes := []rune(dumps(v))
	if len(runes) <= 60 {
		return string(runes)
	}
	return string(runes[:57]) + "..."
}

var kindNames = map[string]string{"object": "an object", "array": "an array", "string": "a string", "boolean": "a boolean", "integer": "an integer", "number": "a number"}

func got(v any) string {
	if v == nil {
		return "got null"
	}
	return "got " + kindNames[kind(v)] + " " + show(v)
}

func field(ptr string) string {
	if ptr == "" {
		return "the event"
	}
	return "field " + ptr
}

func jsonEqual(a, b any) bool {
	an, aNum := a.(json.Number)
	bn, bNum := b.(json.Number)
	if aNum || bNum {
		return aNum && bNum && rat(an).Cmp(rat(bn)) == 0
	}
	switch at := a.(type) {
	case []any:
		bt, ok := b.([]any)
		if !ok || len(at) != len(bt) {
			return false
		}
		for i := range at {
			if !jsonEqual(at[i], bt[i]) {
				return false
			}
		}
		return true
	case *object:
		bt, ok := b.(*object)
		if !ok || len(at.keys) != len(bt.keys) {
			return false
		}
		for _, key := range at.keys {
			other, present := bt.vals[key]
			if !present || !jsonEqual(at.vals[key], other) {
				return false
			}
		}
		return true
	}
	return a == b
}

func argString(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return dumps(v)
}

func argInt(v any) int {
	n, _ := v.(json.Number).Int64()
	return int(n)
}

var bounds = map[string]struct {
	words string
	ok    func(int) bool
}{
	"minimum":          {"at least", func(c int) bool { return c >= 0 }},
	"maximum":          {"at most", func(c int) bool { return c <= 0 }},
	"exclusiveMinimum": {"greater than", func(c int) bool { return c > 0 }},
	"exclusiveMaximum": {"less than", func(c int) bool { return c < 0 }},
}

type checker struct {
	plan    *plan
	subject string
}

func (c *checker) check(value any) *DecodeError {
	obj, ok := value.(*object)
	if !ok {
		return notObject(value)
	}
	node := c.plan.envelope
	c.subject = "the event"
	if et, isString := obj.vals["event_type"].(string); isString {
		if variant, known := c.plan.variants[et]; known {
			node = variant
			c.subject = "the " + et + " event"
		}
	}
	return c.walk(node, value, "")
}

func (c *checker) walk(n node, inst any, ptr string) *DecodeError {
	for _, p := range n {
		if p.kw != "type" {
			continue
		}
		var names []string
		if list, isList := p.arg.([]any); isList {
			for _, item := range list {
				names = append(names, item.(string))
			}
		} else {
			names = []string{p.arg.(string)}
		}
		matched := false
		for _, name := range names {
			matched = matched || isType(inst, name)
		}
		if !matched {
			expected := strings.Join(names, " or ")
			article := "a"
			if strings.ContainsRune("aeiou", rune(expected[0])) {
				article = "an"
			}
			return &DecodeError{"schema.type", ptr, fmt.Sprintf("The %s must be %s %s, %s.", field(ptr), article, expected, got(inst))}
		}
	}
	k := kind(inst)
	obj, _ := inst.(*object)
	for _, p := range n {
		switch {
		case p.kw == "properties" && obj != nil:
			for _, pr := range p.props {
				if item, present := obj.vals[pr.name]; present {
					if e := c.walk(pr.node, item, ptr+"/"+escapeToken(pr.name)); e != nil {
						return e
					}
				}
			}
		case p.kw == "required" && obj != nil:
			for _, raw := range p.arg.([]any) {
				name := raw.(string)
				if _, present := obj.vals[name]; !present {
					scope := c.subject
					if ptr != "" {
						scope = ptr + " of " + c.subject
					}
					return &DecodeError{"schema.required", ptr + "/" + escapeToken(name), fmt.Sprintf("Required property '%s' is missing from %s.", name, scope)}
				}
			}
		case p.kw == "additionalProperties" && obj != nil:
			var allowed []string
			for _, q := range n {
				if q.kw == "properties" {
					for _, pr := range q.props {
						allowed = append(allowed, pr.name)
					}
				}
			}
			for _, key := range obj.keys {
				isAllowed := false
				for _, name := range allowed {
					isAllowed = isAllowed || name == key
				}
				if isAllowed {
					continue
				}
				if p.sub == nil {
					where, hint := "in "+ptr, ""
					if ptr == "" {
						where, hint = "at the top level of the event", "; extensions belong in details"
					}
					return &DecodeError{"schema.additionalProperties", ptr + "/" + escapeToken(key), fmt.Sprintf("Property '%s' is not allowed %s (allowed: %s)%s.", key, where, strings.Join(allowed, ", "), hint)}
				}
				if e := c.walk(p.sub, obj.vals[key], ptr+"/"+escapeToken(key)); e != nil {
					return e
				}
			}
		case p.kw == "enum":
			options := p.arg.([]any)
			found := false
			for _, option := range options {
				found = found || jsonEqual(inst, option)
			}
			if !found {
				if ptr == "/event_type" {
					return &DecodeError{unknownEventTypeRule, ptr, fmt.Sprintf("Unknown event_type %s: revision %s defines %s.", show(inst), c.plan.revision, strings.Join(c.plan.eventTypes, ", "))}
				}
				words := make([]string, len(options))
				for i, option := range options {
					words[i] = argString(option)
				}
				return &DecodeError{"schema.enum", ptr, fmt.Sprintf("The %s must be one of %s; %s.", field(ptr), strings.Join(words, ", "), got(inst))}
			}
		case p.kw == "const":
			if !jsonEqual(inst, p.arg) {
				want := dumps(p.arg)
				if s, isString := p.arg.(string); isString {
					want = "'" + s + "'"
				}
				return &DecodeError{"schema.const", ptr, fmt.Sprintf("The %s must be %s; %s.", field(ptr), want, got(inst))}
			}
		case (p.kw == "minLength" || p.kw == "maxLength") && k == "string":
			length, limit := utf8.RuneCountInString(inst.(string)), argInt(p.arg)
			if (p.kw == "minLength" && length < limit) || (p.kw == "maxLength" && length > limit) {
				if p.kw == "minLength" && limit == 1 {
					return &DecodeError{"schema.minLength", ptr, fmt.Sprintf("The %s must be a non-empty string.", field(ptr))}
				}
				words := "at least"
				if p.kw == "maxLength" {
					words = "at most"
				}
				return &DecodeError{"schema." + p.kw, ptr, fmt.Sprintf("The %s must be %s %d characters long, %s.", field(ptr), words, limit, got(inst))}
			}
		case p.kw == "items" && k == "array":
			for i, item := range inst.([]any) {
				if e := c.walk(p.sub, item, fmt.Sprintf("%s/%d", ptr, i)); e != nil {
					return e
				}
			}
		case (p.kw == "minItems" || p.kw == "maxItems") && k == "array":
			size, limit := len(inst.([]any)), argInt(p.arg)
			if (p.kw == "minItems" && size < limit) || (p.kw == "maxItems" && size > limit) {
				return &DecodeError{"schema." + p.kw, ptr, fmt.Sprintf("The %s is invalid (%s): %s %d; %s.", field(ptr), p.kw, p.kw, limit, got(inst))}
			}
		default:
			if bound, isBound := bounds[p.kw]; isBound && (k == "integer" || k == "number") {
				limit := p.arg.(string)
				if !bound.ok(rat(inst.(json.Number)).Cmp(rat(json.Number(limit)))) {
					return &DecodeError{"schema." + p.kw, ptr, fmt.Sprintf("The %s must be %s %s, %s.", field(ptr), bound.words, limit, got(inst))}
				}
			}
		}
	}
	return nil
}

// firstProblem parses and checks one input; nil when it is a valid event.
func firstProblem(data []byte) *DecodeError {
	value, derr := parseJSON(data)
	if derr != nil {
		return derr
	}
	return (&checker{plan: &thePlan}).check(value)
}

// firstProblemAs is firstProblem for one event type struct (its UnmarshalJSON): an event of
// another type is schema.const at /event_type.
func firstProblemAs(data []byte, tag string) *DecodeError {
	value, derr := parseJSON(data)
	if derr != nil {
		return derr
	}
	if problem := (&checker{plan: &thePlan}).check(value); problem != nil {
		return problem
	}
	if et, ok := value.(*object).vals["event_type"]; ok && et != tag {
		return &DecodeError{"schema.const", "/event_type", fmt.Sprintf("The %s must be '%s'; %s.", field("/event_type"), tag, got(et))}
	}
	return nil
}

// Check returns the first problem of one JSON input as a *DecodeError, or nil when it is a valid
// event of this revision.
func Check(data []byte) error {
	if problem := firstProblem(data); problem != nil {
		return problem
	}
	return nil
}

// Decode reads one event from JSON text: the strict entry point. It returns the event type
// struct, or one *DecodeError (errors.Is(err, ErrUnknownEventType) for an unknown event type).
func Decode(data []byte) (Event, error) {
	if problem := firstProblem(data); problem != nil {
		return nil, problem
	}
	return decodeChecked(data)
}

// Encode writes an event as compact JSON text. The struct type fixes `event_type`; an event that
// Decode would refuse (an empty session_id, a state outside the enum...) gives an *EncodeError.
func Encode(event Event) ([]byte, error) {
	if event == nil {
		return nil, &EncodeError{"input.not-object", "", "The value is a JSON null, not an event object."}
	}
	if where, found := notUTF8(reflect.ValueOf(event), ""); found {
		return nil, &EncodeError{"input.not-utf8", where, fmt.Sprintf("The event cannot be written as JSON: the text at %s is not valid UTF-8 (encoding/json would write U+FFFD in its place).", field(where))}
	}
	data, err := json.Marshal(event.tagged())
	if err != nil {
		return nil, &EncodeError{"input.not-json", "", fmt.Sprintf("The event cannot be written as JSON: %v.", err)}
	}
	if problem := firstProblem(data); problem != nil {
		return nil, &EncodeError{problem.Rule, problem.Pointer, problem.Message}
	}
	return data, nil
}

// notUTF8 finds a string (or an object key) that is not valid UTF-8 in a value to encode, and its
// JSON Pointer (a Go string may hold any bytes; encoding/json would replace them silently).
func notUTF8(v reflect.Value, ptr string) (string, bool) {
	switch v.Kind() {
	case reflect.String:
		return ptr, !utf8.ValidString(v.String())
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			return notUTF8(v.Elem(), ptr)
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			f := v.Type().Field(i)
			if !f.IsExported() {
				continue
			}
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "-" {
				continue
			}
			at := ptr // a field without a json name (AdditionalProperties) is written inline
			if name != "" {
				at = ptr + "/" + escapeToken(name)
			}
			if where, found := notUTF8(v.Field(i), at); found {
				return where, true
			}
		}
	case reflect.Map:
		iter := v.MapRange()
		for iter.Next() {
			key := fmt.Sprint(iter.Key().Interface())
			if !utf8.ValidString(key) {
				return ptr + "/" + escapeToken(key), true
			}
			if where, found := notUTF8(iter.Value(), ptr+"/"+escapeToken(key)); found {
				return where, true
			}
		}
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return "", false // []byte is written as base64
		}
		for i := 0; i < v.Len(); i++ {
			if where, found := notUTF8(v.Index(i), fmt.Sprintf("%s/%d", ptr, i)); found {
				return where, true
			}
		}
	}
	return "", false
}
