// Checks a seclog inclusion proof (tests/tools/seclogload prove) with Go's
// golang.org/x/mod/sumdb/note and tlog, an implementation independent of
// ours: the signed checkpoint by the verifier key, its origin
// "<key name>/seclog", the leaf from the body, the RFC 6962 audit path.
//
// Usage: seclog_proof VKEY < proof.json; prints "ok" and exits 0, or the
// reason and exits 1.
package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

type proof struct {
	Index int64    `json:"index"`
	Size  int64    `json:"size"`
	Leaf  string   `json:"leaf"`
	Path  []string `json:"path"`
	Body  *string  `json:"body"`
	Note  string   `json:"note"`
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

func check(vkey string, p proof) error {
	v, err := note.NewVerifier(vkey)
	if err != nil {
		return err
	}
	n, err := note.Open([]byte(p.Note), note.VerifierList(v))
	if err != nil {
		return err
	}
	lines := strings.SplitN(n.Text, "\n", 4)
	if len(lines) < 4 || lines[0] != v.Name()+"/seclog" {
		return fmt.Errorf("not a seclog checkpoint of %s", v.Name())
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || size != p.Size {
		return fmt.Errorf("checkpoint size %q, proof for %d", lines[1], p.Size)
	}
	root, err := hash(lines[2])
	if err != nil {
		return err
	}
	leaf, err := hash(p.Leaf)
	if err != nil {
		return err
	}
	if p.Body != nil {
		body, err := base64.StdEncoding.DecodeString(*p.Body)
		if err != nil {
			return err
		}
		if tlog.RecordHash(body) != leaf {
			return fmt.Errorf("the body does not hash to the leaf")
		}
	}
	var path tlog.RecordProof
	for _, s := range p.Path {
		h, err := hash(s)
		if err != nil {
			return err
		}
		path = append(path, h)
	}
	return tlog.CheckRecord(path, size, root, p.Index, leaf)
}

func main() {
	var p proof
	in, err := os.ReadFile("/dev/stdin")
	if err == nil {
		err = json.NewDecoder(bytes.NewReader(in)).Decode(&p)
	}
	if err == nil && len(os.Args) == 2 {
		err = check(os.Args[1], p)
	} else if err == nil {
		err = fmt.Errorf("usage: seclog_proof VKEY < proof.json")
	}
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	fmt.Println("ok")
}
