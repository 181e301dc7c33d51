#!/usr/bin/env python3
"""Run the examples of the krimp docs and compare (or write) their output.

An example is a ```sql block followed, after at most blank lines, by a bare
``` block: the output psql prints for it.  Each example runs in its own
transaction, which is rolled back, with search_path = public, krimp, against
the database that the PG* environment variables name; that database holds the
bundled demo data (scripts/load_regions.sql, scripts/load_population.sql, one
CALL krimp.nightly()), as test/scripts/docs.sh sets it up.  Output that cannot
be repeated (times, fresh ids) is shown in a ```text block, which is not run.  A
```sql block on the line after "<!-- setup for the examples below -->" is run
quietly before every example of its page (the examples of a page that
share data).

An example must show what it is about: one whose output holds "(0 rows)" or
an ERROR fails, in both modes, unless the line before its ```sql block is
"<!-- shows no rows -->" or "<!-- shows an error -->" (an example of an error,
or of a query that rightly finds nothing).

  examples.py check FILE...   exit 1 and show the differences if any output differs
  examples.py write FILE...   replace the output blocks with what psql prints now
"""
import difflib
import re
import subprocess
import sys

PREAMBLE = "\\set QUIET on\n\\set VERBOSITY default\nSET client_min_messages = warning;\n" \
           "SET search_path = public, krimp;\nBEGIN;\n\\set QUIET off\n"
POSTAMBLE = "\n\\set QUIET on\nROLLBACK;\n"


SETUP_MARK = "<!-- setup for the examples below -->"


def run(sql, setup=""):
    if setup:
        setup = "\\set QUIET on\n\\o /dev/null\n" + setup + "\n\\o\n\\set QUIET off\n"
    p = subprocess.run(["psql", "-X", "-v", "ON_ERROR_STOP=0"], input=PREAMBLE + setup + sql + POSTAMBLE,
                       capture_output=True, text=True, env=None)
    out = p.stdout + p.stderr  # an error comes last: an example fails at most in its last statement
    lines = []
    for line in out.splitlines():
        line = re.sub(r"^psql:<stdin>:\d+: ", "", line)
        if line in ("BEGIN", "ROLLBACK", "SET"):
            continue
        lines.append(line.rstrip())
    while lines and lines[-1] == "":
        lines.pop()
    return lines


def examples(lines):
    """(sql_start, sql_end, out_start, out_end) line indexes of every example."""
    i, n = 0, len(lines)
    while i < n:
        if lines[i].strip() == "```sql":
            j = i + 1
            while j < n and lines[j].strip() != "```":
                j += 1
            k = j + 1
            while k < n and lines[k].strip() == "":
                k += 1
            if k < n and lines[k].strip() == "```":
                m = k + 1
                while m < n and lines[m].strip() != "```":
                    m += 1
                yield i + 1, j, k + 1, m
                i = m + 1
                continue
            i = j + 1
        else:
            i += 1


def main():
    mode, files = sys.argv[1], sys.argv[2:]
    bad = total = 0
    for f in files:
        with open(f, encoding="utf-8") as fh:
            lines = fh.read().split("\n")
        new = list(lines)
        shift = 0
        setup = ""
        for i, line in enumerate(lines):
            if line.strip() == SETUP_MARK and i + 1 < len(lines) and lines[i + 1].strip() == "```sql":
                j = i + 2
                while lines[j].strip() != "```":
                    j += 1
                setup += "\n".join(lines[i + 2:j]) + "\n"
        for s0, s1, o0, o1 in list(examples(lines)):
            total += 1
            got = run("\n".join(lines[s0:s1]) + "\n", setup)
            want = lines[o0:o1]
            before = lines[s0 - 2].strip() if s0 >= 2 else ""
            if any(l.startswith("ERROR:") for l in got) and before != "<!-- shows an error -->":
                bad += 1
                print(f"not ok - {f}:{s0}: this example fails ({next(l for l in got if l.startswith('ERROR:'))});"
                      " mark it <!-- shows an error --> if it is meant to")
            if any(l.strip() == "(0 rows)" for l in got) and before != "<!-- shows no rows -->":
                bad += 1
                print(f"not ok - {f}:{s0}: this example shows no rows; mark it <!-- shows no rows --> if it is meant to")
            if got != want:
                if mode == "write":
                    new[o0 + shift:o1 + shift] = got
                    shift += len(got) - (o1 - o0)
                else:
                    bad += 1
                    print(f"not ok - {f}:{s0}: the output of this example differs:")
                    for d in difflib.unified_diff(want, got, "documented", "actual", lineterm="", n=1):
                        print("    " + d)
        if mode == "write" and new != lines:
            with open(f, "w", encoding="utf-8") as fh:
                fh.write("\n".join(new))
            print(f"rewrote {f}")
    print(f"{total} examples, {bad} differ")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
