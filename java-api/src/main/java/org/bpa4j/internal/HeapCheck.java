package org.bpa4j.internal;

import java.util.Locale;
import org.bpa4j.InvalidInputException;

/**
 * The one check that new heap allocations fit what the Java heap has free, for every package of the API
 * (BPA, Sinkhorn and BAM through {@code MemoryEstimate}, the streaming top-k, the retrieval rankings). Public
 * for those packages only: the module does not export this package.
 */
public final class HeapCheck {
    private HeapCheck() {
    }

    /**
     * Refuses {@code bytes} of new heap allocations that cannot fit what is free, naming both figures. When
     * the need looks too large, one garbage collection is requested first so that garbage is not mistaken
     * for live data.
     *
     * @param bytes the bytes about to be allocated, at least 0
     * @param where the call, and what it allocates where it says so ("... needs about N bytes"), for the
     *     message
     * @throws InvalidInputException where the bytes are not free
     */
    public static void require(long bytes, String where) {
        if (bytes < 0) {
            throw new IllegalStateException("HeapCheck.require: bytes must be >= 0, got " + bytes);
        }
        if (where == null) {
            throw new IllegalStateException("HeapCheck.require: where is null");
        }
        Runtime rt = Runtime.getRuntime();
        if (bytes <= freeHeap()) {
            return;
        }
        if (bytes <= rt.maxMemory()) {
            System.gc();
        }
        long free = freeHeap();
        if (bytes > free) {
            throw new InvalidInputException(where + (where.contains(" needs about ") ? "" : ": needs about "
                    + bytes(bytes)) + " but only " + bytes(free) + " of the Java heap is free (limit -Xmx "
                    + bytes(rt.maxMemory()) + ")");
        }
    }

    /**
     * Heap not in use now: the limit minus what is allocated (live or not yet collected).
     *
     * @return the free bytes
     */
    public static long freeHeap() {
        Runtime rt = Runtime.getRuntime();
        return rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
    }

    /**
     * Bytes as a person reads them: exact, then in MiB or GiB.
     *
     * @param bytes a count of bytes
     * @return for example "1,048,576 bytes (1.0 MiB)"
     */
    public static String bytes(long bytes) {
        if (bytes == Long.MAX_VALUE) {
            return "more than 8 EiB";
        }
        double mib = bytes / (1024.0 * 1024.0);
        String human = mib >= 1024 ? String.format(Locale.ROOT, "%.1f GiB", mib / 1024)
                : String.format(Locale.ROOT, "%.1f MiB", mib);
        return String.format(Locale.ROOT, "%,d bytes (%s)", bytes, human);
    }
}
