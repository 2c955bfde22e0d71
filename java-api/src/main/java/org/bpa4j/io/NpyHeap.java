package org.bpa4j.io;

import java.util.Locale;
import org.bpa4j.InvalidInputException;

/**
 * The reader's own heap check: a file whose data (and its conversion) cannot fit in the heap free now is
 * refused with the figures before anything is allocated (docs/RELIABILITY.md, "Sizes").
 */
final class NpyHeap {
    private NpyHeap() {
    }

    /** Refuses {@code bytes} that do not fit what is free, after one garbage collection near the limit. */
    static void check(double bytes, String source, String what) {
        Runtime rt = Runtime.getRuntime();
        if (bytes <= free()) {
            return;
        }
        if (bytes <= rt.maxMemory()) {
            System.gc();
        }
        long free = free();
        if (bytes > free) {
            throw new InvalidInputException(String.format(Locale.ROOT,
                    "%s: %s needs about %,.0f bytes but only %,d bytes of the Java heap are free (limit -Xmx %,d bytes)",
                    source, what, bytes, free, rt.maxMemory()));
        }
    }

    private static long free() {
        Runtime rt = Runtime.getRuntime();
        return rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
    }
}
