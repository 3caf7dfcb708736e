#!/usr/bin/env python3
"""Every error reason the server can send, read from the C sources.

A reason is the stable dotted code ("document.closed", "field.too_long") the
web UI turns into text from "err.<reason>" in web/i18n/*.json. This script
finds the reason argument of every store_tx_failr, model_fail and api_errorr
call and of the router's field checks (router.c's bad()), plus the server's
own too-large answer, and takes each string literal in it (a ternary of two
literals gives both). A reason passed as a variable is listed as unchecked
fails the check unless DYNAMIC says where its literals are, so a new one is
noticed.

Usage: error_reasons.py SRC_DIR            prints the reasons, one a line
       error_reasons.py SRC_DIR I18N_DIR   also checks that each reason has a
                                           non-empty "err.<reason>" text in the
                                           Swedish and the English files;
                                           exits 1 naming what is missing
"""
import glob
import json
import os
import re
import sys

# function -> index of its reason argument
CALLS = {"store_tx_failr": 3, "model_fail": 3, "plan_failr": 2, "ex_fail": 2, "io_import_problemr": 3, "db_problem": 4, "api_errorr": 4, "bad": 1, "an_failr": 2,
         "an_may": 3, "may_approve_as_ssc": 2, "missing": 2, "MISS": 1}
# calls by a common name that are ours only in one file
ONLY_IN = {"db_problem": "io.c", "bad": "router.c", "missing": "analysis.c", "MISS": "analysis_plan.c"}
LIT = re.compile(r'"((?:[^"\\]|\\.)*)"')
REASON = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
# reason arguments that are variables, and where their values are found
DYNAMIC = {
    "fe.reason": "router.c bad()",
    "fwd_reason": "an_tx_fail_err: a model_err's reason, set by the calls above",
    "reason": "an_may, may_approve_as_ssc: their callers' literals, read above",
}
# a reason written into a JSON text by hand (server.c's 413) or packed by hand (api_io.c)
RAW = re.compile(r'\\"reason\\":\\"([a-z0-9_.]+)\\"|"reason",\s*"([a-z0-9_]+\.[a-z0-9_.]+)"')


def strip_comments(s):
    s = re.sub(r"/\*.*?\*/", lambda m: " " * len(m.group(0)), s, flags=re.S)
    return re.sub(r"//[^\n]*", "", s)


def args_at(s, i):
    """The top-level arguments of the call whose '(' is at s[i]."""
    depth, out, cur, j = 0, [], [], i
    while j < len(s):
        ch = s[j]
        if ch == '"':
            m = LIT.match(s, j)
            if not m:
                return None
            cur.append(m.group(0))
            j = m.end()
            continue
        if ch == "'":
            k = s.index("'", j + 1 + (s[j + 1] == "\\"))
            cur.append(s[j:k + 1])
            j = k + 1
            continue
        if ch in "([{":
            depth += 1
            if depth == 1:
                j += 1
                continue
        elif ch in ")]}":
            depth -= 1
            if depth == 0:
                out.append("".join(cur).strip())
                return out
        elif ch == "," and depth == 1:
            out.append("".join(cur).strip())
            cur = []
            j += 1
            continue
        cur.append(ch)
        j += 1
    return None


def scan(src):
    reasons, problems = {}, []
    call = re.compile(r"\b(" + "|".join(CALLS) + r")\s*\(")
    for path in sorted(glob.glob(os.path.join(src, "**", "*.c"), recursive=True)):
        text = strip_comments(open(path, encoding="utf-8").read())
        for m in RAW.finditer(text):
            reasons.setdefault(m.group(1) or m.group(2),
                               f"{path}:{text.count(chr(10), 0, m.start()) + 1}")
        for m in call.finditer(text):
            name = m.group(1)
            if name in ONLY_IN and os.path.basename(path) != ONLY_IN[name]:
                continue
            line = text.count("\n", 0, m.start()) + 1
            where = f"{path}:{line}"
            # the declaration and the definition
            before = text[text.rfind("\n", 0, m.start()) + 1:m.start()]
            if re.search(r"\b(int|bool|void)\s*$", before) or re.match(r"\s*const char \*", text[m.end():]):
                continue
            a = args_at(text, m.end() - 1)
            if a is None or len(a) <= CALLS[name]:
                problems.append(f"{where}: cannot read the arguments of {name}")
                continue
            arg = a[CALLS[name]]
            lits = LIT.findall(arg)
            if not lits:
                if arg not in DYNAMIC and arg != "NULL":
                    problems.append(f"{where}: {name}'s reason {arg} is not a literal")
                continue
            for lit in lits:
                if not REASON.match(lit):
                    problems.append(f"{where}: reason \"{lit}\" is not a dotted code")
                    continue
                reasons.setdefault(lit, where)
    return reasons, problems


def strings(i18n, lang):
    out = {}
    for f in sorted(glob.glob(os.path.join(i18n, f"{lang}*.json"))):
        base = os.path.basename(f)
        if base != f"{lang}.json" and not base.startswith(f"{lang}-"):
            continue
        out.update(json.load(open(f, encoding="utf-8")))
    return out


def main():
    if len(sys.argv) not in (2, 3):
        print(__doc__.strip().splitlines()[-7], file=sys.stderr)
        return 2
    reasons, problems = scan(sys.argv[1])
    if len(sys.argv) == 2:
        for r in sorted(reasons):
            print(r)
        for p in problems:
            print(p, file=sys.stderr)
        return 1 if problems else 0
    sv, en = strings(sys.argv[2], "sv"), strings(sys.argv[2], "en")
    for r in sorted(reasons):
        for lang, tab in (("sv", sv), ("en", en)):
            v = tab.get(f"err.{r}")
            if not isinstance(v, str) or not v.strip():
                problems.append(f"{reasons[r]}: err.{r} has no {lang} text")
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
