package org.bpa4j.cuda;

import static org.bpa4j.testing.Closeness.assertClose;

import java.util.List;
import org.bpa4j.BpaResult;
import org.bpa4j.DType;
import org.bpa4j.Device;
import org.bpa4j.Sinkhorn;
import org.bpa4j.SinkhornResult;
import org.bpa4j.testing.GoldenCase;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The authors' golden outputs and gradients (SPEC §5) through the CUDA backend, to 5e-4 in float32. */
@RequiresCuda
class CudaGoldenTest {
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
    void bpaOutputAndGradient(GoldenCase c) {
        BpaResult r = c.bpa(Device.CUDA, DType.FLOAT32).forward(c.tensor("X"), c.labels());
        assertClose(c.tensor("out"), r.output(), TOL, c + " out");
        assertClose(c.tensor("dX"), r.backward(c.tensor("G")), TOL, c + " dX");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sinkhornCases")
    void sinkhornLogPlanAndGradient(GoldenCase c) {
        Sinkhorn sk = Sinkhorn.builder().reg(c.getDouble("reg")).iterations(c.getInt("iterations"))
                .device(Device.CUDA).precision(DType.FLOAT32).build();
        SinkhornResult r = sk.solve(c.tensor("M"));
        assertClose(c.tensor("logP"), r.logPlan(), TOL, c + " logP");
        assertClose(c.tensor("dM"), r.backward(c.tensor("G")), TOL, c + " dM");
    }

    /** A float32 path cannot reach POT's 1e-13 threshold: converge to 1e-6 and compare the plan to 5e-4. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("potCases")
    void convergedPlanMatchesPot(GoldenCase c) {
        Sinkhorn sk = Sinkhorn.builder().reg(c.getDouble("reg")).iterations(20_000).tolerance(1e-6).checkEvery(10)
                .device(Device.CUDA).precision(DType.FLOAT32).build();
        SinkhornResult r = sk.solve(c.tensor("M"), c.tensor("a"), c.tensor("b"));
        assertClose(c.tensor("P"), r.plan(), TOL, c + " P");
    }
}
