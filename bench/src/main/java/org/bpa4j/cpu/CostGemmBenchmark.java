package org.bpa4j.cpu;

import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_full;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost GEMM G = X̂X̂ᵀ (n×n from n×d): the backend's symmetric, register-tiled Vector API kernel against
 * OpenBLAS on the same number of threads — sgemm (the full product, 2n²d flops) and ssyrk (the upper
 * triangle only, n²d flops, the same work as ours). n = 80 is 256 independent sets.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
    "-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
public class CostGemmBenchmark {
    @Param({"80", "1000", "4096"})
    public int n;

    @Param({"128", "640"})
    public int d;

    @Param({"2"})
    public int threads;

    private int sets;
    private float[][] x;
    private float[][] out;
    private ThreadTeam team;
    private FloatPointer[] a;
    private FloatPointer[] c;

    @Setup(Level.Trial)
    public void setUp() {
        sets = BenchSettings.sets(n);
        x = new float[sets][];
        out = new float[sets][n * n];
        a = new FloatPointer[sets];
        c = new FloatPointer[sets];
        for (int s = 0; s < sets; s++) {
            x[s] = BenchSettings.unitRows(s, n, d);
            a[s] = new FloatPointer(x[s]);
            c[s] = new FloatPointer((long) n * n);
        }
        team = ThreadTeam.of(threads);
        // batches of small sets: one set a thread, as the backend runs them
        if (sets > 1) {
            openblas_full.openblas_set_num_threads(1);
        } else {
            openblas_full.openblas_set_num_threads(threads);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        for (int s = 0; s < sets; s++) {
            a[s].close();
            c[s].close();
        }
    }

    private static final SymmetricGram.Epilogue COPY = (i, j0, src, so, len, dst, o) -> System.arraycopy(src, so, dst,
            o, len);

    @Benchmark
    public float[][] vectorSymmetricGram() {
        if (sets == 1) {
            SymmetricGram.compute(x[0], n, d, out[0], COPY, team);
        } else {
            team.forEach(sets, s -> SymmetricGram.compute(x[s], n, d, out[s], COPY, ThreadTeam.SEQUENTIAL));
        }
        return out;
    }

    @Benchmark
    public FloatPointer[] openblasSgemm() {
        if (sets == 1) {
            sgemm(0);
        } else {
            team.forEach(sets, this::sgemm);
        }
        return c;
    }

    @Benchmark
    public FloatPointer[] openblasSsyrk() {
        if (sets == 1) {
            ssyrk(0);
        } else {
            team.forEach(sets, this::ssyrk);
        }
        return c;
    }

    private void sgemm(int s) {
        openblas_full.cblas_sgemm(openblas_full.CblasRowMajor, openblas_full.CblasNoTrans, openblas_full.CblasTrans,
                n, n, d, 1f, a[s], d, a[s], d, 0f, c[s], n);
    }

    private void ssyrk(int s) {
        openblas_full.cblas_ssyrk(openblas_full.CblasRowMajor, openblas_full.CblasUpper, openblas_full.CblasNoTrans,
                n, d, 1f, a[s], d, 0f, c[s], n);
    }
}
