package org.bpa4j.reference;

import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.bpa4j.DType;
import org.bpa4j.Tensor;
import org.bpa4j.testing.BamCases;
import org.bpa4j.bam.BamFiniteDifferences;
import org.bpa4j.spi.BamOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * ∂loss/∂z and ∂loss/∂zTeacher against central differences of the loss with the target P held fixed at
 * its value for the unperturbed input — "P carries no gradient" (docs/MATH.md §4) made testable.
 */
class ReferenceBamFiniteDifferenceTest {
    private static final double STEP = 1e-6;
    private static final double TOL = 1e-6;

    /** large, local, target crops, τ, ε, iterations, topK, positive masking, batch, d. */
    static Stream<Arguments> configurations() {
        return Stream.of(
                Arguments.of("two views", options(2, 0, 2, 0.1, 0.05, 3, 0, true), 4, 5),
                Arguments.of("multi-crop", options(2, 2, 2, 0.1, 0.05, 3, 0, true), 3, 4),
                Arguments.of("no positive mask", options(2, 1, 2, 0.1, 0.05, 3, 0, false), 3, 4),
                Arguments.of("top-k", options(2, 1, 2, 0.1, 0.05, 3, 4, true), 4, 3),
                Arguments.of("one target crop of three", options(3, 1, 1, 0.1, 0.05, 3, 0, true), 3, 4),
                Arguments.of("single view", options(1, 0, 1, 0.1, 0.05, 3, 0, true), 5, 3),
                Arguments.of("other τ, ε, iterations", options(2, 2, 2, 0.3, 0.2, 7, 0, true), 3, 4));
    }

    private static BamOptions options(int large, int local, int target, double tau, double reg, int iterations,
            int topK, boolean masking) {
        return new BamOptions(large, local, target, tau, reg, iterations, topK, masking, DType.FLOAT64);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configurations")
    void plainGradient(String name, BamOptions options, int batch, int d) {
        Tensor z = BamCases.views(new SplittableRandom(name.hashCode()), options.views(), batch, d, 0.5);
        double[] frozen = ReferenceBam.targetSimilarity(options, z, null);
        Tensor dz = new ReferenceBam(options, z, null).gradient(1);
        BamFiniteDifferences.assertMatches(z, dz, x -> new ReferenceBam(options, x, null, frozen).loss(),
                STEP, TOL, name + " dz");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configurations")
    void distilledGradients(String name, BamOptions options, int batch, int d) {
        SplittableRandom random = new SplittableRandom(name.hashCode() + 1L);
        Tensor z = BamCases.views(random, options.views(), batch, d, 0.5);
        Tensor zt = BamCases.views(random, options.views(), batch, d, 0.5);
        double[] frozen = ReferenceBam.targetSimilarity(options, z, zt);
        ReferenceBam pass = new ReferenceBam(options, z, zt);
        BamFiniteDifferences.assertMatches(z, pass.gradient(1),
                x -> new ReferenceBam(options, x, zt, frozen).loss(), STEP, TOL, name + " dz");
        BamFiniteDifferences.assertMatches(zt, pass.teacherGradient(1),
                x -> new ReferenceBam(options, z, x, frozen).loss(), STEP, TOL, name + " dzt");
    }

    @Test
    void theFrozenTargetIsTheRealOne() {
        BamOptions options = options(2, 1, 2, 0.1, 0.05, 3, 0, true);
        Tensor z = BamCases.views(new SplittableRandom(3), 3, 4, 5, 0.5);
        double real = new ReferenceBam(options, z, null).loss();
        double frozen = new ReferenceBam(options, z, null, ReferenceBam.targetSimilarity(options, z, null)).loss();
        org.junit.jupiter.api.Assertions.assertEquals(real, frozen, 0.0);
    }
}
