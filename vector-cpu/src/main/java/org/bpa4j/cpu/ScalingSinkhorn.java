package org.bpa4j.cpu;

import java.util.ArrayList;
import java.util.List;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * BPA's Sinkhorn (unit marginals, fixed T, docs/MATH.md §1 rows first) with scaling vectors instead of logs: the
 * buffer holding logK is turned, in place and once, into K = exp(logK − M) with M = max logK, and then
 * u_i = −log Σ_j K_ij e^{v_j} − M and v_j = −log Σ_i K_ij e^{u_i + M}. Same duals as the log domain, but an
 * iteration is a pair of matrix-vector products (one sweep, no exp), and the plan, the output and the
 * backward pass need no exp either.
 *
 * <p>Only when it is safe in float32: the kernel's range max − min logK (the masked diagonal aside, which
 * becomes an exact 0) is at most {@value #MAX_RANGE}, so every K_ij is a normal float; and every row and
 * column sum must stay in [1e-30, 1e30]. Otherwise the buffer is turned back into logK and the caller
 * uses {@link FusedLogSinkhorn}. For BPA's cosine cost this holds for every ε ≥ 0.05.
 */
final class ScalingSinkhorn implements BpaPlan {
    static final float MAX_RANGE = 40f;
    /** The range a row or column sum must stay in (else the log domain takes over). */
    static final double TINY = 1e-30;
    static final double HUGE = 1e30;
    private static final VectorSpecies<Float> F = RowKernels.F;
    private static final int L = RowKernels.L;

    private final float[] k;
    private final int n;
    private final boolean maskDiagonal;
    private final float maskedLogK;
    private final float shift;
    private final RowChunks chunks;
    private final ThreadTeam team;
    /** u.get(t), v.get(t) for t = 0..T as in the log domain: logP = u_i + logK_ij + v_j. */
    private final List<double[]> u = new ArrayList<>();
    private final List<double[]> v = new ArrayList<>();
    private float[] finalA;
    private float[] finalB;
    private volatile boolean spent;
    private float maxPlan;

    private ScalingSinkhorn(float[] k, int n, boolean maskDiagonal, float maskedLogK, float shift, ThreadTeam team) {
        this.k = k;
        this.n = n;
        this.maskDiagonal = maskDiagonal;
        this.maskedLogK = maskedLogK;
        this.shift = shift;
        this.chunks = new RowChunks(n);
        this.team = team;
    }

    /**
     * Runs T iterations on the n×n logK (diagonal already masked when {@code maskDiagonal}) if that is safe;
     * returns null, with logK as it was (up to rounding), when it is not.
     */
    static ScalingSinkhorn tryRun(float[] logK, int n, boolean maskDiagonal, float maskedLogK, int iterations,
            ThreadTeam team) {
        RowChunks chunks = new RowChunks(n);
        float[][] range = new float[chunks.count][];
        team.forEach(chunks.count, c -> range[c] = range(logK, n, maskDiagonal, chunks.start(c), chunks.end(c)));
        float lo = Float.POSITIVE_INFINITY;
        float hi = Float.NEGATIVE_INFINITY;
        for (float[] r : range) {
            lo = Math.min(lo, r[0]);
            hi = Math.max(hi, r[1]);
        }
        if (!(hi - lo <= MAX_RANGE)) {
            return null;
        }
        ScalingSinkhorn s = new ScalingSinkhorn(logK, n, maskDiagonal, maskedLogK, hi, team);
        s.toKernel();
        return s.runOrRestore(iterations);
    }

    /**
     * Runs T iterations on a kernel the cost wrote directly as K = exp(logK) with every entry in
     * [e^−{@value #MAX_RANGE}, 1] (the masked diagonal 0). When the sums leave their range the buffer is
     * turned into logK and null returned.
     */
    static ScalingSinkhorn runOnKernel(float[] k, int n, boolean maskDiagonal, float maskedLogK, int iterations,
            ThreadTeam team) {
        return new ScalingSinkhorn(k, n, maskDiagonal, maskedLogK, 0f, team).runOrRestore(iterations);
    }

    private ScalingSinkhorn runOrRestore(int iterations) {
        if (!run(iterations)) {
            toLogKernel();
            return null;
        }
        return this;
    }

    /** {min, max} of rows [r0, r1) of logK, the diagonal left out when masked. */
    private static float[] range(float[] logK, int n, boolean maskDiagonal, int r0, int r1) {
        float[] range = {Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
        for (int i = r0; i < r1; i++) {
            if (maskDiagonal) {
                RowKernels.minMax(logK, i * n, i, range);
                RowKernels.minMax(logK, i * n + i + 1, n - i - 1, range);
            } else {
                RowKernels.minMax(logK, i * n, n, range);
            }
        }
        return range;
    }

    private void toKernel() {
        FloatVector m = FloatVector.broadcast(F, shift);
        team.forEach(chunks.count, c -> {
            int idx = chunks.start(c) * n;
            int end = chunks.end(c) * n;
            for (int bound = idx + F.loopBound(end - idx); idx < bound; idx += L) {
                VectorExp.exp(FloatVector.fromArray(F, k, idx).sub(m)).intoArray(k, idx);
            }
            if (idx < end) {
                VectorMask<Float> mk = F.indexInRange(idx, end);
                VectorExp.exp(FloatVector.fromArray(F, k, idx, mk).sub(m)).intoArray(k, idx, mk);
            }
            if (maskDiagonal) {
                for (int i = chunks.start(c); i < chunks.end(c); i++) {
                    k[i * n + i] = 0f;
                }
            }
        });
    }

    private void toLogKernel() {
        FloatVector m = FloatVector.broadcast(F, shift);
        team.forEach(chunks.count, c -> {
            int idx = chunks.start(c) * n;
            int end = chunks.end(c) * n;
            for (int bound = idx + F.loopBound(end - idx); idx < bound; idx += L) {
                VectorLog.log(FloatVector.fromArray(F, k, idx)).add(m).intoArray(k, idx);
            }
            if (idx < end) {
                VectorMask<Float> mk = F.indexInRange(idx, end);
                VectorLog.log(FloatVector.fromArray(F, k, idx, mk)).add(m).intoArray(k, idx, mk);
            }
            if (maskDiagonal) {
                for (int i = chunks.start(c); i < chunks.end(c); i++) {
                    k[i * n + i] = maskedLogK;
                }
            }
        });
    }

    @Override
    public boolean spent() {
        return spent;
    }

    @Override
    public float logK(int index) {
        if (maskDiagonal && index / n == index % n) {
            return maskedLogK;
        }
        return VectorLog.log(k[index]) + shift;
    }

    private boolean run(int iterations) {
        u.add(null);
        v.add(new double[n]);
        float[] b = new float[n + RowKernels.PAD];
        java.util.Arrays.fill(b, 1f);
        float[][] parts = new float[chunks.count][n + RowKernels.PAD];
        boolean[] failed = new boolean[chunks.count];
        double[] rowSum = null;
        float[][] partMax = null;
        for (int t = 1; t <= iterations; t++) {
            double[] ut = new double[n];
            double[] rs = new double[n];
            rowSum = rs;
            float[] bPrev = b;
            // the last sweep also takes each column's max of K_ij a_i, from which the plan's max follows
            float[][] pm = t == iterations ? new float[chunks.count][] : null;
            partMax = pm;
            team.forEach(chunks.count, c -> {
                float[] part = parts[c];
                java.util.Arrays.fill(part, 0f);
                if (pm != null) {
                    pm[c] = new float[n];
                }
                failed[c] = !ScalingSweep.sweep(k, n, chunks.start(c), chunks.end(c), bPrev, part, (i, s) -> {
                    if (!(s >= TINY && s <= HUGE)) {
                        return Double.NaN;
                    }
                    rs[i] = s;
                    return 1.0 / s;
                }, true, new float[L], pm == null ? null : pm[c]);
            });
            for (boolean f : failed) {
                if (f) {
                    return false;
                }
            }
            double[] colSum = ChunkedSums.combine(parts, n, team);
            double[] vt = new double[n];
            b = new float[n + RowKernels.PAD];
            for (int j = 0; j < n; j++) {
                double s = colSum[j];
                if (!(s >= TINY && s <= HUGE)) {
                    return false;
                }
                b[j] = (float) (1.0 / s);
            }
            // u = −log(row sum) − M, v = −log(column sum): float32 logs, vectorised (1e-7 of a dual is noise here)
            negativeLog(rowSum, shift, ut);
            negativeLog(colSum, 0f, vt);
            u.add(ut);
            v.add(vt);
        }
        finalScalings(rowSum, b, partMax);
        return true;
    }

    /** out[i] = −log(x[i]) − shift, with float32 lanes. */
    private static void negativeLog(double[] x, float shift, double[] out) {
        float[] lanes = new float[L];
        for (int i = 0; i < x.length; i += L) {
            int len = Math.min(L, x.length - i);
            for (int k = 0; k < len; k++) {
                lanes[k] = (float) x[i + k];
            }
            VectorLog.log(FloatVector.fromArray(F, lanes, 0)).intoArray(lanes, 0);
            for (int k = 0; k < len; k++) {
                out[i + k] = -(double) lanes[k] - shift;
            }
        }
    }

    private int iterations() {
        return u.size() - 1;
    }

    /** e^{u_i + M}: the row scaling that multiplies K. */
    private static float[] rowScaling(double[] ut, float shift) {
        float[] a = new float[ut.length];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) StrictMath.exp(ut[i] + shift);
        }
        return a;
    }

    private static float[] exp(double[] x) {
        float[] out = new float[x.length + RowKernels.PAD];
        for (int j = 0; j < x.length; j++) {
            out[j] = (float) StrictMath.exp(x[j]);
        }
        return out;
    }

    /**
     * The last sweep's scalings, a_i = 1/(its row sum) as that sweep weighted row i and b_j = 1/(column
     * sum), so that P_ij = fl(fl(K_ij a_i) b_j); and max P = max_j fl(m_j b_j) for the column maxima
     * m_j = max_i fl(K_ij a_i), which is exactly the largest planRow value because fl(x · b_j) is monotone
     * in x. Set before the plan is handed out (no lock on the per-row path).
     */
    private void finalScalings(double[] rowSum, float[] b, float[][] partMax) {
        finalA = new float[n];
        for (int i = 0; i < n; i++) {
            finalA[i] = (float) (1.0 / rowSum[i]);
        }
        finalB = b;
        maxPlan = maxPlan(partMax, b, n);
    }

    /** max P = max_j fl(m_j b_j) for the column maxima m_j = max over the chunks' partMax[c][j] of fl(K_ij a_i). */
    static float maxPlan(float[][] partMax, float[] b, int n) {
        float mx = 0f;
        for (int j = 0; j < n; j++) {
            float m = 0f;
            for (float[] part : partMax) {
                m = Math.max(m, part[j]);
            }
            mx = Math.max(mx, m * b[j]);
        }
        return mx;
    }

    @Override
    public void planRow(int i, float[] dst) {
        RowKernels.productRow(k, i * n, finalB, finalA[i], dst, n);
    }

    /**
     * Row i of the plan divided by {@code divisor}, into dst[off..off+n) in one pass: the bits of
     * {@link #planRow} followed by a division. Returns whether every value is finite.
     */
    boolean dividedPlanRow(int i, float divisor, float[] dst, int off) {
        return RowKernels.productRowDivided(k, i * n, finalB, finalA[i], divisor, dst, off, n);
    }

    @Override
    public float maxPlan() {
        return maxPlan;
    }

    /**
     * docs/MATH.md §3 with Pᶜ_ij = A_i K_ij B_j and Pʳ_ij = A_i K_ij B'_j (A = e^{u+M}, B = e^v, B' = e^v of the
     * previous iteration). Every term subtracted from ∂L/∂logK is K_ij times a rank-one product: the column
     * step's gv_j Pᶜ_ij = K_ij A_i (gv_j B_j), the row step's gu_i Pʳ_ij = K_ij (gu_i A_i) B'_j. So the
     * recursion over the iterations needs only the vectors — one read of K per iteration, no n×n writes —
     * and ∂L/∂logK = ∂L/∂logP − K ⊙ Σ_t (Aᵗ Wᵗᵀ + cᵗ B'ᵗᵀ) is written once at the end. Row i of that
     * matrix needs row i of K alone, so it can overwrite K in place ({@code consume}).
     */
    @Override
    public float[] gradientLogK(GradientRows gradLogP, boolean consume) {
        if (spent) {
            throw new IllegalStateException("ScalingSinkhorn: the kernel was overwritten by a consuming backward pass");
        }
        int iterations = iterations();
        float[][] parts = new float[chunks.count][n + RowKernels.PAD];
        double[] gu = new double[n];
        // the row and column sums of ∂L/∂logP start the recursion
        team.forEach(chunks.count, c -> {
            float[] row = new float[n + RowKernels.PAD];
            float[] scratch = new float[n + RowKernels.PAD];
            float[] lanes = new float[L];
            float[] part = parts[c];
            java.util.Arrays.fill(part, 0f);
            for (int i = chunks.start(c), end = chunks.end(c); i < end; i++) {
                gradLogP.row(i, row, scratch);
                gu[i] = RowKernels.sum(row, 0, n, lanes);
                RowKernels.addInto(row, 0, part, n);
            }
        });
        double[] gvCurrent = ChunkedSums.combine(parts, n, team);
        float[][] rowA = new float[iterations][];
        float[][] rowC = new float[iterations][];
        float[][] colW = new float[iterations][];
        float[][] colB = new float[iterations][];
        for (int t = iterations; t >= 1; t--) {
            float[] a = rowScaling(u.get(t), shift);
            double[] vt = v.get(t);
            float[] w = new float[n + RowKernels.PAD];
            for (int j = 0; j < n; j++) {
                w[j] = (float) (StrictMath.exp(vt[j]) * gvCurrent[j]);
            }
            float[] bPrev = exp(v.get(t - 1));
            float[] c = new float[n];
            boolean last = t == iterations;
            team.forEach(chunks.count, ch -> {
                float[] part = parts[ch];
                java.util.Arrays.fill(part, 0f);
                ScalingSweep.sweep(k, n, chunks.start(ch), chunks.end(ch), w, part, (i, dot) -> {
                    double colStep = a[i] * dot;
                    double gui = (last ? gu[i] : 0) - colStep;
                    c[i] = (float) (gui * a[i]);
                    return c[i];
                }, false, new float[L], null);
            });
            double[] sums = ChunkedSums.combine(parts, n, team);
            for (int j = 0; j < n; j++) {
                sums[j] = -sums[j] * bPrev[j];
            }
            gvCurrent = sums;
            rowA[t - 1] = a;
            rowC[t - 1] = c;
            colW[t - 1] = w;
            colB[t - 1] = bPrev;
        }
        float[] g = consume ? k : new float[n * n];
        spent = consume;
        final int group = 4;
        team.forEach(chunks.count, ch -> {
            float[][] rows = new float[group][n + RowKernels.PAD];
            float[] scratch = new float[n + RowKernels.PAD];
            for (int i0 = chunks.start(ch), end = chunks.end(ch); i0 < end; i0 += group) {
                int count = Math.min(group, end - i0);
                for (int r = 0; r < count; r++) {
                    gradLogP.row(i0 + r, rows[r], scratch);
                }
                RowKernels.minusKTimesLowRank(rows, k, i0 * n, n, i0, count, rowA, colW, rowC, colB, g, n);
            }
        });
        return g;
    }
}
