package org.bpa4j.cuda;

import static org.bpa4j.testing.Closeness.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.bpa4j.BamLoss;
import org.bpa4j.BamResult;
import org.bpa4j.DType;
import org.bpa4j.Device;
import org.bpa4j.Tensor;
import org.bpa4j.testing.BamCases;
import org.bpa4j.testing.GoldenCase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The BAM loss on the CUDA backend: the authors' golden cases and random inputs against the reference, to 5e-4. */
@RequiresCuda
class CudaBamTest {
    private static final double TOL = 5e-4;

    static List<GoldenCase> cases() {
        return BamCases.golden();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void goldenLossAndGradients(GoldenCase c) {
        BamCases.assertReproduces(c, Device.CUDA, DType.FLOAT32, TOL);
    }

    /** large, local, target crops, topK, positive masking, distill, batch, d. */
    static Stream<Arguments> configurations() {
        return Stream.of(
                Arguments.of(2, 0, 2, 0, true, false, 256, 128),
                Arguments.of(2, 6, 2, 0, true, false, 20, 33),
                Arguments.of(2, 2, 1, 0, true, true, 37, 17),
                Arguments.of(3, 1, 2, 10, true, false, 16, 64),
                Arguments.of(2, 1, 2, 0, false, true, 25, 8),
                Arguments.of(1, 0, 1, 0, true, false, 50, 5),
                Arguments.of(2, 2, 2, 7, false, true, 18, 300));
    }

    @ParameterizedTest(name = "large {0} local {1} target {2} topK {3} masking {4} distill {5} B {6} d {7}")
    @MethodSource("configurations")
    void matchesTheReference(int large, int local, int target, int topK, boolean masking, boolean distill, int batch,
            int d) {
        BamLoss.Builder b = BamLoss.builder().largeCrops(large).localCrops(local).targetCrops(target).topK(topK)
                .positiveMasking(masking);
        SplittableRandom random = new SplittableRandom(batch * 1000L + d);
        Tensor z = BamCases.views(random, large + local, batch, d, 0.6);
        Tensor zt = BamCases.views(random, large + local, batch, d, 0.6);
        BamLoss reference = b.device(Device.REFERENCE).precision(DType.FLOAT64).build();
        BamLoss cuda = b.device(Device.CUDA).precision(DType.FLOAT32).build();
        BamResult expected = distill ? reference.forward(z, zt) : reference.forward(z);
        Tensor z32 = z.to(DType.FLOAT32);
        BamResult actual = distill ? cuda.forward(z32, zt.to(DType.FLOAT32)) : cuda.forward(z32);
        assertEquals(expected.loss(), actual.loss(), TOL * Math.abs(expected.loss()), "loss");
        assertClose(expected.backward(), actual.backward(), TOL, "dz");
        if (distill) {
            assertClose(expected.teacherBackward(), actual.teacherBackward(), TOL, "dzt");
        }
    }

    @Test
    void gradientsAreScaledAndInTheAskedPrecision() {
        GoldenCase c = cases().get(0);
        BamResult r = BamCases.run(c, Device.CUDA, DType.FLOAT64);
        Tensor one = r.backward();
        assertEquals(DType.FLOAT64, one.dtype());
        assertClose(c.tensor("dz"), one, TOL, c + " dz in float64");
        double[] expected = one.toDoubleArray();
        for (int i = 0; i < expected.length; i++) {
            expected[i] *= -3.0;
        }
        assertClose(Tensor.of(expected, one.shape()), r.backward(-3.0), 1e-6, c + " dz scaled by -3");
    }
}
