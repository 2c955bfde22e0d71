package org.bpa4j.cpu;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Log-domain Sinkhorn of SPEC §1 in float32 with one sweep over logK per iteration, and its backward pass
 * (SPEC §3) with one sweep per iteration, recomputing the plans from logK and the stored duals.
 *
 * <p>The sweep of iteration t does the row step and the column step together, in SPEC's order. Row i:
 * e_ij = exp(logK_ij + v_j − s_i) with s_i = max β − u_i of the previous iteration, an upper bound of the
 * row's terms (the column step made u_i + logK_ij + v_j ≤ β_j), so no max pass is needed; S_i = Σ_j e_ij
 * gives u_i = α_i − s_i − log S_i. The same e_ij then serve the column step: exp(u_i + logK_ij − c_j) =
 * e_ij · a_i/(max a · S_i) with c_j = max α − v_j, again an upper bound; they are summed per column into
 * per-chunk partials, added up in chunk order. A row or column whose sum is so small that float lanes may
 * have underflowed is recomputed exactly with its own max (first iteration rows always are).
 */
final class FusedLogSinkhorn implements BpaPlan {
    /** Row sums below this are recomputed with the row's own max. */
    static final double ROW_TINY = Math.exp(-20);
    static final double ROW_HUGE = 1e30;
    /** Column sums below this are recomputed with the column's own max. */
    static final double COLUMN_TINY = Math.exp(-40);

    private static final VectorSpecies<Float> F = RowKernels.F;
    private static final int L = RowKernels.L;
    private static final int COLUMN_BLOCK = 1024;

    final float[] logK;
    final int n;
    final int m;
    private final double[] alpha;
    private final double[] beta;
    private final double maxAlpha;
    private final double maxBeta;
    private final RowChunks chunks;
    private final ThreadTeam team;

    /** u.get(t), v.get(t) for t = 0..iterations (u.get(0) is unused, v.get(0) = 0). */
    final List<double[]> u = new ArrayList<>();
    final List<double[]> v = new ArrayList<>();
    int iterations;
    double marginalError = Double.NaN;

    /**
     * @param logK n×m row-major, kept (not copied) for the backward pass
     * @param logA log row marginals α, or null for 0
     * @param logB log column marginals β, or null for 0
     */
    FusedLogSinkhorn(float[] logK, int n, int m, double[] logA, double[] logB, ThreadTeam team) {
        this.logK = logK;
        this.n = n;
        this.m = m;
        this.alpha = logA;
        this.beta = logB;
        this.maxAlpha = logA == null ? 0 : max(logA);
        this.maxBeta = logB == null ? 0 : max(logB);
        this.chunks = new RowChunks(n);
        this.team = team;
    }

    /** Per-chunk scratch, allocated once per call (forward, backward), so concurrent calls never share it. */
    private static final class Workspace {
        final float[][] columnPart;
        final float[][] rowBuffer;
        final float[][] lanes;

        Workspace(int chunks, int m) {
            columnPart = new float[chunks][m];
            rowBuffer = new float[chunks][m];
            lanes = new float[chunks][L];
        }
    }

    private static double max(double[] a) {
        double mx = Double.NEGATIVE_INFINITY;
        for (double x : a) {
            mx = Math.max(mx, x);
        }
        return mx;
    }

    private double alpha(int i) {
        return alpha == null ? 0 : alpha[i];
    }

    private double beta(int j) {
        return beta == null ? 0 : beta[j];
    }

    /**
     * Runs up to {@code maxIterations}. With a tolerance (not NaN) the row-marginal error Σ_i |Σ_j P_ij − a_i|
     * is checked every {@code checkEvery} iterations and at the cap, stopping at the first check within it;
     * without one the error is computed at the end only when {@code finalError} asks for it.
     */
    void run(int maxIterations, double tolerance, int checkEvery, boolean finalError) {
        boolean hasTolerance = !Double.isNaN(tolerance);
        u.add(null);
        v.add(new double[m]);
        double[] rowMass = new double[n];
        Workspace ws = new Workspace(chunks.count, m);
        int t = 0;
        while (true) {
            if (t == maxIterations) {
                if (hasTolerance || finalError) {
                    sweep(ws, u.get(t), v.get(t), new double[n], rowMass, false);
                    marginalError = rowError(rowMass);
                }
                break;
            }
            boolean check = hasTolerance && t >= 1 && t % checkEvery == 0;
            double[] uNext = new double[n];
            double[] vNext = sweep(ws, t == 0 ? null : u.get(t), v.get(t), uNext, check ? rowMass : null, true);
            if (check) {
                // the row sums of this sweep are those of iteration t's plan
                marginalError = rowError(rowMass);
                if (marginalError <= tolerance) {
                    break;
                }
            }
            u.add(uNext);
            v.add(vNext);
            t++;
        }
        iterations = t;
        u.subList(t + 1, u.size()).clear();
        v.subList(t + 1, v.size()).clear();
    }

    private double rowError(double[] rowMass) {
        double error = 0;
        for (int i = 0; i < n; i++) {
            error += Math.abs(rowMass[i] - StrictMath.exp(alpha(i)));
        }
        return error;
    }

    private static float[] toFloats(double[] a) {
        float[] f = new float[a.length];
        for (int k = 0; k < a.length; k++) {
            f[k] = (float) a[k];
        }
        return f;
    }

    /**
     * One iteration from (uPrev, vPrev): fills uOut, returns the new v (null unless {@code columns}).
     * uPrev null means the first iteration (exact row maxima). rowMass, when given, receives
     * Σ_j exp(uPrev_i + logK_ij + vPrev_j).
     */
    private double[] sweep(Workspace ws, double[] uPrev, double[] vPrev, double[] uOut, double[] rowMass, boolean columns) {
        float[] vf = toFloats(vPrev);
        team.forEach(chunks.count, c -> sweepChunk(ws, c, uPrev, vf, uOut, rowMass, columns));
        if (!columns) {
            return null;
        }
        double[] colSum = combineColumns(ws);
        double[] vOut = new double[m];
        boolean[] redo = null;
        for (int j = 0; j < m; j++) {
            double b = beta(j);
            if (b == Double.NEGATIVE_INFINITY) {
                vOut[j] = b;
                continue;
            }
            double s = colSum[j];
            if (s >= COLUMN_TINY && s < Double.POSITIVE_INFINITY) {
                // Σ_i exp(u_i + logK_ij) = exp(max α − vf_j) · s
                vOut[j] = b - (maxAlpha - vf[j] + StrictMath.log(s));
            } else {
                if (redo == null) {
                    redo = new boolean[m];
                }
                redo[j] = true;
            }
        }
        if (redo != null) {
            exactColumns(ws, uOut, vOut, redo);
        }
        return vOut;
    }

    private void sweepChunk(Workspace ws, int c, double[] uPrev, float[] vf, double[] uOut, double[] rowMass, boolean columns) {
        float[] buf = ws.rowBuffer[c];
        float[] part = ws.columnPart[c];
        float[] ln = ws.lanes[c];
        if (columns) {
            Arrays.fill(part, 0f);
        }
        for (int i = chunks.start(c), end = chunks.end(c); i < end; i++) {
            double a = alpha(i);
            if (a == Double.NEGATIVE_INFINITY) {
                uOut[i] = a;
                if (rowMass != null) {
                    rowMass[i] = 0;
                }
                continue;
            }
            int base = i * m;
            float shift = 0;
            double s = 0;
            boolean exact = uPrev == null;
            if (!exact) {
                shift = (float) (maxBeta - uPrev[i]);
                s = RowKernels.expOfSumMinus(logK, base, vf, shift, buf, m, ln);
                exact = !(s >= ROW_TINY && s <= ROW_HUGE);
            }
            if (exact) {
                shift = RowKernels.maxOfSum(logK, base, vf, m);
                s = RowKernels.expOfSumMinus(logK, base, vf, shift, buf, m, ln);
            }
            double logS = StrictMath.log(s);
            uOut[i] = a - (shift + logS);
            if (rowMass != null) {
                rowMass[i] = StrictMath.exp(uPrev[i] + shift) * s;
            }
            if (columns) {
                RowKernels.axpy((float) StrictMath.exp(a - maxAlpha - logS), buf, part, m);
            }
        }
    }

    /** Σ over chunks of the column partials, in chunk order, in double. */
    private double[] combineColumns(Workspace ws) {
        double[] out = new double[m];
        int blocks = (m + COLUMN_BLOCK - 1) / COLUMN_BLOCK;
        team.forEach(blocks, blk -> {
            int j0 = blk * COLUMN_BLOCK;
            int j1 = Math.min(m, j0 + COLUMN_BLOCK);
            for (int c = 0; c < chunks.count; c++) {
                float[] part = ws.columnPart[c];
                for (int j = j0; j < j1; j++) {
                    out[j] += part[j];
                }
            }
        });
        return out;
    }

    /** v_j = β_j − LSE_i(u_i + logK_ij) with the column's own max, for the columns marked. */
    private void exactColumns(Workspace ws, double[] uNew, double[] vOut, boolean[] redo) {
        float[] uf = toFloats(uNew);
        team.forEach(chunks.count, c -> {
            float[] part = ws.columnPart[c];
            Arrays.fill(part, Float.NEGATIVE_INFINITY);
            for (int i = chunks.start(c), end = chunks.end(c); i < end; i++) {
                FloatVector ui = FloatVector.broadcast(F, uf[i]);
                int base = i * m;
                int j = 0;
                for (; j < m; j += L) {
                    VectorMask<Float> mk = F.indexInRange(j, m);
                    FloatVector x = FloatVector.fromArray(F, logK, base + j, mk).add(ui);
                    FloatVector.fromArray(F, part, j, mk).lanewise(VectorOperators.MAX, x, mk).intoArray(part, j, mk);
                }
            }
        });
        float[] colMax = new float[m];
        for (int j = 0; j < m; j++) {
            float mx = Float.NEGATIVE_INFINITY;
            for (int c = 0; c < chunks.count; c++) {
                mx = Math.max(mx, ws.columnPart[c][j]);
            }
            // columns not redone get +inf: their terms become exp(−inf) = 0
            colMax[j] = redo[j] ? mx : Float.POSITIVE_INFINITY;
        }
        team.forEach(chunks.count, c -> {
            float[] part = ws.columnPart[c];
            float[] buf = ws.rowBuffer[c];
            Arrays.fill(part, 0f);
            for (int i = chunks.start(c), end = chunks.end(c); i < end; i++) {
                FloatVector ui = FloatVector.broadcast(F, uf[i]);
                int base = i * m;
                for (int j = 0; j < m; j += L) {
                    VectorMask<Float> mk = F.indexInRange(j, m);
                    FloatVector x = FloatVector.fromArray(F, logK, base + j, mk).add(ui)
                            .sub(FloatVector.fromArray(F, colMax, j, mk));
                    VectorExp.exp(x).intoArray(buf, j, mk);
                }
                RowKernels.addInto(buf, 0, part, m);
            }
        });
        double[] colSum = combineColumns(ws);
        for (int j = 0; j < m; j++) {
            if (redo[j]) {
                vOut[j] = beta(j) - (colMax[j] + StrictMath.log(colSum[j]));
            }
        }
    }

    /** logP_ij = u_i + logK_ij + v_j of the final duals, row i into dst[0..m). */
    void logPlanRow(int i, float[] dst) {
        float ui = (float) u.get(iterations)[i];
        float[] vf = finalVFloat();
        int base = i * m;
        FloatVector uv = FloatVector.broadcast(F, ui);
        for (int j = 0; j < m; j += L) {
            VectorMask<Float> mk = F.indexInRange(j, m);
            FloatVector.fromArray(F, logK, base + j, mk).add(FloatVector.fromArray(F, vf, j, mk)).add(uv)
                    .intoArray(dst, j, mk);
        }
    }

    /** The same in double precision (for float64 outputs). */
    void logPlanRow(int i, double[] dst) {
        double ui = u.get(iterations)[i];
        double[] vt = v.get(iterations);
        int base = i * m;
        for (int j = 0; j < m; j++) {
            dst[j] = ui + logK[base + j] + vt[j];
        }
    }

    private float[] finalV;

    /** The final v as floats, as the output kernels use it. */
    synchronized float[] finalVFloat() {
        if (finalV == null) {
            finalV = toFloats(v.get(iterations));
        }
        return finalV;
    }

    private float[] finalU;

    private synchronized float[] finalUFloat() {
        if (finalU == null) {
            finalU = toFloats(u.get(iterations));
        }
        return finalU;
    }

    @Override
    public void planRow(int i, float[] dst) {
        // BPA's plan has unit marginals: P ≤ 1, so a positive exponent is rounding (with duals of 1e9 it is 60)
        float[] vf = finalVFloat();
        FloatVector ui = FloatVector.broadcast(F, finalUFloat()[i]);
        int base = i * m;
        int j = 0;
        for (int bound = F.loopBound(m); j < bound; j += L) {
            VectorExp.exp(FloatVector.fromArray(F, logK, base + j).add(FloatVector.fromArray(F, vf, j)).add(ui).min(0f))
                    .intoArray(dst, j);
        }
        if (j < m) {
            VectorMask<Float> mk = F.indexInRange(j, m);
            VectorExp.exp(FloatVector.fromArray(F, logK, base + j, mk).add(FloatVector.fromArray(F, vf, j, mk)).add(ui)
                    .min(0f)).intoArray(dst, j, mk);
        }
    }

    /** exp of the largest logP (exp is monotone; fl(a + u) is monotone in a). */
    @Override
    public float maxPlan() {
        float[] uf = finalUFloat();
        float[] vf = finalVFloat();
        float[] chunkMax = new float[chunks.count];
        team.forEach(chunks.count, c -> {
            float mx = Float.NEGATIVE_INFINITY;
            for (int i = chunks.start(c), end = chunks.end(c); i < end; i++) {
                mx = Math.max(mx, RowKernels.maxOfSum(logK, i * m, vf, m) + uf[i]);
            }
            chunkMax[c] = mx;
        });
        float mx = Float.NEGATIVE_INFINITY;
        for (float x : chunkMax) {
            mx = Math.max(mx, x);
        }
        return VectorExp.exp(mx);
    }

    @Override
    public float logK(int index) {
        return logK[index];
    }

    @Override
    public float[] gradientLogK(GradientRows gradLogP) {
        float[] g = new float[n * m];
        team.forEach(chunks.count, c -> {
            float[] row = new float[m];
            float[] scratch = new float[m];
            for (int i = chunks.start(c), end = chunks.end(c); i < end; i++) {
                gradLogP.row(i, row, scratch);
                System.arraycopy(row, 0, g, i * m, m);
            }
        });
        double[][] sums = rowAndColumnSums(g);
        backward(g, sums[0], sums[1]);
        return g;
    }

    /** Row sums (index 0) and column sums (index 1) of an n×m matrix, reproducibly. */
    double[][] rowAndColumnSums(float[] a) {
        double[] rows = new double[n];
        Workspace ws = new Workspace(chunks.count, m);
        team.forEach(chunks.count, c -> {
            float[] part = ws.columnPart[c];
            for (int i = chunks.start(c), end = chunks.end(c); i < end; i++) {
                rows[i] = RowKernels.sum(a, i * m, m, ws.lanes[c]);
                RowKernels.addInto(a, i * m, part, m);
            }
        });
        return new double[][] {rows, combineColumns(ws)};
    }

    /**
     * Reverse mode through the iterations (SPEC §3). Pᶜ/b and Pʳ/a are at most 1, so their exponents are
     * clamped at 0: with duals of 1e9 float32 rounds an exponent by ±60, which must not become ∞·0. On entry {@code g} holds A = ∂L/∂logP and gu, gv its
     * row and column sums; on exit g holds ∂L/∂logK. Pᶜ and Pʳ of every iteration are recomputed from logK.
     */
    void backward(float[] g, double[] gu, double[] gv) {
        double[] gvCurrent = gv.clone();
        Workspace ws = new Workspace(chunks.count, m);
        for (int t = iterations; t >= 1; t--) {
            double[] ut = u.get(t);
            double[] vt = v.get(t);
            double[] vp = v.get(t - 1);
            double[] guStart = t == iterations ? gu : null;
            float[] gvf = new float[m];
            float[] vtb = new float[m];
            float[] vpf = new float[m];
            for (int j = 0; j < m; j++) {
                double b = beta(j);
                gvf[j] = (float) gvCurrent[j];
                // Pᶜ_ij / b_j = exp(u_i + logK_ij + v_j − β_j); a column of no mass passes nothing
                vtb[j] = b == Double.NEGATIVE_INFINITY ? Float.NEGATIVE_INFINITY : (float) (vt[j] - b);
                vpf[j] = (float) vp[j];
            }
            float[] ratio = ratios(vt, vp);
            team.forEach(chunks.count, c -> backwardChunk(ws, c, g, ut, guStart, gvf, vtb, vpf, ratio));
            double[] sums = combineColumns(ws);
            for (int j = 0; j < m; j++) {
                sums[j] = -sums[j];
            }
            gvCurrent = sums;
        }
    }

    /**
     * Pʳ_ij / a_i = (Pᶜ_ij / b_j) · r_j / a_i with r_j = exp(v_j(t−1) − v_j(t) + β_j): the backward pass
     * needs one exp per element instead of two. Since Pᶜ_ij / b_j ≤ 1, the product is as accurate as a
     * direct exp while r_j ≤ e^20 and a_i ≥ e^−40; otherwise (early iterations at a tiny ε) null, and
     * the iteration takes the second exp.
     */
    private float[] ratios(double[] vt, double[] vp) {
        if (alpha != null) {
            for (double a : alpha) {
                if (a != Double.NEGATIVE_INFINITY && a < -40) {
                    return null;
                }
            }
        }
        float[] r = new float[m];
        for (int j = 0; j < m; j++) {
            double b = beta(j);
            if (b == Double.NEGATIVE_INFINITY) {
                continue;
            }
            double logR = vp[j] - vt[j] + b;
            if (!(logR <= 20)) {
                return null;
            }
            r[j] = (float) StrictMath.exp(logR);
        }
        return r;
    }

    private void backwardChunk(Workspace ws, int c, float[] g, double[] ut, double[] guStart, float[] gvf, float[] vtb,
            float[] vpf, float[] ratio) {
        float[] buf = ws.rowBuffer[c];
        float[] part = ws.columnPart[c];
        float[] ln = ws.lanes[c];
        Arrays.fill(part, 0f);
        for (int i = chunks.start(c), end = chunks.end(c); i < end; i++) {
            double a = alpha(i);
            if (a == Double.NEGATIVE_INFINITY) {
                continue;
            }
            int base = i * m;
            if (ratio != null) {
                // E_ij = Pᶜ_ij / b_j into buf; the column step's w1 = gv_j E_ij collected into gu_i
                double colStep = RowKernels.expOfSumWithWeightedSum(logK, base, vtb, (float) ut[i], gvf, buf, m, ln);
                double gui = (guStart == null ? 0 : guStart[i]) - colStep;
                // the row step's w2 = gu_i E_ij r_j / a_i; g −= w1 + w2
                RowKernels.rowStepGradientFromRatio(g, base, buf, gvf, ratio, (float) (gui * StrictMath.exp(-a)),
                        part, m);
                continue;
            }
            // column step: w1 = gv_j Pᶜ_ij / b_j, collected into gu_i and kept in buf for g
            double colStep = RowKernels.weightedExpOfSum(logK, base, vtb, (float) ut[i], gvf, buf, m, ln);
            double gui = (guStart == null ? 0 : guStart[i]) - colStep;
            // row step: w2 = gu_i Pʳ_ij / a_i, collected into the columns' partials; g −= w1 + w2
            RowKernels.rowStepGradient(logK, base, vpf, (float) (ut[i] - a), (float) gui, buf, part, g, m);
        }
    }
}
