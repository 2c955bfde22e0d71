package org.bpa4j.cuda;

import org.bpa4j.DType;
import org.bpa4j.Metric;
import org.bpa4j.Tensor;
import org.bpa4j.cuda.DeviceBuffer.View;
import org.bpa4j.spi.BpaOptions;
import org.bpa4j.spi.BpaPass;

/**
 * BPA (docs/MATH.md §2) forward and backward (docs/MATH.md §3) on the GPU for B sets at once. Sets of n ≤ 128 take the
 * small-set kernels (one block per set, every iteration in one launch; {@link SmallSets}), larger ones the
 * multi-launch kernels (one block per matrix row, a launch per half-step). Both keep the duals in the same
 * layout, so each pass picks its route on its own. Between the two passes it keeps, on the host, only the
 * dual vectors of every iteration (2·T·B·n floats), the per-set max logP and a float copy of X; the
 * backward pass recomputes the base matrix with one GEMM and the plans from it.
 */
final class CudaBpa implements BpaPass {
    private static final int OUTPUT_EXP = OutputModes.EXP;
    private static final int OUTPUT_SIGMOID = OutputModes.SIGMOID;

    private final CudaContext context;
    private final BpaOptions options;
    private final Tensor features;
    private final Labels labels;
    private final SmallSets.Route route;
    private final int sets;
    private final int n;
    private final int iterations;
    private final float[] uHistory;
    private final float[] vHistory;
    private final float[] setMaxLogP;
    private final Tensor output;

    private CudaBpa(CudaContext context, BpaOptions options, Tensor features, Labels labels, SmallSets.Route route,
            float[] uHistory, float[] vHistory, float[] setMaxLogP, Tensor output) {
        this.context = context;
        this.options = options;
        this.features = features;
        this.labels = labels;
        this.route = route;
        this.sets = features.sets();
        this.n = features.rows();
        this.iterations = options.iterations();
        this.uHistory = uHistory;
        this.vHistory = vHistory;
        this.setMaxLogP = setMaxLogP;
        this.output = output;
    }

    private static int mode(BpaOptions options) {
        return options.sigmoid() ? OUTPUT_SIGMOID : OUTPUT_EXP;
    }

    static CudaBpa forward(CudaContext context, BpaOptions options, Tensor x, int[][] labelsPerSet) {
        return forward(context, options, x, labelsPerSet, SmallSets.Route.AUTO);
    }

    /** With the route forced (tests and benchmarks compare the two paths); {@code route} also binds the backward. */
    static CudaBpa forward(CudaContext context, BpaOptions options, Tensor x, int[][] labelsPerSet,
            SmallSets.Route route) {
        if (options == null || x == null || route == null) {
            throw new org.bpa4j.InvalidInputException("CudaBpa.forward: options, x and route must not be null");
        }
        if (x.rank() != 2 && x.rank() != 3) {
            throw new org.bpa4j.InvalidInputException("CudaBpa.forward: x must be (n, d) or (B, n, d), got " + x.shapeString());
        }
        int sets = x.sets();
        int n = x.rows();
        int d = x.cols();
        int t = options.iterations();
        Labels labels = Labels.of(labelsPerSet, sets, n);
        boolean small = SmallSets.take(route, SmallSets.forwardFits(context, n), "BPA forward of " + x.shapeString());
        // the input is copied: the backward pass reads it again, whatever the caller does to x meanwhile
        Tensor features = x.dtype() == DType.FLOAT32 ? x.copy() : x.to(DType.FLOAT32);
        try (Workspace ws = Workspace.acquire(context)) {
            ws.checkFits(CostSetup.deviceBytes(sets, n, d) + 4L * (2L * (t + 1) * sets * n + 2L * sets * n),
                    "BPA forward of " + x.shapeString());
            KernelLaunches k = new KernelLaunches(context, ws);
            View featuresOnDevice = ws.floats("features", features.size());
            HostTransfer.upload(ws, features, featuresOnDevice);
            DeviceForward f = runOnDevice(ws, k, options, featuresOnDevice, sets, n, d, labels.upload(ws), small, null);
            long perSlot = (long) sets * n;
            int[] outShape = x.rank() == 3 ? new int[] {sets, n, n} : new int[] {n, n};
            Tensor out = Tensor.zeros(options.precision(), outShape);
            HostTransfer.download(ws, f.output(), out.size(), out);
            float[] uHost = HostTransfer.downloadFloats(ws, f.u(), Math.toIntExact((t + 1) * perSlot));
            float[] vHost = HostTransfer.downloadFloats(ws, f.v(), Math.toIntExact((t + 1) * perSlot));
            float[] maxHost = f.setMaxLogP() == null ? null : HostTransfer.downloadFloats(ws, f.setMaxLogP(), sets);
            ws.synchronize("BPA forward");
            return new CudaBpa(context, options, features, labels, route, uHost, vHost, maxHost, out);
        }
    }

    /** Where the forward pass leaves its results on the device (views into the workspace). */
    record DeviceForward(View output, View u, View v, View setMaxLogP) {
    }

    /**
     * The device part of the forward pass, asynchronous on the workspace's stream: from sets×n×d features
     * on the device, the cost, T iterations, Z written into {@code out} (sets×n×n; null: over the base
     * matrix). Separate from the transfers so that benchmarks and device-resident callers can use it.
     */
    static DeviceForward runOnDevice(Workspace ws, KernelLaunches k, BpaOptions options, View features, int sets,
            int n, int d, Labels.OnDevice dl, boolean smallSets, View out) {
        int t = options.iterations();
        CostSetup cost = CostSetup.onDevice(ws, k, options, features, sets, n, d);
        BaseMatrix m = cost.matrix();
        long perSlot = (long) sets * n;
        View u = ws.floats("u", (t + 1) * perSlot);
        View v = ws.floats("v", (t + 1) * perSlot);
        View setMax = options.maxScale() ? ws.floats("setMaxLogP", sets) : null;
        View z = out != null ? out : m.base();  // Z may overwrite the base matrix entry by entry
        if (smallSets) {
            // every iteration of every set in one launch
            k.smallForward(m, t, mode(options), dl.labels(), dl.counts(), n, u, v, setMax, z);
            return new DeviceForward(z, u, v, setMax);
        }
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
        if (setMax != null) {
            k.reduceMaxPerSet(colMaxLogP, sets, n, setMax);
        }
        k.output(m, u.plus(t * perSlot), v.plus(t * perSlot), mode(options), setMax, dl.labels(), dl.counts(), n, z);
        return new DeviceForward(z, u, v, setMax);
    }

    /** The same pass with its backward on another route (the tests mix the routes). */
    CudaBpa withBackwardRoute(SmallSets.Route backwardRoute) {
        return new CudaBpa(context, options, features, labels, backwardRoute, uHistory, vHistory, setMaxLogP, output);
    }

    @Override
    public Tensor output() {
        return output;
    }

    @Override
    public Tensor backward(Tensor gradOutput) {
        if (gradOutput == null || gradOutput.size() != (long) sets * n * n) {
            throw new org.bpa4j.InvalidInputException("CudaBpa.backward: the gradient must have the output's "
                    + (long) sets * n * n + " values, got " + (gradOutput == null ? "null" : gradOutput.shapeString()));
        }
        int d = features.cols();
        int t = iterations;
        long perSlot = (long) sets * n;
        boolean small = SmallSets.take(route, SmallSets.backwardFits(context, n, t),
                "BPA backward of " + features.shapeString());
        try (Workspace ws = Workspace.acquire(context)) {
            ws.checkFits(CostSetup.deviceBytes(sets, n, d) + 4L * ((long) sets * n * n + 4L * (t + 1) * perSlot
                    + (long) sets * n * d + 6L * perSlot), "BPA backward of " + features.shapeString());
            KernelLaunches k = new KernelLaunches(context, ws);
            View featuresOnDevice = ws.floats("features", features.size());
            HostTransfer.upload(ws, features, featuresOnDevice);
            View u = ws.floats("u", (t + 1) * perSlot);
            View v = ws.floats("v", (t + 1) * perSlot);
            HostTransfer.upload(ws, uHistory, u);
            HostTransfer.upload(ws, vHistory, v);
            View setMax = null;
            if (setMaxLogP != null) {
                setMax = ws.floats("setMaxLogP", sets);
                HostTransfer.upload(ws, setMaxLogP, setMax);
            }
            View grad = ws.floats("grad", perSlot * n);
            HostTransfer.upload(ws, gradOutput, grad);
            View gx = ws.floats("gradFeatures", perSlot * d);
            backwardOnDevice(ws, k, options, featuresOnDevice, sets, n, d, u, v, setMax, labels.upload(ws), grad, small, gx);
            Tensor dx = Tensor.zeros(options.precision(), features.shape());
            HostTransfer.download(ws, gx, dx.size(), dx);
            ws.synchronize("BPA backward");
            return dx;
        }
    }

    /**
     * The device part of the backward pass, asynchronous on the workspace's stream: from the features, the
     * forward's duals and ∂L/∂Z on the device (grad, overwritten), ∂L/∂X into {@code gx} (sets×n×d).
     */
    static void backwardOnDevice(Workspace ws, KernelLaunches k, BpaOptions options, View features, int sets, int n,
            int d, View u, View v, View setMax, Labels.OnDevice dl, View grad, boolean smallSets, View gx) {
        int t = options.iterations();
        long perSlot = (long) sets * n;
        CostSetup cost = CostSetup.onDevice(ws, k, options, features, sets, n, d);
        BaseMatrix m = cost.matrix();
        boolean euclidean = options.metric() == Metric.EUCLIDEAN;
        View dotSum = euclidean ? ws.floats("dotSum", sets) : null;
        View tieSum = euclidean ? ws.floats("tieSum", sets) : null;
        // grad becomes S = ∂L/∂C, or S + Sᵀ from the small-set kernel for the cosine cost
        if (smallSets) {
            k.smallBackward(m, t, u, v, mode(options), setMax, dl.counts(), grad, -m.invReg(), !euclidean, dotSum,
                    tieSum);
        } else {
            sinkhornBackward(ws, k, m, t, u, v, mode(options), setMax, dl, grad, euclidean, dotSum, tieSum);
        }
        View work = ws.floats("featureWork", perSlot * d);
        if (!euclidean) {
            // ∂L/∂x̂ = −(S + Sᵀ) x̂
            Gemm.matrixTimesFeatures(ws, grad, false, cost.unit(), work, -1f, 0f, sets, n, d);
            if (!smallSets) {
                Gemm.matrixTimesFeatures(ws, grad, true, cost.unit(), work, -1f, 1f, sets, n, d);
            }
            k.cosineInputGrad(cost.unit(), cost.norms(), work, gx, (int) perSlot, d);
        } else {
            View rowSums = ws.floats("weightRowSums", perSlot);
            View colSums = ws.floats("weightColSums", perSlot);
            k.euclideanWeights(grad, m.base(), sets, n, m.setScale(), dotSum, tieSum, rowSums);
            k.columnSums(grad, sets, n, n, colSums);
            Gemm.matrixTimesFeatures(ws, grad, false, cost.features(), work, 1f, 0f, sets, n, d);
            Gemm.matrixTimesFeatures(ws, grad, true, cost.features(), work, 1f, 1f, sets, n, d);
            k.euclideanInputGrad(cost.features(), rowSums, colSums, work, gx, (int) perSlot, d);
        }
    }

    /** The multi-launch reverse of the T iterations: grad from ∂L/∂Z to S = ∂L/∂C (Euclidean: and Σ S·D, ties). */
    private static void sinkhornBackward(Workspace ws, KernelLaunches k, BaseMatrix m, int t, View u, View v, int mode,
            View setMax, Labels.OnDevice dl, View grad, boolean euclidean, View dotSum, View tieSum) {
        int sets = m.sets();
        int n = m.rows();
        long perSlot = (long) sets * n;
        View seedU = ws.floats("seedU", perSlot);
        k.gradLogP(m, u.plus(t * perSlot), v.plus(t * perSlot), mode, setMax, dl.counts(), grad, seedU);
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
        View rowDot = euclidean ? ws.floats("rowDot", perSlot) : null;
        View rowTies = euclidean ? ws.floats("rowTies", perSlot) : null;
        k.gradCombine(m, u, v, gradU, gradV, null, null, t, null, grad, -m.invReg(), m.maskDiagonal(), rowDot, rowTies);
        if (euclidean) {
            k.reduceSumPerSet(rowDot, sets, n, dotSum);
            k.reduceSumPerSet(rowTies, sets, n, tieSum);
        }
    }
}
