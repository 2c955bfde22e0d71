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
import org.bpa4j.spi.BpaOptions;
import org.bpa4j.testing.RandomTensors;
import org.bytedeco.cuda.cudart.CUevent_st;
import org.bytedeco.cuda.global.cudart;

/**
 * Timings of BPA on a backend, for the GPU check (native-cuda/gpu-check/run.sh), printed as TSV:
 * {@code backend n d batch forward_ms forward_backward_ms device_forward_ms stream_GBps}. forward_ms and
 * forward_backward_ms are end to end through the public API from host memory (transfers included);
 * device_forward_ms (CUDA only) is the forward pass's work on the GPU alone, timed with CUDA events, as a
 * framework whose tensors already live on the GPU would see it; stream_GBps is B·n²·4 bytes × T divided
 * by it: the bandwidth of reading the n×n matrix once per Sinkhorn iteration in that time.
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
        System.out.println("backend\tn\td\tbatch\tforward_ms\tforward_backward_ms\tdevice_forward_ms\tstream_GBps");
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
        double[] forward = new double[repeats];
        double[] both = new double[repeats];
        for (int r = -2; r < repeats; r++) {  // two warm-up rounds
            long t0 = System.nanoTime();
            BpaResult res = bpa.forward(x);
            long t1 = System.nanoTime();
            res.backward(g);
            long t2 = System.nanoTime();
            if (r >= 0) {
                forward[r] = (t1 - t0) / 1e6;
                both[r] = (t2 - t0) / 1e6;
            }
        }
        double device = backend == Device.CUDA ? deviceForwardMs(bpa, x, repeats) : Double.NaN;
        double gbps = 4.0 * batch * n * (double) n * iterations / (device / 1e3) / 1e9;
        System.out.printf(Locale.ROOT, "%s\t%d\t%d\t%d\t%.3f\t%.3f\t%.3f\t%.1f%n", backend.label(), n, d, batch,
                median(forward), median(both), device, gbps);
    }

    /** The median over {@code repeats} of the forward pass's device work, between two CUDA events. */
    private static double deviceForwardMs(Bpa bpa, Tensor x, int repeats) {
        CudaContext context = CudaContext.get();
        Workspace ws = Workspace.current(context);
        KernelLaunches k = new KernelLaunches(context, ws);
        BpaOptions options = new BpaOptions(bpa.metric(), bpa.reg(), bpa.iterations(), bpa.sigmoid(),
                bpa.maskDiagonal(), bpa.maxScale(), DType.FLOAT32);
        Labels none = Labels.of(null, x.sets(), x.rows());
        CUevent_st start = new CUevent_st();
        CUevent_st stop = new CUevent_st();
        CudaCheck.runtime(cudart.cudaEventCreate(start), "cudaEventCreate");
        CudaCheck.runtime(cudart.cudaEventCreate(stop), "cudaEventCreate");
        double[] ms = new double[repeats];
        float[] elapsed = new float[1];
        for (int r = -1; r < repeats; r++) {
            CudaCheck.runtime(cudart.cudaEventRecord(start, ws.stream()), "cudaEventRecord");
            CudaBpa.runOnDevice(ws, k, options, x, none);
            CudaCheck.runtime(cudart.cudaEventRecord(stop, ws.stream()), "cudaEventRecord");
            CudaCheck.runtime(cudart.cudaEventSynchronize(stop), "cudaEventSynchronize");
            CudaCheck.runtime(cudart.cudaEventElapsedTime(elapsed, start, stop), "cudaEventElapsedTime");
            if (r >= 0) {
                ms[r] = elapsed[0];
            }
        }
        cudart.cudaEventDestroy(start);
        cudart.cudaEventDestroy(stop);
        return median(ms);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
