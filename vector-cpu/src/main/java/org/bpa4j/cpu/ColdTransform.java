package org.bpa4j.cpu;

import java.util.concurrent.atomic.AtomicInteger;
import org.bpa4j.Metric;
import org.bpa4j.spi.BpaOptions;

/**
 * BPA inference on one float32 set (docs/MATH.md §2) in plain scalar Java, with exactly the arithmetic of the
 * vector path it stands in for ({@link CosineCost#fillKernel}, {@link ScalingSinkhorn}, {@link SetBpa}'s
 * output rows): every fma, product and division in the same order, the dot products' float lanes kept and
 * flushed to double as {@link ScalingSweep} keeps them. So its Z is the same bits, at every vector width.
 *
 * <p>Why it exists: a JVM that has just started runs Vector API code through Java fallbacks, an object per
 * vector operation, until C2 has compiled each kernel; for n = 1000 that is most of a second of a one-shot
 * command such as {@code bpa4j transform}. Scalar loops are compiled by C1 within milliseconds. So the
 * process's first {@value #COLD_CALLS} inference call on a set of at most {@link #MAX_WORK} n²·d runs here,
 * and every later call takes the vector kernels. It covers the cosine cost on scaling vectors (ε ≥ 0.05,
 * {@link ScalingSinkhorn#MAX_RANGE}); anything else, or sums that leave the scaling range, returns false and
 * the caller runs the vector path.
 */
final class ColdTransform {
    /** Inference calls of a process that may run here. */
    static final int COLD_CALLS = 1;
    /**
     * n²·d above which the vector path wins even cold: the scalar GEMM costs about 1.5 ns an FMA a thread
     * in C1 code (n²d/2 FMAs), the vector path's warm-up about a second.
     */
    static final long MAX_WORK = 1L << 29;
    /** {@code -Dbpa4j.cpu.coldPath=false} turns it off (to time the vector path's own cold start). */
    static final boolean ENABLED = !"false".equals(System.getProperty("bpa4j.cpu.coldPath"));
    private static final AtomicInteger CALLS = new AtomicInteger();
    private static final int L = RowKernels.L;
    private static final int KC = SymmetricGram.KC;

    private ColdTransform() {
    }

    /** Whether this call should run here: one of the process's first calls, a small set, a covered cost. */
    static boolean claims(BpaOptions options, int n, int d) {
        if (!ENABLED || !covers(options, n, d) || CALLS.get() >= COLD_CALLS) {
            return false;
        }
        return CALLS.getAndIncrement() < COLD_CALLS;
    }

    /** The options and sizes this path computes. */
    static boolean covers(BpaOptions options, int n, int d) {
        return options.metric() == Metric.COSINE && 2.0 / options.reg() <= ScalingSinkhorn.MAX_RANGE
                && (long) n * n * d <= MAX_WORK;
    }

    /**
     * Z of the set x (n×d row-major) into z (n×n), as {@link SetBpa#transformInPlace} computes it. Returns null
     * when the scaling sums leave their range (the vector path then falls back to the log domain), else
     * whether every value is finite.
     */
    static Boolean transformInPlace(BpaOptions options, float[] x, int n, int d, int[] labels, ThreadTeam team,
            float[] z) {
        float[] unit = new UnitRows(x, n, d, team).unit;
        fillKernel(unit, n, d, (float) (1.0 / options.reg()), z, team);
        if (options.maskDiagonal()) {
            for (int i = 0; i < n; i++) {
                z[i * n + i] = 0f;
            }
        }
        RowChunks chunks = new RowChunks(n);
        float[] rowScale = new float[n];
        float[] colScale = new float[n];
        float maxPlan = sinkhorn(z, n, options.iterations(), chunks, team, rowScale, colScale);
        if (Float.isNaN(maxPlan)) {
            return null;
        }
        float scale = SetBpa.divisor(options, maxPlan);
        boolean[] finite = new boolean[chunks.count];
        team.forEach(chunks.count, c -> {
            boolean ok = true;
            for (int i = chunks.start(c), end = chunks.end(c); i < end; i++) {
                ok &= outputRow(options, z, n, i, rowScale[i], colScale, scale, labels);
            }
            finite[c] = ok;
        });
        return SetBpa.allTrue(finite);
    }

    /**
     * K_ij = exp((x̂_i·x̂_j − 1)·inv): each x̂_i·x̂_j an fma chain over k from 0 within each K block of
     * {@link SymmetricGram#KC}, the blocks added in order, as the GEMM's micro-kernel adds them. A product
     * commutes, so K_ji is the same bits: each task computes its rows' j ≥ i, four chains at a time (one chain
     * waits on the fma latency), and writes K_ji too; no other task writes those entries.
     */
    private static void fillKernel(float[] unit, int n, int d, float inv, float[] k, ThreadTeam team) {
        final int rowsPerTask = 8;
        team.forEach((n + rowsPerTask - 1) / rowsPerTask, t -> {
            for (int i = t * rowsPerTask, end = Math.min(n, i + rowsPerTask); i < end; i++) {
                int oi = i * d;
                int j = i;
                for (; j + 4 <= n; j += 4) {
                    int o0 = j * d;
                    int o1 = o0 + d;
                    int o2 = o1 + d;
                    int o3 = o2 + d;
                    float g0 = 0f;
                    float g1 = 0f;
                    float g2 = 0f;
                    float g3 = 0f;
                    for (int k0 = 0; k0 < d; k0 += KC) {
                        int k1 = Math.min(d, k0 + KC);
                        float a0 = 0f;
                        float a1 = 0f;
                        float a2 = 0f;
                        float a3 = 0f;
                        for (int q = k0; q < k1; q++) {
                            float x = unit[oi + q];
                            a0 = Math.fma(x, unit[o0 + q], a0);
                            a1 = Math.fma(x, unit[o1 + q], a1);
                            a2 = Math.fma(x, unit[o2 + q], a2);
                            a3 = Math.fma(x, unit[o3 + q], a3);
                        }
                        boolean first = k0 == 0;
                        g0 = first ? a0 : a0 + g0;
                        g1 = first ? a1 : a1 + g1;
                        g2 = first ? a2 : a2 + g2;
                        g3 = first ? a3 : a3 + g3;
                    }
                    store(k, n, i, j, VectorExp.exp((g0 - 1f) * inv));
                    store(k, n, i, j + 1, VectorExp.exp((g1 - 1f) * inv));
                    store(k, n, i, j + 2, VectorExp.exp((g2 - 1f) * inv));
                    store(k, n, i, j + 3, VectorExp.exp((g3 - 1f) * inv));
                }
                for (; j < n; j++) {
                    int oj = j * d;
                    float g = 0f;
                    for (int k0 = 0; k0 < d; k0 += KC) {
                        int k1 = Math.min(d, k0 + KC);
                        float acc = 0f;
                        for (int q = k0; q < k1; q++) {
                            acc = Math.fma(unit[oi + q], unit[oj + q], acc);
                        }
                        g = k0 == 0 ? acc : acc + g;
                    }
                    store(k, n, i, j, VectorExp.exp((g - 1f) * inv));
                }
            }
        });
    }

    /** K_ij and its mirror K_ji. */
    private static void store(float[] k, int n, int i, int j, float value) {
        k[i * n + j] = value;
        k[j * n + i] = value;
    }

    /**
     * {@link ScalingSinkhorn}'s T iterations on K (shift 0): each sweep's row sums (lane-kept dot products),
     * weights 1/sum, column partials per chunk and, in the last sweep, the column maxima of K_ij·a_i. Leaves
     * the last sweep's a_i and b_j in rowScale and colScale; returns max P, or NaN when a sum left its range.
     */
    private static float sinkhorn(float[] k, int n, int iterations, RowChunks chunks, ThreadTeam team,
            float[] rowScale, float[] colScale) {
        float[] b = new float[n];
        java.util.Arrays.fill(b, 1f);
        float[][] parts = new float[chunks.count][n];
        float[][] partMax = new float[chunks.count][];
        boolean[] failed = new boolean[chunks.count];
        double[] rowSum = new double[n];
        for (int t = 1; t <= iterations; t++) {
            float[] bPrev = b;
            boolean last = t == iterations;
            team.forEach(chunks.count, c -> {
                float[] part = parts[c];
                java.util.Arrays.fill(part, 0f);
                float[] pm = last ? new float[n] : null;
                partMax[c] = pm;
                failed[c] = !sweep(k, n, chunks.start(c), chunks.end(c), bPrev, part, pm, rowSum);
            });
            for (boolean f : failed) {
                if (f) {
                    return Float.NaN;
                }
            }
            double[] colSum = ChunkedSums.combine(parts, n, team);
            b = new float[n];
            for (int j = 0; j < n; j++) {
                double s = colSum[j];
                if (!(s >= ScalingSinkhorn.TINY && s <= ScalingSinkhorn.HUGE)) {
                    return Float.NaN;
                }
                b[j] = (float) (1.0 / s);
            }
        }
        for (int i = 0; i < n; i++) {
            rowScale[i] = (float) (1.0 / rowSum[i]);
        }
        System.arraycopy(b, 0, colScale, 0, n);
        return ScalingSinkhorn.maxPlan(partMax, b, n);
    }

    /**
     * {@link ScalingSweep#sweep} for rows [r0, r1): rows four at a time, then one at a time, the column partial
     * updated in the same fma order; false at a sum outside [1e-30, 1e30].
     */
    private static boolean sweep(float[] k, int n, int r0, int r1, float[] b, float[] part, float[] partMax,
            double[] rowSum) {
        float[] lanes = new float[L];
        int i = r0;
        int group = r1 - r0 >= 4 ? 4 : 1;
        while (i < r1) {
            if (group == 4 && i + 4 > r1) {
                group = 1;
            }
            float[] c = new float[group];
            for (int r = 0; r < group; r++) {
                double s = dot(k, (i + r) * n, b, n, lanes);
                if (!(s >= ScalingSinkhorn.TINY && s <= ScalingSinkhorn.HUGE)) {
                    return false;
                }
                rowSum[i + r] = s;
                c[r] = (float) (1.0 / s);
            }
            int o = i * n;
            for (int j = 0; j < n; j++) {
                float acc = part[j];
                for (int r = 0; r < group; r++) {
                    acc = Math.fma(c[r], k[o + r * n + j], acc);
                }
                part[j] = acc;
            }
            if (partMax != null) {
                for (int j = 0; j < n; j++) {
                    float m = partMax[j];
                    for (int r = 0; r < group; r++) {
                        m = Math.max(m, k[o + r * n + j] * c[r]);
                    }
                    partMax[j] = m;
                }
            }
            i += group;
        }
        return true;
    }

    /**
     * Σ_j a[o + j]·b[j] as the vector dot products sum it: L float lanes of fma chains, added in lane order
     * to a double every {@value RowKernels#FLUSH} vectors and at the end, then the tail's float products.
     */
    private static double dot(float[] a, int o, float[] b, int n, float[] lanes) {
        java.util.Arrays.fill(lanes, 0f);
        double total = 0;
        int blocks = 0;
        int bound = n - n % L;
        int j = 0;
        for (; j < bound; j += L) {
            for (int l = 0; l < L; l++) {
                lanes[l] = Math.fma(a[o + j + l], b[j + l], lanes[l]);
            }
            if (++blocks == RowKernels.FLUSH) {
                total += RowKernels.sumLanes(lanes);
                java.util.Arrays.fill(lanes, 0f);
                blocks = 0;
            }
        }
        total += RowKernels.sumLanes(lanes);
        for (; j < n; j++) {
            total += a[o + j] * b[j];
        }
        return total;
    }

    /**
     * Row i of Z over row i of K (steps 4–7): P_ij = (K_ij·a_i)·b_j, then P/scale or σ as P/(1 + P), divided
     * by the scale; the label block and the masked diagonal last. Returns whether the row is finite.
     */
    private static boolean outputRow(BpaOptions options, float[] k, int n, int i, float a, float[] b, float scale,
            int[] labels) {
        int o = i * n;
        boolean sigmoid = options.sigmoid();
        boolean finite = true;
        for (int j = 0; j < n; j++) {
            float p = (k[o + j] * a) * b[j];
            float zij = sigmoid ? (p / (p + 1f)) / scale : p / scale;
            k[o + j] = zij;
            finite &= Float.isFinite(zij);
        }
        SetBpa.overwriteKnown(options, labels, i, k, o);
        return finite;
    }
}
