package org.bpa4j.reference;

import org.bpa4j.Tensor;
import org.bpa4j.spi.BamLayout;
import org.bpa4j.spi.BamOptions;
import org.bpa4j.spi.BamPass;

/**
 * The BAM loss (docs/MATH.md §4) in double precision, plain or distilled. The forward pass computes the loss and
 * ∂loss/∂Q at once (both need the same P and softmax); each gradient is then a product with the other
 * factor of Q = ẑ·Tgᵀ and the normalisation's backward.
 */
final class ReferenceBam implements BamPass {
    private final BamOptions options;
    private final BamLayout layout;
    private final int d;
    private final int[] shape;
    private final ReferenceUnitRows student;
    /** The teacher's rows, or null in the plain form (the targets are then the student's own rows). */
    private final ReferenceUnitRows teacher;
    /** ∂loss/∂Q, N × N_t. */
    private final double[] gradQ;
    private final double loss;

    ReferenceBam(BamOptions options, Tensor z, Tensor zTeacher) {
        this(options, z, zTeacher, null);
    }

    /**
     * With {@code frozenTargetSimilarity} (N × N_t) given, P is made from it instead of from the input:
     * the loss as a function of z with P held fixed, whose derivative is what {@link #gradient} returns.
     * For the finite-difference tests; null for the real loss.
     */
    ReferenceBam(BamOptions options, Tensor z, Tensor zTeacher, double[] frozenTargetSimilarity) {
        this.options = options;
        int n = z.rows();
        this.d = z.cols();
        this.shape = z.shape();
        this.layout = options.layout(n);
        int nt = layout.targets();
        this.student = new ReferenceUnitRows(z.toDoubleArray(), n, d);
        this.teacher = zTeacher == null ? null : new ReferenceUnitRows(zTeacher.toDoubleArray(), n, d);
        double[] zHat = student.unit();
        double[] targets = (teacher == null ? student : teacher).unit();

        double[] q = product(zHat, targets, n, nt, d);
        double[] qTarget = frozenTargetSimilarity != null ? frozenTargetSimilarity
                : teacher == null ? q : product(targets, targets, n, nt, d);
        double[] p = ReferenceBamTarget.plan(qTarget, layout, options.reg(), options.iterations(), options.topK());

        this.gradQ = new double[n * nt];
        double total = 0;
        int b = layout.batch();
        double weight = layout.pairWeight();
        double[] logQ = new double[nt];
        double[] g = new double[nt];
        for (int r = 0; r < n; r++) {
            int view = r / b;
            int image = r % b;
            logSoftmax(q, r, logQ);
            // G = ∂loss/∂logQ for this row: −weight · Σ over the target views paired with this view of P_vt
            java.util.Arrays.fill(g, 0);
            for (int vt = 0; vt < layout.largeCrops(); vt++) {
                if (!layout.pairs(vt, view)) {
                    continue;
                }
                int pRow = (vt * b + image) * nt;
                for (int c = 0; c < nt; c++) {
                    if (!layout.masked(r, c)) {
                        g[c] -= weight * p[pRow + c];
                    }
                }
            }
            // masked entries are skipped: they carry neither loss nor gradient (never 0·(−∞))
            double gSum = 0;
            for (int c = 0; c < nt; c++) {
                if (!layout.masked(r, c)) {
                    total += g[c] * logQ[c];
                    gSum += g[c];
                }
            }
            for (int c = 0; c < nt; c++) {
                if (!layout.masked(r, c)) {
                    gradQ[r * nt + c] = (g[c] - Math.exp(logQ[c]) * gSum) / options.temperature();
                }
            }
        }
        this.loss = total;
    }

    /** Q_tgt of docs/MATH.md §4 step 2 for these inputs: ẑ_t·Tgᵀ, or ẑ·Tgᵀ in the plain form. */
    static double[] targetSimilarity(BamOptions options, Tensor z, Tensor zTeacher) {
        int n = z.rows();
        int d = z.cols();
        int nt = options.layout(n).targets();
        double[] unit = new ReferenceUnitRows((zTeacher == null ? z : zTeacher).toDoubleArray(), n, d).unit();
        return product(unit, unit, n, nt, d);
    }

    /** Row r of logsoftmax(Q/τ) over its unmasked targets; masked entries are left −∞. */
    private void logSoftmax(double[] q, int r, double[] out) {
        int nt = layout.targets();
        for (int c = 0; c < nt; c++) {
            out[c] = layout.masked(r, c) ? Double.NEGATIVE_INFINITY : q[r * nt + c] / options.temperature();
        }
        double lse = ReferenceBamTarget.logSumExp(out, nt);
        for (int c = 0; c < nt; c++) {
            out[c] -= lse;
        }
    }

    /** rows · columns[0..m)ᵀ: (n×d)(m×d)ᵀ → n×m. */
    private static double[] product(double[] rows, double[] columns, int n, int m, int d) {
        double[] out = new double[n * m];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                double dot = 0;
                for (int k = 0; k < d; k++) {
                    dot += rows[i * d + k] * columns[j * d + k];
                }
                out[i * m + j] = dot;
            }
        }
        return out;
    }

    @Override
    public double loss() {
        return loss;
    }

    @Override
    public Tensor gradient(double scale) {
        int n = layout.rows();
        int nt = layout.targets();
        double[] targets = (teacher == null ? student : teacher).unit();
        // through the rows of Q: ∂ẑ = ∂Q · Tg
        double[] gradUnit = new double[n * d];
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < nt; c++) {
                double gq = scale * gradQ[r * nt + c];
                for (int k = 0; k < d; k++) {
                    gradUnit[r * d + k] += gq * targets[c * d + k];
                }
            }
        }
        if (teacher == null) {
            // the targets are the student's first N_t rows: add the path through the columns of Q
            addColumnGradient(gradUnit, scale);
        }
        return toTensor(student.backward(gradUnit));
    }

    @Override
    public Tensor teacherGradient(double scale) {
        if (teacher == null) {
            throw new IllegalStateException("the plain BAM loss has no teacher");
        }
        double[] gradUnit = new double[layout.rows() * d];
        addColumnGradient(gradUnit, scale);
        return toTensor(teacher.backward(gradUnit));
    }

    /** ∂Tg = ∂Qᵀ · ẑ, added to the first N_t rows. */
    private void addColumnGradient(double[] gradUnit, double scale) {
        int n = layout.rows();
        int nt = layout.targets();
        double[] zHat = student.unit();
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < nt; c++) {
                double gq = scale * gradQ[r * nt + c];
                for (int k = 0; k < d; k++) {
                    gradUnit[c * d + k] += gq * zHat[r * d + k];
                }
            }
        }
    }

    private Tensor toTensor(double[] values) {
        Tensor out = Tensor.zeros(options.precision(), shape);
        for (int k = 0; k < values.length; k++) {
            out.setDouble(k, values[k]);
        }
        return out;
    }
}
