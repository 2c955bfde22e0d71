package org.bpa4j.cpu;

import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** exp over 1M floats in [−20, 0]: the backend's {@link VectorExp}, the Vector API's EXP lane op, Math.exp. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class ExpBenchmark {
    private static final int SIZE = 1 << 20;
    private float[] x;
    private float[] y;

    @Setup
    public void setUp() {
        x = BenchSettings.gaussian(3, SIZE);
        for (int i = 0; i < SIZE; i++) {
            x[i] = -Math.abs(x[i]) * 7;
        }
        y = new float[SIZE];
    }

    @Benchmark
    public float[] vectorExp() {
        int l = VectorExp.F.length();
        for (int i = 0; i < SIZE; i += l) {
            VectorExp.exp(FloatVector.fromArray(VectorExp.F, x, i)).intoArray(y, i);
        }
        return y;
    }

    @Benchmark
    public float[] laneOpExp() {
        int l = VectorExp.F.length();
        for (int i = 0; i < SIZE; i += l) {
            FloatVector.fromArray(VectorExp.F, x, i).lanewise(VectorOperators.EXP).intoArray(y, i);
        }
        return y;
    }

    @Benchmark
    public float[] mathExp() {
        for (int i = 0; i < SIZE; i++) {
            y[i] = (float) Math.exp(x[i]);
        }
        return y;
    }
}
