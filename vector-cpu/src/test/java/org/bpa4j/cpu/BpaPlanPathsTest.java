package org.bpa4j.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/** The two Sinkhorn paths of BPA compute the same plan and gradient, and each is taken when it should be. */
class BpaPlanPathsTest {
    private static float[] cosineLogK(int n, int d, double reg, long seed, boolean mask) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] x = new float[n * d];
        for (int k = 0; k < x.length; k++) {
            x[k] = (float) (rnd.nextDouble() * 2 - 1);
        }
        float[] logK = new float[n * n];
        new CosineCost(x, n, d, reg).fillLogK(logK, ThreadTeam.SEQUENTIAL);
        if (mask) {
            for (int i = 0; i < n; i++) {
                logK[i * n + i] = (float) (-SetBpa.MASKED_COST / reg);
            }
        }
        return logK;
    }

    @Test
    void scalingVectorsAndLogDomainAgree() {
        int n = 77;
        double reg = 0.1;
        float masked = (float) (-SetBpa.MASKED_COST / reg);
        float[] logK = cosineLogK(n, 9, reg, 3, true);
        FusedLogSinkhorn logDomain = new FusedLogSinkhorn(logK.clone(), n, n, null, null, ThreadTeam.SEQUENTIAL);
        logDomain.run(12, Double.NaN, 1, false);
        float[] buffer = logK.clone();
        ScalingSinkhorn scaling = ScalingSinkhorn.tryRun(buffer, n, true, masked, 12, ThreadTeam.SEQUENTIAL);
        assertNotNull(scaling, "a cosine kernel at reg 0.1 spans at most 20: scaling vectors apply");
        float[] p1 = new float[n];
        float[] p2 = new float[n];
        for (int i = 0; i < n; i++) {
            logDomain.planRow(i, p1);
            scaling.planRow(i, p2);
            for (int j = 0; j < n; j++) {
                assertEquals(p1[j], p2[j], 2e-5 * Math.max(p1[j], 1e-3), "P at " + i + "," + j);
            }
            for (int j = 0; j < n; j++) {
                assertEquals(logK[i * n + j], scaling.logK(i * n + j), 1e-5 * Math.abs(logK[i * n + j]) + 1e-5,
                        "logK recovered at " + i + "," + j);
            }
        }
        assertEquals(logDomain.maxPlan(), scaling.maxPlan(), 1e-5);
        SplittableRandom rnd = new SplittableRandom(4);
        float[] g1 = new float[n * n];
        for (int k = 0; k < g1.length; k++) {
            g1[k] = (float) rnd.nextDouble();
        }
        BpaPlan.GradientRows rows = (i, dst, scratch) -> System.arraycopy(g1, i * n, dst, 0, n);
        float[] d1 = logDomain.gradientLogK(rows);
        float[] d2 = scaling.gradientLogK(rows);
        double scale = 0;
        for (float v : d1) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int k = 0; k < d1.length; k++) {
            assertEquals(d1[k], d2[k], 1e-4 * scale, "gradient at " + k);
        }
    }

    /**
     * The scaling plan takes its max from the last sweep's column maxima; it must be exactly the largest
     * value planRow gives (so that Z's largest entry is exactly 1), with n off the four-row groups.
     */
    @Test
    void theScalingMaxIsExactlyTheLargestPlanEntry() {
        for (int n : new int[] {3, 77, 130, 301}) {
            for (boolean mask : new boolean[] {true, false}) {
                double reg = 0.1;
                float[] buffer = cosineLogK(n, 11, reg, n, mask);
                ScalingSinkhorn scaling = ScalingSinkhorn.tryRun(buffer, n, mask, (float) (-SetBpa.MASKED_COST / reg),
                        10, ThreadTeam.of(2));
                assertNotNull(scaling);
                float largest = 0f;
                float[] row = new float[n];
                for (int i = 0; i < n; i++) {
                    scaling.planRow(i, row);
                    for (float p : row) {
                        largest = Math.max(largest, p);
                    }
                }
                assertEquals(Float.floatToIntBits(largest), Float.floatToIntBits(scaling.maxPlan()),
                        "n=" + n + " mask=" + mask + ": max " + scaling.maxPlan() + " against the largest entry "
                                + largest);
            }
        }
    }

    @Test
    void aWideKernelKeepsTheLogDomainAndItsValues() {
        int n = 40;
        double reg = 0.01;
        float[] logK = cosineLogK(n, 5, reg, 5, true);
        float[] buffer = logK.clone();
        assertNull(ScalingSinkhorn.tryRun(buffer, n, true, (float) (-SetBpa.MASKED_COST / reg), 5,
                ThreadTeam.SEQUENTIAL), "a range of ~200 must stay in the log domain");
        org.junit.jupiter.api.Assertions.assertArrayEquals(logK, buffer, "logK untouched");
    }

    @Test
    void vectorLogIsAccurateAndMatchesItsScalarTwin() {
        int lanes = VectorLog.F.length();
        float[] x = new float[lanes];
        float[] y = new float[lanes];
        double worst = 0;
        for (float start = 1e-30f; start < 1e30f; start *= 1.37f) {
            for (int k = 0; k < lanes; k++) {
                x[k] = start * (1 + 0.013f * k);
            }
            VectorLog.log(FloatVector.fromArray(VectorLog.F, x, 0)).intoArray(y, 0);
            for (int k = 0; k < lanes; k++) {
                assertEquals(VectorLog.log(x[k]), y[k], "scalar and vector agree at " + x[k]);
                double exact = Math.log(x[k]);
                worst = Math.max(worst, Math.abs(y[k] - exact) / Math.ulp((float) exact));
            }
        }
        assertTrue(worst <= 2, "worst error " + worst + " ulp");
        assertEquals(Float.NEGATIVE_INFINITY, VectorLog.log(0f));
    }
}
