package org.bpa4j.cpu;

import java.util.concurrent.TimeUnit;
import org.bpa4j.BamLoss;
import org.bpa4j.Backends;
import org.bpa4j.DType;
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
 * The BAM loss through the public API on the CPU backend (float32, τ = 0.1, ε = 0.05, 3 iterations): B
 * images in 2 large + 6 local crops, d dimensions; the loss alone, and the loss with its gradient. At
 * B = 256, d = 256 the GEMMs are three (2048×512×256) products, about 0.8 GFMA for forward+backward.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class BamBenchmark {
    @Param({"64", "256"})
    public int batch;

    @Param({"256"})
    public int d;

    @Param({"2"})
    public int largeCrops;

    @Param({"6"})
    public int localCrops;

    @Param({"2"})
    public int threads;

    private BamLoss loss;
    private Tensor z;

    @Setup(Level.Trial)
    public void setUp() {
        ((CpuBackend) Backends.resolve(Device.CPU)).setThreads(threads);
        loss = BamLoss.builder().largeCrops(largeCrops).localCrops(localCrops).device(Device.CPU)
                .precision(DType.FLOAT32).build();
        int rows = (largeCrops + localCrops) * batch;
        z = Tensor.of(BenchSettings.gaussian(3, rows * d), rows, d);
    }

    @Benchmark
    public double forward() {
        return loss.forward(z).loss();
    }

    @Benchmark
    public Tensor forwardBackward() {
        return loss.forward(z).backward();
    }
}
