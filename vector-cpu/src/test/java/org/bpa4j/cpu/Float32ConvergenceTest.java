package org.bpa4j.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bpa4j.DType;
import org.bpa4j.Device;
import org.bpa4j.Sinkhorn;
import org.bpa4j.SinkhornResult;
import org.bpa4j.Tensor;
import org.bpa4j.testing.RandomTensors;
import org.junit.jupiter.api.Test;

/** A float32 solve asked for a tolerance float32 cannot resolve runs to its cap and says it did not converge. */
class Float32ConvergenceTest {
    @Test
    void anUnreachableToleranceIsReportedAsNotConverged() {
        Tensor cost = RandomTensors.gaussian(11L, 40, 40).to(DType.FLOAT32);
        SinkhornResult r = Sinkhorn.builder().reg(0.05).iterations(300).tolerance(1e-12).device(Device.CPU).build()
                .solve(cost);
        assertEquals(300, r.iterations());
        assertFalse(r.converged(), "error " + r.marginalError());
        SinkhornResult easy = Sinkhorn.builder().reg(0.5).iterations(300).tolerance(1e-3).device(Device.CPU).build()
                .solve(cost);
        assertTrue(easy.converged(), "error " + easy.marginalError());
    }
}
