package org.bpa4j.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Natural log on float lanes (Cephes' logf: split off the exponent through the bits, mantissa in
 * [√½, √2), degree-8 polynomial), with a scalar twin of identical arithmetic. About one ulp for positive
 * normal inputs; 0 gives −∞. Denormal and negative inputs are not used by the backend and not handled.
 */
final class VectorLog {
    static final VectorSpecies<Float> F = VectorExp.F;
    private static final float SQRT_HALF = 0.707106781186547524f;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    private static final float[] P = {7.0376836292e-2f, -1.1514610310e-1f, 1.1676998740e-1f, -1.2420140846e-1f,
        1.4249322787e-1f, -1.6668057665e-1f, 2.0000714765e-1f, -2.4999993993e-1f, 3.3333331174e-1f};

    private VectorLog() {
    }

    static FloatVector log(FloatVector x) {
        IntVector bits = x.reinterpretAsInts();
        FloatVector e = (FloatVector) bits.lanewise(VectorOperators.LSHR, 23).sub(126)
                .convert(VectorOperators.I2F, 0);
        FloatVector mant = bits.and(0x807FFFFF).or(0x3F000000).reinterpretAsFloats();
        VectorMask<Float> small = mant.lt(SQRT_HALF);
        e = e.sub(FloatVector.broadcast(F, 1f), small);
        FloatVector r = mant.sub(1f).add(mant.blend(0, small.not()));
        FloatVector z = r.mul(r);
        FloatVector p = FloatVector.broadcast(F, P[0]);
        for (int k = 1; k < P.length; k++) {
            p = p.fma(r, FloatVector.broadcast(F, P[k]));
        }
        FloatVector y = p.mul(r).mul(z);
        y = e.fma(FloatVector.broadcast(F, LN2_LO), y);
        y = z.fma(FloatVector.broadcast(F, -0.5f), y);
        FloatVector out = r.add(y);
        out = e.fma(FloatVector.broadcast(F, LN2_HI), out);
        return out.blend(FloatVector.broadcast(F, Float.NEGATIVE_INFINITY), x.eq(0f));
    }

    static float log(float x) {
        int bits = Float.floatToRawIntBits(x);
        float e = (float) ((bits >>> 23) - 126);
        float mant = Float.intBitsToFloat((bits & 0x807FFFFF) | 0x3F000000);
        boolean small = mant < SQRT_HALF;
        if (small) {
            e = e - 1f;
        }
        float r = (mant - 1f) + (small ? mant : 0f);
        float z = r * r;
        float p = P[0];
        for (int k = 1; k < P.length; k++) {
            p = Math.fma(p, r, P[k]);
        }
        float y = p * r * z;
        y = Math.fma(e, LN2_LO, y);
        y = Math.fma(z, -0.5f, y);
        float out = r + y;
        out = Math.fma(e, LN2_HI, out);
        return x == 0f ? Float.NEGATIVE_INFINITY : out;
    }
}
