package org.bpa4j;

/**
 * Bytes a call will need, checked before anything is allocated, so that a size the library could have
 * predicted fails with the figure instead of an {@link OutOfMemoryError} halfway through.
 */
final class MemoryEstimate {
    /** One set's n×m work matrix must fit a Java array. */
    private static final long MAX_ARRAY = Integer.MAX_VALUE - 16;

    private MemoryEstimate() {
    }

    /** Output of every set plus one set's cost/log-kernel workspace in double precision. */
    static long bpa(int sets, int n, int d, DType out) {
        long nn = (long) n * n;
        checkArray(nn, "one set's n×n matrix (n = " + n + ")");
        return sets * nn * out.byteSize() + 2 * nn * Double.BYTES + (long) sets * n * d * Double.BYTES;
    }

    static long sinkhorn(int sets, int n, int m, DType out) {
        long nm = (long) n * m;
        checkArray(nm, "one set's n×m matrix (" + n + "×" + m + ")");
        return sets * nm * out.byteSize() + 2 * nm * Double.BYTES;
    }

    private static void checkArray(long elements, String what) {
        if (elements > MAX_ARRAY) {
            throw new IllegalArgumentException(what + " has " + elements
                    + " elements, more than the 2^31 − 1 one set may have");
        }
    }

    /** Refuses a need that cannot fit the heap that is left, naming both figures. */
    static void check(long bytes, String where) {
        Runtime rt = Runtime.getRuntime();
        long used = rt.totalMemory() - rt.freeMemory();
        long available = rt.maxMemory() - used;
        if (bytes > available) {
            throw new IllegalArgumentException(where + ": needs about " + mib(bytes) + " but only "
                    + mib(available) + " of the Java heap (-Xmx " + mib(rt.maxMemory()) + ") is free");
        }
    }

    private static String mib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
    }
}
