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
    static final int FLUSH = 64;
    /** Slack after a row buffer: masked tail loads then stay on the intrinsic path (a masked access whose
     * full vector would pass the array's end falls back to a scalar loop). */
    static final int PAD = L;

    private RowKernels() {
    }

    /** Σ of the lanes, in lane order, in double precision. {@code lanes} is scratch of length ≥ L. */
    static double sumLanes(FloatVector acc, float[] lanes) {
        acc.intoArray(lanes, 0);
        return sumLanes(lanes);
    }

    /** The first L values of {@code lanes} added in lane order, in double (the scalar twin's lane sum). */
    static double sumLanes(float[] lanes) {
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
        float mx = acc.reduceLanes(VectorOperators.MAX);
        for (; j < len; j++) {
            mx = Math.max(mx, a[ao + j] + b[j]);
        }
        return mx;
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
        axpy(alpha, x, 0, y, len);
    }

    /** y[j] += alpha · x[xo+j] for j < len. */
    static void axpy(float alpha, float[] x, int xo, float[] y, int len) {
        FloatVector al = FloatVector.broadcast(F, alpha);
        int j = 0;
        for (int bound = F.loopBound(len); j < bound; j += L) {
            al.fma(FloatVector.fromArray(F, x, xo + j), FloatVector.fromArray(F, y, j)).intoArray(y, j);
        }
        for (; j < len; j++) {
            y[j] = Math.fma(alpha, x[xo + j], y[j]);
        }
    }

    /** Σ_j a[ao+j] · b[j] for j < len. */
    static double dot(float[] a, int ao, float[] b, int len, float[] lanes) {
        FloatVector acc = FloatVector.zero(F);
        double total = 0;
        int blocks = 0;
        int j = 0;
        for (int bound = F.loopBound(len); j < bound; j += L) {
            acc = FloatVector.fromArray(F, a, ao + j).fma(FloatVector.fromArray(F, b, j), acc);
            if (++blocks == FLUSH) {
                total += sumLanes(acc, lanes);
                acc = FloatVector.zero(F);
                blocks = 0;
            }
        }
        total += sumLanes(acc, lanes);
        for (; j < len; j++) {
            total += a[ao + j] * b[j];
        }
        return total;
    }

    /** dst[j] = (a[ao+j] · c) · b[j] for j < len. */
    static void productRow(float[] a, int ao, float[] b, float c, float[] dst, int len) {
        FloatVector cv = FloatVector.broadcast(F, c);
        int j = 0;
        for (int bound = F.loopBound(len); j < bound; j += L) {
            FloatVector.fromArray(F, a, ao + j).mul(cv).mul(FloatVector.fromArray(F, b, j)).intoArray(dst, j);
        }
        for (; j < len; j++) {
            dst[j] = (a[ao + j] * c) * b[j];
        }
    }


    /**
     * dst[off+j] = ((a[ao+j] · c) · b[j]) / divisor for j &lt; len — {@link #productRow} and a division, in one
     * pass and with the same bits; returns whether every value written is finite.
     */
    static boolean productRowDivided(float[] a, int ao, float[] b, float c, float divisor, float[] dst, int off,
            int len) {
        FloatVector cv = FloatVector.broadcast(F, c);
        FloatVector dv = FloatVector.broadcast(F, divisor);
        FloatVector bad = FloatVector.zero(F);
        int j = 0;
        for (int bound = F.loopBound(len); j < bound; j += L) {
            FloatVector z = FloatVector.fromArray(F, a, ao + j).mul(cv).mul(FloatVector.fromArray(F, b, j)).div(dv);
            z.intoArray(dst, off + j);
            bad = bad.add(z.sub(z));
        }
        for (; j < len; j++) {
            float z = ((a[ao + j] * c) * b[j]) / divisor;
            dst[off + j] = z;
            bad = bad.add(z - z);
        }
        return bad.reduceLanes(VectorOperators.ADD) == 0f;
    }

    /** Whether a[0..len) holds only finite values (x − x is 0 for those, NaN for ±Inf and NaN). */
    static boolean allFinite(float[] a, int len) {
        FloatVector acc = FloatVector.zero(F);
        int j = 0;
        for (int bound = F.loopBound(len); j < bound; j += L) {
            FloatVector v = FloatVector.fromArray(F, a, j);
            acc = acc.add(v.sub(v));
        }
        float bad = acc.reduceLanes(VectorOperators.ADD);
        for (; j < len; j++) {
            bad += a[j] - a[j];
        }
        return bad == 0f;
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
        total += sumLanes(acc, lanes);
        for (; j < len; j++) {
            total += a[ao + j];
        }
        return total;
    }

    /** y[j] += a[ao+j] for j < len. */
    static void addInto(float[] a, int ao, float[] y, int len) {
        int j = 0;
        for (int bound = F.loopBound(len); j < bound; j += L) {
            FloatVector.fromArray(F, a, ao + j).add(FloatVector.fromArray(F, y, j)).intoArray(y, j);
        }
        for (; j < len; j++) {
            y[j] = a[ao + j] + y[j];
        }
    }





    /** Widens range = {min, max} by a[ao..ao+len). */
    static void minMax(float[] a, int ao, int len, float[] range) {
        FloatVector lo = FloatVector.broadcast(F, range[0]);
        FloatVector hi = FloatVector.broadcast(F, range[1]);
        int j = 0;
        for (int bound = F.loopBound(len); j < bound; j += L) {
            FloatVector x = FloatVector.fromArray(F, a, ao + j);
            lo = lo.min(x);
            hi = hi.max(x);
        }
        float min = lo.reduceLanes(VectorOperators.MIN);
        float max = hi.reduceLanes(VectorOperators.MAX);
        for (; j < len; j++) {
            min = Math.min(min, a[ao + j]);
            max = Math.max(max, a[ao + j]);
        }
        range[0] = min;
        range[1] = max;
    }

    /** a[ao+j] ← c·a[ao+j], or exp(c·a[ao+j]), for j < len. */
    static void scaleInPlace(float[] a, int ao, int len, float c, boolean exp) {
        FloatVector cv = FloatVector.broadcast(F, c);
        int j = 0;
        for (int bound = F.loopBound(len); j < bound; j += L) {
            FloatVector x = FloatVector.fromArray(F, a, ao + j).mul(cv);
            (exp ? VectorExp.exp(x) : x).intoArray(a, ao + j);
        }
        if (j < len) {
            VectorMask<Float> m = F.indexInRange(j, len);
            FloatVector x = FloatVector.fromArray(F, a, ao + j, m).mul(cv);
            (exp ? VectorExp.exp(x) : x).intoArray(a, ao + j, m);
        }
    }

    /**
     * For the rows i of [0, rows): out[ko + i·stride + j] = a[i][j] − k[ko + i·stride + j] · Σ_t
     * (ca[t][r0+i]·wa[t][j] + cb[t][r0+i]·wb[t][j]), j < len: rows of A − K ⊙ (rank-2T product), four rows at a time so that each
     * vector of wa and wb is loaded once for four rows.
     */
    static void minusKTimesLowRank(float[][] a, float[] k, int ko, int stride, int r0, int rows, float[][] ca,
            float[][] wa, float[][] cb, float[][] wb, float[] out, int len) {
        int terms = wa.length;
        int i = 0;
        for (; i + 4 <= rows; i += 4) {
            int j = 0;
            for (int bound = F.loopBound(len); j < bound; j += L) {
                FloatVector s0 = FloatVector.zero(F);
                FloatVector s1 = s0;
                FloatVector s2 = s0;
                FloatVector s3 = s0;
                for (int t = 0; t < terms; t++) {
                    FloatVector x = FloatVector.fromArray(F, wa[t], j);
                    float[] c = ca[t];
                    s0 = x.fma(FloatVector.broadcast(F, c[r0 + i]), s0);
                    s1 = x.fma(FloatVector.broadcast(F, c[r0 + i + 1]), s1);
                    s2 = x.fma(FloatVector.broadcast(F, c[r0 + i + 2]), s2);
                    s3 = x.fma(FloatVector.broadcast(F, c[r0 + i + 3]), s3);
                    x = FloatVector.fromArray(F, wb[t], j);
                    c = cb[t];
                    s0 = x.fma(FloatVector.broadcast(F, c[r0 + i]), s0);
                    s1 = x.fma(FloatVector.broadcast(F, c[r0 + i + 1]), s1);
                    s2 = x.fma(FloatVector.broadcast(F, c[r0 + i + 2]), s2);
                    s3 = x.fma(FloatVector.broadcast(F, c[r0 + i + 3]), s3);
                }
                int o = ko + i * stride + j;
                FloatVector.fromArray(F, a[i], j).sub(FloatVector.fromArray(F, k, o).mul(s0)).intoArray(out, o);
                o += stride;
                FloatVector.fromArray(F, a[i + 1], j).sub(FloatVector.fromArray(F, k, o).mul(s1)).intoArray(out, o);
                o += stride;
                FloatVector.fromArray(F, a[i + 2], j).sub(FloatVector.fromArray(F, k, o).mul(s2)).intoArray(out, o);
                o += stride;
                FloatVector.fromArray(F, a[i + 3], j).sub(FloatVector.fromArray(F, k, o).mul(s3)).intoArray(out, o);
            }
            for (int r = i; r < i + 4; r++) {
                lowRankTail(a[r], k, ko + r * stride, r0 + r, ca, wa, cb, wb, out, j, len);
            }
        }
        for (; i < rows; i++) {
            lowRankTail(a[i], k, ko + i * stride, r0 + i, ca, wa, cb, wb, out, 0, len);
        }
    }

    /** One row of {@link #minusKTimesLowRank} from column j0 on: whole vectors, then a scalar tail. */
    private static void lowRankTail(float[] a, float[] k, int ko, int i, float[][] ca, float[][] wa, float[][] cb,
            float[][] wb, float[] out, int j0, int len) {
        int j = j0;
        for (int bound = j0 + F.loopBound(len - j0); j < bound; j += L) {
            FloatVector s = FloatVector.zero(F);
            for (int t = 0; t < wa.length; t++) {
                s = FloatVector.fromArray(F, wa[t], j).fma(FloatVector.broadcast(F, ca[t][i]), s);
                s = FloatVector.fromArray(F, wb[t], j).fma(FloatVector.broadcast(F, cb[t][i]), s);
            }
            FloatVector.fromArray(F, a, j).sub(FloatVector.fromArray(F, k, ko + j).mul(s)).intoArray(out, ko + j);
        }
        for (; j < len; j++) {
            float s = 0f;
            for (int t = 0; t < wa.length; t++) {
                s = Math.fma(wa[t][j], ca[t][i], s);
                s = Math.fma(wb[t][j], cb[t][i], s);
            }
            out[ko + j] = a[j] - k[ko + j] * s;
        }
    }

    /** out[j] = exp((a[ao+j] + b[j]) − shift) for j < len; returns Σ_j w[j]·out[j]. */
    static double expOfSumMinusWeighted(float[] a, int ao, float[] b, float shift, float[] w, float[] out, int len,
            float[] lanes) {
        FloatVector sh = FloatVector.broadcast(F, shift);
        FloatVector acc = FloatVector.zero(F);
        double total = 0;
        int blocks = 0;
        int j = 0;
        for (int bound = F.loopBound(len); j < bound; j += L) {
            FloatVector x = FloatVector.fromArray(F, a, ao + j).add(FloatVector.fromArray(F, b, j)).sub(sh);
            FloatVector e = VectorExp.exp(x);
            e.intoArray(out, j);
            acc = e.fma(FloatVector.fromArray(F, w, j), acc);
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
            acc = acc.add(e.mul(FloatVector.fromArray(F, w, j, m)), m);
        }
        return total + sumLanes(acc, lanes);
    }

    /** part[j] += e[j]·d; g[go+j] −= e[j]·(c·wc[j] + d), for j < len. */
    static void logDomainGradientRow(float[] e, float[] wc, float c, float d, float[] part, float[] g, int go, int len) {
        FloatVector cv = FloatVector.broadcast(F, c);
        FloatVector dv = FloatVector.broadcast(F, d);
        int j = 0;
        for (int bound = F.loopBound(len); j < bound; j += L) {
            FloatVector ej = FloatVector.fromArray(F, e, j);
            FloatVector.fromArray(F, part, j).add(ej.mul(dv)).intoArray(part, j);
            FloatVector both = ej.mul(FloatVector.fromArray(F, wc, j).fma(cv, dv));
            FloatVector.fromArray(F, g, go + j).sub(both).intoArray(g, go + j);
        }
        for (; j < len; j++) {
            float ej = e[j];
            part[j] = part[j] + ej * d;
            g[go + j] = g[go + j] - ej * Math.fma(wc[j], c, d);
        }
    }
}
