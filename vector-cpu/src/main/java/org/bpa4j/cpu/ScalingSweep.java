package org.bpa4j.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The sweep every Sinkhorn step on scaling vectors is made of, over a block of rows of K: per row the dot
 * product with a vector b, a weight c_i derived from it, and the column partial part += c_i K_i·. Rows go
 * four at a time: the four dot products are independent chains that share each load of b (one chain a row
 * waits on the FMA latency and reaches half the cache's bandwidth), and the four rows, still in L1, update
 * the partial with one load and one store of it. Row tails (n mod the vector length) are scalar loops:
 * masked vector operations there cost more than the rest of a 1000-wide row. The grouping is fixed by the
 * chunk bounds, never by the thread count.
 */
final class ScalingSweep {
    private static final VectorSpecies<Float> F = RowKernels.F;
    private static final int L = RowKernels.L;
    private static final int FLUSH = RowKernels.FLUSH;

    /** The weight of row i given its dot product; NaN stops a sweep that stops on NaN. */
    interface RowWeight {
        double weight(int row, double dot);
    }

    private ScalingSweep() {
    }

    /**
     * For rows i in [r0, r1) of the n×n row-major k: c_i = weight(i, Σ_j k_ij b_j), then part[j] += c_i k_ij
     * for j &lt; n. With {@code stopOnNaN}, returns false at the first NaN weight, with part partly updated
     * (a forward sweep whose sums left the safe range); otherwise NaN flows on like any other weight.
     * With {@code partMax} (else null), partMax[j] also becomes the max of itself and every fl(k_ij · c_i):
     * the last forward sweep finds the plan's column maxima on its way.
     */
    static boolean sweep(float[] k, int n, int r0, int r1, float[] b, float[] part, RowWeight weight,
            boolean stopOnNaN, float[] lanes, float[] partMax) {
        double[] dots = new double[4];
        int i = r0;
        for (; i + 4 <= r1; i += 4) {
            dot4(k, i * n, n, b, dots, lanes);
            float c0 = (float) weight.weight(i, dots[0]);
            float c1 = (float) weight.weight(i + 1, dots[1]);
            float c2 = (float) weight.weight(i + 2, dots[2]);
            float c3 = (float) weight.weight(i + 3, dots[3]);
            if (stopOnNaN && (Float.isNaN(c0) || Float.isNaN(c1) || Float.isNaN(c2) || Float.isNaN(c3))) {
                return false;
            }
            axpy4(c0, c1, c2, c3, k, i * n, n, part);
            if (partMax != null) {
                max4(c0, c1, c2, c3, k, i * n, n, partMax);
            }
        }
        for (; i < r1; i++) {
            float c = (float) weight.weight(i, RowKernels.dot(k, i * n, b, n, lanes));
            if (stopOnNaN && Float.isNaN(c)) {
                return false;
            }
            RowKernels.axpy(c, k, i * n, part, n);
            if (partMax != null) {
                for (int j = 0; j < n; j++) {
                    partMax[j] = Math.max(partMax[j], k[i * n + j] * c);
                }
            }
        }
        return true;
    }

    /** dots[r] = Σ_j a[o + r·n + j] b[j] for r &lt; 4, j &lt; n: float lanes flushed to double, then the tail. */
    private static void dot4(float[] a, int o, int n, float[] b, double[] dots, float[] lanes) {
        FloatVector s0 = FloatVector.zero(F);
        FloatVector s1 = s0;
        FloatVector s2 = s0;
        FloatVector s3 = s0;
        double t0 = 0;
        double t1 = 0;
        double t2 = 0;
        double t3 = 0;
        int o1 = o + n;
        int o2 = o1 + n;
        int o3 = o2 + n;
        int blocks = 0;
        int j = 0;
        for (int bound = F.loopBound(n); j < bound; j += L) {
            FloatVector bj = FloatVector.fromArray(F, b, j);
            s0 = FloatVector.fromArray(F, a, o + j).fma(bj, s0);
            s1 = FloatVector.fromArray(F, a, o1 + j).fma(bj, s1);
            s2 = FloatVector.fromArray(F, a, o2 + j).fma(bj, s2);
            s3 = FloatVector.fromArray(F, a, o3 + j).fma(bj, s3);
            if (++blocks == FLUSH) {
                t0 += RowKernels.sumLanes(s0, lanes);
                t1 += RowKernels.sumLanes(s1, lanes);
                t2 += RowKernels.sumLanes(s2, lanes);
                t3 += RowKernels.sumLanes(s3, lanes);
                s0 = FloatVector.zero(F);
                s1 = s0;
                s2 = s0;
                s3 = s0;
                blocks = 0;
            }
        }
        t0 += RowKernels.sumLanes(s0, lanes);
        t1 += RowKernels.sumLanes(s1, lanes);
        t2 += RowKernels.sumLanes(s2, lanes);
        t3 += RowKernels.sumLanes(s3, lanes);
        for (; j < n; j++) {
            t0 += a[o + j] * b[j];
            t1 += a[o1 + j] * b[j];
            t2 += a[o2 + j] * b[j];
            t3 += a[o3 + j] * b[j];
        }
        dots[0] = t0;
        dots[1] = t1;
        dots[2] = t2;
        dots[3] = t3;
    }

    /** m[j] = max(m[j], fl(a[o+r·n+j] · c_r) for r &lt; 4); the rows are still in L1 from the axpy. */
    private static void max4(float c0, float c1, float c2, float c3, float[] a, int o, int n, float[] m) {
        FloatVector w0 = FloatVector.broadcast(F, c0);
        FloatVector w1 = FloatVector.broadcast(F, c1);
        FloatVector w2 = FloatVector.broadcast(F, c2);
        FloatVector w3 = FloatVector.broadcast(F, c3);
        int o1 = o + n;
        int o2 = o1 + n;
        int o3 = o2 + n;
        int j = 0;
        for (int bound = F.loopBound(n); j < bound; j += L) {
            FloatVector mx = FloatVector.fromArray(F, m, j)
                    .max(FloatVector.fromArray(F, a, o + j).mul(w0))
                    .max(FloatVector.fromArray(F, a, o1 + j).mul(w1))
                    .max(FloatVector.fromArray(F, a, o2 + j).mul(w2))
                    .max(FloatVector.fromArray(F, a, o3 + j).mul(w3));
            mx.intoArray(m, j);
        }
        for (; j < n; j++) {
            m[j] = Math.max(Math.max(Math.max(Math.max(m[j], a[o + j] * c0), a[o1 + j] * c1), a[o2 + j] * c2),
                    a[o3 + j] * c3);
        }
    }

    /** y[j] += c0 a[o+j] + c1 a[o+n+j] + c2 a[o+2n+j] + c3 a[o+3n+j], as four one-row axpys in turn would. */
    private static void axpy4(float c0, float c1, float c2, float c3, float[] a, int o, int n, float[] y) {
        FloatVector w0 = FloatVector.broadcast(F, c0);
        FloatVector w1 = FloatVector.broadcast(F, c1);
        FloatVector w2 = FloatVector.broadcast(F, c2);
        FloatVector w3 = FloatVector.broadcast(F, c3);
        int o1 = o + n;
        int o2 = o1 + n;
        int o3 = o2 + n;
        int j = 0;
        for (int bound = F.loopBound(n); j < bound; j += L) {
            FloatVector acc = FloatVector.fromArray(F, y, j);
            acc = w0.fma(FloatVector.fromArray(F, a, o + j), acc);
            acc = w1.fma(FloatVector.fromArray(F, a, o1 + j), acc);
            acc = w2.fma(FloatVector.fromArray(F, a, o2 + j), acc);
            acc = w3.fma(FloatVector.fromArray(F, a, o3 + j), acc);
            acc.intoArray(y, j);
        }
        for (; j < n; j++) {
            y[j] = Math.fma(c3, a[o3 + j], Math.fma(c2, a[o2 + j], Math.fma(c1, a[o1 + j], Math.fma(c0, a[o + j], y[j]))));
        }
    }
}
