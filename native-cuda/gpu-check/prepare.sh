#!/usr/bin/env bash
# Builds bpa4j and assembles native-cuda/gpu-check/bundle/ (git-ignored): everything a GPU machine with the
# NVIDIA driver, the CUDA 13 libraries and Python + PyTorch — but no JDK and no network — needs to run the
# CUDA tests and benchmarks with native-cuda/gpu-check/run.sh:
#   runtime/        a jlinked Java 25 runtime
#   lib/            the project's JARs and their dependencies (the CUDA presets' native JAR stripped to the
#                   libraries bpa4j loads), the JUnit console launcher
#   test-classes/   the CUDA tests, the shared test helpers and the golden data
#   torch_bpa_gpu.py and MANIFEST.txt
# Run from anywhere on a build machine with Temurin 25, Maven, nvcc and cmake. At most 64 MiB.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
GPU_CHECK="$ROOT/native-cuda/gpu-check"
BUNDLE="$GPU_CHECK/bundle"
JDK=${BPA4J_JDK:-/usr/lib/jvm/temurin-25-jdk-amd64}
M2=${M2_REPO:-$HOME/.m2/repository}
MAX_BYTES=$((64 * 1024 * 1024))
CUDA_PRESETS=13.1-9.19-1.5.13
JAVACPP=1.5.13
JUNIT_CONSOLE=1.14.1
# what the bundle's code needs from the JDK: jdeps over JavaCPP, the presets, JUnit and the CLI, plus the
# SIMD backend's incubator module
MODULES=java.base,java.logging,java.management,java.sql,java.xml,java.naming,jdk.unsupported,jdk.incubator.vector,jdk.zipfs

say() { printf '[prepare] %s\n' "$*" >&2; }
die() { printf '[prepare] ERROR: %s\n' "$*" >&2; exit 1; }

[ -x "$JDK/bin/jlink" ] || die "no JDK 25 at $JDK (set BPA4J_JDK)"
command -v nvcc >/dev/null || [ -x /usr/local/cuda/bin/nvcc ] || die "nvcc not found: the bundle must carry the compiled kernels"
export JAVA_HOME="$JDK"
cd "$ROOT"

say "building bpa4j-api and bpa4j-native-cuda (with the kernels)"
mvn -q -pl java-api,native-cuda -am install -DskipTests -Dmaven.javadoc.skip=true -Dmaven.source.skip=true
say "building the CPU backend and the CLI (optional: the check runs without them)"
HAVE_CLI=yes
mvn -q -pl vector-cpu,cli -am install -DskipTests -Dmaven.javadoc.skip=true -Dmaven.source.skip=true || { say "WARNING: vector-cpu/cli did not build; the bundle has no CLI"; HAVE_CLI=no; }

# A module's own JAR, whatever the version: not its sources, javadoc, classifier or pre-shade copy.
main_jar() {
    ls "$1"/target/"$2"-*.jar | grep -v -e '-sources\.jar$' -e '-javadoc\.jar$' -e '-tests\.jar$' \
        -e '-linux-x86_64\.jar$' -e '/original-' | head -n 1
}
NATIVE_JAR=$(ls native-cuda/target/bpa4j-native-cuda-*-linux-x86_64.jar)
unzip -l "$NATIVE_JAR" > "$GPU_CHECK/.native-jar-listing" 2>&1 || true
grep -q "META-INF/bpa4j/cuda/bpa4j_kernels.fatbin" "$GPU_CHECK/.native-jar-listing" || die "$NATIVE_JAR has no fatbin"
rm -f "$GPU_CHECK/.native-jar-listing"

say "assembling $BUNDLE"
rm -rf "$BUNDLE"
mkdir -p "$BUNDLE/lib" "$BUNDLE/test-classes"

# the project
cp "$(main_jar java-api bpa4j-api)" "$BUNDLE/lib/"
cp "$(main_jar native-cuda bpa4j-native-cuda)" "$NATIVE_JAR" "$BUNDLE/lib/"
if [ "$HAVE_CLI" = yes ]; then
    # the CLI unshaded (the shaded JAR carries every CUDA preset library, far over the size limit), with
    # picocli and the CPU backend beside it
    "$JDK/bin/jar" --create --file "$BUNDLE/lib/bpa4j-cli-classes.jar" -C cli/target/classes . \
        -C cli-options/target/classes .
    cp "$(main_jar vector-cpu bpa4j-vector-cpu)" "$BUNDLE/lib/"
    cp "$(ls "$M2"/info/picocli/picocli/*/picocli-*.jar | grep -v -e sources -e javadoc | sort -V | tail -1)" "$BUNDLE/lib/"
fi

# JavaCPP and the CUDA presets: the Java classes, and of the native JAR only what bpa4j loads
cp "$M2/org/bytedeco/javacpp/$JAVACPP/javacpp-$JAVACPP.jar" "$M2/org/bytedeco/javacpp/$JAVACPP/javacpp-$JAVACPP-linux-x86_64.jar" \
   "$M2/org/bytedeco/cuda/$CUDA_PRESETS/cuda-$CUDA_PRESETS.jar" "$BUNDLE/lib/"
STRIP=$(mktemp -d)
trap 'rm -rf "$STRIP"' EXIT
( cd "$STRIP" && unzip -q "$M2/org/bytedeco/cuda/$CUDA_PRESETS/cuda-$CUDA_PRESETS-linux-x86_64.jar" \
    'org/bytedeco/cuda/linux-x86_64/libjnicudart.so' 'org/bytedeco/cuda/linux-x86_64/libjnicublas.so' 'META-INF/MANIFEST.MF' \
  && "$JDK/bin/jar" --create --file "$BUNDLE/lib/cuda-$CUDA_PRESETS-linux-x86_64-cudart-cublas.jar" \
       --manifest META-INF/MANIFEST.MF org )

# the JUnit console launcher (Maven Central) and the tests: native-cuda's, and test-support's classes for the
# shared helpers and the golden data
CONSOLE="$M2/org/junit/platform/junit-platform-console-standalone/$JUNIT_CONSOLE/junit-platform-console-standalone-$JUNIT_CONSOLE.jar"
[ -f "$CONSOLE" ] || mvn -q dependency:get -Dartifact=org.junit.platform:junit-platform-console-standalone:$JUNIT_CONSOLE
cp "$CONSOLE" "$BUNDLE/lib/"
cp -r native-cuda/target/test-classes/. "$BUNDLE/test-classes/"
cp -r test-support/target/classes/. "$BUNDLE/test-classes/"
[ -d "$BUNDLE/test-classes/golden/bpa" ] || die "the golden data is missing from test-support/target/classes"

cp "$GPU_CHECK/torch_bpa_gpu.py" "$BUNDLE/"

say "jlink: $MODULES"
"$JDK/bin/jlink" --add-modules "$MODULES" --strip-debug --no-man-pages --no-header-files \
    --compress zip-9 --output "$BUNDLE/runtime"
# the JDK's native libraries keep their symbol tables: stripping libjvm.so saves ~5 MB
find "$BUNDLE/runtime" -name '*.so' -exec strip --strip-unneeded {} +

{
    echo "bpa4j GPU check bundle, made $(date -u +%Y-%m-%dT%H:%M:%SZ) from $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
    echo "runtime: $("$BUNDLE/runtime/bin/java" -version 2>&1 | head -1)"
    echo "fatbin: $(unzip -l "$NATIVE_JAR" | awk '/bpa4j_kernels.fatbin/ {print $1 " bytes"}')"
    echo "cli: $HAVE_CLI"
    (cd "$BUNDLE" && ls -l lib)
} > "$BUNDLE/MANIFEST.txt"

BYTES=$(du -sb "$BUNDLE" | cut -f1)
say "bundle: $((BYTES / 1024)) KiB in $(find "$BUNDLE" -type f | wc -l) files"
[ "$BYTES" -le "$MAX_BYTES" ] || die "the bundle is $BYTES bytes, over the 64 MiB a GPU machine may be sent"

say "smoke test with the bundled runtime (no GPU expected here)"
CP="$BUNDLE/lib/*:$BUNDLE/test-classes"
"$BUNDLE/runtime/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
    -Dorg.bytedeco.javacpp.cachedir="$STRIP/javacpp-cache" -cp "$CP" org.bpa4j.cuda.GpuInfo
say "done: carry native-cuda/gpu-check/bundle to the GPU machine and run native-cuda/gpu-check/run.sh there"
