package org.bpa4j.cpu;

import java.util.concurrent.TimeUnit;
import org.bpa4j.Backends;
import org.bpa4j.Bpa;
import org.bpa4j.BpaResult;
import org.bpa4j.Device;
import org.bpa4j.Tensor;
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
 * BPA through the public API on the CPU backend (cosine, ε = 0.1, T = 10, float32): inference (transform),
 * the forward pass that keeps what backward needs, and forward followed by backward. n = 80 is a batch of
 * 256 episodes (B, 80, d).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
    "-Xms3g", "-Xmx3g", "-XX:+AlwaysPreTouch"})
public class BpaBenchmark {
    @Param({"80", "1000", "4096"})
    public int n;

    @Param({"128", "640"})
    public int d;

    @Param({"2"})
    public int threads;

    private Bpa bpa;
    private Tensor x;
    private Tensor grad;

    @Setup(Level.Trial)
    public void setUp() {
        ((CpuBackend) Backends.resolve(Device.CPU)).setThreads(threads);
        bpa = Bpa.builder().device(Device.CPU).build();
        int sets = BenchSettings.sets(n);
        x = sets == 1 ? Tensor.of(BenchSettings.gaussian(1, n * d), n, d)
                : Tensor.of(BenchSettings.gaussian(1, sets * n * d), sets, n, d);
        grad = sets == 1 ? Tensor.of(BenchSettings.gaussian(2, n * n), n, n)
                : Tensor.of(BenchSettings.gaussian(2, sets * n * n), sets, n, n);
    }

    /** Inference: Z only, computed in its own array (Bpa.transform). */
    @Benchmark
    public Tensor transform() {
        return bpa.transform(x);
    }

    /** The forward pass a backward pass can follow: keeps the kernel (Bpa.forward). */
    @Benchmark
    public Tensor forward() {
        return bpa.forward(x).output();
    }

    @Benchmark
    public Tensor forwardBackward() {
        BpaResult r = bpa.forward(x);
        return r.backward(grad);
    }
}
