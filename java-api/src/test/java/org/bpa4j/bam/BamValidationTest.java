package org.bpa4j.bam;

import org.bpa4j.testing.BamCases;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.bpa4j.BamLoss;
import org.bpa4j.BamRegSchedule;
import org.bpa4j.DType;
import org.bpa4j.Device;
import org.bpa4j.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Every bad input is refused with an IllegalArgumentException whose message names the problem. */
class BamValidationTest {
    private static final BamLoss TWO_VIEWS = BamLoss.builder().device(Device.REFERENCE).build();

    private static void refused(Executable call, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "message '" + e.getMessage() + "' should mention '" + f + "'");
        }
    }

    private static Tensor z(int n, int d) {
        return BamCases.gaussian(new SplittableRandom(n * 31L + d), n, d);
    }

    @Test
    void viewsThatDoNotDivideTheBatch() {
        BamLoss loss = BamLoss.builder().largeCrops(2).localCrops(1).build();
        refused(() -> loss.forward(z(10, 4)), "10 rows", "3 views", "do not divide");
    }

    @Test
    void targetCropsLargerThanLargeCrops() {
        refused(() -> BamLoss.builder().largeCrops(2).targetCrops(3).build(), "targetCrops = 3", "largeCrops = 2");
    }

    @Test
    void topKLargerThanTheTargets() {
        BamLoss loss = BamLoss.builder().largeCrops(2).localCrops(1).topK(9).device(Device.REFERENCE).build();
        refused(() -> loss.forward(z(12, 4)), "topK = 9", "8 targets");
    }

    @Test
    void nonFiniteValuesNamedByRowAndColumn() {
        double[] values = z(8, 3).toDoubleArray();
        values[2 * 3 + 1] = Double.NaN;
        refused(() -> TWO_VIEWS.forward(Tensor.of(values, 8, 3)), "z", "NaN", "row 2 column 1");
        double[] teacher = z(8, 3).toDoubleArray();
        teacher[5 * 3] = Double.NEGATIVE_INFINITY;
        refused(() -> TWO_VIEWS.forward(z(8, 3), Tensor.of(teacher, 8, 3)), "zTeacher", "-Inf", "row 5 column 0");
    }

    @Test
    void shapes() {
        refused(() -> TWO_VIEWS.forward(Tensor.zeros(DType.FLOAT64, 2, 4, 3)), "2-D", "(2, 4, 3)");
        refused(() -> TWO_VIEWS.forward(Tensor.zeros(DType.FLOAT64, 8)), "2-D", "(8,)");
        refused(() -> TWO_VIEWS.forward(Tensor.zeros(DType.FLOAT64, 8, 0)), "empty");
        refused(() -> TWO_VIEWS.forward(Tensor.zeros(DType.FLOAT64, 0, 3)), "empty");
        refused(() -> TWO_VIEWS.forward(z(8, 3), z(8, 4)), "zTeacher", "(8, 4)", "(8, 3)");
        refused(() -> TWO_VIEWS.forward(null), "z");
        refused(() -> TWO_VIEWS.forward(z(8, 3), null), "zTeacher");
    }

    @Test
    void positiveMaskingNeedsTwoImages() {
        refused(() -> TWO_VIEWS.forward(z(2, 3)), "batch of 1", "positive masking");
        BamLoss unmasked = BamLoss.builder().positiveMasking(false).device(Device.REFERENCE).build();
        assertTrue(Double.isFinite(unmasked.forward(z(2, 3)).loss()));
    }

    @Test
    void options() {
        refused(() -> BamLoss.builder().largeCrops(0), "largeCrops", "0");
        refused(() -> BamLoss.builder().localCrops(-1), "localCrops", "-1");
        refused(() -> BamLoss.builder().targetCrops(0), "targetCrops", "0");
        refused(() -> BamLoss.builder().temperature(0), "temperature");
        refused(() -> BamLoss.builder().temperature(Double.NaN), "temperature", "NaN");
        refused(() -> BamLoss.builder().reg(-0.1), "reg", "-0.1");
        refused(() -> BamLoss.builder().reg(Double.NaN), "reg", "NaN");
        refused(() -> BamLoss.builder().iterations(0), "iterations", "0");
        refused(() -> BamLoss.builder().topK(-2), "topK", "-2");
        refused(() -> BamLoss.builder().device(null), "device");
    }

    @Test
    void sizesThatCannotFitAreRefusedBeforeAllocating() {
        // N = N_t = 32 000: four float64 N×N_t matrices are 32 GB, more than the test JVM's heap
        Tensor big = BamCases.gaussian(new SplittableRandom(2), 32_000, 1);
        refused(() -> TWO_VIEWS.forward(big), "BAM loss of N = 32000", "needs about", "heap");
    }

    @Test
    void scaleOfBackward() {
        var r = TWO_VIEWS.forward(z(8, 3));
        refused(() -> r.backward(Double.NaN), "scale", "NaN");
        refused(() -> r.backward(Double.POSITIVE_INFINITY), "scale");
    }

    @Test
    void regSchedule() {
        refused(() -> new BamRegSchedule(0, 0.1), "reg");
        refused(() -> new BamRegSchedule(0.1, Double.NaN), "regFinal");
        refused(() -> new BamRegSchedule(0.05, 0.1).at(-1), "epoch", "-1");
        refused(() -> new BamRegSchedule(0.05, 0.1, 0), "warmupEpochs");
    }
}
