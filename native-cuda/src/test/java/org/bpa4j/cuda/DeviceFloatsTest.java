package org.bpa4j.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The numbers of a device view, checked on every machine (the memory itself is checked on the GPU). */
class DeviceFloatsTest {
    @Test
    void aViewKnowsItsShapeAndBytes() {
        DeviceFloats x = DeviceFloats.of(0x7f00_0000_1000L, 1000, 80, 640);
        assertEquals(3, x.rank());
        assertEquals(1000, x.sets());
        assertEquals(80, x.rows());
        assertEquals(640, x.cols());
        assertEquals(1000L * 80 * 640 * 4, x.bytes());
        DeviceFloats one = DeviceFloats.of(0x1000L, 80, 640);
        assertEquals(1, one.sets());
        int[] shape = one.shape();
        shape[0] = 3;
        assertArrayEquals(new int[] {80, 640}, one.shape(), "the shape is copied out");
    }

    @Test
    void badAddressesAndShapesAreRefusedByName() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DeviceFloats.of(0, 2, 2)).getMessage()
                .contains("null"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DeviceFloats.of(0x1002L, 2, 2)).getMessage()
                .contains("aligned"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DeviceFloats.of(0x1000L, 5)).getMessage()
                .contains("2 or 3 dimensions"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DeviceFloats.of(0x1000L, 2, 0, 3)).getMessage()
                .contains("dimension 1"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> DeviceFloats.of(Long.MAX_VALUE - 3, 1 << 30, 1 << 30, 1 << 30)).getMessage().contains("address space"));
    }

    @Test
    void overlapsAreDetectedByteForByte() {
        DeviceFloats a = DeviceFloats.of(0x1000L, 4, 4);           // bytes 0x1000 .. 0x103f
        assertTrue(a.overlaps(DeviceFloats.of(0x103cL, 1, 1)));
        assertFalse(a.overlaps(DeviceFloats.of(0x1040L, 4, 4)));
        assertTrue(DeviceFloats.of(0x0ff0L, 2, 4).overlaps(a));
        assertFalse(DeviceFloats.of(0x0fc0L, 4, 4).overlaps(a));
    }
}
