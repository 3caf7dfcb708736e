#!/usr/bin/env python3
"""Every ledger entry kind the server can write, read from the C sources.

The kinds are not one table in C: each module writes its own. This script is
the checked list. It finds every call of a writer (model_tx_log, rec_log,
store_tx_append, store_append, and decision.c's log_entry) and takes the kind
argument: a string literal, or a ternary of literals. A kind passed as a
variable must come from a source this script knows how to read (the acts[]
table of copy.c, the change_cmd initialisers of plan_measures.c, the `kind = "..."`
assignments of incident.c and deviation.c, the `.event = "..."` of the
commands of every register defined as data); any other variable fails the
check, so a new dynamic writer is noticed and added here.

Usage: ledger_kinds.py SRC_DIR            prints the kinds, one a line
       ledger_kinds.py SRC_DIR I18N_DIR   also checks that each kind has a
                                          non-empty "kind.<kind>" text in the
                                          Swedish and the English files;
                                          exits 1 naming what is missing
"""
import glob
import json
import os
import re
import sys

WRITERS = ("model_tx_log", "rec_log", "store_tx_append", "store_append", "log_entry")
KIND_ARG = 2  # (tx|store, actor|principal, kind, ...) for every writer
LIT = re.compile(r'"((?:[^"\\]|\\.)*)"')
KIND = re.compile(r"^[a-z_]+(\.[a-z_]+)+$")
# kind arguments that are variables, and where their values are found
DYNAMIC = {
    "acts[a->act].kind": "copy.c acts[]",
    "c->kind": "plan_measures.c change_cmd",
    "kind": "kind = \"...\" in the function",
    "a->kind": "store_append's own argument",
    "cmd->event": "the .event of the commands in the register definitions (reg_*.c)",
}


def strip_comments(s):
    s = re.sub(r"/\*.*?\*/", lambda m: " " * len(m.group(0)), s, flags=re.S)
    return re.sub(r"//[^\n]*", "", s)


def call_args(src, start):
    """Splits the argument list that opens at src[start] == '(' at top-level commas."""
    depth, args, cur, i, in_str = 0, [], [], start, False
    while i < len(src):
        ch = src[i]
        if in_str:
            cur.append(ch)
            if ch == "\\":
                cur.append(src[i + 1])
                i += 1
            elif ch == '"':
                in_str = False
        elif ch == '"':
            in_str = True
            cur.append(ch)
        elif ch in "([{":
            depth += 1
            if depth > 1:
                cur.append(ch)
        elif ch in ")]}":
            depth -= 1
            if depth == 0:
                args.append("".join(cur).strip())
                return args
            cur.append(ch)
        elif ch == "," and depth == 1:
            args.append("".join(cur).strip())
            cur = []
        else:
            cur.append(ch)
        i += 1
    return args


def kinds(src_dir):
    found, problems = set(), []
    for path in sorted(glob.glob(os.path.join(src_dir, "**", "*.c"), recursive=True)):
        with open(path, encoding="utf-8") as f:
            src = strip_comments(f.read())
        name = os.path.basename(path)
        for m in re.finditer(r"\b(%s)\s*\(" % "|".join(WRITERS), src):
            args = call_args(src, m.end() - 1)
            if len(args) <= KIND_ARG:
                continue
            arg = args[KIND_ARG]
            if arg.startswith("const char"):
                continue  # the writer's own definition or prototype
            lits = LIT.findall(arg)
            if lits:
                for k in lits:
                    if not KIND.match(k):
                        problems.append("%s: %s(...) kind %r is not a kind" % (name, m.group(1), k))
                    found.add(k)
            elif arg not in DYNAMIC:
                problems.append("%s: %s(...) writes kind %r: teach tests/sh/ledger_kinds.py "
                                "where its values come from" % (name, m.group(1), arg))
        # the dynamic sources
        if name == "copy.c":
            t = re.search(r"\bacts\[\]\s*=\s*\{(.*?)\};", src, re.S)
            if not t:
                problems.append("copy.c: no acts[] table")
            else:
                found.update(re.findall(r'=\s*\{\s*"([a-z_.]+)"', t.group(1)))
        if name.startswith("plan"):
            for t in re.finditer(r"struct change_cmd c = \{(.*?)\};", src, re.S):
                found.update(k for k in LIT.findall(t.group(1)) if KIND.match(k))
        # registers defined as data: each command's .event (register.c writes it)
        for k in re.findall(r'\.event\s*=\s*"([a-z_.]+)"', src):
            if KIND.match(k):
                found.add(k)
        for k in re.findall(r'\bkind\s*=\s*"([a-z_.]+)"', src):
            if KIND.match(k):
                found.add(k)
    # what the writers store_append and store_tx_append themselves pass on
    # (a->kind) is the caller's literal, counted above
    return found, problems


def texts(i18n_dir, lang):
    out = {}
    for path in sorted(glob.glob(os.path.join(i18n_dir, "%s*.json" % lang))):
        base = os.path.basename(path)
        if base != "%s.json" % lang and not base.startswith("%s-" % lang):
            continue
        with open(path, encoding="utf-8") as f:
            out.update(json.load(f))
    return out


def main():
    if len(sys.argv) not in (2, 3):
        print(__doc__.strip().split("\n\n")[1], file=sys.stderr)
        return 2
    found, problems = kinds(sys.argv[1])
    if len(sys.argv) == 2:
        for k in sorted(found):
            print(k)
        for p in problems:
            print("problem: " + p, file=sys.stderr)
        return 1 if problems else 0
    for lang in ("sv", "en"):
        tx = texts(sys.argv[2], lang)
        for k in sorted(found):
            v = tx.get("kind." + k)
            if not isinstance(v, str) or not v.strip():
                problems.append("%s: no text for kind %s (key kind.%s)" % (lang, k, k))
            elif v.strip() == k:
                problems.append("%s: the text for kind %s is the raw code" % (lang, k))
    for p in problems:
        print(p)
    print("%d kinds, %d problems" % (len(found), len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
