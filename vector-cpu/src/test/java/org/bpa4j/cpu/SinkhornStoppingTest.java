package org.bpa4j.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bpa4j.DType;
import org.bpa4j.Device;
import org.bpa4j.Sinkhorn;
import org.bpa4j.SinkhornResult;
import org.bpa4j.Tensor;
import org.bpa4j.testing.RandomTensors;
import org.junit.jupiter.api.Test;

/** The tolerance stop follows the reference's rules: checked every k iterations and at the cap. */
class SinkhornStoppingTest {
    private final Tensor cost = RandomTensors.gaussian(21, 60, 45);
    private final Tensor a = CpuVersusReferenceTest.marginal(22, 1, 60, 2.0);
    private final Tensor b = CpuVersusReferenceTest.marginal(23, 1, 45, 2.0);

    private SinkhornResult solve(Device device, int cap, double tol, int every) {
        return Sinkhorn.builder().reg(0.3).iterations(cap).tolerance(tol).checkEvery(every).device(device)
                .precision(DType.FLOAT64).build().solve(device == Device.CPU ? cost.to(DType.FLOAT32) : cost, a, b);
    }

    @Test
    void stopsAtTheSameCheckAsTheReference() {
        for (int every : new int[] {1, 4}) {
            SinkhornResult expected = solve(Device.REFERENCE, 500, 1e-3, every);
            SinkhornResult actual = solve(Device.CPU, 500, 1e-3, every);
            assertTrue(expected.iterations() < 500, "the reference converged before the cap");
            assertEquals(expected.iterations(), actual.iterations(), "iterations with checkEvery " + every);
            assertEquals(0, actual.iterations() % every, "stops on a checked iteration");
            assertTrue(actual.marginalError() <= 1e-3, "error " + actual.marginalError());
            assertEquals(expected.marginalError(), actual.marginalError(), 1e-5);
        }
    }

    @Test
    void reportsTheErrorAtTheCapWhenTheToleranceIsNotMet() {
        SinkhornResult expected = solve(Device.REFERENCE, 7, 1e-12, 3);
        SinkhornResult actual = solve(Device.CPU, 7, 1e-12, 3);
        assertEquals(7, actual.iterations());
        assertEquals(expected.marginalError(), actual.marginalError(), 1e-5 + 1e-3 * expected.marginalError());
    }

    @Test
    void fixedIterationsReportTheFinalError() {
        SinkhornResult expected = Sinkhorn.builder().reg(0.3).iterations(5).device(Device.REFERENCE)
                .precision(DType.FLOAT64).build().solve(cost, a, b);
        SinkhornResult actual = Sinkhorn.builder().reg(0.3).iterations(5).device(Device.CPU).build()
                .solve(cost.to(DType.FLOAT32), a, b);
        assertEquals(5, actual.iterations());
        assertEquals(expected.marginalError(), actual.marginalError(), 1e-5 + 1e-3 * expected.marginalError());
    }

    @Test
    void zeroMassRowsAndColumnsCarryNothing() {
        double[] am = a.toDoubleArray();
        double[] bm = b.toDoubleArray();
        am[0] += am[3];
        am[3] = 0;
        bm[1] += bm[7];
        bm[7] = 0;
        Tensor az = Tensor.of(am, am.length);
        Tensor bz = Tensor.of(bm, bm.length);
        SinkhornResult r = Sinkhorn.builder().reg(0.3).iterations(50).device(Device.CPU).build()
                .solve(cost.to(DType.FLOAT32), az, bz);
        Tensor p = r.plan();
        double rowSum = 0;
        for (int j = 0; j < 45; j++) {
            rowSum += p.getDouble(3L * 45 + j);
            assertEquals(0.0, p.getDouble(j * 45L + 7), "column 7 of no mass, row " + j);
        }
        assertEquals(0.0, rowSum, "row 3 of no mass");
        SinkhornResult ref = Sinkhorn.builder().reg(0.3).iterations(50).device(Device.REFERENCE).build()
                .solve(cost, az, bz);
        org.bpa4j.testing.Closeness.assertClose(ref.plan(), p, 5e-4, "plan with empty rows and columns");
    }

    @Test
    void smallRegularisationStaysFiniteAndAccurate() {
        // early iterations at ε = 0.01 leave sums far below float range: the exact fallbacks take over
        Tensor c = RandomTensors.gaussian(24, 30, 30);
        Sinkhorn.Builder builder = Sinkhorn.builder().reg(0.01).iterations(30);
        SinkhornResult expected = builder.device(Device.REFERENCE).precision(DType.FLOAT64).build().solve(c);
        SinkhornResult actual = builder.device(Device.CPU).precision(DType.FLOAT64).build().solve(c);
        org.bpa4j.testing.Closeness.assertClose(expected.plan(), actual.plan(), 5e-4, "plan at reg 0.01");
        org.bpa4j.testing.Closeness.assertClose(expected.logPlan(), actual.logPlan(), 5e-4, "logP at reg 0.01");
    }
}
