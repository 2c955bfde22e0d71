package org.bpa4j.cuda;

import org.bpa4j.DType;
import org.bpa4j.Metric;
import org.bpa4j.Tensor;
import org.bpa4j.cuda.DeviceBuffer.View;
import org.bpa4j.spi.BpaOptions;
import org.bpa4j.spi.BpaPass;

/**
 * BPA (SPEC §2) forward and backward (SPEC §3) on the GPU for B sets at once. Between the two passes it
 * keeps, on the host, only the dual vectors of every iteration (2·T·B·n floats), the per-set max logP and
 * a float copy of X; the backward pass recomputes the base matrix with one GEMM and the plans from it.
 */
final class CudaBpa implements BpaPass {
    private static final int OUTPUT_EXP = 1;
    private static final int OUTPUT_SIGMOID = 2;

    private final CudaContext context;
    private final BpaOptions options;
    private final Tensor features;
    private final Labels labels;
    private final int sets;
    private final int n;
    private final int iterations;
    private final float[] uHistory;
    private final float[] vHistory;
    private final float[] setMaxLogP;
    private final Tensor output;

    private CudaBpa(CudaContext context, BpaOptions options, Tensor features, Labels labels, float[] uHistory,
            float[] vHistory, float[] setMaxLogP, Tensor output) {
        this.context = context;
        this.options = options;
        this.features = features;
        this.labels = labels;
        this.sets = features.sets();
        this.n = features.rows();
        this.iterations = options.iterations();
        this.uHistory = uHistory;
        this.vHistory = vHistory;
        this.setMaxLogP = setMaxLogP;
        this.output = output;
    }

    private int mode() {
        return options.sigmoid() ? OUTPUT_SIGMOID : OUTPUT_EXP;
    }

    static CudaBpa forward(CudaContext context, BpaOptions options, Tensor x, int[][] labelsPerSet) {
        if (options == null || x == null) {
            throw new IllegalArgumentException("CudaBpa.forward: options and x must not be null");
        }
        if (x.rank() != 2 && x.rank() != 3) {
            throw new IllegalArgumentException("CudaBpa.forward: x must be (n, d) or (B, n, d), got " + x.shapeString());
        }
        int sets = x.sets();
        int n = x.rows();
        int d = x.cols();
        int t = options.iterations();
        Labels labels = Labels.of(labelsPerSet, sets, n);
        // the input is copied: the backward pass reads it again, whatever the caller does to x meanwhile
        Tensor features = x.dtype() == DType.FLOAT32 ? x.copy() : x.to(DType.FLOAT32);
        Workspace ws = Workspace.current(context);
        ws.checkFits(CostSetup.deviceBytes(sets, n, d) + 4L * (2L * (t + 1) * sets * n + 2L * sets * n),
                "BPA forward of " + x.shapeString());
        KernelLaunches k = new KernelLaunches(context, ws);
        DeviceForward f = runOnDevice(ws, k, options, features, labels);
        long perSlot = (long) sets * n;
        int[] outShape = x.rank() == 3 ? new int[] {sets, n, n} : new int[] {n, n};
        Tensor out = Tensor.zeros(options.precision(), outShape);
        HostTransfer.download(ws, f.output(), out.size(), out);
        float[] uHost = HostTransfer.downloadFloats(ws, f.u(), Math.toIntExact((t + 1) * perSlot));
        float[] vHost = HostTransfer.downloadFloats(ws, f.v(), Math.toIntExact((t + 1) * perSlot));
        float[] maxHost = f.setMaxLogP() == null ? null : HostTransfer.downloadFloats(ws, f.setMaxLogP(), sets);
        ws.synchronize("BPA forward");
        return new CudaBpa(context, options, features, labels, uHost, vHost, maxHost, out);
    }

    /** Where the forward pass leaves its results on the device (views into the workspace). */
    record DeviceForward(View output, View u, View v, View setMaxLogP) {
    }

    /**
     * The device part of the forward pass, asynchronous on the workspace's stream: X up, the cost, T
     * iterations, Z written over the base matrix. Separate from the transfers so that benchmarks can time it.
     */
    static DeviceForward runOnDevice(Workspace ws, KernelLaunches k, BpaOptions options, Tensor features, Labels labels) {
        int sets = features.sets();
        int n = features.rows();
        int t = options.iterations();
        CostSetup cost = CostSetup.run(ws, k, options, features);
        BaseMatrix m = cost.matrix();
        long perSlot = (long) sets * n;
        View u = ws.floats("u", (t + 1) * perSlot);
        View v = ws.floats("v", (t + 1) * perSlot);
        View colMaxLogP = ws.floats("colMaxLogP", perSlot);
        ws.zero(u, perSlot);
        ws.zero(v, perSlot);  // v⁰ = 0
        for (int it = 1; it <= t; it++) {
            View ut = u.plus(it * perSlot);
            View vt = v.plus(it * perSlot);
            k.lseRows(m, v.plus((it - 1) * perSlot), null, ut, null);
            // column step as a row step: the base matrix (hence logK) is symmetric
            k.lseRows(m, ut, null, vt, it == t ? colMaxLogP : null);
        }
        View setMax = null;
        if (options.maxScale()) {
            setMax = ws.floats("setMaxLogP", sets);
            k.reduceMaxPerSet(colMaxLogP, sets, n, setMax);
        }
        Labels.OnDevice dl = labels.upload(ws);
        // Z overwrites the base matrix entry by entry
        k.output(m, u.plus(t * perSlot), v.plus(t * perSlot), options.sigmoid() ? OUTPUT_SIGMOID : OUTPUT_EXP, setMax,
                dl.labels(), dl.counts(), n, m.base());
        return new DeviceForward(m.base(), u, v, setMax);
    }

    @Override
    public Tensor output() {
        return output;
    }

    @Override
    public Tensor backward(Tensor gradOutput) {
        if (gradOutput == null || gradOutput.size() != (long) sets * n * n) {
            throw new IllegalArgumentException("CudaBpa.backward: the gradient must have the output's "
                    + (long) sets * n * n + " values, got " + (gradOutput == null ? "null" : gradOutput.shapeString()));
        }
        int d = features.cols();
        int t = iterations;
        long perSlot = (long) sets * n;
        Workspace ws = Workspace.current(context);
        ws.checkFits(CostSetup.deviceBytes(sets, n, d) + 4L * ((long) sets * n * n + 4L * (t + 1) * perSlot
                + (long) sets * n * d + 6L * perSlot), "BPA backward of " + features.shapeString());
        KernelLaunches k = new KernelLaunches(context, ws);
        CostSetup cost = CostSetup.run(ws, k, options, features);
        BaseMatrix m = cost.matrix();
        View u = ws.floats("u", (t + 1) * perSlot);
        View v = ws.floats("v", (t + 1) * perSlot);
        HostTransfer.upload(ws, uHistory, u);
        HostTransfer.upload(ws, vHistory, v);
        View setMax = null;
        if (setMaxLogP != null) {
            setMax = ws.floats("setMaxLogP", sets);
            HostTransfer.upload(ws, setMaxLogP, setMax);
        }
        Labels.OnDevice dl = labels.upload(ws);
        View grad = ws.floats("grad", perSlot * n);
        HostTransfer.upload(ws, gradOutput, grad);
        View seedU = ws.floats("seedU", perSlot);
        k.gradLogP(m, u.plus(t * perSlot), v.plus(t * perSlot), mode(), setMax, dl.counts(), grad, seedU);
        View gradU = ws.floats("gradU", (t + 1) * perSlot);
        View gradV = ws.floats("gradV", (t + 1) * perSlot);
        k.columnSums(grad, sets, n, n, gradV.plus(t * perSlot));
        for (int it = t; it >= 1; it--) {
            View gu = gradU.plus(it * perSlot);
            k.weightedExpRowSum(m, u.plus(it * perSlot), v.plus(it * perSlot), null, gradV.plus(it * perSlot),
                    it == t ? seedU : null, it, null, gu);
            if (it > 1) {
                // the column sums over Pʳ, as row sums: logK is symmetric
                k.weightedExpRowSum(m, v.plus((it - 1) * perSlot), u.plus(it * perSlot), null, gu, null, it, null,
                        gradV.plus((it - 1) * perSlot));
            }
        }
        boolean euclidean = options.metric() == Metric.EUCLIDEAN;
        View rowDot = euclidean ? ws.floats("rowDot", perSlot) : null;
        View rowTies = euclidean ? ws.floats("rowTies", perSlot) : null;
        // grad becomes S = ∂L/∂C
        k.gradCombine(m, u, v, gradU, gradV, null, null, t, null, grad, -m.invReg(), options.maskDiagonal(), rowDot,
                rowTies);
        View gx = ws.floats("gradFeatures", perSlot * d);
        View work = ws.floats("featureWork", perSlot * d);
        if (!euclidean) {
            // ∂L/∂x̂ = −(S + Sᵀ) x̂
            Gemm.matrixTimesFeatures(ws, grad, false, cost.unit(), work, -1f, 0f, sets, n, d);
            Gemm.matrixTimesFeatures(ws, grad, true, cost.unit(), work, -1f, 1f, sets, n, d);
            k.cosineInputGrad(cost.unit(), cost.norms(), work, gx, (int) perSlot, d);
        } else {
            View dotSum = ws.floats("dotSum", sets);
            View tieSum = ws.floats("tieSum", sets);
            View rowSums = ws.floats("weightRowSums", perSlot);
            View colSums = ws.floats("weightColSums", perSlot);
            k.reduceSumPerSet(rowDot, sets, n, dotSum);
            k.reduceSumPerSet(rowTies, sets, n, tieSum);
            k.euclideanWeights(grad, m.base(), sets, n, m.setScale(), dotSum, tieSum, rowSums);
            k.columnSums(grad, sets, n, n, colSums);
            Gemm.matrixTimesFeatures(ws, grad, false, cost.features(), work, 1f, 0f, sets, n, d);
            Gemm.matrixTimesFeatures(ws, grad, true, cost.features(), work, 1f, 1f, sets, n, d);
            k.euclideanInputGrad(cost.features(), rowSums, colSums, work, gx, (int) perSlot, d);
        }
        Tensor dx = Tensor.zeros(options.precision(), features.shape());
        HostTransfer.download(ws, gx, dx.size(), dx);
        ws.synchronize("BPA backward");
        return dx;
    }
}
