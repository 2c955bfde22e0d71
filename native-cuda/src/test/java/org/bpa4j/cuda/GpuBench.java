package org.bpa4j.cuda;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.bpa4j.Bpa;
import org.bpa4j.BpaResult;
import org.bpa4j.DType;
import org.bpa4j.Device;
import org.bpa4j.Tensor;
import org.bpa4j.cuda.DeviceBuffer.View;
import org.bpa4j.spi.BpaOptions;
import org.bpa4j.testing.RandomTensors;
import org.bytedeco.cuda.cudart.CUevent_st;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.cuda.global.cudart;

/**
 * Timings of BPA on a backend, for the GPU check (native-cuda/gpu-check/run.sh), printed as TSV:
 * {@code backend n d batch route forward_ms forward_backward_ms device_forward_ms device_forward_backward_ms
 * stream_GBps}. forward_ms and forward_backward_ms are end to end from host memory (transfers included);
 * device_* (CUDA only) are the passes' work on the GPU alone, timed with CUDA events, with X and ∂L/∂Z
 * already on the device as a framework whose tensors live there would see it (the backward's figure
 * includes one device-to-device copy of ∂L/∂Z, which the backward overwrites). stream_GBps is B·n²·4 bytes
 * × T divided by device_forward_ms: the bandwidth of reading the n×n matrices once per Sinkhorn iteration
 * in that time. On CUDA, sets of n ≤ 128 are timed on both routes (small-sets: one launch per pass;
 * multi-launch: a launch per half-step); larger ones on the multi-launch route only.
 *
 * <pre>GpuBench --backend cuda --sizes 4096x128,1000x128 [--batch B] [--iterations T] [--repeats R]</pre>
 */
public final class GpuBench {
    private GpuBench() {
    }

    public static void main(String[] args) {
        Device backend = Device.CUDA;
        List<int[]> sizes = new ArrayList<>();
        int batch = 1;
        int iterations = 10;
        int repeats = 10;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--backend" -> backend = Device.parse(args[++i]);
                case "--sizes" -> {
                    for (String s : args[++i].split(",")) {
                        String[] nd = s.toLowerCase(Locale.ROOT).split("x");
                        sizes.add(new int[] {Integer.parseInt(nd[0]), Integer.parseInt(nd[1])});
                    }
                }
                case "--batch" -> batch = Integer.parseInt(args[++i]);
                case "--iterations" -> iterations = Integer.parseInt(args[++i]);
                case "--repeats" -> repeats = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (sizes.isEmpty()) {
            throw new IllegalArgumentException("--sizes NxD[,NxD] is required");
        }
        System.out.println("backend\tn\td\tbatch\troute\tforward_ms\tforward_backward_ms\tdevice_forward_ms"
                + "\tdevice_forward_backward_ms\tstream_GBps");
        for (int[] nd : sizes) {
            run(backend, nd[0], nd[1], batch, iterations, repeats);
        }
    }

    private static void run(Device backend, int n, int d, int batch, int iterations, int repeats) {
        int[] shape = batch > 1 ? new int[] {batch, n, d} : new int[] {n, d};
        int[] outShape = batch > 1 ? new int[] {batch, n, n} : new int[] {n, n};
        Tensor x = RandomTensors.gaussian(1, shape).to(DType.FLOAT32);
        Tensor g = RandomTensors.gaussian(2, outShape).to(DType.FLOAT32);
        Bpa bpa = Bpa.builder().iterations(iterations).device(backend).precision(DType.FLOAT32).build();
        BpaOptions options = new BpaOptions(bpa.metric(), bpa.reg(), bpa.iterations(), bpa.sigmoid(),
                bpa.maskDiagonal(), bpa.maxScale(), DType.FLOAT32);
        if (backend != Device.CUDA) {
            double[] t = endToEnd(() -> {
                BpaResult r = bpa.forward(x);
                return r::backward;
            }, g, repeats);
            print(backend.label(), n, d, batch, "-", t, new double[] {Double.NaN, Double.NaN}, iterations);
            return;
        }
        CudaContext context = CudaContext.get();
        List<SmallSets.Route> routes = n <= SmallSets.MAX_N && SmallSets.forwardFits(context, n)
                && SmallSets.backwardFits(context, n, iterations)
                ? List.of(SmallSets.Route.SMALL_SETS, SmallSets.Route.MULTI_LAUNCH)
                : List.of(SmallSets.Route.MULTI_LAUNCH);
        for (SmallSets.Route route : routes) {
            double[] t = endToEnd(() -> CudaBpa.forward(context, options, x, null, route)::backward, g, repeats);
            double[] device = deviceMs(context, options, x, g, route == SmallSets.Route.SMALL_SETS, repeats);
            String label = route == SmallSets.Route.SMALL_SETS ? "small-sets" : "multi-launch";
            print(backend.label(), n, d, batch, label, t, device, iterations);
        }
    }

    private static void print(String backend, int n, int d, int batch, String route, double[] endToEnd,
            double[] device, int iterations) {
        double gbps = 4.0 * batch * n * (double) n * iterations / (device[0] / 1e3) / 1e9;
        System.out.printf(Locale.ROOT, "%s\t%d\t%d\t%d\t%s\t%.3f\t%.3f\t%.3f\t%.3f\t%.1f%n", backend, n, d, batch, route,
                endToEnd[0], endToEnd[1], device[0], device[1], gbps);
    }

    /** A forward pass, returning its backward. */
    private interface Forward {
        java.util.function.UnaryOperator<Tensor> run();
    }

    /** Medians of forward and forward+backward through host memory, after two warm-up rounds. */
    private static double[] endToEnd(Forward forward, Tensor g, int repeats) {
        double[] fwd = new double[repeats];
        double[] both = new double[repeats];
        for (int r = -2; r < repeats; r++) {
            long t0 = System.nanoTime();
            java.util.function.UnaryOperator<Tensor> backward = forward.run();
            long t1 = System.nanoTime();
            backward.apply(g);
            long t2 = System.nanoTime();
            if (r >= 0) {
                fwd[r] = (t1 - t0) / 1e6;
                both[r] = (t2 - t0) / 1e6;
            }
        }
        return new double[] {median(fwd), median(both)};
    }

    /** Medians of the device work of forward and of forward+backward, between CUDA events. */
    private static double[] deviceMs(CudaContext context, BpaOptions options, Tensor x, Tensor g, boolean small,
            int repeats) {
        Workspace ws = Workspace.acquire(context);  // back to the pool at the end; a failure here ends the run
        CUstream_st stream = new CUstream_st(GpuDevice.at(ws.stream()));
        KernelLaunches k = new KernelLaunches(context, ws);
        int sets = x.sets();
        int n = x.rows();
        int d = x.cols();
        Labels.OnDevice none = Labels.of(null, sets, n).upload(ws);
        View features = ws.floats("benchFeatures", x.size());
        View gradIn = ws.floats("benchGrad", g.size());
        HostTransfer.upload(ws, x, features);
        HostTransfer.upload(ws, g, gradIn);
        View gx = ws.floats("benchGradFeatures", x.size());
        CUevent_st start = new CUevent_st();
        CUevent_st mid = new CUevent_st();
        CUevent_st stop = new CUevent_st();
        for (CUevent_st e : new CUevent_st[] {start, mid, stop}) {
            CudaCheck.runtime(cudart.cudaEventCreate(e), "cudaEventCreate");
        }
        double[] fwd = new double[repeats];
        double[] both = new double[repeats];
        float[] elapsed = new float[1];
        for (int r = -1; r < repeats; r++) {
            CudaCheck.runtime(cudart.cudaEventRecord(start, stream), "cudaEventRecord");
            CudaBpa.DeviceForward f = CudaBpa.runOnDevice(ws, k, options, features, sets, n, d, none, small, null);
            CudaCheck.runtime(cudart.cudaEventRecord(mid, stream), "cudaEventRecord");
            View grad = ws.floats("grad", g.size());
            ws.copy(gradIn, grad, g.size());
            CudaBpa.backwardOnDevice(ws, k, options, features, sets, n, d, f.u(), f.v(), f.setMaxLogP(), none, grad,
                    small, gx);
            CudaCheck.runtime(cudart.cudaEventRecord(stop, stream), "cudaEventRecord");
            CudaCheck.runtime(cudart.cudaEventSynchronize(stop), "cudaEventSynchronize");
            if (r >= 0) {
                CudaCheck.runtime(cudart.cudaEventElapsedTime(elapsed, start, mid), "cudaEventElapsedTime");
                fwd[r] = elapsed[0];
                CudaCheck.runtime(cudart.cudaEventElapsedTime(elapsed, start, stop), "cudaEventElapsedTime");
                both[r] = elapsed[0];
            }
        }
        for (CUevent_st e : new CUevent_st[] {start, mid, stop}) {
            cudart.cudaEventDestroy(e);
        }
        ws.close();
        return new double[] {median(fwd), median(both)};
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
