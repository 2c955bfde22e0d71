package org.bpa4j.cuda;

import org.bpa4j.Bpa;
import org.bpa4j.DType;
import org.bpa4j.cuda.DeviceBuffer.View;
import org.bpa4j.spi.BpaOptions;

/**
 * BPA with its input and output in the caller's device memory: X is read where it lies, Z and ∂L/∂X are
 * written into the caller's buffers, and nothing of size n×d or n×n crosses to the host (only the dual
 * vectors, 2·T·B·n floats, are kept there between the passes). The same kernels, routes and results as
 * {@code Bpa} on {@code Device.CUDA}; float32 only.
 *
 * <pre>{@code
 * CudaDeviceBpa bpa = CudaDeviceBpa.of(Bpa.builder().iterations(10).build());
 * CudaDeviceBpa.Pass pass = bpa.forward(DeviceFloats.of(xPtr, 1000, 80, 640), null, DeviceFloats.of(zPtr, 1000, 80, 80));
 * pass.backward(DeviceFloats.of(gzPtr, 1000, 80, 80), DeviceFloats.of(gxPtr, 1000, 80, 640));
 * }</pre>
 *
 * <p>The buffers must be device (or managed) memory on device 0, each large enough for its shape, and the
 * outputs must not overlap the inputs; each call checks this with the driver and refuses with an
 * {@link IllegalArgumentException} naming the buffer. X must stay unchanged until the backward pass, which
 * reads it again. Inputs must be ready when a call starts (synchronise the stream that wrote them); outputs
 * are complete when it returns. Thread-safe: each thread uses its own stream and workspace.
 */
public final class CudaDeviceBpa {
    private final BpaOptions options;

    private CudaDeviceBpa(BpaOptions options) {
        this.options = options;
    }

    /**
     * The options of {@code bpa} (metric, ε, T, sigmoid, diagonal mask, max-scaling); its device and precision
     * are ignored (this class computes on CUDA device 0, in float32).
     *
     * @param bpa the transform whose options to use
     * @return the device-buffer form of it; nothing touches the GPU yet
     * @throws IllegalArgumentException when bpa is null
     */
    public static CudaDeviceBpa of(Bpa bpa) {
        if (bpa == null) {
            throw new org.bpa4j.InvalidInputException("CudaDeviceBpa.of: bpa must not be null");
        }
        return new CudaDeviceBpa(new BpaOptions(bpa.metric(), bpa.reg(), bpa.iterations(), bpa.sigmoid(),
                bpa.maskDiagonal(), bpa.maxScale(), DType.FLOAT32));
    }

    /**
     * Z = BPA(X) into {@code out}. x is (n, d) or (B, n, d); out is (n, n) or (B, n, n) of the same rank;
     * labels[b] are the labels of set b's first rows (or null), as for {@code Bpa.forward}. Blocks until Z is
     * written.
     *
     * @param x the features, float32 in device memory, (n, d) or (B, n, d)
     * @param labels per set, the non-negative labels of its first L ≤ n rows (or null); or null for none
     * @param out where Z goes: device memory (n, n) or (B, n, n), not overlapping x
     * @return the pass, holding the duals (on the host) for {@link Pass#backward}
     * @throws IllegalArgumentException when x or out is null, out has the wrong shape or overlaps x, the labels
     *         do not fit, a buffer is not device memory on device 0 or is smaller than its shape, or the device
     *         has not the memory the call needs
     * @throws IllegalStateException when the CUDA backend is unavailable here (the message says why)
     * @throws CudaException when a CUDA or cuBLAS call fails
     */
    public Pass forward(DeviceFloats x, int[][] labels, DeviceFloats out) {
        if (x == null || out == null) {
            throw new org.bpa4j.InvalidInputException("CudaDeviceBpa.forward: x and out must not be null");
        }
        int sets = x.sets();
        int n = x.rows();
        int d = x.cols();
        expectShape(out, x.rank(), sets, n, n, "out");
        if (x.overlaps(out)) {
            throw new org.bpa4j.InvalidInputException("CudaDeviceBpa.forward: out " + out + " overlaps x " + x
                    + "; the backward pass reads x again");
        }
        Labels l = Labels.of(labels, sets, n);
        CudaContext context = CudaContext.get();
        try (Workspace ws = Workspace.acquire(context)) {
            DeviceMemory.check(context.device(), x, "x");
            DeviceMemory.check(context.device(), out, "out");
            int t = options.iterations();
            boolean small = SmallSets.take(SmallSets.Route.AUTO, SmallSets.forwardFits(context, n), "BPA forward");
            ws.checkFits(CostSetup.deviceBytes(sets, n, d) + 4L * (2L * (t + 1) * sets * n + 2L * sets * n),
                    "BPA forward of " + x.shapeString());
            KernelLaunches k = new KernelLaunches(context, ws);
            CudaBpa.DeviceForward f = CudaBpa.runOnDevice(ws, k, options, x.view(), sets, n, d, l.upload(ws), small,
                    out.view());
            long values = (long) (t + 1) * sets * n;
            float[] u = HostTransfer.downloadFloats(ws, f.u(), Math.toIntExact(values));
            float[] v = HostTransfer.downloadFloats(ws, f.v(), Math.toIntExact(values));
            float[] setMax = f.setMaxLogP() == null ? null : HostTransfer.downloadFloats(ws, f.setMaxLogP(), sets);
            ws.synchronize("BPA forward on device buffers");
            return new Pass(x, out, l, u, v, setMax);
        }
    }

    private static void expectShape(DeviceFloats a, int rank, int sets, int rows, int cols, String name) {
        boolean ok = a.rank() == rank && a.sets() == sets && a.rows() == rows && a.cols() == cols;
        if (!ok) {
            String expected = rank == 3 ? "(" + sets + ", " + rows + ", " + cols + ")" : "(" + rows + ", " + cols + ")";
            throw new org.bpa4j.InvalidInputException("CudaDeviceBpa: " + name + " has shape " + a.shapeString() + " where "
                    + expected + " was expected");
        }
    }

    /**
     * One forward pass, holding what its backward pass needs (the duals, on the host). Its backward pass may
     * be run any number of times, from any thread, while x is unchanged.
     */
    public final class Pass {
        private final DeviceFloats x;
        private final DeviceFloats out;
        private final Labels labels;
        private final float[] uHistory;
        private final float[] vHistory;
        private final float[] setMaxLogP;

        private Pass(DeviceFloats x, DeviceFloats out, Labels labels, float[] uHistory, float[] vHistory,
                float[] setMaxLogP) {
            this.x = x;
            this.out = out;
            this.labels = labels;
            this.uHistory = uHistory;
            this.vHistory = vHistory;
            this.setMaxLogP = setMaxLogP;
        }

        /**
         * The buffer Z was written into.
         *
         * @return the {@code out} given to {@link CudaDeviceBpa#forward}
         */
        public DeviceFloats output() {
            return out;
        }

        /**
         * ∂L/∂X into {@code gradX} (the shape of x) from ∂L/∂Z in {@code gradOut} (the shape of the output),
         * which is left unchanged. x must still hold the values the forward pass read. Blocks until ∂L/∂X is
         * written.
         *
         * @param gradOut ∂L/∂Z in device memory, the shape of the output
         * @param gradX where ∂L/∂X goes: device memory of the shape of x, not overlapping x or gradOut
         * @throws IllegalArgumentException when a buffer is null, has the wrong shape, overlaps as above, is not
         *         device memory on device 0 or is smaller than its shape, or the device lacks the memory
         * @throws IllegalStateException when the CUDA backend is unavailable here
         * @throws CudaException when a CUDA or cuBLAS call fails
         */
        public void backward(DeviceFloats gradOut, DeviceFloats gradX) {
            if (gradOut == null || gradX == null) {
                throw new org.bpa4j.InvalidInputException("CudaDeviceBpa.backward: gradOut and gradX must not be null");
            }
            int sets = x.sets();
            int n = x.rows();
            int d = x.cols();
            expectShape(gradOut, x.rank(), sets, n, n, "gradOut");
            expectShape(gradX, x.rank(), sets, n, d, "gradX");
            if (gradX.overlaps(x) || gradX.overlaps(gradOut)) {
                throw new org.bpa4j.InvalidInputException("CudaDeviceBpa.backward: gradX " + gradX
                        + " overlaps x or gradOut, which the backward pass reads");
            }
            CudaContext context = CudaContext.get();
            try (Workspace ws = Workspace.acquire(context)) {
                DeviceMemory.check(context.device(), x, "x");
                DeviceMemory.check(context.device(), gradOut, "gradOut");
                DeviceMemory.check(context.device(), gradX, "gradX");
                int t = options.iterations();
                long perSlot = (long) sets * n;
                boolean small = SmallSets.take(SmallSets.Route.AUTO, SmallSets.backwardFits(context, n, t), "BPA backward");
                ws.checkFits(CostSetup.deviceBytes(sets, n, d) + 4L * ((long) sets * n * n + 4L * (t + 1) * perSlot
                        + (long) sets * n * d + 6L * perSlot), "BPA backward of " + x.shapeString());
                KernelLaunches k = new KernelLaunches(context, ws);
                View u = ws.floats("u", (t + 1) * perSlot);
                View v = ws.floats("v", (t + 1) * perSlot);
                HostTransfer.upload(ws, uHistory, u);
                HostTransfer.upload(ws, vHistory, v);
                View setMax = null;
                if (setMaxLogP != null) {
                    setMax = ws.floats("setMaxLogP", sets);
                    HostTransfer.upload(ws, setMaxLogP, setMax);
                }
                // the backward pass works in place: on a copy, so that the caller's gradient stays as it was
                View grad = ws.floats("grad", perSlot * n);
                ws.copy(gradOut.view(), grad, perSlot * n);
                CudaBpa.backwardOnDevice(ws, k, options, x.view(), sets, n, d, u, v, setMax, labels.upload(ws), grad, small,
                        gradX.view());
                ws.synchronize("BPA backward on device buffers");
            }
        }
    }
}
