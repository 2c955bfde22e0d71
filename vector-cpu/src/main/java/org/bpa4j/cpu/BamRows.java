package org.bpa4j.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector loops over one row of the BAM matrices (N_t columns): scaled and shifted exponentials,
 * dot products and row updates. Sums are kept in float lanes and added in lane order in double, so the
 * bits are the same on every run and thread count (no {@code reduceLanes} on float sums).
 */
final class BamRows {
    private static final VectorSpecies<Float> F = RowKernels.F;
    private static final int L = RowKernels.L;

    private BamRows() {
    }

    /** out[c] = a[ao + c] · scale for c < len. */
    static void scale(float[] a, int ao, float scale, float[] out, int len) {
        int c = 0;
        for (int bound = F.loopBound(len); c < bound; c += L) {
            FloatVector.fromArray(F, a, ao + c).mul(scale).intoArray(out, c);
        }
        for (; c < len; c++) {
            out[c] = a[ao + c] * scale;
        }
    }

    /** max of s[0..len). */
    static float max(float[] s, int len) {
        FloatVector acc = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        int c = 0;
        for (int bound = F.loopBound(len); c < bound; c += L) {
            acc = acc.max(FloatVector.fromArray(F, s, c));
        }
        float m = acc.reduceLanes(VectorOperators.MAX);
        for (; c < len; c++) {
            m = Math.max(m, s[c]);
        }
        return m;
    }

    /** out[oo + c] = exp(s[c] − shift) for c < len (0 where s is −∞); returns Σ out. */
    static double expMinus(float[] s, float shift, float[] out, int oo, int len, float[] lanes) {
        FloatVector acc = FloatVector.zero(F);
        int c = 0;
        for (int bound = F.loopBound(len); c < bound; c += L) {
            FloatVector e = VectorExp.exp(FloatVector.fromArray(F, s, c).sub(shift));
            e.intoArray(out, oo + c);
            acc = acc.add(e);
        }
        double sum = RowKernels.sumLanes(acc, lanes);
        for (; c < len; c++) {
            float e = VectorExp.exp(s[c] - shift);
            out[oo + c] = e;
            sum += e;
        }
        return sum;
    }

    /** Σ_c a[ao + c] · b[c] for c < len. */
    static double dot(float[] a, int ao, float[] b, int len, float[] lanes) {
        FloatVector acc = FloatVector.zero(F);
        int c = 0;
        for (int bound = F.loopBound(len); c < bound; c += L) {
            acc = FloatVector.fromArray(F, a, ao + c).fma(FloatVector.fromArray(F, b, c), acc);
        }
        double sum = RowKernels.sumLanes(acc, lanes);
        for (; c < len; c++) {
            sum += a[ao + c] * b[c];
        }
        return sum;
    }

    /** y[c] += alpha · x[xo + c] for c < len. */
    static void axpy(float alpha, float[] x, int xo, float[] y, int len) {
        int c = 0;
        for (int bound = F.loopBound(len); c < bound; c += L) {
            FloatVector.fromArray(F, x, xo + c).fma(FloatVector.broadcast(F, alpha), FloatVector.fromArray(F, y, c))
                    .intoArray(y, c);
        }
        for (; c < len; c++) {
            y[c] = Math.fma(x[xo + c], alpha, y[c]);
        }
    }

    /** out[oo + c] = a[ao + c] · b[c] · scale for c < len. */
    static void productScaled(float[] a, int ao, float[] b, float scale, float[] out, int oo, int len) {
        int c = 0;
        for (int bound = F.loopBound(len); c < bound; c += L) {
            FloatVector.fromArray(F, a, ao + c).mul(FloatVector.fromArray(F, b, c)).mul(scale).intoArray(out, oo + c);
        }
        for (; c < len; c++) {
            out[oo + c] = a[ao + c] * b[c] * scale;
        }
    }

    /**
     * The source row's loss share Σ_c g[c]·(s[c] − lse) (masked entries hold g = 0 and s = lse) and Σ g,
     * as {loss, gSum}.
     */
    static void crossEntropy(float[] g, float[] s, float lse, int len, float[] lanes, double[] out) {
        FloatVector loss = FloatVector.zero(F);
        FloatVector sum = FloatVector.zero(F);
        int c = 0;
        for (int bound = F.loopBound(len); c < bound; c += L) {
            FloatVector gv = FloatVector.fromArray(F, g, c);
            loss = gv.fma(FloatVector.fromArray(F, s, c).sub(lse), loss);
            sum = sum.add(gv);
        }
        double l = RowKernels.sumLanes(loss, lanes);
        double gs = RowKernels.sumLanes(sum, lanes);
        for (; c < len; c++) {
            l += g[c] * (s[c] - lse);
            gs += g[c];
        }
        out[0] = l;
        out[1] = gs;
    }

    /** out[oo + c] = (g[c] − e[oo + c] · w) · scale for c < len: ∂loss/∂Q from G and the softmax. */
    static void softmaxGradient(float[] g, float[] e, int oo, float w, float scale, float[] out, int len) {
        int c = 0;
        for (int bound = F.loopBound(len); c < bound; c += L) {
            FloatVector.fromArray(F, e, oo + c).neg().fma(FloatVector.broadcast(F, w), FloatVector.fromArray(F, g, c))
                    .mul(scale).intoArray(out, oo + c);
        }
        for (; c < len; c++) {
            out[oo + c] = Math.fma(-e[oo + c], w, g[c]) * scale;
        }
    }
}
