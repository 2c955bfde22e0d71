package org.bpa4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.bpa4j.testing.RandomTensors;
import org.junit.jupiter.api.Test;

/** {@link TopKRows#indices()}: the column indices as a tensor, exact in float64 (README "Large sets"). */
class TopKRowsIndicesTest {
    @Test
    void theIndicesOfATopKAreAFloat64TensorOfTheSameValues() {
        Tensor x = RandomTensors.gaussian(21, 12, 4);
        TopKRows top = Bpa.builder().device(Device.REFERENCE).build().topK(x, 5);
        Tensor indices = top.indices();
        assertEquals(DType.FLOAT64, indices.dtype());
        assertArrayEquals(new int[] {12, 5}, indices.shape());
        assertArrayEquals(top.values().shape(), indices.shape(), "shaped as the values");
        long[] ix = top.indexArray();
        for (int r = 0; r < 12; r++) {
            for (int c = 0; c < 5; c++) {
                assertEquals(top.index(r, c), (long) indices.get(r, c), "(" + r + ", " + c + ")");
                assertEquals(ix[r * 5 + c], (long) indices.getDouble(r * 5L + c));
            }
        }
    }

    /** Indices past float32's 2^24 (where 16777217 rounds to 16777216) up to the largest int stay exact. */
    @Test
    void indicesUpToTheLargestIntAreExact() {
        long[] large = {0, 1, 16_777_217, 16_777_215, 1L << 30, Integer.MAX_VALUE - 1, Integer.MAX_VALUE, 3};
        TopKRows top = new TopKRows(7, 4, 2, new float[8], large.clone());
        Tensor indices = top.indices();
        for (int t = 0; t < large.length; t++) {
            double v = indices.getDouble(t);
            assertEquals(large[t], (long) v, "index " + large[t]);
            assertEquals(v, Math.rint(v), "an integer");
        }
        // joined blocks give the joined indices
        TopKRows next = new TopKRows(11, 1, 2, new float[2], new long[] {5, 9});
        Tensor joined = TopKRows.concat(List.of(next, top)).indices();
        assertArrayEquals(new int[] {5, 2}, joined.shape());
        assertEquals(9.0, joined.get(4, 1));
        assertEquals((double) Integer.MAX_VALUE, joined.get(3, 0));
    }

    @Test
    void theTensorIsACopy() {
        TopKRows top = new TopKRows(0, 1, 2, new float[2], new long[] {4, 2});
        top.indices().setDouble(0, 99);
        assertEquals(4, top.index(0, 0));
        assertEquals(4.0, top.indices().get(0, 0));
    }
}
