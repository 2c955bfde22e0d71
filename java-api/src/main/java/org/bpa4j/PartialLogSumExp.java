package org.bpa4j;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Log-sum-exps of a run of indices [offset, offset + length), each held as a max and a sum scaled by it:
 * LSE_k = max_k + log(sum_k). A block of rows gives complete row values ({@link StreamingBpa#blockRows}) or
 * partial column values ({@link StreamingBpa#blockColumns}); partials of the same columns from different blocks
 * {@link #merge} by log-add, in any order, to the log-sum-exps over all their rows. Plain arrays and
 * {@link Serializable}, so that a Spark job can ship and aggregate them. Immutable.
 */
public final class PartialLogSumExp implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The first index the values belong to, ≥ 0. */
    private final int offset;
    /** Per index, the largest term (−∞ where there was none). */
    private final double[] max;
    /** Per index, Σ exp(term − max) (0 where there was none); as long as max. */
    private final double[] sum;

    /**
     * Partial log-sum-exps from their two parts, e.g. as rebuilt by a caller that ships them its own way.
     *
     * @param offset the first index the values belong to
     * @param max per index, the largest term (−∞ where there was none)
     * @param sum per index, Σ exp(term − max) (0 where there was none); copied
     * @throws InvalidInputException when max or sum is null, offset &lt; 0, or their lengths differ
     */
    public PartialLogSumExp(int offset, double[] max, double[] sum) {
        InputChecks.notNull(max, "PartialLogSumExp: max");
        InputChecks.notNull(sum, "PartialLogSumExp: sum");
        if (offset < 0) {
            throw new InvalidInputException("PartialLogSumExp: offset must be >= 0, got " + offset);
        }
        if (max.length != sum.length) {
            throw new InvalidInputException("PartialLogSumExp: max has " + max.length + " values but sum has "
                    + sum.length);
        }
        this.offset = offset;
        this.max = max.clone();
        this.sum = sum.clone();
    }

    /** Without copying, for the arrays a block operation has just filled. */
    static PartialLogSumExp wrap(int offset, double[] max, double[] sum) {
        return new PartialLogSumExp(offset, max, sum, false);
    }

    private PartialLogSumExp(int offset, double[] max, double[] sum, boolean unused) {
        this.offset = offset;
        this.max = max;
        this.sum = sum;
    }

    /**
     * The first index these values belong to.
     *
     * @return the offset, ≥ 0
     */
    public int offset() {
        return offset;
    }

    /**
     * How many indices these values cover: [offset, offset + length).
     *
     * @return the length, ≥ 0
     */
    public int length() {
        return max.length;
    }

    /**
     * The largest term per index.
     *
     * @return a copy, {@link #length()} values, −∞ where there was no term
     */
    public double[] max() {
        return max.clone();
    }

    /**
     * Σ exp(term − max) per index.
     *
     * @return a copy, {@link #length()} values ≥ 0
     */
    public double[] sum() {
        return sum.clone();
    }

    double maxAt(int k) {
        return max[k];
    }

    double sumAt(int k) {
        return sum[k];
    }

    /**
     * The log-sum-exps over both: per index, the larger max and the two sums rescaled to it. Exact up to
     * rounding and commutative bit for bit; the same indices are required.
     *
     * @param other partials of the same indices [offset, offset + length), e.g. from another row block
     * @return a new value; neither operand changes
     * @throws InvalidInputException when other is null or covers other indices
     */
    public PartialLogSumExp merge(PartialLogSumExp other) {
        InputChecks.notNull(other, "PartialLogSumExp.merge: other");
        if (other.offset != offset || other.max.length != max.length) {
            throw new InvalidInputException("PartialLogSumExp.merge: indices [" + other.offset + ", "
                    + (other.offset + other.max.length) + ") where [" + offset + ", " + (offset + max.length)
                    + ") were expected");
        }
        double[] m = new double[max.length];
        double[] s = new double[max.length];
        for (int k = 0; k < m.length; k++) {
            double a = max[k];
            double b = other.max[k];
            double top = Math.max(a, b);
            m[k] = top;
            if (top == Double.NEGATIVE_INFINITY) {
                s[k] = 0;
            } else {
                // the same two products whichever side is `this`: a + b is commutative
                s[k] = sum[k] * StrictMath.exp(a - top) + other.sum[k] * StrictMath.exp(b - top);
            }
        }
        return new PartialLogSumExp(offset, m, s, false);
    }

    /**
     * LSE per index: max + log(sum).
     *
     * @return a new array of {@link #length()} values, −∞ where there was no term
     */
    public double[] values() {
        double[] out = new double[max.length];
        for (int k = 0; k < out.length; k++) {
            out[k] = max[k] + StrictMath.log(sum[k]);
        }
        return out;
    }

    /**
     * The next dual vector a Sinkhorn half-step makes of these log-sum-exps: −LSE per index (docs/MATH.md §1,
     * with α = β = 0).
     *
     * @return a new array of {@link #length()} duals, +∞ where there was no term
     */
    public double[] duals() {
        double[] out = values();
        for (int k = 0; k < out.length; k++) {
            out[k] = -out[k];
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PartialLogSumExp p && p.offset == offset && Arrays.equals(p.max, max)
                && Arrays.equals(p.sum, sum);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * offset + Arrays.hashCode(max)) + Arrays.hashCode(sum);
    }

    @Override
    public String toString() {
        return "PartialLogSumExp[" + offset + ", " + (offset + max.length) + ")";
    }
}
