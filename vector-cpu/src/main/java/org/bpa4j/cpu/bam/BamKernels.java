package org.bpa4j.cpu.bam;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector loops of the BAM loss: dot products of rows (for Q = ẑ·Tgᵀ) and row updates y += αx (for
 * the gradients), along the embedding dimension. Lanes are added in a fixed order, so results are the
 * same bit for bit on every run and thread count.
 */
final class BamKernels {
    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    static final int L = F.length();

    private BamKernels() {
    }

    /**
     * out[o + k] = a[ao..ao+d) · b[(bo + k·d)..) for k < 4: one row of a against four rows of b, sharing
     * the loads of a.
     */
    static void dot4(float[] a, int ao, float[] b, int bo, int d, float[] out, int o) {
        FloatVector s0 = FloatVector.zero(F);
        FloatVector s1 = FloatVector.zero(F);
        FloatVector s2 = FloatVector.zero(F);
        FloatVector s3 = FloatVector.zero(F);
        int b1 = bo + d;
        int b2 = b1 + d;
        int b3 = b2 + d;
        int k = 0;
        for (int bound = F.loopBound(d); k < bound; k += L) {
            FloatVector x = FloatVector.fromArray(F, a, ao + k);
            s0 = x.fma(FloatVector.fromArray(F, b, bo + k), s0);
            s1 = x.fma(FloatVector.fromArray(F, b, b1 + k), s1);
            s2 = x.fma(FloatVector.fromArray(F, b, b2 + k), s2);
            s3 = x.fma(FloatVector.fromArray(F, b, b3 + k), s3);
        }
        if (k < d) {
            VectorMask<Float> m = F.indexInRange(k, d);
            FloatVector x = FloatVector.fromArray(F, a, ao + k, m);
            s0 = x.fma(FloatVector.fromArray(F, b, bo + k, m), s0);
            s1 = x.fma(FloatVector.fromArray(F, b, b1 + k, m), s1);
            s2 = x.fma(FloatVector.fromArray(F, b, b2 + k, m), s2);
            s3 = x.fma(FloatVector.fromArray(F, b, b3 + k, m), s3);
        }
        out[o] = sumLanes(s0);
        out[o + 1] = sumLanes(s1);
        out[o + 2] = sumLanes(s2);
        out[o + 3] = sumLanes(s3);
    }

    /** a[ao..ao+d) · b[bo..bo+d). */
    static float dot(float[] a, int ao, float[] b, int bo, int d) {
        FloatVector s = FloatVector.zero(F);
        int k = 0;
        for (int bound = F.loopBound(d); k < bound; k += L) {
            s = FloatVector.fromArray(F, a, ao + k).fma(FloatVector.fromArray(F, b, bo + k), s);
        }
        if (k < d) {
            VectorMask<Float> m = F.indexInRange(k, d);
            s = FloatVector.fromArray(F, a, ao + k, m).fma(FloatVector.fromArray(F, b, bo + k, m), s);
        }
        return sumLanes(s);
    }

    /** y[yo..yo+d) += alpha · x[xo..xo+d). */
    static void axpy(float alpha, float[] x, int xo, float[] y, int yo, int d) {
        FloatVector al = FloatVector.broadcast(F, alpha);
        int k = 0;
        for (int bound = F.loopBound(d); k < bound; k += L) {
            al.fma(FloatVector.fromArray(F, x, xo + k), FloatVector.fromArray(F, y, yo + k)).intoArray(y, yo + k);
        }
        if (k < d) {
            VectorMask<Float> m = F.indexInRange(k, d);
            al.fma(FloatVector.fromArray(F, x, xo + k, m), FloatVector.fromArray(F, y, yo + k, m))
                    .intoArray(y, yo + k, m);
        }
    }

    /** Σ of the lanes in lane order (reduceLanes' order is unspecified, so it is not used on floats). */
    private static float sumLanes(FloatVector v) {
        float s = 0;
        for (int i = 0; i < L; i++) {
            s += v.lane(i);
        }
        return s;
    }

    /** max of a[ao..ao+len). */
    static float max(float[] a, int ao, int len) {
        FloatVector acc = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        int k = 0;
        for (int bound = F.loopBound(len); k < bound; k += L) {
            acc = acc.max(FloatVector.fromArray(F, a, ao + k));
        }
        float m = acc.reduceLanes(VectorOperators.MAX);
        for (; k < len; k++) {
            m = Math.max(m, a[ao + k]);
        }
        return m;
    }
}
