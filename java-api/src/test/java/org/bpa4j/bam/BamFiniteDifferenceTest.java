package org.bpa4j.bam;

import org.bpa4j.testing.BamCases;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.bpa4j.BamLoss;
import org.bpa4j.BamResult;
import org.bpa4j.DType;
import org.bpa4j.Device;
import org.bpa4j.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** ∂loss/∂z against central differences of the public loss, on the reference backend. */
class BamFiniteDifferenceTest {
    private static final double STEP = 1e-6;
    private static final double TOL = 1e-6;

    private static BamLoss.Builder base() {
        return BamLoss.builder().device(Device.REFERENCE).precision(DType.FLOAT64);
    }

    /**
     * In the distillation form P depends on the teacher only, so the student's gradient is the plain
     * derivative of the public loss. (With P moving, the other gradients are checked with P frozen in
     * org.bpa4j.reference.ReferenceBamFiniteDifferenceTest.)
     */
    @ParameterizedTest(name = "top-k {0}")
    @ValueSource(ints = {0, 3})
    void studentGradientOfDistilledLoss(int topK) {
        BamLoss loss = base().largeCrops(2).localCrops(1).topK(topK).build();
        SplittableRandom random = new SplittableRandom(11 + topK);
        Tensor z = BamCases.views(random, 3, 4, 5, 0.5);
        Tensor zt = BamCases.views(random, 3, 4, 5, 0.5);
        BamResult r = loss.forward(z, zt);
        BamFiniteDifferences.assertMatches(z, r.backward(), x -> loss.forward(x, zt).loss(), STEP, TOL, "distill dz");
    }

    @Test
    void scaledBackwardIsTheGradientOfTheScaledLoss() {
        BamLoss loss = base().largeCrops(2).localCrops(1).build();
        Tensor z = BamCases.views(new SplittableRandom(5), 3, 4, 6, 0.5);
        BamResult r = loss.forward(z);
        double scale = -2.5;
        Tensor scaled = r.backward(scale);
        Tensor unit = r.backward();
        for (long i = 0; i < z.size(); i++) {
            double expected = scale * unit.getDouble(i);
            assertTrue(Math.abs(scaled.getDouble(i) - expected) <= 1e-12 * (1 + Math.abs(expected)),
                    "backward(scale) at " + i);
        }
    }
}
