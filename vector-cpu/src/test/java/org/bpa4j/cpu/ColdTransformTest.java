package org.bpa4j.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bpa4j.DType;
import org.bpa4j.Metric;
import org.bpa4j.spi.BpaOptions;
import org.bpa4j.testing.RandomTensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The cold-start path (scalar code for a just-started JVM's first call) must give the vector path's bits
 * exactly, at the width this run has (the build runs it at 128, 256 and, where the CPU has it, 512 bits),
 * for every option it covers and sizes that leave every kind of tail (rows not a multiple of 4, columns not
 * a multiple of the lanes, d across a K block).
 */
class ColdTransformTest {

    @ParameterizedTest(name = "n={0} d={1} reg={2} sigmoid={3} maxScale={4} mask={5} labels={6} threads={7}")
    @CsvSource({
        "301, 17, 0.1, false, true, true, 0, 2",
        "1000, 128, 0.1, false, true, true, 0, 2",
        "257, 300, 0.2, false, true, true, 0, 3",
        "130, 9, 0.1, true, true, true, 0, 2",
        "130, 9, 0.1, false, false, false, 0, 1",
        "150, 8, 0.05, false, true, true, 25, 2",
        "3, 5, 0.1, false, true, true, 0, 1",
        "1, 4, 0.1, false, true, false, 0, 1",
    })
    void givesTheVectorPathsBits(int n, int d, double reg, boolean sigmoid, boolean maxScale, boolean mask,
            int labelled, int threads) {
        float[] x = RandomTensors.gaussian(41, n, d).to(DType.FLOAT32).toFloatArray();
        int[] labels = null;
        if (labelled > 0) {
            labels = new int[labelled];
            for (int i = 0; i < labelled; i++) {
                labels[i] = (i * 7) % 5;
            }
        }
        BpaOptions options = new BpaOptions(Metric.COSINE, reg, 10, sigmoid, mask, maxScale, DType.FLOAT32);
        assertTrue(ColdTransform.covers(options, n, d));
        ThreadTeam team = ThreadTeam.of(threads);
        float[] vector = new float[n * n];
        boolean vectorFinite = SetBpa.transformInPlace(options, x.clone(), n, d, labels, team, vector);
        float[] cold = new float[n * n];
        Boolean coldFinite = ColdTransform.transformInPlace(options, x.clone(), n, d, labels, team, cold);
        assertNotNull(coldFinite, "the scaling sums stay in range here");
        assertEquals(vectorFinite, coldFinite);
        assertArrayEquals(vector, cold, "Z bit for bit (assertArrayEquals on floats compares bits)");
    }

    @Test
    void leavesWhatItDoesNotCoverToTheVectorPath() {
        assertFalse(ColdTransform.covers(new BpaOptions(Metric.EUCLIDEAN, 0.1, 10, false, true, true,
                DType.FLOAT32), 100, 8));
        assertFalse(ColdTransform.covers(new BpaOptions(Metric.COSINE, 0.01, 10, false, true, true,
                DType.FLOAT32), 100, 8), "ε below 0.05 runs in the log domain");
        assertFalse(ColdTransform.covers(new BpaOptions(Metric.COSINE, 0.1, 10, false, true, true,
                DType.FLOAT32), 8192, 128), "too large a set: the vector path wins even cold");
    }

    /** Rows whose sums leave the scaling range (a set of identical rows without the masked diagonal is fine; a
     * masked set of one row has an empty row) make it step aside, as the vector path does. */
    @Test
    void stepsAsideWhenTheScalingSumsLeaveTheirRange() {
        BpaOptions options = new BpaOptions(Metric.COSINE, 0.1, 10, false, true, true, DType.FLOAT32);
        float[] z = new float[1];
        assertNull(ColdTransform.transformInPlace(options, new float[] {1f, 2f}, 1, 2, null,
                ThreadTeam.of(1), z));
    }
}
