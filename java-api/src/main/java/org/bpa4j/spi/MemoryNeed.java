package org.bpa4j.spi;

/**
 * What a backend allocates on the Java heap for one call, beyond the output tensors the API allocates
 * itself: what it keeps for the backward pass plus its largest transient workspace. The API adds the
 * outputs and checks the sum against the heap before the call (docs/RELIABILITY.md, "Sizes").
 *
 * @param heapBytes bytes on the Java heap (a double: sizes past 2⁶³ saturate instead of wrapping)
 * @param largestArray elements of the largest single Java array the backend allocates, 0 where it has
 *     no such limit (a GPU backend)
 */
public record MemoryNeed(double heapBytes, long largestArray) {
    /** Nothing beyond the outputs. */
    public static final MemoryNeed NONE = new MemoryNeed(0, 0);

    /**
     * Checks the figures.
     *
     * @throws IllegalStateException when heapBytes is NaN or negative, or largestArray is negative (a backend's
     *         bug, not the caller's input)
     */
    public MemoryNeed {
        if (!(heapBytes >= 0) || largestArray < 0) {
            throw new IllegalStateException("MemoryNeed: bytes and elements must be >= 0, got " + heapBytes
                    + " and " + largestArray);
        }
    }

    /**
     * The element count of an n×m matrix held in one Java array, saturated.
     *
     * @param n the rows, ≥ 0
     * @param m the columns, ≥ 0
     * @return n·m, or {@link Long#MAX_VALUE} when larger
     */
    public static long elements(double n, double m) {
        return (long) Math.min(n * m, Long.MAX_VALUE);
    }
}
