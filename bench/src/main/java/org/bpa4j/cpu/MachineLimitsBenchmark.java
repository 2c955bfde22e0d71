package org.bpa4j.cpu;

import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
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
 * The machine's limits the kernels are held against (BENCHMARKS.md): the FMA throughput of one core at the
 * preferred vector width, and the memory bandwidth of a Sinkhorn sweep's access pattern, on the given
 * number of threads.
 *
 * <ul>
 * <li>{@code peakFma}: {@link #CHAINS} independent FMA chains in registers, {@link #STEPS} steps each, one
 *     thread: lane-FMAs/s = CHAINS · STEPS · lanes / time.
 * <li>{@code streamRead}: Σ of a {@code mib}-MiB float array in vector lanes (a sweep reads K this way);
 *     bytes/s = mib · 2²⁰ / time. {@code streamCopy}: the array copied vector by vector into another
 *     (read + write: twice the bytes), as STREAM's copy. Both split the array over {@code threads} threads.
 * </ul>
 * Run with {@code -jvmArgsPrepend -XX:MaxVectorSize=16} for 128-bit vectors.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xms2g", "-Xmx2g",
    "-XX:+AlwaysPreTouch"})
public class MachineLimitsBenchmark {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    static final int CHAINS = 10;
    static final int STEPS = 10_000_000;

    /** Array size: larger than the last-level cache, so that the stream benchmarks measure memory. */
    @Param({"64"})
    public int mib;

    @Param({"2"})
    public int threads;

    private float[] src;
    private float[] dst;
    private ThreadTeam team;

    @Setup(Level.Trial)
    public void setUp() {
        src = BenchSettings.gaussian(7, mib << 18);
        dst = new float[src.length];
        team = ThreadTeam.of(threads);
    }

    @Benchmark
    public float peakFma() {
        FloatVector a0 = FloatVector.broadcast(F, 1f);
        FloatVector a1 = a0.add(1f);
        FloatVector a2 = a0.add(2f);
        FloatVector a3 = a0.add(3f);
        FloatVector a4 = a0.add(4f);
        FloatVector a5 = a0.add(5f);
        FloatVector a6 = a0.add(6f);
        FloatVector a7 = a0.add(7f);
        FloatVector a8 = a0.add(8f);
        FloatVector a9 = a0.add(9f);
        FloatVector m = FloatVector.broadcast(F, 0.999999f);
        FloatVector c = FloatVector.broadcast(F, 1e-7f);
        for (int i = 0; i < STEPS; i++) {
            a0 = a0.fma(m, c);
            a1 = a1.fma(m, c);
            a2 = a2.fma(m, c);
            a3 = a3.fma(m, c);
            a4 = a4.fma(m, c);
            a5 = a5.fma(m, c);
            a6 = a6.fma(m, c);
            a7 = a7.fma(m, c);
            a8 = a8.fma(m, c);
            a9 = a9.fma(m, c);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).lane(0);
    }

    @Benchmark
    public float streamRead() {
        int chunk = src.length / threads;
        float[] sums = new float[threads];
        team.forEach(threads, t -> {
            FloatVector s0 = FloatVector.zero(F);
            FloatVector s1 = s0;
            FloatVector s2 = s0;
            FloatVector s3 = s0;
            for (int j = t * chunk, end = j + chunk; j < end; j += 4 * L) {
                s0 = s0.add(FloatVector.fromArray(F, src, j));
                s1 = s1.add(FloatVector.fromArray(F, src, j + L));
                s2 = s2.add(FloatVector.fromArray(F, src, j + 2 * L));
                s3 = s3.add(FloatVector.fromArray(F, src, j + 3 * L));
            }
            sums[t] = s0.add(s1).add(s2).add(s3).lane(0);
        });
        return sums[0];
    }

    @Benchmark
    public float[] streamCopy() {
        int chunk = src.length / threads;
        team.forEach(threads, t -> {
            for (int j = t * chunk, end = j + chunk; j < end; j += L) {
                FloatVector.fromArray(F, src, j).intoArray(dst, j);
            }
        });
        return dst;
    }
}
