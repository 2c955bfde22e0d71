package org.bpa4j.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

class VectorExpTest {
    private static final int L = VectorExp.F.length();

    private static float[] lanes(float start, float step) {
        float[] x = new float[L];
        for (int k = 0; k < L; k++) {
            x[k] = start + k * step;
        }
        return x;
    }

    @Test
    void withinTwoUlpsOfMathExpOverTheNormalRange() {
        double worstUlps = 0;
        for (float start = -87f; start < 88f; start += 0.0137f * L) {
            float[] x = lanes(start, 0.0137f);
            float[] e = new float[L];
            VectorExp.exp(FloatVector.fromArray(VectorExp.F, x, 0)).intoArray(e, 0);
            for (int k = 0; k < L; k++) {
                double exact = Math.exp(x[k]);
                worstUlps = Math.max(worstUlps, Math.abs(e[k] - exact) / Math.ulp((float) exact));
                assertEquals(VectorExp.exp(x[k]), e[k], "scalar and vector lanes agree at " + x[k]);
            }
        }
        assertTrue(worstUlps <= 2, "worst error " + worstUlps + " ulp");
    }

    @Test
    void underflowIsExactlyZeroAndInfinityIsHandled() {
        float[] x = {-88f, -1e6f, Float.NEGATIVE_INFINITY, -1e30f, 0f, 1000f, Float.POSITIVE_INFINITY, -87.3f};
        float[] in = new float[L];
        float[] out = new float[L];
        for (int start = 0; start < x.length; start += L) {
            java.util.Arrays.fill(in, 0f);
            System.arraycopy(x, start, in, 0, Math.min(L, x.length - start));
            VectorExp.exp(FloatVector.fromArray(VectorExp.F, in, 0)).intoArray(out, 0);
            for (int k = 0; k < Math.min(L, x.length - start); k++) {
                float v = in[k];
                if (v < VectorExp.LOWEST) {
                    assertEquals(0f, out[k], "exp(" + v + ")");
                } else if (v == 0f) {
                    assertEquals(1f, out[k], "exp(0)");
                } else if (v > 88f) {
                    assertTrue(out[k] > 1e38f && !Float.isNaN(out[k]), "exp(" + v + ") = " + out[k]);
                } else {
                    assertEquals(Math.exp(v), out[k], 2 * Math.ulp(out[k]), "exp(" + v + ")");
                }
            }
        }
    }

    @Test
    void sigmoidIsStableAtBothEnds() {
        float[] x = lanes(-100f, 200f / L);
        float[] s = new float[L];
        VectorExp.sigmoid(FloatVector.fromArray(VectorExp.F, x, 0)).intoArray(s, 0);
        for (int k = 0; k < L; k++) {
            double exact = 1 / (1 + Math.exp(-x[k]));
            assertEquals(exact, s[k], 3e-7 * Math.max(exact, 1e-30) + 1e-40, "sigmoid(" + x[k] + ")");
        }
    }
}
