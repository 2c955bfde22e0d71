package org.bpa4j.cuda;

import org.bpa4j.DType;
import org.bpa4j.Tensor;
import org.bpa4j.cuda.DeviceBuffer.View;
import org.bpa4j.spi.BamLayout;
import org.bpa4j.spi.BamOptions;
import org.bpa4j.spi.BamPass;

/**
 * The BAM loss (docs/MATH.md §4) on the GPU in float32, plain or distilled: rows normalised on the device, Q = ẑ·Tgᵀ
 * (and Q_tgt) by cuBLAS, the target Sinkhorn, top-k and the source step by bam_kernels.cu, which leave the
 * loss per row and ∂loss/∂Q. Between the passes it keeps, on the host, ∂loss/∂Q (N×N_t floats) and float
 * copies of z and zTeacher; each gradient uploads them, normalises again and is one or two products and the
 * normalisation's backward.
 */
final class CudaBam implements BamPass {
    private final CudaContext context;
    private final BamOptions options;
    private final BamLayout layout;
    private final Tensor z;
    /** The teacher's embeddings, or null in the plain form (the targets are then z's first rows). */
    private final Tensor teacher;
    private final float[] gradQ;
    private final double loss;

    private CudaBam(CudaContext context, BamOptions options, Tensor z, Tensor teacher, float[] gradQ, double loss) {
        this.context = context;
        this.options = options;
        this.layout = options.layout(z.rows());
        this.z = z;
        this.teacher = teacher;
        this.gradQ = gradQ;
        this.loss = loss;
    }

    /** Device bytes of the forward pass: z and zTeacher with their unit rows, at most seven N×N_t matrices. */
    static long deviceBytes(int n, int targets, int d, boolean distill) {
        long nt = (long) n * targets;
        return 4L * ((distill ? 4L : 2L) * n * d + 7L * nt + 4L * n + targets);
    }

    static CudaBam compute(CudaContext context, BamOptions options, Tensor zIn, Tensor teacherIn) {
        if (options == null || zIn == null) {
            throw new org.bpa4j.InvalidInputException("CudaBam.compute: options and z must not be null");
        }
        if (zIn.rank() != 2 || zIn.rows() % options.views() != 0) {
            throw new org.bpa4j.InvalidInputException("CudaBam.compute: z must be (V·B, d) with V = " + options.views()
                    + " views, got " + zIn.shapeString());
        }
        Tensor z = zIn.dtype() == DType.FLOAT32 ? zIn.copy() : zIn.to(DType.FLOAT32);
        Tensor teacher = teacherIn == null ? null
                : teacherIn.dtype() == DType.FLOAT32 ? teacherIn.copy() : teacherIn.to(DType.FLOAT32);
        BamLayout l = options.layout(z.rows());
        int n = l.rows();
        int nt = l.targets();
        try (Workspace ws = Workspace.acquire(context)) {
            ws.checkFits(deviceBytes(n, nt, z.cols(), teacher != null), "BAM loss of " + zIn.shapeString());
            KernelLaunches k = new KernelLaunches(context, ws);
            Units units = Units.upload(ws, k, z, teacher);
            View q = ws.floats("bamQ", (long) n * nt);
            Gemm.rowMajor(ws, false, true, n, nt, z.cols(), 1f, units.student(), z.cols(), units.targets(), z.cols(), 0f, q,
                    nt, "Q = ẑ·Tgᵀ");
            View qTarget = q;
            if (teacher != null) {
                qTarget = ws.floats("bamQTarget", (long) n * nt);
                Gemm.rowMajor(ws, false, true, n, nt, z.cols(), 1f, units.teacher(), z.cols(), units.targets(), z.cols(), 0f,
                        qTarget, nt, "Q_tgt = ẑ_t·Tgᵀ");
            }
            View p = targetPlan(ws, k, options, l, qTarget);
            View gq = ws.floats("bamGradQ", (long) n * nt);
            View rowLoss = ws.floats("bamRowLoss", n);
            k.bamSourceRows(q, l, (float) (1.0 / options.temperature()), p, gq, rowLoss);
            float[] gradQ = HostTransfer.downloadFloats(ws, gq, Math.toIntExact((long) n * nt));
            float[] rows = HostTransfer.downloadFloats(ws, rowLoss, n);
            ws.synchronize("BAM loss");
            double total = 0;
            for (float r : rows) {
                total += r;
            }
            return new CudaBam(context, options, z, teacher, gradQ, total);
        }
    }

    /** docs/MATH.md §4 steps 4-5: the SwAV scalings in the log domain, P for the large views' rows, then top-k. */
    private static View targetPlan(Workspace ws, KernelLaunches k, BamOptions options, BamLayout l, View qTarget) {
        int n = l.rows();
        int nt = l.targets();
        float invReg = (float) (1.0 / options.reg());
        View qTargetT = ws.floats("bamQTargetT", (long) n * nt);
        k.transpose(qTarget, 1, n, nt, qTargetT);
        View u = ws.floats("bamU", nt);
        View v = ws.floats("bamV", n);
        ws.zero(u, nt);
        ws.zero(v, n);
        for (int t = 0; t < options.iterations(); t++) {
            k.bamTargetLseRows(qTargetT, nt, n, l, invReg, v, u);  // each target (a row of E = exp(A)ᵀ)
            k.bamTargetLseRows(qTarget, n, nt, l, invReg, u, v);   // then each source
        }
        int rows = l.largeCrops() * l.batch();
        View p = ws.floats("bamP", (long) rows * nt);
        k.bamTargetPlan(qTarget, rows, l, invReg, u, p);
        if (options.topK() > 0) {
            View sums = ws.floats("bamViewSums", (long) l.batch() * nt);
            View keep = ws.floats("bamKeep", (long) l.batch() * nt);
            k.bamViewSums(p, l, sums);
            k.bamTopKFlags(sums, l, options.topK(), keep);
            k.bamKeepRenormalize(p, rows, l, keep);
        }
        return p;
    }

    /** z (and zTeacher) on the device with their unit rows and norms; the targets Tg are the first N_t unit rows. */
    private record Units(View student, View studentNorms, View teacher, View teacherNorms) {
        static Units upload(Workspace ws, KernelLaunches k, Tensor z, Tensor teacher) {
            View s = normalised(ws, k, z, "bamZ");
            View t = teacher == null ? null : normalised(ws, k, teacher, "bamZTeacher");
            return new Units(s, ws.floats("bamZNorms", z.rows()), t,
                    teacher == null ? null : ws.floats("bamZTeacherNorms", z.rows()));
        }

        private static View normalised(Workspace ws, KernelLaunches k, Tensor x, String name) {
            View raw = ws.floats(name, x.size());
            View unit = ws.floats(name + "Unit", x.size());
            HostTransfer.upload(ws, x, raw);
            k.normalizeRows(raw, unit, ws.floats(name + "Norms", x.rows()), null, x.rows(), x.cols());
            return unit;
        }

        View targets() {
            return teacher != null ? teacher : student;
        }
    }

    @Override
    public double loss() {
        return loss;
    }

    @Override
    public Tensor gradient(double scale) {
        return backward(scale, false);
    }

    @Override
    public Tensor teacherGradient(double scale) {
        if (teacher == null) {
            throw new IllegalStateException("the plain BAM loss has no teacher");
        }
        return backward(scale, true);
    }

    /**
     * ∂(scale·loss)/∂z: ∂ẑ = ∂Q·Tg, plus ∂Qᵀ·ẑ on the first N_t rows in the plain form (the targets are z's
     * own rows). ∂(scale·loss)/∂zTeacher: ∂Qᵀ·ẑ on the first N_t rows. Then the normalisation's backward.
     */
    private Tensor backward(double scale, boolean ofTeacher) {
        int n = layout.rows();
        int nt = layout.targets();
        int d = z.cols();
        try (Workspace ws = Workspace.acquire(context)) {
            ws.checkFits(deviceBytes(n, nt, d, teacher != null) + 8L * n * d, "BAM gradient of " + z.shapeString());
            KernelLaunches k = new KernelLaunches(context, ws);
            Units units = Units.upload(ws, k, z, teacher);
            View gq = ws.floats("bamGradQ", (long) n * nt);
            HostTransfer.upload(ws, gradQ, gq);
            View gradUnit = ws.floats("bamGradUnit", (long) n * d);
            float s = (float) scale;
            if (ofTeacher) {
                ws.zero(gradUnit, (long) n * d);
            } else {
                Gemm.rowMajor(ws, false, false, n, d, nt, s, gq, nt, units.targets(), d, 0f, gradUnit, d, "∂Q·Tg");
            }
            if (ofTeacher || teacher == null) {
                // the first N_t rows are the targets: ∂Tg = ∂Qᵀ·ẑ
                Gemm.rowMajor(ws, true, false, nt, d, n, s, gq, nt, units.student(), d, 1f, gradUnit, d, "∂Qᵀ·ẑ");
            }
            View unit = ofTeacher ? units.teacher() : units.student();
            View norms = ofTeacher ? units.teacherNorms() : units.studentNorms();
            View gx = ws.floats("bamGradInput", (long) n * d);
            k.cosineInputGrad(unit, norms, gradUnit, gx, n, d);
            Tensor out = Tensor.zeros(options.precision(), z.shape());
            HostTransfer.download(ws, gx, out.size(), out);
            ws.synchronize("BAM gradient");
            return out;
        }
    }
}
