#!/usr/bin/env bash
# Runs one fuzz target with the options docs/fuzzing.md describes.
#
#   fuzz/run.sh TARGET [SECONDS] [extra libFuzzer flags...]
#
# TARGET: load | load_fast | import_text | import_docx | import_xlsx; SECONDS defaults
# to 600. Builds the working corpus first (make-corpus.py), runs niced, and
# keeps the log in fuzz/logs/. Crashes land in fuzz/artifacts/TARGET/.
set -euo pipefail
cd "$(dirname "$0")"
target=${1:?usage: run.sh TARGET [SECONDS] [libFuzzer flags...]}
seconds=${2:-600}
shift $(( $# >= 2 ? 2 : 1 ))

case "$target" in
  load | load_fast | import_text) max_len=200000 ;;
  import_docx | import_xlsx) max_len=2000000 ;;
  *) echo "unknown target $target" >&2; exit 2 ;;
esac

python3 make-corpus.py "$target"
mkdir -p logs
log="logs/$target-$(date +%Y%m%d-%H%M%S).log"
export RUSTC_BOOTSTRAP=1
set +e
nice -n 10 cargo fuzz run --sanitizer none "$target" -- \
  -max_len="$max_len" -rss_limit_mb=2048 -timeout=10 \
  -max_total_time="$seconds" -print_final_stats=1 \
  -dict="dicts/$target.dict" "$@" 2>&1 | tee "$log" | grep -E --line-buffered "pulse|DONE|ERROR|panicked|SUMMARY|stat::|Test unit written"
status=${PIPESTATUS[0]}
echo "log: fuzz/$log (exit $status)"
exit "$status"
