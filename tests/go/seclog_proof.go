// Checks a seclog inclusion proof (tests/tools/seclogload prove) with Go's
// golang.org/x/mod/sumdb/note and tlog, an implementation independent of
// ours: the signed checkpoint by the verifier key, its origin
// "<key name>/seclog", the leaf from the body, the RFC 6962 audit path.
//
// Usage: seclog_proof VKEY < proof.json; prints "ok" and exits 0, or the
// reason and exits 1. Built with checkpoint.go.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
)

type proof struct {
	Index int64    `json:"index"`
	Size  int64    `json:"size"`
	Leaf  string   `json:"leaf"`
	Path  []string `json:"path"`
	Body  *string  `json:"body"`
	Note  string   `json:"note"`
}

func check(vkey string, p proof) error {
	root, err := openCheckpoint(vkey, p.Note, p.Size)
	if err != nil {
		return err
	}
	return checkRecord(p.Size, root, p.Index, p.Leaf, p.Body, p.Path)
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
