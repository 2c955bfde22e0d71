package org.bpa4j.cpu;

import org.bpa4j.DType;
import org.bpa4j.Tensor;
import org.bpa4j.spi.BamLayout;
import org.bpa4j.spi.BamOptions;
import org.bpa4j.spi.BamPass;

/**
 * The BAM loss (docs/MATH.md §4) on the CPU in float32. Its cost is three GEMMs of the backend's register-tiled
 * {@link TileGemm}: Q = ẑ·Tgᵀ in the forward pass, ∂Q·Tg and ∂Qᵀ·ẑ in the backward pass (∂Qᵀ is read in
 * place: the GEMM packs either orientation). The target is {@link BamTarget}'s; the source softmax and
 * ∂loss/∂Q are vector loops over the rows of Q, kept from the forward pass so that each gradient is one
 * product and the normalisation's backward ({@link UnitRows}). Results are the same bit for bit on any
 * thread count.
 */
final class CpuBam implements BamPass {
    private final BamOptions options;
    private final BamLayout layout;
    private final int[] shape;
    private final ThreadTeam team;
    private final UnitRows student;
    /** The teacher's rows, or null in the plain form (the targets are then the student's first rows). */
    private final UnitRows teacher;
    /** ∂loss/∂Q, N × N_t. */
    private final float[] gradQ;
    private final double loss;

    private CpuBam(BamOptions options, Tensor z, Tensor zTeacher, ThreadTeam team) {
        this.options = options;
        this.team = team;
        this.shape = z.shape();
        int n = z.rows();
        int d = z.cols();
        this.layout = options.layout(n);
        int nt = layout.targets();
        this.student = new UnitRows(floats(z), n, d, team);
        this.teacher = zTeacher == null ? null : new UnitRows(floats(zTeacher), n, d, team);
        float[] targets = targets();

        float[] q = TileGemm.multiply(student.unit, false, targets, true, n, nt, d, team);
        float[] qTarget = teacher == null ? q : TileGemm.multiply(teacher.unit, false, targets, true, n, nt, d, team);
        float[] p = BamTarget.plan(qTarget, layout, options.reg(), options.iterations(), options.topK(), team);

        // Q's rows become ∂loss/∂Q in place once their loss share is taken
        this.gradQ = q;
        double[] rowLoss = new double[n];
        RowChunks chunks = new RowChunks(n);
        team.forEach(chunks.count, ch -> {
            Scratch s = new Scratch(nt);
            for (int r = chunks.start(ch), end = chunks.end(ch); r < end; r++) {
                rowLoss[r] = sourceRow(r, q, p, s);
            }
        });
        double total = 0;
        for (double l : rowLoss) {
            total += l;
        }
        this.loss = total;
    }

    /** The loss of docs/MATH.md §4 on z (N, d), with a teacher (N, d) or null; inputs validated by the API. */
    static CpuBam compute(BamOptions options, Tensor z, Tensor zTeacher, ThreadTeam team) {
        return new CpuBam(options, z, zTeacher, team);
    }

    private static float[] floats(Tensor x) {
        return x.floatArray().orElseGet(x::toFloatArray);
    }

    private float[] targets() {
        return (teacher == null ? student : teacher).unit;
    }

    /** Per-task row buffers. */
    private static final class Scratch {
        final float[] s;
        final float[] g;
        final float[] lanes = new float[RowKernels.L];
        final double[] sums = new double[2];

        Scratch(int nt) {
            s = new float[nt];
            g = new float[nt];
        }
    }

    /**
     * Row r of the source: S = Q/τ, logQ = S − lse over unmasked targets, G = ∂loss/∂logQ from the paired
     * target views, and ∂loss/∂Q = (G − softmax·ΣG)/τ written over Q's row. Returns the row's share of the
     * loss. Masked entries carry neither loss nor gradient (they hold G = 0 and logQ = 0, never 0·(−∞)).
     * The plain loss reads Q's row as its target before this: the target is computed first.
     */
    private double sourceRow(int r, float[] q, float[] p, Scratch w) {
        int nt = layout.targets();
        int b = layout.batch();
        int view = r / b;
        int image = r % b;
        float inverseTemperature = (float) (1.0 / options.temperature());
        int row = r * nt;
        BamRows.scale(q, row, inverseTemperature, w.s, nt);
        BamTarget.maskPositives(w.s, r, layout);
        float max = BamRows.max(w.s, nt);
        // the softmax's numerators go over Q's row (no longer needed)
        double sum = BamRows.expMinus(w.s, max, q, row, nt, w.lanes);
        float lse = (float) (max + Math.log(sum));
        java.util.Arrays.fill(w.g, 0f);
        float weight = (float) -layout.pairWeight();
        for (int vt = 0; vt < layout.largeCrops(); vt++) {
            if (layout.pairs(vt, view)) {
                BamRows.axpy(weight, p, (vt * b + image) * nt, w.g, nt);
            }
        }
        if (layout.positiveMasking()) {
            for (int c = image; c < nt; c += b) {
                w.s[c] = lse;
                w.g[c] = 0f;
            }
        }
        BamRows.crossEntropy(w.g, w.s, lse, nt, w.lanes, w.sums);
        double rowLoss = w.sums[0];
        float gSumOverSum = (float) (w.sums[1] / sum);
        BamRows.softmaxGradient(w.g, q, row, gSumOverSum, inverseTemperature, q, nt);
        return rowLoss;
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
        // through the rows of Q: ∂ẑ = ∂Q · Tg
        float[] gradUnit = TileGemm.multiply(gradQ, false, targets(), false, n, d, nt, team);
        if (teacher == null) {
            // the targets are the student's first N_t rows: add ∂Tg = ∂Qᵀ · ẑ
            float[] gradTargets = TileGemm.multiply(gradQ, true, student.unit, false, nt, d, n, team);
            for (int k = 0; k < gradTargets.length; k++) {
                gradUnit[k] += gradTargets[k];
            }
        }
        return through(student, gradUnit, scale);
    }

    @Override
    public Tensor teacherGradient(double scale) {
        if (teacher == null) {
            throw new IllegalStateException("the plain BAM loss has no teacher");
        }
        int nt = layout.targets();
        int d = teacher.d;
        float[] gradUnit = new float[layout.rows() * d];
        float[] gradTargets = TileGemm.multiply(gradQ, true, student.unit, false, nt, d, layout.rows(), team);
        System.arraycopy(gradTargets, 0, gradUnit, 0, gradTargets.length);
        return through(teacher, gradUnit, scale);
    }

    /** scale · ∂L/∂x back through the normalisation, in the options' precision. */
    private Tensor through(UnitRows rows, float[] gradUnit, double scale) {
        float[] out = new float[rows.n * rows.d];
        rows.backward(gradUnit, rows.d, scale, out, team);
        Tensor t = Tensor.of(out, shape);
        return options.precision() == DType.FLOAT32 ? t : t.to(options.precision());
    }
}
