package org.bpa4j.cpu;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import org.bpa4j.DType;
import org.bpa4j.Metric;
import org.bpa4j.Tensor;
import org.bpa4j.spi.BlockKernel;
import org.bpa4j.spi.BpaOptions;

/**
 * {@link StreamingSweepBenchmark}'s three operations on one thread, timed in thread CPU time (steady on a shared
 * machine, where JMH's wall clock is not; BENCHMARKS.md §9): the dense cost GEMM (n²d/2 FMAs), the per-block
 * streaming half-step (n²d FMAs, n² exps) and the symmetric half-step StreamingBpa.topK runs (about n²d/2 FMAs,
 * n² exps). Prints the minimum and median over the runs of the second half (the first half warms C2 up).
 *
 * <pre>java --add-modules jdk.incubator.vector [-XX:MaxVectorSize=16] -cp bench/target/benchmarks.jar \
 *     org.bpa4j.cpu.StreamingSweepCpuTime 4096 64 10</pre>
 */
public final class StreamingSweepCpuTime {
    private StreamingSweepCpuTime() {
    }

    public static void main(String[] args) {
        if (args.length != 3) {
            throw new IllegalArgumentException("usage: StreamingSweepCpuTime n d runs");
        }
        int n = Integer.parseInt(args[0]);
        int d = Integer.parseInt(args[1]);
        int runs = Integer.parseInt(args[2]);
        if (n < 1 || d < 1 || runs < 1) {
            throw new IllegalArgumentException("StreamingSweepCpuTime: n, d and runs must be positive");
        }
        ThreadMXBean clock = ManagementFactory.getThreadMXBean();
        float[] unit = BenchSettings.unitRows(1, n, d);
        float[] gram = new float[n * n];
        BpaOptions options = new BpaOptions(Metric.COSINE, 0.1, 10, false, true, true, DType.FLOAT32);
        CpuBlockKernel kernel = new CpuBlockKernel(options, Tensor.of(unit.clone(), n, d), ThreadTeam.SEQUENTIAL);
        double[] dual = new double[n];
        double[] max = new double[n];
        double[] sum = new double[n];
        SymmetricGram.Epilogue copy = (i, j0, src, so, len, dst, o) -> System.arraycopy(src, so, dst, o, len);
        double[][] ms = new double[3][runs];
        for (int pass = 0; pass < 2; pass++) {
            for (int r = 0; r < runs; r++) {
                long t0 = clock.getCurrentThreadCpuTime();
                SymmetricGram.compute(unit, n, d, gram, copy, ThreadTeam.SEQUENTIAL);
                long t1 = clock.getCurrentThreadCpuTime();
                for (int r0 = 0; r0 < n; r0 += BlockKernel.SWEEP_BLOCK_ROWS) {
                    kernel.rowLogSumExp(r0, Math.min(n, r0 + BlockKernel.SWEEP_BLOCK_ROWS), dual, 0, max, sum, r0);
                }
                long t2 = clock.getCurrentThreadCpuTime();
                kernel.everyRowLogSumExp(dual, 0, max, sum);
                long t3 = clock.getCurrentThreadCpuTime();
                ms[0][r] = (t1 - t0) / 1e6;
                ms[1][r] = (t2 - t1) / 1e6;
                ms[2][r] = (t3 - t2) / 1e6;
            }
        }
        String[] names = {"dense cost GEMM", "per-block half-step", "symmetric half-step"};
        System.out.printf("n %d, d %d, lanes %d, one thread, CPU ms:%n", n, d, RowKernels.L);
        for (int k = 0; k < 3; k++) {
            Arrays.sort(ms[k]);
            System.out.printf("  %-20s min %8.1f  median %8.1f%n", names[k], ms[k][0], ms[k][runs / 2]);
        }
    }
}
