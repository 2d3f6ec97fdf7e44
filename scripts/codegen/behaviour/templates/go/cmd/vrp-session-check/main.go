// @@HEADER@@

// Command vrp-session-check folds a JSON Lines stream (a file, or stdin) with this revision's
// session checker and prints each finding as one JSON line.
//
//	vrp-session-check [--assume-open-sessions] [--policy FILE] [--remember-terminated N] [STREAM.jsonl]
//
// Exit 0: no finding, 1: findings, 2: usage or input error.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"unicode/utf8"

	"@@MODULE@@/behaviour"
)

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "vrp-session-check: "+format+"\n", args...)
	os.Exit(2)
}

func main() {
	flags := flag.NewFlagSet("vrp-session-check", flag.ContinueOnError)
	assumeOpen := flags.Bool("assume-open-sessions", false, "accept events of sessions not created in the input")
	policyPath := flags.String("policy", "", "recovery policy JSON overriding the revision's default")
	remember := flags.Int("remember-terminated", 200000, "how many terminated session ids to remember")
	if err := flags.Parse(os.Args[1:]); err != nil {
		os.Exit(2)
	}
	if flags.NArg() > 1 {
		fail("one stream at a time")
	}
	if *remember < 0 {
		fail("--remember-terminated: %d is not a count", *remember)
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
	found, line := 0, 0
	for {
		text, err := reader.ReadBytes('\n')
		if len(text) > 0 {
			line++
			if !utf8.Valid(text) {
				out.Flush()
				fail("%s:%d: not UTF-8 text", name, line)
			}
			if trimmed := bytes.TrimSpace(text); len(trimmed) > 0 {
				findings, cerr := checker.CheckJSON(trimmed, line)
				if cerr != nil {
					out.Flush()
					fail("%s:%d: %v", name, line, cerr)
				}
				for _, f := range findings {
					found++
					if err := enc.Encode(f); err != nil {
						fail("writing findings: %v", err)
					}
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
	if found > 0 {
		os.Exit(1)
	}
}
