package org.bpa4j.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The column half of the symmetric streaming sweep (README "Large sets"): a chunk of logK read by columns, each
 * column's running log-sum-exp over the chunk's rows against the rows' duals. Vectors run across columns, so
 * there is no horizontal reduction; a column's lanes are summed in float for at most {@link RowKernels#FLUSH}
 * rows, then added to its double, in row order: the same bits on every call with the same chunk.
 */
final class ColumnLogSumExp {
    private static final VectorSpecies<Float> F = RowKernels.F;
    private static final int L = RowKernels.L;
    private static final int FLUSH = RowKernels.FLUSH;

    private ColumnLogSumExp() {
    }

    /**
     * For the columns c &lt; len of the chunk a (rows of {@code stride} floats, rows r &lt; rows): the running
     * colMax/colSum[at + c] take in max_r (a[r·stride + c] + dual[d0 + r]) and Σ_r exp(… − max), the sum rescaled
     * when the max grows. Whole vectors are read past len (up to the next multiple of L, inside the row's stride),
     * so colMax and colSum need L entries of slack after at + len, and lanes past len are only ever written there.
     */
    static void chunk(float[] a, int stride, int rows, int len, float[] dual, int d0, float[] colMax,
            double[] colSum, int at, float[] lanes) {
        for (int c = 0; c < len; c += L) {
            FloatVector mx = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
            for (int r = 0; r < rows; r++) {
                mx = mx.max(FloatVector.fromArray(F, a, r * stride + c).add(dual[d0 + r]));
            }
            int live = Math.min(L, len - c);
            FloatVector old = FloatVector.fromArray(F, colMax, at + c);
            FloatVector top = old.max(mx);
            if (top.compare(VectorOperators.GT, old).anyTrue()) {
                top.intoArray(lanes, 0);
                for (int t = 0; t < live; t++) {
                    float before = colMax[at + c + t];
                    if (lanes[t] > before && before != Float.NEGATIVE_INFINITY) {
                        colSum[at + c + t] *= StrictMath.exp((double) before - lanes[t]);
                    }
                }
                top.intoArray(colMax, at + c);
            }
            for (int r0 = 0; r0 < rows; r0 += FLUSH) {
                FloatVector acc = FloatVector.zero(F);
                for (int r = r0, end = Math.min(rows, r0 + FLUSH); r < end; r++) {
                    FloatVector x = FloatVector.fromArray(F, a, r * stride + c).add(dual[d0 + r]).sub(top);
                    acc = acc.add(VectorExp.exp(x));
                }
                acc.intoArray(lanes, 0);
                for (int t = 0; t < live; t++) {
                    colSum[at + c + t] += lanes[t];
                }
            }
        }
    }
}
