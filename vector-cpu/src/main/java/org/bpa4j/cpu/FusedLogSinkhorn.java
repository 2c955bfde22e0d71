package org.bpa4j.cpu;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Log-domain Sinkhorn of docs/MATH.md §1 in float32 with one sweep over logK per iteration, and its backward pass
 * (docs/MATH.md §3) with one sweep per iteration, recomputing the plans from logK and the stored duals.
 *
 * <p>The sweep of iteration t does the row step and the column step together, in docs/MATH.md §1's order. Row i:
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
    /** What iteration t's sweep computed, kept for the backward pass: steps.get(t − 1). */
    private final List<Step> steps = new ArrayList<>();
    int iterations;
    double marginalError = Double.NaN;

    /**
     * The scalars of one sweep that let the backward pass recompute its e_ij = exp(logK_ij + v_j − s_i)
     * bit for bit and turn them into both plans: Pʳ_ij / a_i = e_ij / S_i and Pᶜ_ij / b_j = e_ij c_i / Σ_j,
     * where Σ_j is column j's sum of e·c. Columns redone with their own max keep that max and sum instead.
     */
    private static final class Step {
        final float[] shift;
        final float[] invRowSum;
        final float[] rowWeight;
        final float[] invColumnSum;
        /** α_i − log S_i and β_j − max α − log Σ_j: logP = (logK_ij + v_j − s_i) + rowTerm_i + columnTerm_j. */
        double[] rowTerm;
        double[] columnTerm;
        int[] redoColumns;
        float[] redoMax;
        float[] redoInvSum;

        Step(int n, int m) {
            shift = new float[n];
            invRowSum = new float[n];
            rowWeight = new float[n];
            invColumnSum = new float[m + RowKernels.PAD];
            rowTerm = new double[n];
            columnTerm = new double[m];
        }
    }

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
            columnPart = new float[chunks][m + RowKernels.PAD];
            rowBuffer = new float[chunks][m + RowKernels.PAD];
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
                    sweep(ws, u.get(t), v.get(t), new double[n], rowMass, null);
                    marginalError = rowError(rowMass);
                }
                break;
            }
            boolean check = hasTolerance && t >= 1 && t % checkEvery == 0;
            double[] uNext = new double[n];
            Step step = new Step(n, m);
            double[] vNext = sweep(ws, t == 0 ? null : u.get(t), v.get(t), uNext, check ? rowMass : null, step);
            if (check) {
                // the row sums of this sweep are those of iteration t's plan
                marginalError = rowError(rowMass);
                if (marginalError <= tolerance) {
                    break;
                }
            }
            u.add(uNext);
            v.add(vNext);
            steps.add(step);
            t++;
        }
        iterations = t;
        u.subList(t + 1, u.size()).clear();
        v.subList(t + 1, v.size()).clear();
        // only the last sweep's terms are read again (by logPlanRow); long tolerance runs keep every step
        for (int k = 0; k + 1 < steps.size(); k++) {
            steps.get(k).rowTerm = null;
            steps.get(k).columnTerm = null;
        }
    }

    private double rowError(double[] rowMass) {
        double error = 0;
        for (int i = 0; i < n; i++) {
            error += Math.abs(rowMass[i] - StrictMath.exp(alpha(i)));
        }
        return error;
    }

    private static float[] toFloats(double[] a) {
        float[] f = new float[a.length + RowKernels.PAD];
        for (int k = 0; k < a.length; k++) {
            f[k] = (float) a[k];
        }
        return f;
    }

    /**
     * One iteration from (uPrev, vPrev): fills uOut, returns the new v (null without a step to record:
     * then only the rows are swept).
     * uPrev null means the first iteration (exact row maxima). rowMass, when given, receives
     * Σ_j exp(uPrev_i + logK_ij + vPrev_j).
     */
    private double[] sweep(Workspace ws, double[] uPrev, double[] vPrev, double[] uOut, double[] rowMass, Step step) {
        float[] vf = toFloats(vPrev);
        team.forEach(chunks.count, c -> sweepChunk(ws, c, uPrev, vf, uOut, rowMass, step));
        if (step == null) {
            return null;
        }
        double[] colSum = combineColumns(ws);
        double[] vOut = new double[m];
        boolean[] redo = null;
        for (int j = 0; j < m; j++) {
            double b = beta(j);
            if (b == Double.NEGATIVE_INFINITY) {
                vOut[j] = b;
                step.columnTerm[j] = b;
                continue;
            }
            double s = colSum[j];
            if (s >= COLUMN_TINY && s < Double.POSITIVE_INFINITY) {
                // Σ_i exp(u_i + logK_ij) = exp(max α − vf_j) · s
                vOut[j] = b - (maxAlpha - vf[j] + StrictMath.log(s));
                step.invColumnSum[j] = (float) (1.0 / s);
                step.columnTerm[j] = b - maxAlpha - StrictMath.log(s);
            } else {
                if (redo == null) {
                    redo = new boolean[m];
                }
                redo[j] = true;
            }
        }
        if (redo != null) {
            exactColumns(ws, uOut, vOut, redo, step);
        }
        return vOut;
    }

    private void sweepChunk(Workspace ws, int c, double[] uPrev, float[] vf, double[] uOut, double[] rowMass, Step step) {
        boolean columns = step != null;
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
                if (step != null) {
                    step.rowTerm[i] = a;
                }
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
                float weight = (float) StrictMath.exp(a - maxAlpha - logS);
                step.shift[i] = shift;
                step.invRowSum[i] = (float) (1.0 / s);
                step.rowTerm[i] = a - logS;
                step.rowWeight[i] = weight;
                RowKernels.axpy(weight, buf, part, m);
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
    private void exactColumns(Workspace ws, double[] uNew, double[] vOut, boolean[] redo, Step step) {
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
        float[] colMax = new float[m + RowKernels.PAD];
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
        int count = 0;
        for (boolean r : redo) {
            count += r ? 1 : 0;
        }
        step.redoColumns = new int[count];
        step.redoMax = new float[count];
        step.redoInvSum = new float[count];
        count = 0;
        for (int j = 0; j < m; j++) {
            if (redo[j]) {
                vOut[j] = beta(j) - (colMax[j] + StrictMath.log(colSum[j]));
                step.redoColumns[count] = j;
                step.redoMax[count] = colMax[j];
                step.redoInvSum[count] = (float) (1.0 / colSum[j]);
                count++;
            }
        }
    }

    /**
     * logP_ij = u_i + logK_ij + v_j of the final duals, row i into dst[0..m), computed as the last sweep
     * computed its terms: (logK_ij + v_j − s_i) in float32, plus per-row and per-column terms. Adding u_i,
     * logK_ij and v_j directly would lose what float32 cannot resolve when the duals are large.
     */
    void logPlanRow(int i, float[] dst) {
        Step step = steps.get(iterations - 1);
        float[] vf = previousVFloat();
        float rowTerm = (float) step.rowTerm[i];
        int base = i * m;
        FloatVector sh = FloatVector.broadcast(F, step.shift[i]);
        FloatVector rt = FloatVector.broadcast(F, rowTerm);
        float[] ct = columnTermFloat();
        for (int j = 0; j < m; j += L) {
            VectorMask<Float> mk = F.indexInRange(j, m);
            FloatVector.fromArray(F, logK, base + j, mk).add(FloatVector.fromArray(F, vf, j, mk)).sub(sh)
                    .add(rt).add(FloatVector.fromArray(F, ct, j, mk)).intoArray(dst, j, mk);
        }
        if (step.redoColumns != null) {
            float ui = (float) u.get(iterations)[i];
            for (int r = 0; r < step.redoColumns.length; r++) {
                int j = step.redoColumns[r];
                dst[j] = (float) ((logK[base + j] + ui) - step.redoMax[r] + redoTerm(step, r, j));
            }
        }
        if (rowTerm == Float.NEGATIVE_INFINITY) {
            Arrays.fill(dst, 0, m, Float.NEGATIVE_INFINITY);
        }
    }

    /** The same in double precision (for float64 outputs). */
    void logPlanRow(int i, double[] dst) {
        Step step = steps.get(iterations - 1);
        float[] vf = previousVFloat();
        float shift = step.shift[i];
        double rowTerm = step.rowTerm[i];
        int base = i * m;
        for (int j = 0; j < m; j++) {
            dst[j] = ((logK[base + j] + vf[j]) - shift) + rowTerm + step.columnTerm[j];
        }
        if (step.redoColumns != null) {
            float ui = (float) u.get(iterations)[i];
            for (int r = 0; r < step.redoColumns.length; r++) {
                int j = step.redoColumns[r];
                dst[j] = ((logK[base + j] + ui) - step.redoMax[r]) + redoTerm(step, r, j);
            }
        }
        if (rowTerm == Double.NEGATIVE_INFINITY) {
            Arrays.fill(dst, 0, m, Double.NEGATIVE_INFINITY);
        }
    }

    /** β_j − log Σ of a column redone with its own max. */
    private double redoTerm(Step step, int r, int j) {
        return beta(j) + StrictMath.log(step.redoInvSum[r]);
    }

    private float[] previousV;
    private float[] columnTerms;

    private synchronized float[] previousVFloat() {
        if (previousV == null) {
            previousV = toFloats(v.get(iterations - 1));
        }
        return previousV;
    }

    private synchronized float[] columnTermFloat() {
        if (columnTerms == null) {
            columnTerms = toFloats(steps.get(iterations - 1).columnTerm);
        }
        return columnTerms;
    }

    @Override
    public void planRow(int i, float[] dst) {
        logPlanRow(i, dst);
        for (int j = 0; j < m; j += L) {
            VectorMask<Float> mk = F.indexInRange(j, m);
            VectorExp.exp(FloatVector.fromArray(F, dst, j, mk)).intoArray(dst, j, mk);
        }
    }

    @Override
    public float maxPlan() {
        float[] chunkMax = new float[chunks.count];
        team.forEach(chunks.count, c -> {
            float[] row = new float[m + RowKernels.PAD];
            float mx = Float.NEGATIVE_INFINITY;
            for (int i = chunks.start(c), end = chunks.end(c); i < end; i++) {
                planRow(i, row);
                for (float p : row) {
                    mx = Math.max(mx, p);
                }
            }
            chunkMax[c] = mx;
        });
        float mx = Float.NEGATIVE_INFINITY;
        for (float x : chunkMax) {
            mx = Math.max(mx, x);
        }
        return mx;
    }

    @Override
    public float logK(int index) {
        return logK[index];
    }

    /** The log domain needs logK in every reverse sweep while it accumulates g, so it never consumes. */
    @Override
    public float[] gradientLogK(GradientRows gradLogP, boolean consume) {
        float[] g = new float[n * m];
        team.forEach(chunks.count, c -> {
            float[] row = new float[m + RowKernels.PAD];
            float[] scratch = new float[m + RowKernels.PAD];
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
     * Reverse mode through the iterations (docs/MATH.md §3). On entry {@code g} holds A = ∂L/∂logP and gu, gv its
     * row and column sums; on exit g holds ∂L/∂logK. Each iteration recomputes its sweep's e_ij bit for bit
     * (one exp an element) and gets both plans from it (see {@link Step}): the backward pass sees exactly
     * the numbers the forward pass summed, which keeps it finite even where float32 cannot resolve the
     * duals (costs of 1e6 at ε = 1e-3 give duals of 1e9).
     */
    void backward(float[] g, double[] gu, double[] gv) {
        double[] gvCurrent = gv.clone();
        Workspace ws = new Workspace(chunks.count, m);
        for (int t = iterations; t >= 1; t--) {
            Step step = steps.get(t - 1);
            float[] vf = toFloats(v.get(t - 1));
            float[] wc = new float[m + RowKernels.PAD];
            for (int j = 0; j < m; j++) {
                wc[j] = (float) (gvCurrent[j] * step.invColumnSum[j]);
            }
            double[] guStart = t == iterations ? gu : null;
            double[] redoStep = step.redoColumns == null ? null : redoColumnsBackward(g, step, u.get(t), gvCurrent);
            team.forEach(chunks.count, c -> {
                float[] buf = ws.rowBuffer[c];
                float[] part = ws.columnPart[c];
                float[] ln = ws.lanes[c];
                Arrays.fill(part, 0f);
                for (int i = chunks.start(c), end = chunks.end(c); i < end; i++) {
                    if (alpha(i) == Double.NEGATIVE_INFINITY) {
                        continue;
                    }
                    int base = i * m;
                    float weight = step.rowWeight[i];
                    // the column step: Σ_j gv_j Pᶜ_ij / b_j = c_i Σ_j e_ij (gv_j / Σ_j)
                    double colStep = weight * RowKernels.expOfSumMinusWeighted(logK, base, vf, step.shift[i], wc,
                            buf, m, ln);
                    if (redoStep != null) {
                        colStep += redoStep[i];
                    }
                    double gui = (guStart == null ? 0 : guStart[i]) - colStep;
                    // the row step: gu_i Pʳ_ij / a_i = e_ij (gu_i / S_i)
                    RowKernels.logDomainGradientRow(buf, wc, weight, (float) (gui * step.invRowSum[i]), part, g, base, m);
                }
            });
            double[] sums = combineColumns(ws);
            for (int j = 0; j < m; j++) {
                sums[j] = -sums[j];
            }
            gvCurrent = sums;
        }
    }

    /**
     * The column step's terms for the columns a sweep redid with their own max: Pᶜ_ij / b_j =
     * exp(u_i + logK_ij − max_j) / sum_j as {@link #exactColumns} computed it. Subtracts gv_j Pᶜ_ij / b_j from g
     * and returns, per row, their sum.
     */
    private double[] redoColumnsBackward(float[] g, Step step, double[] ut, double[] gvCurrent) {
        double[] perRow = new double[n];
        team.forEach(chunks.count, c -> {
            for (int i = chunks.start(c), end = chunks.end(c); i < end; i++) {
                float ui = (float) ut[i];
                double acc = 0;
                for (int r = 0; r < step.redoColumns.length; r++) {
                    int j = step.redoColumns[r];
                    float pc = VectorExp.exp((logK[i * m + j] + ui) - step.redoMax[r]) * step.redoInvSum[r];
                    float w = (float) (gvCurrent[j] * pc);
                    acc += w;
                    g[i * m + j] -= w;
                }
                perRow[i] = acc;
            }
        });
        return perRow;
    }
}
