package org.bpa4j.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import org.bpa4j.Tensor;
import org.bpa4j.TopKRows;

/**
 * The top-k of a dense Z, and the comparison the streaming tests make against it (README "Large sets"): values
 * within {@code tolerance}·max|Z| of the dense values at the same rank, indices equal except where the dense row
 * has a near-tie (another entry within the tolerance of the value at that rank).
 */
public final class DenseTopK {
    private DenseTopK() {
    }

    /** Asserts that {@code top} holds the k largest entries of every row of the dense (n, n) z. */
    public static void assertMatches(Tensor z, TopKRows top, double tolerance, String what) {
        int n = z.rows();
        int k = top.k();
        assertEquals(n, top.rows(), what + ": rows");
        double[] dense = z.toDoubleArray();
        double largest = 0;
        for (double value : dense) {
            largest = Math.max(largest, Math.abs(value));
        }
        double tol = tolerance * Math.max(largest, 1e-30);
        for (int i = 0; i < n; i++) {
            Integer[] order = new Integer[n];
            for (int j = 0; j < n; j++) {
                order[j] = j;
            }
            final int row = i;
            java.util.Arrays.sort(order, (a, b) -> {
                int c = Double.compare(dense[row * n + b], dense[row * n + a]);
                return c != 0 ? c : Integer.compare(a, b);
            });
            java.util.Set<Long> seen = new java.util.HashSet<>();
            for (int c = 0; c < k; c++) {
                double expected = dense[i * n + order[c]];
                float value = top.value(i, c);
                long index = top.index(i, c);
                if (Math.abs(value - expected) > tol) {
                    fail(what + ": row " + i + " rank " + c + ": value " + value + " where " + expected
                            + " was expected (tolerance " + tol + ")");
                }
                assertTrue(index >= 0 && index < n && seen.add(index), what + ": row " + i + " repeats or "
                        + "misplaces index " + index);
                if (index != order[c]) {
                    // a near-tie: the index it names must hold (densely) a value as close to this rank's value
                    double there = dense[(int) (i * n + index)];
                    if (Math.abs(there - expected) > tol) {
                        fail(what + ": row " + i + " rank " + c + ": index " + index + " (dense value " + there
                                + ") where " + order[c] + " (" + expected + ") was expected");
                    }
                }
                if (c > 0) {
                    assertTrue(value <= top.value(i, c - 1), what + ": row " + i + " is not in descending order");
                }
            }
        }
    }
}
