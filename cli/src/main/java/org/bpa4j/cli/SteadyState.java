package org.bpa4j.cli;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.function.LongSupplier;

/**
 * How {@code bpa4j bench} times a workload once the JIT is done with it: warm-up rounds (one forward, one
 * forward+backward each) until the round times settle — the median of the last {@value #WINDOW} rounds
 * within a tolerance of the median of the {@value #WINDOW} before, and the JIT compiler idle over the last
 * {@value #WINDOW} (it spent at most {@value #JIT_SHARE} of their time compiling) — or a time cap passes;
 * then each kind of
 * call timed back to back, as a server or a trainer makes it (a forward right after a backward would be
 * timed with the backward's matrices in its caches and its garbage to collect).
 */
final class SteadyState {
    static final int WINDOW = 5;
    /**
     * The share of the last rounds' wall time the JIT may still spend compiling in a settled state. Round
     * times alone settled while C2 was still compiling kernels on the cores the rounds run on: the first size
     * of a run then came out up to three times slower than the same size timed again in the same process.
     */
    static final double JIT_SHARE = 0.02;
    /** Small workloads warm up in milliseconds; this bounds the count, not the time. */
    private static final int MAX_ROUNDS = 100_000;

    /** One call of each kind, its result consumed. */
    interface Workload {
        void forward();

        void forwardBackward();
    }

    /**
     * @param minRounds warm-up rounds at least
     * @param minSeconds warm-up time at least
     * @param maxSeconds warm-up time at most, settled or not (at least minRounds are run)
     * @param tolerance relative change of the windowed median that counts as settled, e.g. 0.03
     */
    record Settings(int minRounds, double minSeconds, double maxSeconds, double tolerance) {
    }

    private SteadyState() {
    }

    /** Runs warm-up rounds as the settings say; returns how many. */
    static int warmUp(Workload work, Settings settings) {
        return warmUp(work, settings, SteadyState::compileMillis);
    }

    /** {@link #warmUp(Workload, Settings)} with the JIT's total compile time read from {@code jitMillis}. */
    static int warmUp(Workload work, Settings settings, LongSupplier jitMillis) {
        long start = System.nanoTime();
        double[] rounds = new double[2 * WINDOW];
        long[] jit = new long[WINDOW + 1];
        jit[0] = jitMillis.getAsLong();
        int count = 0;
        while (count < MAX_ROUNDS) {
            double elapsed = (System.nanoTime() - start) / 1e9;
            boolean enough = count >= settings.minRounds() && elapsed >= settings.minSeconds();
            if (enough && (elapsed >= settings.maxSeconds()
                    || settled(rounds, count, settings.tolerance()) && jitIdle(rounds, jit, count))) {
                break;
            }
            long t0 = System.nanoTime();
            work.forward();
            work.forwardBackward();
            rounds[count % rounds.length] = (System.nanoTime() - t0) / 1e6;
            count++;
            jit[count % jit.length] = jitMillis.getAsLong();
        }
        return count;
    }

    /**
     * Whether the JIT spent at most {@link #JIT_SHARE} of the last WINDOW rounds' time compiling. {@code jit}
     * holds the total compile time after each of the last WINDOW + 1 rounds (index: rounds done, mod its length);
     * a JVM that does not report it (a negative total) counts as idle.
     */
    static boolean jitIdle(double[] ring, long[] jit, int count) {
        if (count < WINDOW) {
            return false;
        }
        long now = jit[count % jit.length];
        long before = jit[(count - WINDOW) % jit.length];
        if (now < 0 || before < 0) {
            return true;
        }
        double wall = 0;
        for (int i = 0; i < WINDOW; i++) {
            wall += ring[(count - 1 - i) % ring.length];
        }
        return now - before <= JIT_SHARE * wall;
    }

    /** Milliseconds the JIT compilers have spent so far, or −1 where the JVM does not report it. */
    static long compileMillis() {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : -1;
    }

    /** Whether the last WINDOW rounds' median is within tolerance of the WINDOW before. */
    static boolean settled(double[] ring, int count, double tolerance) {
        if (count < 2 * WINDOW) {
            return false;
        }
        double[] recent = new double[WINDOW];
        double[] before = new double[WINDOW];
        for (int i = 0; i < WINDOW; i++) {
            recent[i] = ring[(count - 1 - i) % ring.length];
            before[i] = ring[(count - 1 - WINDOW - i) % ring.length];
        }
        double a = median(recent);
        double b = median(before);
        return Math.abs(a - b) <= tolerance * b;
    }

    /** Median milliseconds of forward, then of forward+backward, each timed in a series of {@code runs}. */
    static double[] time(Workload work, int runs) {
        double[] forward = new double[runs];
        for (int r = 0; r < runs; r++) {
            long t0 = System.nanoTime();
            work.forward();
            forward[r] = (System.nanoTime() - t0) / 1e6;
        }
        double[] both = new double[runs];
        for (int r = 0; r < runs; r++) {
            long t0 = System.nanoTime();
            work.forwardBackward();
            both[r] = (System.nanoTime() - t0) / 1e6;
        }
        return new double[] {median(forward), median(both)};
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int m = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
    }
}
