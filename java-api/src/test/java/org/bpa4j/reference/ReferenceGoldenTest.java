package org.bpa4j.reference;

import static org.bpa4j.testing.Closeness.assertClose;

import java.util.List;
import org.bpa4j.BpaResult;
import org.bpa4j.DType;
import org.bpa4j.Device;
import org.bpa4j.Sinkhorn;
import org.bpa4j.SinkhornResult;
import org.bpa4j.Tensor;
import org.bpa4j.testing.GoldenCase;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The authors' outputs and gradients, reproduced by the reference backend to 1e-9 (SPEC §5). */
class ReferenceGoldenTest {
    private static final double TOL = 1e-9;

    static List<GoldenCase> bpaCases() {
        return GoldenCase.all("bpa");
    }

    static List<GoldenCase> sinkhornCases() {
        return GoldenCase.all("sinkhorn");
    }

    static List<GoldenCase> potCases() {
        return GoldenCase.all("pot");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bpaCases")
    void bpaOutputAndGradient(GoldenCase c) {
        BpaResult r = c.bpa(Device.REFERENCE, DType.FLOAT64).forward(c.tensor("X"), c.labels());
        assertClose(c.tensor("out"), r.output(), TOL, c + " out");
        assertClose(c.tensor("dX"), r.backward(c.tensor("G")), TOL, c + " dX");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sinkhornCases")
    void sinkhornLogPlanAndGradient(GoldenCase c) {
        Sinkhorn sk = Sinkhorn.builder().reg(c.getDouble("reg")).iterations(c.getInt("iterations"))
                .device(Device.REFERENCE).precision(DType.FLOAT64).build();
        SinkhornResult r = sk.solve(c.tensor("M"));
        assertClose(c.tensor("logP"), r.logPlan(), TOL, c + " logP");
        assertClose(c.tensor("dM"), r.backward(c.tensor("G")), TOL, c + " dM");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("potCases")
    void convergedPlanMatchesPot(GoldenCase c) {
        Sinkhorn sk = Sinkhorn.builder().reg(c.getDouble("reg")).iterations(100_000).tolerance(1e-13)
                .device(Device.REFERENCE).precision(DType.FLOAT64).build();
        Tensor a = c.tensor("a");
        Tensor b = c.tensor("b");
        SinkhornResult r = sk.solve(c.tensor("M"), a, b);
        assertClose(c.tensor("P"), r.plan(), TOL, c + " P");
    }
}
