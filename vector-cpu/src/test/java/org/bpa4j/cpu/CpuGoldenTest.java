package org.bpa4j.cpu;

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

/** The authors' outputs and gradients, reproduced in float32 by the CPU backend to 5e-4 (the bar). */
class CpuGoldenTest {
    private static final double TOL = 5e-4;

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
    void bpaOutputAndGradientInFloat32(GoldenCase c) {
        Tensor x = c.tensor("X").to(DType.FLOAT32);
        BpaResult r = c.bpa(Device.CPU, DType.FLOAT32).forward(x, c.labels());
        assertClose(c.tensor("out"), r.output(), TOL, c + " out");
        assertClose(c.tensor("dX"), r.backward(c.tensor("G").to(DType.FLOAT32)), TOL, c + " dX");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bpaCases")
    void bpaFromFloat64InputsGivesFloat64(GoldenCase c) {
        BpaResult r = c.bpa(Device.CPU, null).forward(c.tensor("X"), c.labels());
        assertClose(c.tensor("out"), r.output(), TOL, c + " out");
        Tensor dx = r.backward(c.tensor("G"));
        org.junit.jupiter.api.Assertions.assertEquals(DType.FLOAT64, dx.dtype(), c + " gradient precision");
        assertClose(c.tensor("dX"), dx, TOL, c + " dX");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sinkhornCases")
    void sinkhornLogPlanAndGradient(GoldenCase c) {
        Sinkhorn sk = Sinkhorn.builder().reg(c.getDouble("reg")).iterations(c.getInt("iterations"))
                .device(Device.CPU).precision(DType.FLOAT32).build();
        SinkhornResult r = sk.solve(c.tensor("M").to(DType.FLOAT32));
        assertClose(c.tensor("logP"), r.logPlan(), TOL, c + " logP");
        assertClose(c.tensor("dM"), r.backward(c.tensor("G").to(DType.FLOAT32)), TOL, c + " dM");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("potCases")
    void convergedPlanMatchesPot(GoldenCase c) {
        Sinkhorn sk = Sinkhorn.builder().reg(c.getDouble("reg")).iterations(100_000).tolerance(1e-13)
                .device(Device.CPU).precision(DType.FLOAT32).build();
        SinkhornResult r = sk.solve(c.tensor("M").to(DType.FLOAT32), c.tensor("a"), c.tensor("b"));
        assertClose(c.tensor("P"), r.plan(), TOL, c + " P");
    }
}
