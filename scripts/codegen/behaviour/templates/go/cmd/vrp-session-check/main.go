// @@HEADER@@

// Command vrp-session-check folds a JSON Lines stream (a file, or stdin) with this revision's
// session checker and prints each finding as one JSON line. A line that holds no event (blank,
// not UTF-8, not JSON, trailing data...) is reported at its line, as `vrp-contract validate`
// reports it (input.*), and the stream goes on.
//
//	vrp-session-check [--assume-open-sessions] [--policy FILE] [--remember-terminated N] [STREAM.jsonl]
//
// Exit 0: no error finding (warnings such as input.blank-line may be printed), 1: error
// findings, 2: usage error or a stream that cannot be read.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"math/big"
	"os"
	"strconv"

	"@@MODULE@@/behaviour"
)

const usage = "usage: vrp-session-check [--assume-open-sessions] [--policy FILE] [--remember-terminated N] [STREAM.jsonl]"

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "vrp-session-check: "+format+"\n", args...)
	os.Exit(2)
}

// wholeNumbers writes a whole-number float of a JSON object's members (`1.0`, `1e0`) as the
// integer, as JSON Schema and `vrp-contract validate --policy` read it; other values are kept.
func wholeNumbers(data []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil {
		return nil, err
	}
	for key, value := range doc {
		if n, ok := value.(json.Number); ok {
			f, ferr := strconv.ParseFloat(string(n), 64) // within int64 first: 1e99999999 is no int
			if ferr != nil || math.Abs(f) > math.MaxInt64 || len(n) > 64 {
				continue
			}
			if r, ok := new(big.Rat).SetString(string(n)); ok && r.IsInt() {
				doc[key] = json.Number(r.Num().String())
			}
		}
	}
	return json.Marshal(doc)
}

func main() {
	flags := flag.NewFlagSet("vrp-session-check", flag.ContinueOnError)
	assumeOpen := flags.Bool("assume-open-sessions", false, "accept events of sessions not created in the input")
	policyPath := flags.String("policy", "", "recovery policy JSON overriding the revision's default")
	remember := flags.Int("remember-terminated", 200000, "how many terminated session ids to remember (at least 1)")
	flags.SetOutput(io.Discard) // one line on a usage error, the flags only for -h
	if err := flags.Parse(os.Args[1:]); err == flag.ErrHelp {
		fmt.Println(usage)
		flags.SetOutput(os.Stdout)
		flags.PrintDefaults()
		os.Exit(0)
	} else if err != nil {
		fail("%v (%s)", err, usage)
	}
	if flags.NArg() > 1 {
		fail("one stream at a time")
	}
	if *remember < 1 { // as `vrp-contract validate`: without a memory, session.terminated-final is never found
		fail("--remember-terminated: expected at least 1, got %d", *remember)
	}
	opts := []behaviour.Option{behaviour.WithRememberTerminated(*remember)}
	if *assumeOpen {
		opts = append(opts, behaviour.WithAssumeOpenSessions())
	}
	if *policyPath != "" {
		data, err := os.ReadFile(*policyPath)
		if err != nil {
			fail("%s: cannot read the policy file: %v", *policyPath, err)
		}
		policy := behaviour.DefaultPolicy
		data, err = wholeNumbers(data)
		if err != nil {
			fail("%s: the policy file is not valid JSON: %v", *policyPath, err)
		}
		if err := json.Unmarshal(data, &policy); err != nil {
			fail("%s: the policy file is not a valid policy: %v", *policyPath, err)
		}
		if err := policy.Validate(); err != nil {
			fail("%s: %v", *policyPath, err)
		}
		opts = append(opts, behaviour.WithPolicy(policy))
	}
	var input io.Reader = os.Stdin
	name := "<stdin>"
	if flags.NArg() == 1 && flags.Arg(0) != "-" {
		name = flags.Arg(0)
		file, err := os.Open(name)
		if err != nil {
			fail("%s: cannot read: %v", name, err)
		}
		defer file.Close()
		input = file
	}
	checker := behaviour.NewChecker(opts...)
	reader := bufio.NewReaderSize(input, 1<<20)
	out := bufio.NewWriter(os.Stdout)
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	errorsFound, line := 0, 0
	for {
		text, err := reader.ReadBytes('\n')
		if len(text) > 0 {
			line++
			findings, cerr := checker.CheckJSON(text, line)
			if cerr != nil {
				finding, ok := behaviour.LineFinding(cerr, line)
				if !ok {
					out.Flush()
					fail("%s:%d: %v", name, line, cerr)
				}
				findings = []behaviour.Finding{finding}
			}
			for _, f := range findings {
				if f.Severity == "error" {
					errorsFound++
				}
				if err := enc.Encode(f); err != nil {
					fail("writing findings: %v", err)
				}
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			out.Flush()
			fail("%s: cannot read: %v", name, err)
		}
	}
	if err := out.Flush(); err != nil {
		fail("writing findings: %v", err)
	}
	if errorsFound > 0 {
		os.Exit(1)
	}
}
