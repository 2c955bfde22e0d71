package org.bpa4j.cuda;

import java.util.Arrays;
import org.bpa4j.DType;
import org.bpa4j.Tensor;
import org.bpa4j.cuda.DeviceBuffer.View;
import org.bpa4j.spi.SinkhornOptions;
import org.bpa4j.spi.SinkhornPass;

/**
 * Log-domain Sinkhorn (docs/MATH.md §1) on a general cost, (n, m) or (B, n, m), with optional marginals and an
 * optional tolerance, and its backward pass (docs/MATH.md §3). The column step runs as a row step on the
 * transposed cost, so every pass reads the matrix row by row. With a tolerance every set keeps its own
 * iteration count; all sets iterate until the last one has converged (a set's later iterations are
 * computed but not used). Between the passes only the dual vectors stay on the host.
 */
final class CudaSinkhorn implements SinkhornPass {
    private static final int OUTPUT_LOG = OutputModes.LOG;

    private final CudaContext context;
    private final SinkhornOptions options;
    private final Tensor cost;
    private final float[] logA;
    private final float[] logB;
    private final int sets;
    private final int n;
    private final int m;
    private final int maxIterations;
    private final int[] iterations;
    private final double[] errors;
    private final float[] uHistory;
    private final float[] vHistory;
    private final Tensor logPlan;
    private final Tensor uFinal;
    private final Tensor vFinal;

    private CudaSinkhorn(CudaContext context, SinkhornOptions options, Tensor cost, float[] logA, float[] logB,
            int maxIterations, int[] iterations, double[] errors, float[] uHistory, float[] vHistory, Tensor logPlan,
            Tensor uFinal, Tensor vFinal) {
        this.context = context;
        this.options = options;
        this.cost = cost;
        this.logA = logA;
        this.logB = logB;
        this.sets = cost.sets();
        this.n = cost.rows();
        this.m = cost.cols();
        this.maxIterations = maxIterations;
        this.iterations = iterations;
        this.errors = errors;
        this.uHistory = uHistory;
        this.vHistory = vHistory;
        this.logPlan = logPlan;
        this.uFinal = uFinal;
        this.vFinal = vFinal;
    }

    /** The device state both passes start from: the cost, its transpose and the log-marginals. */
    private record Problem(BaseMatrix cost, BaseMatrix transposed, View logA, View logB) {
    }

    private static Problem upload(Workspace ws, KernelLaunches k, Tensor cost, float[] logA, float[] logB, double reg) {
        int sets = cost.sets();
        int n = cost.rows();
        int m = cost.cols();
        View c = ws.floats("cost", (long) sets * n * m);
        View ct = ws.floats("costTransposed", (long) sets * n * m);
        HostTransfer.upload(ws, cost, c);
        k.transpose(c, sets, n, m, ct);
        BaseMatrix matrix = new BaseMatrix(c, sets, n, m, BaseMatrix.COST, false, (float) (1.0 / reg), null);
        View la = null;
        View lb = null;
        if (logA != null) {
            la = ws.floats("logA", logA.length);
            lb = ws.floats("logB", logB.length);
            HostTransfer.upload(ws, logA, la);
            HostTransfer.upload(ws, logB, lb);
        }
        return new Problem(matrix, matrix.withMatrix(ct, m, n), la, lb);
    }

    static CudaSinkhorn solve(CudaContext context, SinkhornOptions options, Tensor costIn, Tensor a, Tensor b) {
        if (options == null || costIn == null) {
            throw new org.bpa4j.InvalidInputException("CudaSinkhorn.solve: options and cost must not be null");
        }
        if ((a == null) != (b == null)) {
            throw new org.bpa4j.InvalidInputException("CudaSinkhorn.solve: give both marginals or neither");
        }
        int sets = costIn.sets();
        int n = costIn.rows();
        int m = costIn.cols();
        int cap = options.iterations();
        Tensor cost = costIn.dtype() == DType.FLOAT32 ? costIn.copy() : costIn.to(DType.FLOAT32);
        float[] logA = a == null ? null : logs(a, (long) sets * n);
        float[] logB = b == null ? null : logs(b, (long) sets * m);
        try (Workspace ws = Workspace.acquire(context)) {
            ws.checkFits(4L * (2L * sets * n * m + 2L * (cap + 1) * sets * (n + m) + 4L * sets * (n + m)),
                    "Sinkhorn of " + costIn.shapeString());
            KernelLaunches k = new KernelLaunches(context, ws);
            Problem p = upload(ws, k, cost, logA, logB, options.reg());
            View u = ws.floats("u", (long) (cap + 1) * sets * n);
            View v = ws.floats("v", (long) (cap + 1) * sets * m);
            View rowMass = ws.floats("rowMass", (long) sets * n);
            ws.zero(u, (long) sets * n);
            ws.zero(v, (long) sets * m);
            int[] iterations = new int[sets];
            double[] errors = new double[sets];
            Arrays.fill(errors, Double.NaN);
            int done = 0;
            int t = 0;
            while (t < cap && done < sets) {
                t++;
                View ut = u.plus((long) t * sets * n);
                View vt = v.plus((long) t * sets * m);
                k.lseRows(p.cost(), v.plus((long) (t - 1) * sets * m), p.logA(), ut, null);
                k.lseRows(p.transposed(), ut, p.logB(), vt, null);
                boolean check = options.hasTolerance() && (t % options.checkEvery() == 0 || t == cap);
                if (check || t == cap) {
                    double[] err = marginalErrors(ws, k, p, ut, vt, rowMass, logA, sets, n);
                    for (int s = 0; s < sets; s++) {
                        if (iterations[s] == 0) {
                            errors[s] = err[s];
                            if ((check && err[s] <= options.tolerance()) || t == cap) {
                                iterations[s] = t;
                                done++;
                            }
                        }
                    }
                }
            }
            int last = t;
            View setIters = ws.floats("setIterations", sets);
            HostTransfer.upload(ws, iterations, setIters);
            View uf = ws.floats("uFinal", (long) sets * n);
            View vf = ws.floats("vFinal", (long) sets * m);
            k.gatherHistorySlot(u, setIters, sets, n, uf);
            k.gatherHistorySlot(v, setIters, sets, m, vf);
            View plan = ws.floats("plan", (long) sets * n * m);
            k.output(p.cost(), uf, vf, OUTPUT_LOG, null, null, null, 0, plan);
            Tensor logPlan = Tensor.zeros(options.precision(), costIn.shape());
            HostTransfer.download(ws, plan, logPlan.size(), logPlan);
            int[] vecShape = costIn.rank() == 3 ? new int[] {sets, n} : new int[] {n};
            int[] colShape = costIn.rank() == 3 ? new int[] {sets, m} : new int[] {m};
            Tensor uOut = Tensor.zeros(options.precision(), vecShape);
            Tensor vOut = Tensor.zeros(options.precision(), colShape);
            HostTransfer.download(ws, uf, uOut.size(), uOut);
            HostTransfer.download(ws, vf, vOut.size(), vOut);
            float[] uHost = HostTransfer.downloadFloats(ws, u, Math.toIntExact((long) (last + 1) * sets * n));
            float[] vHost = HostTransfer.downloadFloats(ws, v, Math.toIntExact((long) (last + 1) * sets * m));
            ws.synchronize("Sinkhorn forward");
            return new CudaSinkhorn(context, options, cost, logA, logB, last, iterations, errors, uHost, vHost, logPlan,
                    uOut, vOut);
        }
    }

    /** Σ_i |Σ_j P_ij − a_i| per set, the plan's row mass computed on the device and summed here in double. */
    private static double[] marginalErrors(Workspace ws, KernelLaunches k, Problem p, View ut, View vt, View rowMass,
            float[] logA, int sets, int n) {
        // weights null: out_i = −Σ_j exp(u_i + logK_ij + v_j)
        k.weightedExpRowSum(p.cost(), ut, vt, null, null, null, 0, null, rowMass);
        float[] mass = HostTransfer.downloadFloats(ws, rowMass, sets * n);
        double[] err = new double[sets];
        for (int s = 0; s < sets; s++) {
            for (int i = 0; i < n; i++) {
                int r = s * n + i;
                double target = logA == null ? 1.0 : Math.exp(logA[r]);
                err[s] += Math.abs(-mass[r] - target);
            }
        }
        return err;
    }

    private static float[] logs(Tensor marginal, long count) {
        float[] out = new float[Math.toIntExact(count)];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) Math.log(marginal.getDouble(i));
        }
        return out;
    }

    @Override
    public Tensor logPlan() {
        return logPlan;
    }

    @Override
    public Tensor u() {
        return uFinal;
    }

    @Override
    public Tensor v() {
        return vFinal;
    }

    @Override
    public int[] iterations() {
        return iterations.clone();
    }

    @Override
    public double[] marginalError() {
        return errors.clone();
    }

    @Override
    public Tensor backward(Tensor gradLogPlan) {
        if (gradLogPlan == null || gradLogPlan.size() != (long) sets * n * m) {
            throw new org.bpa4j.InvalidInputException("CudaSinkhorn.backward: the gradient must have the plan's "
                    + (long) sets * n * m + " values, got " + (gradLogPlan == null ? "null" : gradLogPlan.shapeString()));
        }
        int t = maxIterations;
        try (Workspace ws = Workspace.acquire(context)) {
            ws.checkFits(4L * (3L * sets * n * m + 4L * (t + 1) * sets * (n + m) + 4L * sets * (n + m)),
                    "Sinkhorn backward of " + cost.shapeString());
            KernelLaunches k = new KernelLaunches(context, ws);
            Problem p = upload(ws, k, cost, logA, logB, options.reg());
            long rowSlot = (long) sets * n;
            long colSlot = (long) sets * m;
            View u = ws.floats("u", (t + 1) * rowSlot);
            View v = ws.floats("v", (t + 1) * colSlot);
            HostTransfer.upload(ws, uHistory, u);
            HostTransfer.upload(ws, vHistory, v);
            View setIters = ws.floats("setIterations", sets);
            HostTransfer.upload(ws, iterations, setIters);
            View grad = ws.floats("grad", (long) sets * n * m);
            HostTransfer.upload(ws, gradLogPlan, grad);
            View seedU = ws.floats("seedU", rowSlot);
            View seedV = ws.floats("seedV", colSlot);
            View gradU = ws.floats("gradU", (t + 1) * rowSlot);
            View gradV = ws.floats("gradV", (t + 1) * colSlot);
            k.reduceSumPerSet(grad, rowSlot, m, seedU);  // row sums: each row is a "set" of m values
            k.columnSums(grad, sets, n, m, seedV);
            k.scatterHistorySlot(seedV, setIters, sets, m, gradV);
            for (int it = t; it >= 1; it--) {
                View gu = gradU.plus(it * rowSlot);
                k.weightedExpRowSum(p.cost(), u.plus(it * rowSlot), v.plus(it * colSlot), p.logB(), gradV.plus(it * colSlot),
                        seedU, it, setIters, gu);
                if (it > 1) {
                    k.weightedExpRowSum(p.transposed(), v.plus((it - 1) * colSlot), u.plus(it * rowSlot), p.logA(), gu, null,
                            it, setIters, gradV.plus((it - 1) * colSlot));
                }
            }
            k.gradCombine(p.cost(), u, v, gradU, gradV, p.logA(), p.logB(), t, setIters, grad, -p.cost().invReg(), false,
                    null, null);
            Tensor dc = Tensor.zeros(options.precision(), cost.shape());
            HostTransfer.download(ws, grad, dc.size(), dc);
            ws.synchronize("Sinkhorn backward");
            return dc;
        }
    }
}
