package org.bpa4j.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector loops over one row that the Sinkhorn sweeps are made of. Tails use masked lanes. Sums are
 * kept in float lanes for at most {@link #FLUSH} vectors, then added to a double in lane order: accurate,
 * and reproducible bit for bit (no {@code reduceLanes} on floats, whose order is unspecified).
 */
final class RowKernels {
    static final VectorSpecies<Float> F = VectorExp.F;
    static final int L = F.length();
    private static final int FLUSH = 64;

    private RowKernels() {
    }

    /** Σ of the lanes, in lane order, in double precision. {@code lanes} is scratch of length ≥ L. */
    static double sumLanes(FloatVector acc, float[] lanes) {
        acc.intoArray(lanes, 0);
        double s = 0;
        for (int k = 0; k < L; k++) {
            s += lanes[k];
        }
        return s;
    }

    /** max_j (a[ao+j] + b[j]) over j < len. */
    static float maxOfSum(float[] a, int ao, float[] b, int len) {
        FloatVector acc = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        int j = 0;
        for (int bound = F.loopBound(len); j < bound; j += L) {
            acc = acc.max(FloatVector.fromArray(F, a, ao + j).add(FloatVector.fromArray(F, b, j)));
        }
        if (j < len) {
            VectorMask<Float> m = F.indexInRange(j, len);
            FloatVector x = FloatVector.fromArray(F, a, ao + j, m).add(FloatVector.fromArray(F, b, j, m));
            acc = acc.lanewise(VectorOperators.MAX, x, m);
        }
        return acc.reduceLanes(VectorOperators.MAX);
    }

    /** out[j] = exp(a[ao+j] + b[j] − shift) for j < len; returns Σ_j out[j]. */
    static double expOfSumMinus(float[] a, int ao, float[] b, float shift, float[] out, int len, float[] lanes) {
        FloatVector sh = FloatVector.broadcast(F, shift);
        FloatVector acc = FloatVector.zero(F);
        double total = 0;
        int blocks = 0;
        int j = 0;
        for (int bound = F.loopBound(len); j < bound; j += L) {
            FloatVector x = FloatVector.fromArray(F, a, ao + j).add(FloatVector.fromArray(F, b, j)).sub(sh);
            FloatVector e = VectorExp.exp(x);
            e.intoArray(out, j);
            acc = acc.add(e);
            if (++blocks == FLUSH) {
                total += sumLanes(acc, lanes);
                acc = FloatVector.zero(F);
                blocks = 0;
            }
        }
        if (j < len) {
            VectorMask<Float> m = F.indexInRange(j, len);
            FloatVector x = FloatVector.fromArray(F, a, ao + j, m).add(FloatVector.fromArray(F, b, j, m)).sub(sh);
            FloatVector e = VectorExp.exp(x);
            e.intoArray(out, j, m);
            acc = acc.add(e, m);
        }
        return total + sumLanes(acc, lanes);
    }

    /** y[j] += alpha · x[j] for j < len. */
    static void axpy(float alpha, float[] x, float[] y, int len) {
        FloatVector al = FloatVector.broadcast(F, alpha);
        int j = 0;
        for (int bound = F.loopBound(len); j < bound; j += L) {
            al.fma(FloatVector.fromArray(F, x, j), FloatVector.fromArray(F, y, j)).intoArray(y, j);
        }
        if (j < len) {
            VectorMask<Float> m = F.indexInRange(j, len);
            al.fma(FloatVector.fromArray(F, x, j, m), FloatVector.fromArray(F, y, j, m)).intoArray(y, j, m);
        }
    }

    /** Σ_j a[ao+j] for j < len. */
    static double sum(float[] a, int ao, int len, float[] lanes) {
        FloatVector acc = FloatVector.zero(F);
        double total = 0;
        int blocks = 0;
        int j = 0;
        for (int bound = F.loopBound(len); j < bound; j += L) {
            acc = acc.add(FloatVector.fromArray(F, a, ao + j));
            if (++blocks == FLUSH) {
                total += sumLanes(acc, lanes);
                acc = FloatVector.zero(F);
                blocks = 0;
            }
        }
        if (j < len) {
            VectorMask<Float> m = F.indexInRange(j, len);
            acc = acc.add(FloatVector.fromArray(F, a, ao + j, m), m);
        }
        return total + sumLanes(acc, lanes);
    }

    /** y[j] += a[ao+j] for j < len. */
    static void addInto(float[] a, int ao, float[] y, int len) {
        int j = 0;
        for (int bound = F.loopBound(len); j < bound; j += L) {
            FloatVector.fromArray(F, a, ao + j).add(FloatVector.fromArray(F, y, j)).intoArray(y, j);
        }
        if (j < len) {
            VectorMask<Float> m = F.indexInRange(j, len);
            FloatVector.fromArray(F, a, ao + j, m).add(FloatVector.fromArray(F, y, j, m)).intoArray(y, j, m);
        }
    }
}
