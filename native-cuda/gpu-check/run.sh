#!/usr/bin/env bash
# The GPU check: run from the repository root on a GPU machine (NVIDIA driver, CUDA 13 libraries, Python
# with PyTorch; no JDK or network needed) after native-cuda/gpu-check/prepare.sh has made the bundle:
#
#   OUT=/some/folder bash native-cuda/gpu-check/run.sh
#
# Cheapest checks first, each step under its own timeout and the whole under ~7.5 minutes; a failing step
# is recorded and the next one runs. Writes into $OUT (7 files):
#   summary.txt        one line per step (OK / FAILED rc / TIMEOUT), the benchmark table and ratios
#   1-environment.log  nvidia-smi, libraries found, the bundled Java, bpa4j info
#   2-first-golden.log one golden BPA case on the GPU (the earliest sign that kernels load and agree), then
#                      the golden BAM cases and the small-set kernels against the reference
#   3-cuda-tests.log   every CUDA test (JUnit console, tree with reasons)
#   4-bench-bpa4j.log  bpa4j's CUDA timings: end to end and device-only, n=4096 and 1000 episodes of 80x640
#                      (forward and forward+backward, small-set and multi-launch kernels)
#   5-bench-torch.log  the same math in plain PyTorch on the same GPU
#   6-bench-cli.log    `bpa4j bench --backend cuda` and `--backend cpu`
#   7-sanitizer.log    compute-sanitizer (memcheck, racecheck, synccheck) over the golden and small-set
#                      tests, when the machine has it (with what time is left)
#   junit-*/           JUnit XML reports of every test step; hs_err_*.log if a JVM crashed
#
# BPA4J_SYNC_EACH_LAUNCH=1 runs every JVM with -Dbpa4j.cuda.syncEachLaunch=true: the stream is synchronised
# after each kernel launch, so an asynchronous fault names the kernel that caused it (slow; the first golden
# case is rerun that way by itself when it fails).
set -u

ROOT=$(pwd)
BUNDLE="$ROOT/native-cuda/gpu-check/bundle"
OUT=${OUT:?set OUT to the folder that receives the summary and logs}
mkdir -p "$OUT"
SUMMARY="$OUT/summary.txt"
START=$(date +%s)
DEADLINE=$((START + 450))  # 7.5 minutes: steps are cut to fit what is left
WORK=$(mktemp -d "${TMPDIR:-/tmp}/bpa4j-gpu-check.XXXXXX")
: > "$SUMMARY"

note() { printf '%s\n' "$*" | tee -a "$SUMMARY"; }

# step NAME TIMEOUT_S LOG COMMAND...: runs with the smaller of its timeout and the time left, appending
# stdout and stderr to LOG; records the outcome in the summary. Never stops the script.
step() {
    local name=$1 limit=$2 log=$3
    shift 3
    local now left rc t0
    now=$(date +%s)
    left=$((DEADLINE - now))
    if [ "$left" -lt 15 ]; then
        note "SKIPPED  $name (no time left)"
        return 0
    fi
    [ "$limit" -gt "$left" ] && limit=$left
    printf '\n===== %s (timeout %ss) =====\n$ %s\n' "$name" "$limit" "$*" >> "$log"
    t0=$(date +%s)
    timeout --kill-after=10 "$limit" "$@" >> "$log" 2>&1
    rc=$?
    local took=$(( $(date +%s) - t0 ))
    if [ $rc -eq 0 ]; then
        note "OK       $name (${took}s)"
    elif [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
        note "TIMEOUT  $name after ${took}s"
    else
        note "FAILED   $name: exit $rc after ${took}s (see $(basename "$log"))"
    fi
    return 0
}

note "bpa4j GPU check, $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(hostname)"
[ -f "$BUNDLE/MANIFEST.txt" ] && note "bundle: $(head -1 "$BUNDLE/MANIFEST.txt")"
if [ ! -f "$BUNDLE/runtime/bin/java" ]; then
    note "FAILED   no bundle at $BUNDLE: run native-cuda/gpu-check/prepare.sh on a build machine and carry the folder"
    exit 1
fi
# a copy of the bundle may have lost its execute bits
chmod +x "$BUNDLE"/runtime/bin/* 2>/dev/null
[ -f "$BUNDLE/runtime/lib/jspawnhelper" ] && chmod +x "$BUNDLE/runtime/lib/jspawnhelper"

# --- the CUDA libraries on the library path before any JVM starts
ENVLOG="$OUT/1-environment.log"
# the known locations first (the toolkit, the distribution's folders, PyTorch's wheels, which carry the CUDA
# libraries in site-packages/nvidia/*/lib), then the loader's cache, and a bounded find only as the last resort
KNOWN="/usr/local/cuda/lib64 /usr/local/cuda-13.0/lib64 /usr/local/cuda-13/lib64 /usr/local/cuda/targets/x86_64-linux/lib /usr/lib/x86_64-linux-gnu /usr/lib64"
TORCH_LIBS=$(timeout 20 python3 -c "import site,glob,os; print(' '.join(sorted(set(os.path.dirname(p) for s in site.getsitepackages() for p in glob.glob(os.path.join(s,'nvidia','*','lib','*.so*'))))))" 2>/dev/null)
LIBDIRS=""
for lib in libcudart.so.13 libcublas.so.13 libcublasLt.so.13; do
    dir=""
    for d in $KNOWN $TORCH_LIBS; do
        if [ -e "$d/$lib" ]; then dir=$d; break; fi
    done
    [ -z "$dir" ] && dir=$( (ldconfig -p 2>/dev/null | awk -v l="$lib" '$1 == l {print $NF; exit}' | xargs -r dirname) )
    if [ -z "$dir" ]; then
        dir=$(timeout 30 find /usr/local /usr/lib /usr/lib64 /opt "$HOME" -name "$lib" -print -quit 2>/dev/null | xargs -r dirname)
    fi
    [ -n "$dir" ] && LIBDIRS="$LIBDIRS:$dir"
    echo "$lib: ${dir:-NOT FOUND}" >> "$ENVLOG"
done
LIBDIRS=${LIBDIRS#:}
export LD_LIBRARY_PATH="$LIBDIRS${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
echo "LD_LIBRARY_PATH=$LD_LIBRARY_PATH" >> "$ENVLOG"

JAVA="$BUNDLE/runtime/bin/java"
# every JAR spelt out: the JUnit console does not expand a "lib/*" wildcard as the java launcher does
CP=$(printf '%s:' "$BUNDLE"/lib/*.jar)"$BUNDLE/test-classes"
# JavaCPP unpacks its JNI libraries into a cache inside the bundle folder (not /tmp, which may be small,
# shared or noexec); a JVM that crashes leaves its hs_err file with the results
JVM=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx20g
     -Dorg.bytedeco.javacpp.cachedir="$BUNDLE/javacpp-cache" "-XX:ErrorFile=$OUT/hs_err_%p.log")
[ "${BPA4J_SYNC_EACH_LAUNCH:-0}" = 1 ] && JVM+=(-Dbpa4j.cuda.syncEachLaunch=true)
CONSOLE=$(ls "$BUNDLE"/lib/junit-platform-console-standalone-*.jar)
CLI_JAR=$(ls "$BUNDLE"/lib/bpa4j-cli-classes.jar 2>/dev/null)
# the JUnit console launcher, as a command (timeout cannot run a shell function)
JUNIT=("$JAVA" "${JVM[@]}" -jar "$CONSOLE" execute --class-path "$CP" --disable-banner --details=tree
       --details-theme=ascii --disable-ansi-colors --fail-if-no-tests)


# 1. environment and availability
step "nvidia-smi" 30 "$ENVLOG" nvidia-smi
step "GPU summary" 20 "$ENVLOG" nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm,clocks.max.mem --format=csv
step "bundled Java" 20 "$ENVLOG" "$JAVA" -version
step "bpa4j backends (info)" 60 "$ENVLOG" "$JAVA" "${JVM[@]}" -cp "$CP" org.bpa4j.cuda.GpuInfo
if [ -n "$CLI_JAR" ]; then
    step "bpa4j info (CLI)" 60 "$ENVLOG" "$JAVA" "${JVM[@]}" -cp "$CP" org.bpa4j.cli.Main info
fi

# 2. one golden case first, then 3. every CUDA test
FIRST_GOLDEN='org.bpa4j.cuda.CudaGoldenTest#bpaOutputAndGradient(org.bpa4j.testing.GoldenCase)'
step "first golden case" 90 "$OUT/2-first-golden.log" "${JUNIT[@]}" --reports-dir "$OUT/junit-first-golden" \
    --select-method "$FIRST_GOLDEN"
if grep -q '^FAILED   first golden case' "$SUMMARY"; then
    # the same with a synchronisation after every launch: the failure then names its kernel
    step "first golden case, synchronised after each launch" 120 "$OUT/2-first-golden.log" \
        "$JAVA" "${JVM[@]}" -Dbpa4j.cuda.syncEachLaunch=true -jar "$CONSOLE" execute --class-path "$CP" \
        --disable-banner --details=tree --details-theme=ascii --disable-ansi-colors --fail-if-no-tests \
        --reports-dir "$OUT/junit-first-golden-sync" --select-method "$FIRST_GOLDEN"
fi
step "BAM golden cases and random inputs" 90 "$OUT/2-first-golden.log" "${JUNIT[@]}" --reports-dir "$OUT/junit-bam" \
    --select-class org.bpa4j.cuda.CudaBamTest
step "small-set kernels on batches" 90 "$OUT/2-first-golden.log" "${JUNIT[@]}" --reports-dir "$OUT/junit-small-sets" \
    --select-class org.bpa4j.cuda.CudaSmallSetTest
# KernelConstantsTest reads the CUDA headers from the source tree, which the bundle does not carry: it runs in every build
step "CUDA tests" 180 "$OUT/3-cuda-tests.log" "${JUNIT[@]}" --reports-dir "$OUT/junit-all" --select-package org.bpa4j.cuda \
    --exclude-classname ".*KernelConstantsTest"

# 4.-6. benchmarks
BENCH="$OUT/4-bench-bpa4j.log"
step "bpa4j cuda, n=1000/4096 d=128" 90 "$BENCH" "$JAVA" "${JVM[@]}" -cp "$CP" org.bpa4j.cuda.GpuBench \
    --backend cuda --sizes 1000x128,4096x128 --iterations 10 --repeats 10
step "bpa4j cuda, 1000 episodes 80x640 (small-set and multi-launch)" 120 "$BENCH" "$JAVA" "${JVM[@]}" -cp "$CP" org.bpa4j.cuda.GpuBench \
    --backend cuda --sizes 80x640 --batch 1000 --iterations 10 --repeats 10
TORCH="$OUT/5-bench-torch.log"
step "torch cuda, n=1000/4096 d=128" 90 "$TORCH" python3 "$BUNDLE/torch_bpa_gpu.py" --device cuda \
    --sizes 1000x128,4096x128 --iterations 10 --format tsv
step "torch cuda, 1000 episodes 80x640" 60 "$TORCH" python3 "$BUNDLE/torch_bpa_gpu.py" --device cuda \
    --sizes 80x640 --batch 1000 --iterations 10 --format tsv
CLI="$OUT/6-bench-cli.log"
if [ -n "$CLI_JAR" ]; then
    step "bpa4j bench --backend cuda" 60 "$CLI" "$JAVA" "${JVM[@]}" -cp "$CP" org.bpa4j.cli.Main bench \
        --backend cuda --sizes 1000x128,4096x128 --iterations 10 --format tsv
    step "bpa4j bench --backend cuda --batch 1000" 60 "$CLI" "$JAVA" "${JVM[@]}" -cp "$CP" org.bpa4j.cli.Main bench \
        --backend cuda --sizes 80x640 --batch 1000 --iterations 10 --format tsv
    step "bpa4j bench --backend cpu" 60 "$CLI" "$JAVA" "${JVM[@]}" -cp "$CP" org.bpa4j.cli.Main bench \
        --backend cpu --sizes 1000x128,4096x128 --iterations 10 --format tsv
else
    note "SKIPPED  bpa4j bench (the bundle has no CLI JAR)"
fi

# 7. compute-sanitizer over the golden and the small-set tests, where the machine has it: out-of-range and
# misaligned accesses (memcheck), shared-memory races (racecheck), misused barriers (synccheck)
SANITIZER=$(command -v compute-sanitizer || ls /usr/local/cuda/bin/compute-sanitizer /usr/local/cuda-13*/bin/compute-sanitizer 2>/dev/null | head -1)
SANLOG="$OUT/7-sanitizer.log"
if [ -n "$SANITIZER" ]; then
    for tool in memcheck racecheck synccheck; do
        for cls in CudaGoldenTest CudaSmallSetTest; do
            step "compute-sanitizer --tool $tool, $cls" 60 "$SANLOG" "$SANITIZER" --tool "$tool" --target-processes all \
                --error-exitcode 3 --print-limit 20 "$JAVA" "${JVM[@]}" -jar "$CONSOLE" execute --class-path "$CP" \
                --disable-banner --details=summary --disable-ansi-colors --fail-if-no-tests \
                --reports-dir "$OUT/junit-sanitizer-$tool-$cls" --select-class "org.bpa4j.cuda.$cls"
        done
    done
else
    note "SKIPPED  compute-sanitizer (not on this machine)"
fi

# --- the table and the ratios the targets are stated in
{
    echo
    echo "== timings (ms; bpa4j forward_ms/forward_backward_ms are end to end from host memory, device_* are the"
    echo "   GPU work alone with X and dL/dZ on the device; torch keeps its tensors on the GPU) =="
    grep -h -E '^(backend|cuda|cpu|reference|torch-cuda|torch-cpu)[[:space:]]' "$BENCH" "$TORCH" "$CLI" 2>/dev/null
    echo
    echo "== ratios (torch time / bpa4j time: above 1 means bpa4j is faster) =="
    awk -F'\t' '
        FILENAME ~ /4-bench-bpa4j/ && $1 == "cuda" {
            key = $2 "x" $3 "x" $4; row = key " " $5
            rows[row] = key; fwd[row] = $6; fb[row] = $7; dfwd[row] = $8; dfb[row] = $9; gbps[row] = $10 }
        FILENAME ~ /5-bench-torch/ && $1 == "torch-cuda" { key = $2 "x" $3 "x" $4; tf[key] = $5; tfb[key] = $6 }
        END {
            for (r in rows) {
                k = rows[r]
                if (k in tf) {
                    printf "%s: forward  %.1fx device-only, %.1fx end-to-end\n", r, tf[k] / dfwd[r], tf[k] / fwd[r]
                    printf "%s: fwd+bwd  %.1fx device-only, %.1fx end-to-end\n", r, tfb[k] / dfb[r], tfb[k] / fb[r]
                }
                printf "%s: streaming the n*n floats once per iteration in the device-only forward time = %s GB/s\n", r, gbps[r]
            }
        }' "$BENCH" "$TORCH" 2>/dev/null
    echo
    echo "finished in $(( $(date +%s) - START ))s"
} >> "$SUMMARY"
cat "$SUMMARY"
rm -rf "$WORK"
exit 0
