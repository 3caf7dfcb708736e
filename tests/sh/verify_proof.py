#!/usr/bin/env python3
"""An independent checker for skydd's proofs and notes (Python stdlib only).

It shares no code with skydd: the Merkle tree hash (RFC 6962 / RFC 9162
section 2.1.1), the inclusion and consistency proof verifiers (RFC 9162
sections 2.1.3.2 and 2.1.4.2) and the C2SP signed-note key format are written
here from the specifications. Entry bytes are read straight from the
database with Python's sqlite3 module.

Usage:
  verify_proof.py root DB SIZE
      print base64 MTH of entries 1..SIZE
  verify_proof.py inclusion DB PROOF.json ROOT_B64
      PROOF.json is `skydd log prove N --json`; checks the leaf hash against
      the entry bytes in DB and the proof against ROOT_B64
  verify_proof.py consistency DB PROOF.json
      PROOF.json is `skydd log consistency M N --json`; checks root1/root2
      against MTH of the entries in DB and the proof between them
  verify_proof.py note NOTE VKEY OUTDIR
      splits a signed note: checks the verifier key's hash and the signature
      line's key hash, writes OUTDIR/msg, OUTDIR/sig (64 bytes) and
      OUTDIR/pub.der (SubjectPublicKeyInfo) for `openssl pkeyutl -verify`;
      prints "origin size root"
Exit status 0 when the check holds, 1 when it does not (reason on stderr).
"""
import base64
import hashlib
import json
import sqlite3
import sys


class Fail(Exception):
    pass


def sha256(b):
    return hashlib.sha256(b).digest()


def leaf_hash(data):
    return sha256(b"\x00" + data)


def node_hash(left, right):
    return sha256(b"\x01" + left + right)


def mth(leaves):
    """RFC 9162 2.1.1: MTH(D[n]) with k the largest power of two < n."""
    n = len(leaves)
    if n == 0:
        return sha256(b"")
    if n == 1:
        return leaves[0]
    k = 1
    while k * 2 < n:
        k *= 2
    return node_hash(mth(leaves[:k]), mth(leaves[k:]))


def entries(db, size):
    con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
    con.text_factory = bytes
    rows = con.execute(
        "SELECT seq, CAST(entry AS BLOB) FROM ledger WHERE seq <= ? ORDER BY seq", (size,)
    ).fetchall()
    con.close()
    if [r[0] for r in rows] != list(range(1, size + 1)):
        raise Fail("the database does not hold entries 1..%d" % size)
    return [r[1] for r in rows]


def b64(s):
    raw = base64.b64decode(s, validate=True)
    if len(raw) != 32:
        raise Fail("not a 32-byte hash: %r" % s)
    return raw


def verify_inclusion(index, size, leaf, proof, root):
    """RFC 9162 section 2.1.3.2."""
    if index >= size:
        raise Fail("leaf index %d is not below tree size %d" % (index, size))
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            raise Fail("inclusion proof too long")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise Fail("inclusion proof too short")
    if r != root:
        raise Fail("inclusion proof does not lead to the root")


def verify_consistency(size1, size2, root1, root2, proof):
    """RFC 9162 section 2.1.4.2 (and the trivial cases)."""
    if size1 > size2:
        raise Fail("size1 > size2")
    if size1 == size2:
        if proof or root1 != root2:
            raise Fail("equal sizes need an empty proof and equal roots")
        return
    if size1 == 0:
        if proof:
            raise Fail("a proof from the empty tree must be empty")
        return
    if not proof:
        raise Fail("empty consistency proof")
    path = list(proof)
    if size1 & (size1 - 1) == 0:
        path.insert(0, root1)
    fn, sn = size1 - 1, size2 - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise Fail("consistency proof too long")
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise Fail("consistency proof too short")
    if fr != root1:
        raise Fail("consistency proof does not lead to root1")
    if sr != root2:
        raise Fail("consistency proof does not lead to root2")


def cmd_root(db, size):
    print(base64.b64encode(mth([leaf_hash(e) for e in entries(db, int(size))])).decode())


def cmd_inclusion(db, proof_file, root_b64):
    with open(proof_file) as f:
        p = json.load(f)
    seq, index, size = p["seq"], p["leaf_index"], p["tree_size"]
    if index != seq - 1:
        raise Fail("leaf_index %d is not seq - 1" % index)
    data = entries(db, seq)[seq - 1]
    leaf = leaf_hash(data)
    if leaf != b64(p["leaf_hash"]):
        raise Fail("leaf_hash is not SHA-256(0x00 || entry bytes)")
    root = b64(root_b64)
    if b64(p["root"]) != root:
        raise Fail("the proof's root is not the expected root")
    verify_inclusion(index, size, leaf, [b64(h) for h in p["proof"]], root)


def cmd_consistency(db, proof_file):
    with open(proof_file) as f:
        p = json.load(f)
    s1, s2 = p["size1"], p["size2"]
    leaves = [leaf_hash(e) for e in entries(db, s2)]
    r1, r2 = b64(p["root1"]), b64(p["root2"])
    if mth(leaves[:s1]) != r1:
        raise Fail("root1 is not the root of entries 1..%d" % s1)
    if mth(leaves) != r2:
        raise Fail("root2 is not the root of entries 1..%d" % s2)
    verify_consistency(s1, s2, r1, r2, [b64(h) for h in p["proof"]])


def cmd_note(note_file, vkey_file, outdir):
    with open(note_file, "rb") as f:
        note = f.read()
    with open(vkey_file, "rb") as f:
        vkey = f.read().decode().strip()
    name, khash, kb64 = vkey.split("+", 2)
    key = base64.b64decode(kb64, validate=True)
    if len(key) != 33 or key[0] != 1:
        raise Fail("the verifier key is not an Ed25519 key (0x01 || 32 bytes)")
    pk = key[1:]
    want = sha256(name.encode() + b"\n\x01" + pk)[:4]
    if want.hex() != khash.lower():
        raise Fail("the verifier key's hash is not SHA-256(name || '\\n' || 0x01 || key)[:4]")
    blank = note.find(b"\n\n")
    if blank < 0:
        raise Fail("no blank line in the note")
    text = note[: blank + 1]
    lines = text.decode().split("\n")
    if len(lines) < 4 or lines[0] != name:
        raise Fail("the note is not a checkpoint by %s" % name)
    sigs = [l for l in note[blank + 2 :].decode().split("\n") if l]
    prefix = "\u2014 " + name + " "
    mine = [l[len(prefix) :] for l in sigs if l.startswith(prefix)]
    if len(mine) != 1:
        raise Fail("expected one signature line by %s" % name)
    sig = base64.b64decode(mine[0], validate=True)
    if len(sig) != 68 or sig[:4] != want:
        raise Fail("the signature does not start with the key hash")
    with open(outdir + "/msg", "wb") as f:
        f.write(text)
    with open(outdir + "/sig", "wb") as f:
        f.write(sig[4:])
    with open(outdir + "/pub.der", "wb") as f:
        f.write(bytes.fromhex("302a300506032b6570032100") + pk)
    print(lines[0], lines[1], lines[2])


def main(argv):
    cmds = {
        "root": (cmd_root, 2),
        "inclusion": (cmd_inclusion, 3),
        "consistency": (cmd_consistency, 2),
        "note": (cmd_note, 3),
    }
    if len(argv) < 2 or argv[1] not in cmds or len(argv) - 2 != cmds[argv[1]][1]:
        sys.stderr.write(__doc__)
        return 2
    try:
        cmds[argv[1]][0](*argv[2:])
    except (Fail, KeyError, ValueError, TypeError) as e:
        sys.stderr.write("verify_proof: %s: %s\n" % (argv[1], e))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
