package org.bpa4j.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The launch argument table as cuLaunchKernel reads it: entry k points at argument k's value. Needs only
 * JavaCPP's own native library, not CUDA, so it runs on machines without a GPU.
 */
class KernelArgsTest {
    @BeforeAll
    static void javacppLoads() {
        String problem = null;
        try {
            Loader.load(org.bytedeco.javacpp.presets.javacpp.class);
        } catch (Throwable t) {
            problem = t.toString();
        }
        String reason = problem;
        assumeTrue(reason == null, () -> "JavaCPP's native library does not load here: " + reason);
    }

    @Test
    void everyEntryPointsAtItsValue() {
        KernelArgs args = new KernelArgs().reset().ptr(0x1234_5678_9abcL).i32(-7).f32(2.5f).ptr(0L);
        assertEquals(4, args.count());
        long table = args.pointers().address();
        MemorySegment entries = MemorySegment.ofAddress(table).reinterpret(8L * KernelArgs.MAX_ARGS);
        MemorySegment first = MemorySegment.ofAddress(entries.getAtIndex(ValueLayout.JAVA_LONG, 0)).reinterpret(8);
        MemorySegment second = MemorySegment.ofAddress(entries.getAtIndex(ValueLayout.JAVA_LONG, 1)).reinterpret(4);
        MemorySegment third = MemorySegment.ofAddress(entries.getAtIndex(ValueLayout.JAVA_LONG, 2)).reinterpret(4);
        MemorySegment fourth = MemorySegment.ofAddress(entries.getAtIndex(ValueLayout.JAVA_LONG, 3)).reinterpret(8);
        assertEquals(0x1234_5678_9abcL, first.get(ValueLayout.JAVA_LONG, 0));
        assertEquals(-7, second.get(ValueLayout.JAVA_INT, 0));
        assertEquals(2.5f, third.get(ValueLayout.JAVA_FLOAT, 0));
        assertEquals(0L, fourth.get(ValueLayout.JAVA_LONG, 0));
        // JavaCPP hands the table to native code at its own address
        assertEquals(table, new Pointer(args.pointers()).address());
    }

    @Test
    void resetStartsAgainAndTooManyArgumentsAreRefused() {
        KernelArgs args = new KernelArgs();
        for (int k = 0; k < KernelArgs.MAX_ARGS; k++) {
            args.i32(k);
        }
        assertThrows(IllegalStateException.class, () -> args.i32(0));
        assertEquals(0, args.reset().count());
    }
}
