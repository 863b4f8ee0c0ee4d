#!/usr/bin/env bash
# Runs fuzz targets one after the other (never two at once), each for FUZZ_SECONDS (default 600),
# and prints each one's executions per second, corpus size and findings.
#   bash fuzz/run.sh                      # every target
#   FUZZ_SECONDS=60 bash fuzz/run.sh case_replay calendar_laws
# Needs `cargo install cargo-fuzz`; RUSTC_BOOTSTRAP=1 lets stable Rust take cargo-fuzz's nightly
# flags. New inputs go to target/corpus/NAME (the committed seeds in corpus/NAME are read only);
# findings to artifacts/NAME. See README.md.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
seconds=${FUZZ_SECONDS:-600}
if [ $# -gt 0 ]; then
    targets=("$@")
else
    mapfile -t targets < <(ls fuzz_targets | sed 's/\.rs$//')
fi
# The text targets reach unsafe code (unsafe-libyaml) and run under AddressSanitizer; the
# structured ones exercise only safe Rust and run without a sanitizer, about 1.5x faster.
sanitizer() {
    case "$1" in
        calendar_laws | case_replay) echo none ;;
        *) echo "${FUZZ_SANITIZER:-address}" ;;
    esac
}
# Group by sanitizer so that each group is built once.
mapfile -t targets < <(for t in "${targets[@]}"; do echo "$(sanitizer "$t") $t"; done | sort | cut -d' ' -f2)
mkdir -p target/logs
status=0
for t in "${targets[@]}"; do
    work="target/corpus/$t"
    mkdir -p "$work"
    log="target/logs/$t.log"
    RUSTC_BOOTSTRAP=1 cargo fuzz run -O -a -s "$(sanitizer "$t")" "$t" "$work" "corpus/$t" -- \
        -max_total_time="$seconds" -timeout=20 -print_final_stats=1 >"$log" 2>&1
    rc=$?
    execs=$(grep -o 'average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$')
    units=$(grep -o 'number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
    findings=$(ls "artifacts/$t" 2>/dev/null | grep -c -E '^(crash|leak|timeout|oom)-' || true)
    printf '%-18s sanitizer=%-7s %ss  execs=%s  exec/s=%s  corpus=%s files  findings=%s  rc=%s\n' \
        "$t" "$(sanitizer "$t")" "$seconds" "${units:-?}" "${execs:-?}" "$(ls "$work" | wc -l)" "$findings" "$rc"
    [ "$rc" -eq 0 ] || status=1
done
exit $status
