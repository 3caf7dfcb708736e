// What seclog_proof.go and seclog_export.go share (each is built together with
// this file): opening a signed checkpoint of the security log with the
// verifier key alone, and checking one message against it — with Go's
// golang.org/x/mod/sumdb/note and tlog, never our code.
package main

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

func hash(s string) (tlog.Hash, error) {
	var h tlog.Hash
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(b) != len(h) {
		return h, fmt.Errorf("bad hash %q", s)
	}
	copy(h[:], b)
	return h, nil
}

// openCheckpoint verifies the signed note with vkey, requires the origin
// "<key name>/seclog" and the tree size the caller was given, and returns the
// root.
func openCheckpoint(vkey, text string, size int64) (tlog.Hash, error) {
	v, err := note.NewVerifier(vkey)
	if err != nil {
		return tlog.Hash{}, err
	}
	n, err := note.Open([]byte(text), note.VerifierList(v))
	if err != nil {
		return tlog.Hash{}, err
	}
	lines := strings.SplitN(n.Text, "\n", 4)
	if len(lines) < 4 || lines[0] != v.Name()+"/seclog" {
		return tlog.Hash{}, fmt.Errorf("not a seclog checkpoint of %s", v.Name())
	}
	got, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || got != size {
		return tlog.Hash{}, fmt.Errorf("checkpoint size %q, expected %d", lines[1], size)
	}
	return hash(lines[2])
}

// checkRecord checks message index: its stored bytes (base64; nil when culled)
// hash to its leaf, and its RFC 6962 audit path leads to root at size.
func checkRecord(size int64, root tlog.Hash, index int64, leaf64 string, body64 *string, path64 []string) error {
	leaf, err := hash(leaf64)
	if err != nil {
		return err
	}
	if body64 != nil {
		body, err := base64.StdEncoding.DecodeString(*body64)
		if err != nil {
			return err
		}
		if tlog.RecordHash(body) != leaf {
			return fmt.Errorf("the body does not hash to the leaf")
		}
	}
	var path tlog.RecordProof
	for _, s := range path64 {
		h, err := hash(s)
		if err != nil {
			return err
		}
		path = append(path, h)
	}
	return tlog.CheckRecord(path, size, root, index, leaf)
}
