#!/usr/bin/env bash
# BPA on the CPU: bpa4j's cpu backend (bpa4j bench) and plain PyTorch (bench/torch_bpa.py) on the same
# sizes, threads and options, one after the other in the same run, with the ratios torch / bpa4j.
#
#   bench/compare_cpu.sh [--sizes 1000x128,4096x128] [--batch B] [--threads 2] [--runs 5] [--warmup-seconds 5]
#
# bpa4j runs with BPA4J_JAVA_OPTS (default: a fixed, pre-touched 3 GiB heap, so that page faults on
# fresh heap are not timed: see BENCHMARKS.md); torch with torch.set_num_threads(threads).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
sizes=1000x128,4096x128
batch=1
threads=2
runs=5
warmup_seconds=5
while [ $# -gt 0 ]; do
    case $1 in
        --sizes) sizes=$2; shift 2 ;;
        --batch) batch=$2; shift 2 ;;
        --threads) threads=$2; shift 2 ;;
        --runs) runs=$2; shift 2 ;;
        --warmup-seconds) warmup_seconds=$2; shift 2 ;;
        *) echo "compare_cpu.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
export BPA4J_JAVA_OPTS="${BPA4J_JAVA_OPTS:--Xms3g -Xmx3g -XX:+AlwaysPreTouch} -Dbpa4j.threads=$threads"
ours=$(mktemp)
theirs=$(mktemp)
trap 'rm -f "$ours" "$theirs"' EXIT
"$ROOT/bin/bpa4j" bench --backend cpu --sizes "$sizes" --batch "$batch" --runs "$runs" \
    --warmup-seconds "$warmup_seconds" --format tsv >"$ours"
/usr/bin/python3 "$ROOT/bench/torch_bpa.py" --device cpu --sizes "$sizes" --batch "$batch" --threads "$threads" \
    --runs "$runs" --format tsv >"$theirs"
/usr/bin/python3 - "$ours" "$theirs" "$batch" "$threads" <<'PY'
import sys
def rows(path):
    lines = [l.rstrip("\n").split("\t") for l in open(path) if l.strip()]
    return {(r[1], r[2]): (float(r[3]), float(r[4])) for r in lines[1:]}
ours, theirs, batch, threads = rows(sys.argv[1]), rows(sys.argv[2]), sys.argv[3], sys.argv[4]
print(f"| n | d | batch | threads | bpa4j cpu forward ms | torch forward ms | ratio | "
      f"bpa4j cpu fwd+bwd ms | torch fwd+bwd ms | ratio |")
print("|---|---|---|---|---|---|---|---|---|---|")
for key in ours:
    of, ob = ours[key]
    tf, tb = theirs[key]
    print(f"| {key[0]} | {key[1]} | {batch} | {threads} | {of:.2f} | {tf:.2f} | {tf / of:.1f}x | "
          f"{ob:.2f} | {tb:.2f} | {tb / ob:.1f}x |")
PY
