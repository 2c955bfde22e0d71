package org.bpa4j.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * The argument list of one kernel launch, as cuLaunchKernel wants it: an array of pointers, the k-th
 * pointing at the value of the k-th parameter. The slots live in native memory owned by one thread's
 * workspace and are rewritten for every launch (the driver copies them when the launch is issued).
 */
final class KernelArgs {
    static final int MAX_ARGS = 32;
    private static final long SLOT = 8;

    private final MemorySegment values;
    private final PointerPointer<Pointer> pointers;
    /** What each slot holds: 'p' a pointer, 'i' an int, 'f' a float (for the tests of the kernels' signatures). */
    private final char[] kinds = new char[MAX_ARGS];
    private int count;

    KernelArgs() {
        Arena arena = Arena.ofAuto();
        values = arena.allocate(SLOT * MAX_ARGS, SLOT);
        MemorySegment table = arena.allocate(SLOT * MAX_ARGS, SLOT);
        for (int k = 0; k < MAX_ARGS; k++) {
            table.setAtIndex(ValueLayout.JAVA_LONG, k, values.address() + k * SLOT);
        }
        // a JavaCPP view of the table, without copying: Pointer(Buffer) takes a direct buffer's address
        pointers = new PointerPointer<>(new Pointer(table.asByteBuffer()));
        keepAlive = table;
    }

    /** Keeps the table's memory reachable as long as this object is. */
    @SuppressWarnings("unused")
    private final MemorySegment keepAlive;

    KernelArgs reset() {
        count = 0;
        return this;
    }

    /** A device pointer (0 for a null pointer). */
    KernelArgs ptr(long address) {
        values.setAtIndex(ValueLayout.JAVA_LONG, next('p'), address);
        return this;
    }

    /** A device pointer, or null. */
    KernelArgs ptr(DeviceBuffer.View view) {
        return ptr(view == null ? 0L : view.address());
    }

    KernelArgs i32(int value) {
        values.set(ValueLayout.JAVA_INT, next('i') * SLOT, value);
        return this;
    }

    KernelArgs f32(float value) {
        values.set(ValueLayout.JAVA_FLOAT, next('f') * SLOT, value);
        return this;
    }

    private int next(char kind) {
        if (count == MAX_ARGS) {
            throw new IllegalStateException("more than " + MAX_ARGS + " kernel arguments");
        }
        kinds[count] = kind;
        return count++;
    }

    /** The k-th argument as a pointer (for the tests of the launches' buffer offsets). */
    long pointerAt(int k) {
        return values.getAtIndex(ValueLayout.JAVA_LONG, k);
    }

    /** The kinds of the arguments so far, one letter each: "ppii" for two pointers and two ints. */
    String signature() {
        return new String(kinds, 0, count);
    }

    int count() {
        return count;
    }

    PointerPointer<Pointer> pointers() {
        return pointers;
    }

    /** The table of argument pointers itself (what the emulator takes). */
    MemorySegment table() {
        return keepAlive;
    }
}
