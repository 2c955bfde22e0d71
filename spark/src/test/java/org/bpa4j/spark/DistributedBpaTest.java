package org.bpa4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaSparkContext;
import org.bpa4j.Bpa;
import org.bpa4j.Metric;
import org.bpa4j.Tensor;
import org.bpa4j.TopKRows;
import org.junit.jupiter.api.Test;

/** The distributed top-k of the README's "Spark" section against the single-JVM {@link Bpa#topK}. */
class DistributedBpaTest {
    private static JavaSparkContext spark() {
        return JavaSparkContext.fromSparkContext(LocalSpark.get().sparkContext());
    }

    private static Tensor clusters(int n, int d, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n * d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                x[i * d + j] = (float) ((j == i % d ? 2 : 0) + r.nextGaussian());
            }
        }
        return Tensor.of(x, n, d);
    }

    /** Values within 1e-5 of the largest; indices equal except where two values tie within that tolerance. */
    private static void assertSameTopK(TopKRows want, TopKRows got) {
        assertEquals(want.rows(), got.rows());
        assertEquals(want.k(), got.k());
        float largest = 0;
        for (float v : want.valueArray()) {
            largest = Math.max(largest, Math.abs(v));
        }
        float tol = 1e-5f * largest;
        for (int r = 0; r < want.rows(); r++) {
            for (int c = 0; c < want.k(); c++) {
                assertEquals(want.value(r, c), got.value(r, c), tol, "row " + r + " entry " + c);
                if (want.index(r, c) != got.index(r, c)) {
                    float next = c + 1 < want.k() ? want.value(r, c + 1) : Float.NEGATIVE_INFINITY;
                    float prev = c > 0 ? want.value(r, c - 1) : Float.POSITIVE_INFINITY;
                    assertTrue(Math.abs(want.value(r, c) - next) <= tol || Math.abs(want.value(r, c) - prev) <= tol,
                            "row " + r + " entry " + c + ": column " + got.index(r, c) + " instead of "
                                    + want.index(r, c) + " without a near-tie");
                }
            }
        }
    }

    @Test
    void cosineWithSupportLabelsOverThreePartitionsEqualsTheSingleJvmTopK() {
        Tensor x = clusters(301, 6, 1);
        int[] labels = {0, 1, 2, 0, 1, 2, 3, 3};
        Bpa bpa = Bpa.builder().iterations(6).build();
        TopKRows want = bpa.topK(x, 7, labels);
        TopKRows got = DistributedBpa.topK(spark(), bpa, x, labels, 7, 3);
        assertSameTopK(want, got);
    }

    @Test
    void euclideanWithSigmoidOverTwoPartitionsEqualsTheSingleJvmTopK() {
        Tensor x = clusters(150, 4, 2);
        Bpa bpa = Bpa.builder().metric(Metric.EUCLIDEAN).sigmoid(true).reg(0.2).iterations(4).build();
        assertSameTopK(bpa.topK(x, 5), DistributedBpa.topK(spark(), bpa, x, 5, 2));
    }

    @Test
    void runningTwiceGivesTheSameTopK() {
        Tensor x = clusters(120, 5, 3);
        Bpa bpa = Bpa.builder().iterations(3).build();
        TopKRows a = DistributedBpa.topK(spark(), bpa, x, 4, 2);
        TopKRows b = DistributedBpa.topK(spark(), bpa, x, 4, 2);
        // two partitions: one log-add per column, commutative bit for bit, so even the merge order cannot matter
        assertEquals(java.util.Arrays.toString(a.valueArray()), java.util.Arrays.toString(b.valueArray()));
        assertEquals(java.util.Arrays.toString(a.indexArray()), java.util.Arrays.toString(b.indexArray()));
    }

    @Test
    void badArgumentsAreRefusedBeforeAnyJob() {
        Tensor x = clusters(10, 3, 4);
        Bpa bpa = Bpa.builder().build();
        assertThrows(IllegalArgumentException.class, () -> DistributedBpa.topK(spark(), bpa, x, 0, 2));
        assertThrows(IllegalArgumentException.class, () -> DistributedBpa.topK(spark(), bpa, x, 11, 2));
        assertThrows(IllegalArgumentException.class, () -> DistributedBpa.topK(spark(), bpa, x, 3, 0));
        float[] nan = x.toFloatArray();
        nan[7] = Float.NaN;
        assertThrows(IllegalArgumentException.class,
                () -> DistributedBpa.topK(spark(), bpa, Tensor.of(nan, 10, 3), 3, 2));
    }
}
