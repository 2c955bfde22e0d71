package org.bpa4j.cpu;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One Sinkhorn iteration (a row step and a column step, docs/MATH.md §1) on BPA's cosine kernel at ε = 0.1, timed
 * over 10 iterations: on scaling vectors (the path BPA takes when the kernel's range allows) and in the
 * log domain (the general path, one exp per element). n = 80 is 256 sets, one a thread.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xms2g", "-Xmx2g",
    "-XX:+AlwaysPreTouch"})
public class SinkhornIterationBenchmark {
    private static final int ITERATIONS = 10;
    private static final double REG = 0.1;

    @Param({"80", "1000", "4096"})
    public int n;

    @Param({"128"})
    public int d;

    @Param({"2"})
    public int threads;

    private int sets;
    private float[][] kernel;
    private float[][] logKernel;
    private ThreadTeam team;

    @Setup(Level.Trial)
    public void setUp() {
        sets = BenchSettings.sets(n);
        kernel = new float[sets][];
        logKernel = new float[sets][];
        team = ThreadTeam.of(threads);
        for (int s = 0; s < sets; s++) {
            float[] x = BenchSettings.gaussian(s, n * d);
            CosineCost cost = new CosineCost(x, n, d, REG);
            logKernel[s] = new float[n * n];
            cost.fillLogK(logKernel[s], team);
            kernel[s] = new float[n * n];
            cost.fillKernel(kernel[s], team);
            for (int i = 0; i < n; i++) {
                logKernel[s][i * n + i] = (float) (-SetBpa.MASKED_COST / REG);
                kernel[s][i * n + i] = 0f;
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation(ITERATIONS)
    public Object scalingVectors() {
        if (sets == 1) {
            return ScalingSinkhorn.runOnKernel(kernel[0], n, true, -1e6f, ITERATIONS, team);
        }
        Object[] out = new Object[sets];
        team.forEach(sets, s -> out[s] = ScalingSinkhorn.runOnKernel(kernel[s], n, true, -1e6f, ITERATIONS,
                ThreadTeam.SEQUENTIAL));
        return out;
    }

    @Benchmark
    @OperationsPerInvocation(ITERATIONS)
    public Object logDomain() {
        if (sets == 1) {
            FusedLogSinkhorn sk = new FusedLogSinkhorn(logKernel[0], n, n, null, null, team);
            sk.run(ITERATIONS, Double.NaN, 1, false);
            return sk;
        }
        Object[] out = new Object[sets];
        team.forEach(sets, s -> {
            FusedLogSinkhorn sk = new FusedLogSinkhorn(logKernel[s], n, n, null, null, ThreadTeam.SEQUENTIAL);
            sk.run(ITERATIONS, Double.NaN, 1, false);
            out[s] = sk;
        });
        return out;
    }
}
