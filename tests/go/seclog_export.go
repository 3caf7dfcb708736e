// Checks a seclog export bundle (skydd seclog export) with Go's
// golang.org/x/mod/sumdb/note and tlog, an implementation independent of
// ours, and nothing but the verifier key: the signed checkpoint of
// "<key name>/seclog", then for every message its body hashed to its leaf
// and its RFC 6962 audit path to the checkpoint's root.
//
// Usage: seclog_export VKEY < bundle.json; prints "ok N" and exits 0, or
// the reason and exits 1.
package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
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

func hash(s string) (tlog.Hash, error) {
	var h tlog.Hash
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(b) != len(h) {
		return h, fmt.Errorf("bad hash %q", s)
	}
	copy(h[:], b)
	return h, nil
}

func check(vkey string, b bundle) error {
	if b.Format != "skydd-seclog-export/1" {
		return fmt.Errorf("not a bundle: format %q", b.Format)
	}
	v, err := note.NewVerifier(vkey)
	if err != nil {
		return err
	}
	n, err := note.Open([]byte(b.Checkpoint), note.VerifierList(v))
	if err != nil {
		return err
	}
	lines := strings.SplitN(n.Text, "\n", 4)
	if len(lines) < 4 || lines[0] != v.Name()+"/seclog" {
		return fmt.Errorf("not a seclog checkpoint of %s", v.Name())
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || size != b.Size {
		return fmt.Errorf("checkpoint size %q, bundle says %d", lines[1], b.Size)
	}
	root, err := hash(lines[2])
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
		leaf, err := hash(m.Leaf)
		if err != nil {
			return err
		}
		if m.Body != nil {
			body, err := base64.StdEncoding.DecodeString(*m.Body)
			if err != nil {
				return err
			}
			if tlog.RecordHash(body) != leaf {
				return fmt.Errorf("message %d: the body does not hash to the leaf", m.Index)
			}
		}
		var path tlog.RecordProof
		for _, s := range m.Path {
			h, err := hash(s)
			if err != nil {
				return err
			}
			path = append(path, h)
		}
		if err := tlog.CheckRecord(path, size, root, m.Index, leaf); err != nil {
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
