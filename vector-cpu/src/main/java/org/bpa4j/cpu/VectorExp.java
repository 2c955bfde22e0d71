package org.bpa4j.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * exp and sigmoid on float lanes with plain lane-wise arithmetic: Cephes' expf (round x·log₂e to k,
 * reduce with a two-part ln 2, degree-6 polynomial, scale by 2^k through the exponent bits). About one ulp
 * of error over the normal range; inputs below −87.3 give exactly 0, above 88.3 they are clamped.
 *
 * <p>Why not {@code lanewise(EXP)}: its result depends on how the call runs — an SVML stub once compiled,
 * a Java fallback before — so the same input could give different bits from one call to the next, and
 * the backend promises identical bits. Only lane-wise add/mul/fma are used here, exact IEEE operations in
 * every execution mode. It is as fast (JMH ExpBenchmark, BENCHMARKS.md: 291 µs against 282 µs for 1M
 * floats on this machine's AVX-512).
 */
final class VectorExp {
    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    static final float LOWEST = -87.33654f;
    static final float HIGHEST = 88.3762626647949f;
    private static final float LOG2E = 1.44269504088896341f;
    /** 1.5·2²³: adding it rounds to an integer held in the low mantissa bits. */
    private static final float ROUNDER = 12582912f;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    private static final float P0 = 1.9875691500e-4f;
    private static final float P1 = 1.3981999507e-3f;
    private static final float P2 = 8.3334519073e-3f;
    private static final float P3 = 4.1665795894e-2f;
    private static final float P4 = 1.6666665459e-1f;
    private static final float P5 = 5.0000001201e-1f;

    private VectorExp() {
    }

    static FloatVector exp(FloatVector x) {
        FloatVector xc = x.max(LOWEST).min(HIGHEST);
        FloatVector rounded = xc.fma(FloatVector.broadcast(F, LOG2E), FloatVector.broadcast(F, ROUNDER));
        FloatVector k = rounded.sub(ROUNDER);
        FloatVector r = k.fma(FloatVector.broadcast(F, -LN2_HI), xc);
        r = k.fma(FloatVector.broadcast(F, -LN2_LO), r);
        FloatVector p = FloatVector.broadcast(F, P0);
        p = p.fma(r, FloatVector.broadcast(F, P1));
        p = p.fma(r, FloatVector.broadcast(F, P2));
        p = p.fma(r, FloatVector.broadcast(F, P3));
        p = p.fma(r, FloatVector.broadcast(F, P4));
        p = p.fma(r, FloatVector.broadcast(F, P5));
        FloatVector r2 = r.mul(r);
        FloatVector y = p.fma(r2, r).add(1f);
        // the low bits of `rounded` hold k (mod 2^9 is enough): (k + 127) << 23 is 2^k as a float
        FloatVector scale = rounded.reinterpretAsInts().add(127).lanewise(VectorOperators.LSHL, 23)
                .reinterpretAsFloats();
        return y.mul(scale).blend(0, x.lt(LOWEST));
    }

    /** The same arithmetic on one value (for the few scalar places that must agree with the lanes). */
    static float exp(float x) {
        float xc = Math.min(Math.max(x, LOWEST), HIGHEST);
        float rounded = Math.fma(xc, LOG2E, ROUNDER);
        float k = rounded - ROUNDER;
        float r = Math.fma(k, -LN2_HI, xc);
        r = Math.fma(k, -LN2_LO, r);
        float p = P0;
        p = Math.fma(p, r, P1);
        p = Math.fma(p, r, P2);
        p = Math.fma(p, r, P3);
        p = Math.fma(p, r, P4);
        p = Math.fma(p, r, P5);
        float y = Math.fma(p, r * r, r) + 1f;
        float scale = Float.intBitsToFloat((Float.floatToRawIntBits(rounded) + 127) << 23);
        return x < LOWEST ? 0f : y * scale;
    }

    /** σ(x) = 1/(1+e^−x), computed from e^−|x| so that it never overflows. */
    static FloatVector sigmoid(FloatVector x) {
        FloatVector e = exp(x.abs().neg());
        FloatVector onePlus = e.add(1f);
        FloatVector negative = e.div(onePlus);
        FloatVector positive = FloatVector.broadcast(F, 1f).div(onePlus);
        return positive.blend(negative, x.lt(0f));
    }
}
