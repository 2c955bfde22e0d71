package org.bpa4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class TensorTest {

    @Test
    void wrapsArraysWithoutCopying() {
        float[] data = {1, 2, 3, 4, 5, 6};
        Tensor t = Tensor.of(data, 2, 3);
        data[4] = 42;
        assertEquals(42f, t.getFloat(4));
        assertSame(data, t.floatArray().orElseThrow());
        assertEquals(6.0, t.get(1, 2));
        assertEquals("(2, 3)", t.shapeString());
    }

    @Test
    void wrapsSegmentsAndDirectBuffersWithoutCopying() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(4 * 8);
            Tensor t = Tensor.of(seg, DType.FLOAT64, 2, 2);
            seg.setAtIndex(ValueLayout.JAVA_DOUBLE, 3, 9.5);
            assertEquals(9.5, t.get(1, 1));
        }
        ByteBuffer buf = ByteBuffer.allocateDirect(6 * 4).order(ByteOrder.nativeOrder());
        Tensor t = Tensor.of(buf, DType.FLOAT32, 1, 2, 3);
        buf.putFloat(5 * 4, 7f);
        assertEquals(7f, t.set(0).getFloat(5));
        assertThrows(IllegalArgumentException.class,
                () -> Tensor.of(ByteBuffer.allocateDirect(8).order(ByteOrder.BIG_ENDIAN).order(
                        ByteOrder.nativeOrder() == ByteOrder.BIG_ENDIAN ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN),
                        DType.FLOAT32, 2));
    }

    @Test
    void setsAreViewsOfTheBatch() {
        double[] v = new double[2 * 3 * 2];
        for (int i = 0; i < v.length; i++) {
            v[i] = i;
        }
        Tensor batch = Tensor.of(v, 2, 3, 2);
        assertEquals(2, batch.sets());
        assertEquals(3, batch.rows());
        assertEquals(2, batch.cols());
        assertArrayEquals(new double[] {6, 7, 8, 9, 10, 11}, batch.set(1).toDoubleArray());
    }

    @Test
    void refusesShapesThatDoNotMatchTheData() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tensor.of(new float[5], 2, 3));
        assertTrue(e.getMessage().contains("needs 6"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tensor.of(new float[1], 1, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> Tensor.of(new float[0], 0, -1));
    }

    @Test
    void convertsPrecision() {
        Tensor d = Tensor.of(new double[] {0.1, 0.2}, 2);
        Tensor f = d.to(DType.FLOAT32);
        assertEquals(DType.FLOAT32, f.dtype());
        assertEquals(0.1f, f.getFloat(0));
        assertSame(d, d.to(DType.FLOAT64));
    }
}
