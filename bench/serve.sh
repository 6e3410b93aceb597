#!/usr/bin/env bash
# Measures `gongkai serve` on a generated site (see bench/README.md, "serve"):
# start-up, resident memory (steady and peak, /proc/PID/status), idle CPU
# (/proc/PID/stat utime+stime over IDLE seconds), and the time from saving a
# one-figure edit until the open page is told (the version it waits on
# changes) and until the page is served with the new figure (polled over
# HTTP every 5 ms). Then a storm: every file of STORM department-years
# touched at once, and the rebuilds it caused counted.
#
#   bench/serve.sh                  N=1000, seed 42, in /tmp/serve-bench
#   N=300 IDLE=10 EDITS=4 bench/serve.sh
#   BIN=/path/to/gongkai NO_CARGO=1 bench/serve.sh   # another binary
#   BROWSER=1 bench/serve.sh        # then the same in Chromium (serve_browser.mjs)
#
# The content is generated afresh each run (gen_content.py, ~4 s at 1,000);
# the preview folder is removed first unless WARM=1, so the first build is
# cold. Results: standard output and $ROOT/serve-results.md.
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-1000}
SEED=${SEED:-42}
ROOT=${ROOT:-/tmp/serve-bench}
PORT=${PORT:-18400}
IDLE=${IDLE:-30}
EDITS=${EDITS:-6}
STORM=${STORM:-100}
BIN=${BIN:-target/release/gongkai}

if [ -z "${NO_CARGO:-}" ]; then
  cargo build --release --quiet
fi
mkdir -p "$ROOT"
# A copy, so a concurrent `cargo build` cannot replace it mid-run.
cp "$BIN" "$ROOT/gongkai"
rm -rf "$ROOT/content"
python3 bench/gen_content.py --n "$N" --seed "$SEED" --out "$ROOT/content" >/dev/null
if [ -z "${WARM:-}" ]; then
  rm -rf "$ROOT/.gongkai-serve"
fi

python3 - "$ROOT" "$PORT" "$IDLE" "$EDITS" "$STORM" "$N" <<'PY'
import os, subprocess, sys, threading, time, urllib.request

root, port, idle, edits, storm, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
sys.path.insert(0, "bench")
import edit_figure  # noqa: E402

content = os.path.join(root, "content")
origin = "http://127.0.0.1:%d" % port
log_path = os.path.join(root, "serve.log")
tick = os.sysconf("SC_CLK_TCK")


def get(path, timeout=30):
    with urllib.request.urlopen(origin + path, timeout=timeout) as r:
        return r.status, r.read()


def status(pid):
    fields = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            k, _, v = line.partition(":")
            fields[k] = v.split()[0] if v.split() else ""
    return int(fields["VmRSS"]) / 1024, int(fields["VmHWM"]) / 1024, int(fields["Threads"])


def cpu_ticks(pid):
    with open("/proc/%d/stat" % pid) as f:
        rest = f.read().rsplit(")", 1)[1].split()
    return int(rest[11]) + int(rest[12])  # utime, stime (fields 14, 15)


def log():
    with open(log_path, encoding="utf-8", errors="replace") as f:
        return f.read()


def idle_cpu(pid, seconds):
    a = cpu_ticks(pid)
    time.sleep(seconds)
    return 100.0 * (cpu_ticks(pid) - a) / (tick * seconds)


started = time.monotonic()
server = subprocess.Popen([os.path.join(root, "gongkai"), "serve", content, "--port", str(port)],
                          stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=open(log_path, "w"))
try:
    while "serving on" not in log():
        if server.poll() is not None:
            raise SystemExit("gongkai serve exited:\n" + log())
        if time.monotonic() - started > 600:
            raise SystemExit("gongkai serve did not start:\n" + log())
        time.sleep(0.01)
    startup = time.monotonic() - started
    first_build = next((l for l in log().splitlines() if l.startswith("built ")), "?")
    pid = server.pid
    time.sleep(2)
    rss_start, hwm_start, threads_start = status(pid)
    cpu_idle_start = idle_cpu(pid, idle)

    dept = edit_figure.first_dept(content)
    url = "/%s/%s/" % tuple(dept.rstrip("/").split("/")[-2:])
    told, served = [], []
    for i in range(edits):
        code, before = get(url)
        assert code == 200, code
        _, seen = get("/__gongkai/version")
        seen = seen.decode()
        result = {}

        def wait_version():
            while True:
                _, v = get("/__gongkai/version?wait=" + seen, timeout=60)
                if v.decode() != seen:
                    result["told"] = time.monotonic()
                    return
                time.sleep(0.005)  # a server that does not hold the request

        waiter = threading.Thread(target=wait_version)
        waiter.start()
        time.sleep(0.2)
        sys.argv = ["edit_figure.py", content, "0.01" if i % 2 == 0 else "-0.01"]
        edit_figure.main()
        saved = time.monotonic()
        while True:
            try:
                code, page = get(url)
            except Exception:
                code, page = None, before
            if code == 200 and page != before:
                served.append(time.monotonic() - saved)
                break
            if time.monotonic() - saved > 60:
                raise SystemExit("the edit never showed up:\n" + log())
            time.sleep(0.005)
        waiter.join(60)
        told.append(result.get("told", float("nan")) - saved)
        time.sleep(1)
    rss_edits, hwm_edits, _ = status(pid)

    # A storm: every file of STORM department-years touched at once.
    rebuilds_before = log().count("change detected")
    dirs = sorted(os.path.join(y, c) for y in os.listdir(content) if y.isdigit()
                  for c in os.listdir(os.path.join(content, y)))[:storm]
    touched = 0
    for d in dirs:
        for name in os.listdir(os.path.join(content, d)):
            p = os.path.join(content, d, name)
            if os.path.isfile(p):
                os.utime(p)
                touched += 1
    time.sleep(5)
    storm_rebuilds = log().count("change detected") - rebuilds_before
    storm_build = [l for l in log().splitlines() if l.startswith("built ")][-1]

    time.sleep(2)
    rss_steady, hwm_end, threads_end = status(pid)
    cpu_idle_end = idle_cpu(pid, idle)
    rss_final, hwm_final, _ = status(pid)
finally:
    server.kill()
    server.wait()


def ms(xs):
    xs = sorted(xs)
    return "median %.0f ms, min %.0f, max %.0f (%d edits)" % (1000 * xs[len(xs) // 2], 1000 * xs[0], 1000 * xs[-1], len(xs))


rows = [
    ("department-years", str(n)),
    ("start-up until `serving on` (first build)", "%.1f s (%s)" % (startup, first_build)),
    ("RSS after start-up", "%.0f MiB (peak so far %.0f MiB), %d threads" % (rss_start, hwm_start, threads_start)),
    ("idle CPU after start-up, %d s" % idle, "%.2f %%" % cpu_idle_start),
    ("save → open page told (version changed)", ms(told)),
    ("save → page served with the new figure", ms(served)),
    ("RSS after the edits", "%.0f MiB (peak %.0f MiB)" % (rss_edits, hwm_edits)),
    ("storm: %d files of %d department-years touched" % (touched, len(dirs)), "%d rebuild(s); last: %s" % (storm_rebuilds, storm_build)),
    ("steady RSS at the end", "%.0f MiB, %d threads" % (rss_final, threads_end)),
    ("peak RSS (VmHWM) over the run", "%.0f MiB" % hwm_final),
    ("idle CPU at the end, %d s" % idle, "%.2f %%" % cpu_idle_end),
]
out = "| measure | `gongkai serve` |\n|---|---|\n" + "".join("| %s | %s |\n" % r for r in rows)
print(out)
with open(os.path.join(root, "serve-results.md"), "w") as f:
    f.write(out)
PY

if [ -n "${BROWSER:-}" ]; then
  # The reload as a person sees it: an open page in Chromium.
  node bench/serve_browser.mjs "$ROOT/gongkai" "$ROOT/content" "$PORT" "$EDITS" | tee -a "$ROOT/serve-results.md"
fi
