package org.bpa4j.bam;

import org.bpa4j.testing.BamCases;
import java.util.List;
import org.bpa4j.DType;
import org.bpa4j.Device;
import org.bpa4j.testing.GoldenCase;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The authors' BAM loss and gradients, reproduced by the reference backend to 1e-9 (docs/MATH.md §5). */
class ReferenceBamGoldenTest {
    private static final double TOL = 1e-9;

    static List<GoldenCase> cases() {
        return BamCases.golden();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void lossAndGradients(GoldenCase c) {
        BamCases.assertReproduces(c, Device.REFERENCE, DType.FLOAT64, TOL);
    }
}
