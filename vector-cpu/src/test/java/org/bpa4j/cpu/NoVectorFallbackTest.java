package org.bpa4j.cpu;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;
import org.bpa4j.BamLoss;
import org.bpa4j.DType;
import org.bpa4j.Metric;
import org.bpa4j.Tensor;
import org.bpa4j.spi.BamOptions;
import org.bpa4j.spi.BpaOptions;
import org.bpa4j.spi.BpaPass;
import org.bpa4j.testing.RandomTensors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Once C2 has compiled the kernels, no Vector API operation of the backend may run as Java code: an
 * intrinsic C2 refuses for this species or CPU (a gather, a mask operation, a species wider than the JVM's
 * vectors) runs the operation's Java fallback instead, lane by lane (BENCHMARKS.md §0.0: a gather's index
 * check did this at 512 bits on a Zen 4, in {@code bin/bpa4j}'s JVM, and made the forward 6–8× slower; this
 * test's JVM compiled that gather, so it guards the kind of fault, not that one case).
 *
 * <p>Each case is called on two threads until two calls in a row allocate no more than a few times its own
 * matrices (code C2 has not compiled yet allocates an object per vector operation), and fails if that never
 * happens. Then JFR samples the warm calls, and the case fails when more than a fifth of the samples are in
 * a fallback: the Vector API's per-lane helpers ({@code bOp}, {@code vOp}, {@code bTest}, ... and their
 * lambdas), which never run where the intrinsic is used. A hot kernel that falls back fills about half of
 * the samples; a rarely called one still being compiled, a few per cent. The per-width runs repeat it at
 * 128, 256 and 512 bits.
 */
class NoVectorFallbackTest {
    /** The Vector API's per-lane fallback helpers (jdk.incubator.vector's bOp, uOp, tOp, ... and lambdas). */
    private static final Set<String> FALLBACK_METHODS = Set.of("bOp", "uOp", "tOp", "vOp", "bTest", "ldOp", "stOp",
            "ldLongOp", "stLongOp", "rOp", "fromBitsCoerced");
    private static final long SAMPLED_NANOS = 1_000_000_000L;

    /** Generous: C2 compiles these kernels in a few seconds, longer on a loaded 2-core machine. */
    private static final long DEADLINE_NANOS = 90_000_000_000L;
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @BeforeAll
    static void widthAsRequested() {
        RequestedVectorWidth.checkOrSkip();
    }

    @Test
    void bpaForwardAndBackward() {
        int n = 600;
        Tensor x = RandomTensors.gaussian(1, n, 48).to(DType.FLOAT32);
        Tensor g = RandomTensors.gaussian(2, n, n).to(DType.FLOAT32);
        CpuBackend backend = new CpuBackend(2);
        for (Metric metric : Metric.values()) {
            BpaOptions options = new BpaOptions(metric, 0.1, 10, false, true, true, DType.FLOAT32);
            // K and its plan, Z, ∂Z's copy and the gradient's n×n workspaces: 9–12 n×n float matrices measured
            assertSettles(metric + " BPA forward and backward", 24L * n * n * Float.BYTES, () -> {
                BpaPass pass = backend.bpa(options, x, null);
                return pass.backward(g);
            });
            // K (or logK) and Z: 2–5 n×n matrices measured
            assertSettles(metric + " BPA inference", 12L * n * n * Float.BYTES,
                    () -> backend.bpaInference(options, x, null).z());
        }
    }

    @Test
    void bamLossAndGradient() {
        BamOptions options = CpuBamTest.options(BamLoss.builder().largeCrops(2).localCrops(6).build());
        int batch = 32;
        int rows = batch * options.views();
        int targets = batch * options.targetCrops();
        int d = 64;
        Tensor z = RandomTensors.gaussian(3, rows, d).to(DType.FLOAT32);
        // Q (and its target), the kernel, the plan and ∂Q: about six N×N_t matrices, plus z-shaped arrays;
        // about 2.5 times that measured
        long own = (6L * rows * targets + 8L * rows * d) * Float.BYTES;
        assertSettles("BAM loss and gradient", 6 * own, () -> {
            CpuBam pass = CpuBam.compute(options, z, null, ThreadTeam.of(2));
            return pass.gradient(1);
        });
    }

    /**
     * Calls {@code call} until two calls in a row allocate at most {@code budget} bytes each
     * (two: a process's first small inference takes the scalar cold path, {@link ColdTransform}).
     */
    private static void assertSettles(String what, long budget, Supplier<Object> call) {
        long start = System.nanoTime();
        long last = Long.MAX_VALUE;
        int calls = 0;
        int within = 0;
        while (System.nanoTime() - start < DEADLINE_NANOS) {
            long before = allocatedBytes();
            Object result = call.get();
            last = allocatedBytes() - before;
            calls++;
            assertTrue(result != null, what + " returned nothing");
            within = last <= budget ? within + 1 : 0;
            if (within == 2) {
                assertNoFallbackSamples(what, call);
                return;
            }
        }
        throw new AssertionError(what + ": after " + calls + " calls each still allocates " + last
                + " bytes against its own arrays' budget of " + budget + ": a Vector API operation runs as Java"
                + " code (JFR's jdk.ExecutionSample names it)");
    }

    /**
     * The fallback a sample is in, named with the backend's method and line that ran it
     * ("Float512Vector.bOp in BamRows.max line 36"), or null when it is in none.
     */
    private static String fallbackIn(RecordedEvent sample) {
        String fallback = null;
        for (RecordedFrame frame : sample.getStackTrace().getFrames()) {
            String type = frame.getMethod().getType().getName();
            String method = frame.getMethod().getName();
            String simple = type.substring(type.lastIndexOf('.') + 1) + "." + method;
            boolean vectorApi = type.startsWith("jdk.incubator.vector.") || type.startsWith("jdk.internal.vm.vector.");
            if (fallback == null && vectorApi && (FALLBACK_METHODS.contains(method) || method.startsWith("lambda$"))) {
                fallback = simple;
            } else if (fallback != null && type.startsWith("org.bpa4j.")) {
                return fallback + " in " + simple + " line " + frame.getLineNumber();
            }
        }
        return fallback;
    }

    /** Bytes allocated so far by all live threads (the caller and the backend's team). */
    private static long allocatedBytes() {
        long total = 0;
        for (long bytes : THREADS.getThreadAllocatedBytes(THREADS.getAllThreadIds())) {
            total += Math.max(0, bytes);
        }
        return total;
    }

    /** Samples warm calls of {@code call} with JFR; fails where a fifth of the samples are in a fallback. */
    private static void assertNoFallbackSamples(String what, Supplier<Object> call) {
        Map<String, Integer> fallbacks = new TreeMap<>();
        int samples = 0;
        Path file = null;
        try (Recording recording = new Recording()) {
            recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(1));
            recording.start();
            long start = System.nanoTime();
            int calls = 0;
            while (calls < 3 || System.nanoTime() - start < SAMPLED_NANOS) {
                call.get();
                calls++;
            }
            recording.stop();
            file = Files.createTempFile("bpa4j-fallback", ".jfr");
            recording.dump(file);
            for (RecordedEvent event : RecordingFile.readAllEvents(file)) {
                // every thread's samples in the backend: the team's workers run most of a call
                if (!event.getEventType().getName().equals("jdk.ExecutionSample")
                        || event.getStackTrace() == null || event.getStackTrace().getFrames().stream()
                                .noneMatch(f -> f.getMethod().getType().getName().startsWith("org.bpa4j.cpu."))) {
                    continue;
                }
                samples++;
                String fallback = fallbackIn(event);
                if (fallback != null) {
                    fallbacks.merge(fallback, 1, Integer::sum);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("could not write or read the JFR recording", e);
        } finally {
            if (file != null) {
                file.toFile().delete();
            }
        }
        int inFallback = fallbacks.values().stream().mapToInt(Integer::intValue).sum();
        assertTrue(samples >= 50, what + ": only " + samples + " JFR samples of the calling thread");
        assertTrue(inFallback * 5 <= samples, what + ": " + inFallback + " of " + samples
                + " samples of warm calls run Vector API fallbacks (Java code, not SIMD): " + fallbacks);
    }
}
