package org.bpa4j.cpu;

import java.util.concurrent.TimeUnit;
import org.bpa4j.DType;
import org.bpa4j.Metric;
import org.bpa4j.StreamingBpa;
import org.bpa4j.Tensor;
import org.bpa4j.spi.BpaOptions;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One streaming Sinkhorn half-step (README "Large sets": every block's rows against all n columns, the cost
 * recomputed by the micro-kernel, reduced to row log-sum-exps) against the dense cost GEMM on the same threads.
 * The per-block half-step ({@code streamingHalfStep}, what a distributed caller's blockRows runs) does n²·d FMAs
 * (and n² exps); the dense symmetric GEMM n²·d/2. Throughput ratio = (n²d / halfStep) / (n²d/2 / denseCostGemm)
 * = denseCostGemm · 2 / halfStep. The symmetric half-step ({@code symmetricHalfStep}, what StreamingBpa.topK
 * runs: one tile per pair of column blocks) does about n²·d/2 FMAs (B + 1 of 2B tiles' worth, B blocks) and
 * the same n² exps.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xms2g", "-Xmx2g"})
public class StreamingSweepBenchmark {
    @Param({"4096"})
    public int n;

    @Param({"64", "128"})
    public int d;

    @Param({"2"})
    public int threads;

    private float[] unit;
    private float[] gram;
    private ThreadTeam team;
    private CpuBlockKernel kernel;
    private double[] dual;
    private double[] max;
    private double[] sum;

    @Setup(Level.Trial)
    public void setUp() {
        unit = BenchSettings.unitRows(1, n, d);
        gram = new float[n * n];
        team = ThreadTeam.of(threads);
        BpaOptions options = new BpaOptions(Metric.COSINE, 0.1, 10, false, true, true, DType.FLOAT32);
        kernel = new CpuBlockKernel(options, Tensor.of(unit.clone(), n, d), team);
        dual = new double[n];
        max = new double[n];
        sum = new double[n];
    }

    private static final SymmetricGram.Epilogue COPY = (i, j0, src, so, len, dst, o) -> System.arraycopy(src, so, dst,
            o, len);

    @Benchmark
    public float[] denseCostGemm() {
        SymmetricGram.compute(unit, n, d, gram, COPY, team);
        return gram;
    }

    @Benchmark
    public double[] streamingHalfStep() {
        int blocks = (n + StreamingBpa.BLOCK_ROWS - 1) / StreamingBpa.BLOCK_ROWS;
        kernel.forEach(blocks, b -> {
            int r0 = b * StreamingBpa.BLOCK_ROWS;
            int r1 = Math.min(n, r0 + StreamingBpa.BLOCK_ROWS);
            kernel.rowLogSumExp(r0, r1, dual, 0, max, sum, r0);
        });
        return sum;
    }

    /** The half-step as StreamingBpa.topK runs it: each cost tile serves its rows and, transposed, its columns. */
    @Benchmark
    public double[] symmetricHalfStep() {
        kernel.everyRowLogSumExp(dual, 0, max, sum);
        return sum;
    }
}
