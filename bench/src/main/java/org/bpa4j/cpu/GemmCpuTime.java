package org.bpa4j.cpu;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/**
 * The GEMMs of BPA and of the BAM loss on one thread, timed in thread CPU time rather than wall time: on a
 * machine shared with other work (BENCHMARKS.md) a thread's CPU time is far steadier than JMH's wall clock.
 * Prints the minimum and median over the runs of the second half (the first half warms C2 up) for the cost
 * GEMM ({@link SymmetricGram}, n²d/2 FMAs with packing, copy-out and mirror), the backward's M·X
 * ({@link MatrixFeatureProduct}, n²·dp FMAs), the BAM loss's two product shapes ({@link TileGemm}, fixed
 * sizes), and one thread's FMA peak ({@link MachineLimitsBenchmark#peakFma}) timed the same way.
 *
 * <pre>java --add-modules jdk.incubator.vector [-XX:MaxVectorSize=16] -cp bench/target/benchmarks.jar \
 *     org.bpa4j.cpu.GemmCpuTime 1000 128 40</pre>
 */
public final class GemmCpuTime {
    private GemmCpuTime() {
    }

    /** The thread CPU times of {@code runs} calls, in ms, sorted, after as many untimed ones (C2's warm-up). */
    private static double[] sortedCpuMillis(ThreadMXBean clock, int runs, Runnable call) {
        double[] ms = new double[runs];
        for (int pass = 0; pass < 2; pass++) {
            for (int r = 0; r < runs; r++) {
                long t0 = clock.getCurrentThreadCpuTime();
                call.run();
                ms[r] = (clock.getCurrentThreadCpuTime() - t0) / 1e6;
            }
        }
        Arrays.sort(ms);
        return ms;
    }

    public static void main(String[] args) {
        if (args.length != 3) {
            throw new IllegalArgumentException("usage: GemmCpuTime n d runs");
        }
        int n = Integer.parseInt(args[0]);
        int d = Integer.parseInt(args[1]);
        int runs = Integer.parseInt(args[2]);
        if (n < 1 || d < 1 || runs < 1) {
            throw new IllegalArgumentException("GemmCpuTime: n, d and runs must be positive");
        }
        ThreadMXBean clock = ManagementFactory.getThreadMXBean();
        float[] x = BenchSettings.unitRows(1, n, d);
        float[] out = new float[n * n];
        SymmetricGram.Epilogue copy = (i, j0, src, so, len, dst, o) -> System.arraycopy(src, so, dst, o, len);
        int dp = MatrixFeatureProduct.paddedWidth(d);
        float[] xp = new float[n * dp];
        for (int i = 0; i < n; i++) {
            System.arraycopy(x, i * d, xp, i * dp, d);
        }
        double[] gram = new double[runs];
        double[] product = new double[runs];
        for (int pass = 0; pass < 2; pass++) {
            for (int r = 0; r < runs; r++) {
                long t0 = clock.getCurrentThreadCpuTime();
                SymmetricGram.compute(x, n, d, out, copy, ThreadTeam.SEQUENTIAL);
                long t1 = clock.getCurrentThreadCpuTime();
                MatrixFeatureProduct.multiply(out, n, xp, dp, ThreadTeam.SEQUENTIAL);
                long t2 = clock.getCurrentThreadCpuTime();
                gram[r] = (t1 - t0) / 1e6;
                product[r] = (t2 - t1) / 1e6;
            }
        }
        // the BAM loss's product shape: (N = 2048) × d (256) times d × (T = 512), as TileGemm computes it
        float[] za = BenchSettings.unitRows(2, 2048, 256);
        float[] zb = BenchSettings.unitRows(3, 512, 256);
        double[] tile = sortedCpuMillis(clock, runs,
                () -> TileGemm.multiply(za, false, zb, true, 2048, 512, 256, ThreadTeam.SEQUENTIAL));
        System.out.printf("BAM-shaped TileGemm (2048 x 256 x 512), %d-row tiles: min %.3f median %.3f ms"
                + " (%.1f G lane-FMA/s)%n", TileGemm.MR, tile[0], tile[runs / 2], 2048.0 * 512 * 256 / tile[0] / 1e6);
        // and the backward's transposed product: dQ^T (512 x 2048, given as 2048 x 512) times z (2048 x 256)
        float[] dq = BenchSettings.unitRows(4, 2048, 512);
        tile = sortedCpuMillis(clock, runs,
                () -> TileGemm.multiply(dq, true, za, false, 512, 256, 2048, ThreadTeam.SEQUENTIAL));
        System.out.printf("BAM-shaped TileGemm, A transposed (512 x 2048 x 256): min %.3f median %.3f ms"
                + " (%.1f G lane-FMA/s)%n", tile[0], tile[runs / 2], 2048.0 * 512 * 256 / tile[0] / 1e6);
        MachineLimitsBenchmark limits = new MachineLimitsBenchmark();
        double[] peak = sortedCpuMillis(clock, 5, limits::peakFma);
        System.out.printf("FMA peak, one thread: %.1f G lane-FMA/s%n", (double) MachineLimitsBenchmark.CHAINS
                * MachineLimitsBenchmark.STEPS * RowKernels.L / peak[0] / 1e6);
        Arrays.sort(gram);
        Arrays.sort(product);
        System.out.printf("lanes %d, %d-row Gram tiles; cost GEMM min %.3f median %.3f ms (%.1f G lane-FMA/s);"
                + " M.X min %.3f median %.3f ms (%.1f G lane-FMA/s)%n", RowKernels.L, SymmetricGram.MR, gram[0],
                gram[runs / 2], (double) n * n * d / 2 / gram[0] / 1e6, product[0], product[runs / 2],
                (double) n * n * dp / product[0] / 1e6);
    }
}
