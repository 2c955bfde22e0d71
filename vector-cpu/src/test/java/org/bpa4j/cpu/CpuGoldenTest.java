package org.bpa4j.cpu;

import static org.bpa4j.testing.Closeness.assertClose;

import org.bpa4j.BpaResult;
import org.bpa4j.DType;
import org.bpa4j.Device;
import org.bpa4j.Sinkhorn;
import org.bpa4j.Tensor;
import org.bpa4j.testing.GoldenBackendContract;
import org.bpa4j.testing.GoldenCase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The authors' outputs and gradients, reproduced in float32 by the CPU backend to 5e-4 (the bar). */
class CpuGoldenTest extends GoldenBackendContract {
    private static final double TOL = 5e-4;

    @BeforeEach
    void atTheRequestedVectorWidth() {
        RequestedVectorWidth.checkOrSkip();
    }

    @Override
    protected Device device() {
        return Device.CPU;
    }

    @Override
    protected DType precision() {
        return DType.FLOAT32;
    }

    @Override
    protected double tolerance() {
        return TOL;
    }

    /** POT's own threshold: the CPU path's float64 accumulations get there in float32 storage. */
    @Override
    protected Sinkhorn.Builder converging(Sinkhorn.Builder builder) {
        return builder.iterations(100_000).tolerance(1e-13);
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
}
