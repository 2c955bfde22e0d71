package org.bpa4j.cpu.bam;

import org.bpa4j.Tensor;
import org.bpa4j.spi.BamLayout;
import org.bpa4j.spi.BamOptions;
import org.bpa4j.spi.BamPass;

/**
 * The BAM loss (docs/MATH.md §4) on the CPU in float32: the products Q = ẑ·Tgᵀ, ∂Q·Tg and ∂Qᵀ·ẑ with SIMD lanes
 * along the embedding dimension and rows spread over the backend's threads; the softmax and the target
 * Sinkhorn accumulate in double. The forward pass keeps ∂loss/∂Q (and its transpose), so each gradient is
 * one product and the normalisation's backward. Results are the same bit for bit on any thread count.
 */
public final class CpuBam implements BamPass {
    private final BamOptions options;
    private final BamLayout layout;
    private final int[] shape;
    private final ParallelLoop loop;
    private final CpuUnitRows student;
    /** The teacher's rows, or null in the plain form (the targets are then the student's first rows). */
    private final CpuUnitRows teacher;
    /** ∂loss/∂Q, N × N_t, and its transpose N_t × N. */
    private final float[] gradQ;
    private final float[] gradQTransposed;
    private final double loss;

    private CpuBam(BamOptions options, Tensor z, Tensor zTeacher, ParallelLoop loop) {
        this.options = options;
        this.loop = loop;
        this.shape = z.shape();
        int n = z.rows();
        int d = z.cols();
        this.layout = options.layout(n);
        int nt = layout.targets();
        this.student = new CpuUnitRows(z, loop);
        this.teacher = zTeacher == null ? null : new CpuUnitRows(zTeacher, loop);
        float[] targets = targets();

        float[] q = product(student.unit, targets, n, nt, d);
        float[] qTarget = teacher == null ? q : product(teacher.unit, targets, n, nt, d);
        float[] p = CpuBamTarget.plan(qTarget, layout, options.reg(), options.iterations(), options.topK(), loop);

        this.gradQ = new float[n * nt];
        double[] rowLoss = new double[n];
        loop.forEach(CpuUnitRows.chunks(n), chunk -> {
            double[] logQ = new double[nt];
            double[] g = new double[nt];
            for (int r = chunk * CpuUnitRows.CHUNK, end = Math.min(n, r + CpuUnitRows.CHUNK); r < end; r++) {
                rowLoss[r] = sourceRow(r, q, p, logQ, g);
            }
        });
        double total = 0;
        for (double l : rowLoss) {
            total += l;
        }
        this.loss = total;
        this.gradQTransposed = transpose(gradQ, n, nt);
    }

    /** The loss of docs/MATH.md §4 on z (N, d), with a teacher (N, d) or null; inputs validated by the API. */
    public static CpuBam compute(BamOptions options, Tensor z, Tensor zTeacher, ParallelLoop loop) {
        return new CpuBam(options, z, zTeacher, loop);
    }

    private float[] targets() {
        return (teacher == null ? student : teacher).unit;
    }

    /**
     * Row r of the source: logQ = logsoftmax(Q/τ) over unmasked targets, G = ∂loss/∂logQ from the paired
     * target views, and ∂loss/∂Q = (G − softmax·ΣG)/τ written to gradQ. Returns the row's share of the loss.
     * Masked entries are skipped: they carry neither loss nor gradient.
     */
    private double sourceRow(int r, float[] q, float[] p, double[] logQ, double[] g) {
        int nt = layout.targets();
        int b = layout.batch();
        int view = r / b;
        int image = r % b;
        double inverseTemperature = 1.0 / options.temperature();
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < nt; c++) {
            logQ[c] = layout.masked(r, c) ? Double.NEGATIVE_INFINITY : q[r * nt + c] * inverseTemperature;
            max = Math.max(max, logQ[c]);
        }
        double sum = 0;
        for (int c = 0; c < nt; c++) {
            sum += Math.exp(logQ[c] - max);
        }
        double lse = max + Math.log(sum);
        java.util.Arrays.fill(g, 0);
        double weight = layout.pairWeight();
        for (int vt = 0; vt < layout.largeCrops(); vt++) {
            if (layout.pairs(vt, view)) {
                int pRow = (vt * b + image) * nt;
                for (int c = 0; c < nt; c++) {
                    g[c] -= weight * p[pRow + c];
                }
            }
        }
        double rowLoss = 0;
        double gSum = 0;
        for (int c = 0; c < nt; c++) {
            if (!layout.masked(r, c)) {
                logQ[c] -= lse;
                rowLoss += g[c] * logQ[c];
                gSum += g[c];
            }
        }
        for (int c = 0; c < nt; c++) {
            gradQ[r * nt + c] = layout.masked(r, c) ? 0f
                    : (float) ((g[c] - Math.exp(logQ[c]) * gSum) * inverseTemperature);
        }
        return rowLoss;
    }

    /** rows · columns[0..m)ᵀ: (n×d)(m×d)ᵀ → n×m, four columns at a time. */
    private float[] product(float[] rows, float[] columns, int n, int m, int d) {
        float[] out = new float[n * m];
        int m4 = m - m % 4;
        loop.forEach(CpuUnitRows.chunks(n), chunk -> {
            for (int i = chunk * CpuUnitRows.CHUNK, end = Math.min(n, i + CpuUnitRows.CHUNK); i < end; i++) {
                int j = 0;
                for (; j < m4; j += 4) {
                    BamKernels.dot4(rows, i * d, columns, j * d, d, out, i * m + j);
                }
                for (; j < m; j++) {
                    out[i * m + j] = BamKernels.dot(rows, i * d, columns, j * d, d);
                }
            }
        });
        return out;
    }

    private float[] transpose(float[] a, int n, int m) {
        float[] t = new float[n * m];
        loop.forEach(CpuUnitRows.chunks(m), chunk -> {
            for (int j = chunk * CpuUnitRows.CHUNK, end = Math.min(m, j + CpuUnitRows.CHUNK); j < end; j++) {
                for (int i = 0; i < n; i++) {
                    t[j * n + i] = a[i * m + j];
                }
            }
        });
        return t;
    }

    /** out[i, ·] = scale · Σ_j g[i, j] · x[j, ·] for i < rows: (rows×inner)(inner×d). */
    private void accumulate(float[] g, int rows, int inner, float[] x, float scale, float[] out, int d) {
        loop.forEach(CpuUnitRows.chunks(rows), chunk -> {
            for (int i = chunk * CpuUnitRows.CHUNK, end = Math.min(rows, i + CpuUnitRows.CHUNK); i < end; i++) {
                for (int j = 0; j < inner; j++) {
                    float w = g[i * inner + j];
                    if (w != 0f) {
                        BamKernels.axpy(scale * w, x, j * d, out, i * d, d);
                    }
                }
            }
        });
    }

    @Override
    public double loss() {
        return loss;
    }

    @Override
    public Tensor gradient(double scale) {
        int n = layout.rows();
        int nt = layout.targets();
        int d = student.d;
        float[] gradUnit = new float[n * d];
        // through the rows of Q: ∂ẑ = ∂Q · Tg
        accumulate(gradQ, n, nt, targets(), (float) scale, gradUnit, d);
        if (teacher == null) {
            // the targets are the student's first N_t rows: add ∂Tg = ∂Qᵀ · ẑ
            float[] gradTargets = new float[nt * d];
            accumulate(gradQTransposed, nt, n, student.unit, (float) scale, gradTargets, d);
            for (int k = 0; k < gradTargets.length; k++) {
                gradUnit[k] += gradTargets[k];
            }
        }
        Tensor out = Tensor.zeros(options.precision(), shape);
        student.backward(gradUnit, out, loop);
        return out;
    }

    @Override
    public Tensor teacherGradient(double scale) {
        if (teacher == null) {
            throw new IllegalStateException("the plain BAM loss has no teacher");
        }
        int nt = layout.targets();
        int d = teacher.d;
        float[] gradUnit = new float[layout.rows() * d];
        accumulate(gradQTransposed, nt, layout.rows(), student.unit, (float) scale, gradUnit, d);
        Tensor out = Tensor.zeros(options.precision(), shape);
        teacher.backward(gradUnit, out, loop);
        return out;
    }
}
