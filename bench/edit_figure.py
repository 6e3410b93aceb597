#!/usr/bin/env python3
"""Change one figure in one department, the way a finance officer would.

Usage: python3 edit_figure.py CONTENT_DIR [DELTA]

Picks the first department-year folder (sorted by path) of CONTENT_DIR and adds
DELTA (default 0.01 万元) to

- economic.yaml: the first 人员经费 leaf (a 5-digit code under 301) and the
  declared totals above it (the 301 row and the 合计 row), and
- functions.yaml: the first 一般公共预算 7-digit leaf with 基本支出 and the
  declared totals above it (its 款 row, its 类 row and the 合计 row of the
  same source),

so tables 5 and 6 still agree and `gongkai check` stays clean. Prints what it
changed. Standard library only.
"""
import os
import re
import sys
from decimal import Decimal

AMT = r"(-?\d+(?:\.\d+)?)"


def first_dept(content):
    for year in sorted(os.listdir(content)):
        ydir = os.path.join(content, year)
        if not year.isdigit() or not os.path.isdir(ydir):
            continue
        for code in sorted(os.listdir(ydir)):
            d = os.path.join(ydir, code)
            if os.path.exists(os.path.join(d, "economic.yaml")) and os.path.exists(os.path.join(d, "functions.yaml")):
                return d
    raise SystemExit("no department-year with economic.yaml and functions.yaml under %s" % content)


def bump(line, key, delta):
    m = re.search(r"\b%s: %s" % (key, AMT), line)
    if not m:
        raise SystemExit("no `%s` amount in: %s" % (key, line))
    v = Decimal(m.group(1)) + delta
    return line[:m.start(1)] + "%.2f" % v + line[m.end(1):]


def code_of(line):
    m = re.search(r'\bcode: "?(\d+)"?', line)
    return m.group(1) if m else None


def is_general(line):
    m = re.search(r'\bsource: "?([^",}]+)"?', line)
    return m is None or m.group(1).strip() in ("一般公共预算", "general")


def edit(path, pick, key, delta):
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    rows = [(i, l) for i, l in enumerate(lines) if l.lstrip().startswith("- {")]
    leaf = next(((i, l) for i, l in rows if pick(l)), None)
    if leaf is None:
        raise SystemExit("no leaf to edit in %s" % path)
    code = code_of(leaf[1])
    targets = {code, code[:5], code[:3]} if len(code) == 7 else {code, code[:3]}
    changed = []
    for i, l in rows:
        c = code_of(l)
        if not is_general(l):
            continue
        if (c in targets) or (c is None and "合计" in l):
            lines[i] = bump(l, key, delta)
            changed.append(c or "合计")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))
    return changed


def main():
    content = sys.argv[1]
    delta = Decimal(sys.argv[2]) if len(sys.argv) > 2 else Decimal("0.01")
    d = first_dept(content)
    e = edit(os.path.join(d, "economic.yaml"),
             lambda l: (code_of(l) or "").startswith("301") and len(code_of(l)) == 5 and "personnel:" in l,
             "personnel", delta)
    f = edit(os.path.join(d, "functions.yaml"),
             lambda l: len(code_of(l) or "") == 7 and is_general(l) and "basic:" in l,
             "basic", delta)
    print("edit_figure: %s %+.2f 万元: economic.yaml %s; functions.yaml %s" % (d, delta, e, f), file=sys.stderr)


if __name__ == "__main__":
    main()
