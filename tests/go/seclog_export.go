// Checks a seclog export bundle (skydd seclog export) with Go's
// golang.org/x/mod/sumdb/note and tlog, an implementation independent of
// ours, and nothing but the verifier key: the signed checkpoint of
// "<key name>/seclog", then for every message its body hashed to its leaf
// and its RFC 6962 audit path to the checkpoint's root.
//
// Usage: seclog_export VKEY < bundle.json; prints "ok N" and exits 0, or
// the reason and exits 1. Built with checkpoint.go.
package main

import (
	"encoding/json"
	"fmt"
	"os"
)

type message struct {
	Index int64    `json:"index"`
	Leaf  string   `json:"leaf"`
	Body  *string  `json:"body"`
	Path  []string `json:"path"`
}

type bundle struct {
	Format     string    `json:"format"`
	Checkpoint string    `json:"checkpoint"`
	Size       int64     `json:"size"`
	Count      int       `json:"count"`
	Messages   []message `json:"messages"`
}

func check(vkey string, b bundle) error {
	if b.Format != "skydd-seclog-export/1" {
		return fmt.Errorf("not a bundle: format %q", b.Format)
	}
	root, err := openCheckpoint(vkey, b.Checkpoint, b.Size)
	if err != nil {
		return err
	}
	if b.Count != len(b.Messages) {
		return fmt.Errorf("count %d, %d messages", b.Count, len(b.Messages))
	}
	prev := int64(-1)
	for _, m := range b.Messages {
		if m.Index <= prev {
			return fmt.Errorf("message %d out of order", m.Index)
		}
		prev = m.Index
		if err := checkRecord(b.Size, root, m.Index, m.Leaf, m.Body, m.Path); err != nil {
			return fmt.Errorf("message %d: %v", m.Index, err)
		}
	}
	return nil
}

func main() {
	var b bundle
	in, err := os.ReadFile("/dev/stdin")
	if err == nil {
		err = json.Unmarshal(in, &b)
	}
	if err == nil && len(os.Args) == 2 {
		err = check(os.Args[1], b)
	} else if err == nil {
		err = fmt.Errorf("usage: seclog_export VKEY < bundle.json")
	}
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	fmt.Println("ok", len(b.Messages))
}
