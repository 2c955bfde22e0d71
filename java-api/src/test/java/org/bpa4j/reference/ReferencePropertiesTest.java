package org.bpa4j.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.bpa4j.Bpa;
import org.bpa4j.DType;
import org.bpa4j.Device;
import org.bpa4j.Metric;
import org.bpa4j.Tensor;
import org.bpa4j.testing.RandomTensors;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

/** Properties of docs/MATH.md §2 that hold for any input: equivariance, marginals, symmetry, batch independence. */
class ReferencePropertiesTest {

    private static Bpa.Builder reference() {
        return Bpa.builder().device(Device.REFERENCE).precision(DType.FLOAT64);
    }

    private static int[] permutation(int n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    @RepeatedTest(6)
    void permutingTheInputPermutesTheOutput(RepetitionInfo info) {
        int rep = info.getCurrentRepetition();
        int n = 5 + 3 * rep;
        int d = 1 + 2 * rep;
        Metric metric = rep % 2 == 0 ? Metric.COSINE : Metric.EUCLIDEAN;
        Tensor x = RandomTensors.gaussian(100 + rep, n, d);
        int[] p = permutation(n, rep);
        double[] px = new double[n * d];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < d; k++) {
                px[i * d + k] = x.get(p[i], k);
            }
        }
        Bpa bpa = reference().metric(metric).sigmoid(rep == 3).build();
        Tensor z = bpa.forward(x).output();
        Tensor pz = bpa.forward(Tensor.of(px, n, d)).output();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                assertEquals(z.get(p[i], p[j]), pz.get(i, j), 1e-12, "Z[p(" + i + "), p(" + j + ")]");
            }
        }
    }

    @Test
    void plansHaveUnitMarginalsBeforeScaling() {
        int n = 17;
        Tensor x = RandomTensors.gaussian(7, n, 6);
        // no scaling, no overwritten entries: Z is the plan itself
        Tensor z = reference().maskDiagonal(false).maxScale(false).reg(0.5).iterations(300).build().forward(x).output();
        for (int j = 0; j < n; j++) {
            double col = 0;
            for (int i = 0; i < n; i++) {
                col += z.get(i, j);
            }
            assertEquals(1.0, col, 1e-12, "column " + j + " sum (the last half-step balances columns)");
        }
        for (int i = 0; i < n; i++) {
            double row = 0;
            for (int j = 0; j < n; j++) {
                row += z.get(i, j);
            }
            assertEquals(1.0, row, 1e-9, "row " + i + " sum after 300 iterations");
        }
    }

    @Test
    void columnsAreBalancedWithAMaskedDiagonalToo() {
        int n = 9;
        Tensor x = RandomTensors.gaussian(8, n, 3);
        Tensor z = reference().maxScale(false).build().forward(x).output();
        for (int j = 0; j < n; j++) {
            double col = 0;
            for (int i = 0; i < n; i++) {
                col += i == j ? 0 : z.get(i, j);
            }
            // the diagonal's plan mass is exp(−1e5/ε) = 0; the output shows 1 there instead
            assertEquals(1.0, col, 1e-12, "column " + j + " off-diagonal sum");
        }
    }

    @Test
    void cosineOutputIsSymmetric() {
        int n = 12;
        Tensor x = RandomTensors.gaussian(9, n, 5);
        // the balanced plan of a symmetric cost is symmetric; the iterates approach it
        Tensor z = reference().iterations(200).build().forward(x).output();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) {
                assertEquals(z.get(i, j), z.get(j, i), 1e-9, "Z[" + i + "," + j + "] vs Z[" + j + "," + i + "]");
            }
        }
    }

    @Test
    void aSetsResultDoesNotDependOnItsBatch() {
        int n = 7;
        int d = 4;
        Tensor batch = RandomTensors.gaussian(10, 3, n, d);
        Bpa bpa = reference().build();
        Tensor together = bpa.forward(batch).output();
        for (int b = 0; b < 3; b++) {
            Tensor alone = bpa.forward(batch.set(b)).output();
            Tensor inBatch = together.set(b);
            for (long k = 0; k < alone.size(); k++) {
                assertEquals(alone.getDouble(k), inBatch.getDouble(k), 0.0, "set " + b + " element " + k);
            }
        }
    }

    @Test
    void labelsOverwriteTheSupportBlockAndTheDiagonal() {
        int n = 8;
        int[] y = {0, 1, 0, 2};
        Tensor z = reference().build().forward(RandomTensors.gaussian(11, n, 3), y).output();
        for (int i = 0; i < y.length; i++) {
            for (int j = 0; j < y.length; j++) {
                assertEquals(y[i] == y[j] ? 1.0 : 0.0, z.get(i, j), 0.0, "support block (" + i + "," + j + ")");
            }
        }
        for (int i = 0; i < n; i++) {
            assertEquals(1.0, z.get(i, i), 0.0, "diagonal " + i);
        }
    }
}
