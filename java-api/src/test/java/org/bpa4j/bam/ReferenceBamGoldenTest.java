package org.bpa4j.bam;

import static org.bpa4j.testing.Closeness.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.bpa4j.BamResult;
import org.bpa4j.DType;
import org.bpa4j.Device;
import org.bpa4j.testing.GoldenCase;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The authors' BAM loss and gradients, reproduced by the reference backend to 1e-9 (SPEC §5). */
class ReferenceBamGoldenTest {
    private static final double TOL = 1e-9;

    static List<GoldenCase> cases() {
        return BamCases.golden();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void lossAndGradients(GoldenCase c) {
        BamResult r = BamCases.run(c, Device.REFERENCE, DType.FLOAT64);
        double expected = c.getDouble("loss");
        assertEquals(expected, r.loss(), TOL * Math.abs(expected), c + " loss");
        assertClose(c.tensor("dz"), r.backward(), TOL, c + " dz");
        if (BamCases.distill(c)) {
            assertClose(c.tensor("dzt"), r.teacherBackward(), TOL, c + " dzt");
        }
    }
}
