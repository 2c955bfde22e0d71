package org.bpa4j.testing;

import static org.bpa4j.testing.Closeness.assertClose;

import java.util.List;
import org.bpa4j.BpaResult;
import org.bpa4j.DType;
import org.bpa4j.Device;
import org.bpa4j.Sinkhorn;
import org.bpa4j.SinkhornResult;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The golden bpa, sinkhorn and pot cases (docs/MATH.md §5) that every backend must reproduce. Each backend's test
 * extends this with its device, its precision and the tolerance its precision allows.
 */
public abstract class GoldenBackendContract {

    protected abstract Device device();

    /** The precision inputs are given in and results are asked for. */
    protected abstract DType precision();

    /** Relative to the largest |expected value| (docs/MATH.md §5: 1e-9 for float64, 5e-4 for float32). */
    protected abstract double tolerance();

    /** How the pot cases are solved to convergence; a float32 path cannot reach POT's 1e-13 threshold. */
    protected Sinkhorn.Builder converging(Sinkhorn.Builder builder) {
        return precision() == DType.FLOAT64
                ? builder.iterations(100_000).tolerance(1e-13)
                : builder.iterations(20_000).tolerance(1e-6).checkEvery(10);
    }

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
        BpaResult r = c.bpa(device(), precision()).forward(c.tensor("X").to(precision()), c.labels());
        assertClose(c.tensor("out"), r.output(), tolerance(), c + " out");
        assertClose(c.tensor("dX"), r.backward(c.tensor("G").to(precision())), tolerance(), c + " dX");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sinkhornCases")
    void sinkhornLogPlanAndGradient(GoldenCase c) {
        Sinkhorn sk = Sinkhorn.builder().reg(c.getDouble("reg")).iterations(c.getInt("iterations"))
                .device(device()).precision(precision()).build();
        SinkhornResult r = sk.solve(c.tensor("M").to(precision()));
        assertClose(c.tensor("logP"), r.logPlan(), tolerance(), c + " logP");
        assertClose(c.tensor("dM"), r.backward(c.tensor("G").to(precision())), tolerance(), c + " dM");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("potCases")
    void convergedPlanMatchesPot(GoldenCase c) {
        Sinkhorn sk = converging(Sinkhorn.builder().reg(c.getDouble("reg")).device(device()).precision(precision()))
                .build();
        SinkhornResult r = sk.solve(c.tensor("M").to(precision()), c.tensor("a"), c.tensor("b"));
        assertClose(c.tensor("P"), r.plan(), tolerance(), c + " P");
    }
}
