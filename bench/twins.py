#!/usr/bin/env python3
"""What the hand-written twins save, measured on a shared machine.

Usage: python3 bench/twins.py GONGKAI CONTENT [--rounds 10] [--out DIR] [--quiet 25]

Runs `GONGKAI check --no-cache CONTENT` and `GONGKAI build --no-cache CONTENT
-o DIR/out` with both twins on (the default), with GONGKAI_FAST_YAML=0 and with
GONGKAI_OWN_XLSX=0, the variants taking turns within each round (their order
rotating from round to round) after one warm-up round, so that load from other
processes falls on all of them alike. Each run records its wall time, its CPU
time (user + sys, from wait4), its peak RSS and the share of the CPUs other
processes used meanwhile (/proc/stat minus the run's own CPU time). The table
gives medians over all runs and over the quiet ones (other load below --quiet
percent), and each twin's saving: the median with the twin off minus the
median with it on, in ms, in % of the default run and per department-year.

Standard library only; Linux only (/proc/stat, os.wait4). The output folder
(default /dev/shm/gongkai-twins) is removed before each build and at the end.
"""

import argparse
import glob
import os
import shutil
import statistics
import subprocess
import sys
import time

VARIANTS = [
    ("default", {}),
    ("GONGKAI_FAST_YAML=0", {"GONGKAI_FAST_YAML": "0"}),
    ("GONGKAI_OWN_XLSX=0", {"GONGKAI_OWN_XLSX": "0"}),
]
TWINS = [
    ("fast YAML front end", "serde-saphyr", "GONGKAI_FAST_YAML=0"),
    ("own .xlsx writer", "rust_xlsxwriter", "GONGKAI_OWN_XLSX=0"),
]
TICK = os.sysconf("SC_CLK_TCK")
CPUS = os.cpu_count() or 1


def cpu_jiffies():
    """(busy, total) jiffies of all CPUs so far."""
    f = [int(x) for x in open("/proc/stat").readline().split()[1:]]
    total = sum(f[:8])  # guest time is already counted in user
    return total - f[3] - f[4], total


def run(argv, env):
    """One run: wall s, CPU s, peak RSS MiB, other load %."""
    busy0, total0 = cpu_jiffies()
    start = time.monotonic()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - start
    busy1, total1 = cpu_jiffies()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit("failed: %s %s" % (" ".join("%s=%s" % kv for kv in env.items() if kv[0].startswith("GONGKAI")), " ".join(argv)))
    cpu = usage.ru_utime + usage.ru_stime
    other = max(0.0, (busy1 - busy0) / TICK - cpu) / max(1e-9, (total1 - total0) / TICK) * 100
    return wall, cpu, usage.ru_maxrss / 1024, other


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("gongkai")
    ap.add_argument("content")
    ap.add_argument("--rounds", type=int, default=10)
    ap.add_argument("--out", default="/dev/shm/gongkai-twins")
    ap.add_argument("--quiet", type=float, default=25.0, help="other load (%% of the CPUs) below which a run is quiet")
    ap.add_argument("--commands", default="check,build")
    args = ap.parse_args()
    n = len(glob.glob(os.path.join(args.content, "*", "*", "unit.yaml")))
    if n == 0:
        sys.exit("no department-years in %s" % args.content)
    out = os.path.join(args.out, "out")
    commands = {
        "check": [args.gongkai, "check", "--no-cache", args.content],
        "build": [args.gongkai, "build", "--no-cache", args.content, "-o", out],
    }
    commands = {k: v for k, v in commands.items() if k in args.commands.split(",")}
    base_env = {k: v for k, v in os.environ.items() if k not in ("GONGKAI_FAST_YAML", "GONGKAI_OWN_XLSX")}
    results = {(c, v): [] for c in commands for v, _ in VARIANTS}
    for r in range(args.rounds + 1):
        for name, argv in commands.items():
            k = r % len(VARIANTS)
            for variant, extra in VARIANTS[k:] + VARIANTS[:k]:
                if name == "build":
                    shutil.rmtree(args.out, ignore_errors=True)
                    os.makedirs(args.out)
                m = run(argv, {**base_env, **extra})
                if r > 0:  # round 0 warms up
                    results[(name, variant)].append(m)
                print("round %d %s %-20s wall %.2f s cpu %.2f s rss %.0f MiB other %.0f%%" % ((r, name, variant) + m),
                      file=sys.stderr)
    shutil.rmtree(args.out, ignore_errors=True)

    def med(runs, i):
        return statistics.median(x[i] for x in runs) if runs else float("nan")

    print("%s; %d cores; %s; %d department-years; %d rounds (+1 warm-up), variants interleaved; quiet = other load < %.0f %%" % (
        time.strftime("%Y-%m-%d %H:%M"), CPUS, args.gongkai, n, args.rounds, args.quiet))
    print()
    print("| command | variant | runs (quiet) | median wall | median wall, quiet runs | median CPU | peak RSS | other load (median) |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for (c, v), runs in results.items():
        quiet = [x for x in runs if x[3] < args.quiet]
        print("| %s | %s | %d (%d) | %.3f s | %s | %.3f s | %.0f MiB | %.0f %% |" % (
            c, v, len(runs), len(quiet), med(runs, 0), "%.3f s" % med(quiet, 0) if quiet else "–", med(runs, 1),
            max(x[2] for x in runs), med(runs, 3)))
    print()
    print("| twin | replaces | switch | command | on → off, wall (quiet runs) | saving | per dept-year | on → off, CPU | saving | per dept-year | peak RSS on → off |")
    print("|---|---|---|---|---|---:|---:|---|---:|---:|---|")
    for twin, crate, switch in TWINS:
        for c in commands:
            on, off = results[(c, "default")], results[(c, switch)]
            qon, qoff = [x for x in on if x[3] < args.quiet], [x for x in off if x[3] < args.quiet]
            # Wall from the quiet runs when both sides have some, else from all.
            won, woff = (med(qon, 0), med(qoff, 0)) if qon and qoff else (med(on, 0), med(off, 0))
            con, coff = med(on, 1), med(off, 1)
            print("| %s | %s | `%s` | %s | %.3f → %.3f s%s | %.0f ms (%.1f %%) | %.2f ms | %.3f → %.3f s | %.0f ms (%.1f %%) | %.2f ms | %.0f → %.0f MiB |" % (
                twin, crate, switch, c, won, woff, "" if qon and qoff else " (all runs)", 1000 * (woff - won),
                100 * (woff - won) / won, 1000 * (woff - won) / n, con, coff, 1000 * (coff - con), 100 * (coff - con) / con,
                1000 * (coff - con) / n, max(x[2] for x in on), max(x[2] for x in off)))


if __name__ == "__main__":
    main()
