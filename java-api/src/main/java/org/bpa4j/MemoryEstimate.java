package org.bpa4j;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * Bytes a call will need, checked before anything is allocated, so that a size the library could have
 * predicted fails with the figure instead of an {@link OutOfMemoryError} halfway through.
 *
 * <p>The figures follow what each backend keeps: the reference backend holds, for every set, its float64
 * n×n matrices until the result is dropped (the backward pass needs them). Memory on a GPU is checked by
 * the CUDA backend itself, against the device's free memory.
 */
public final class MemoryEstimate {
    /** Largest element count of a Java array. */
    static final long MAX_ARRAY = Integer.MAX_VALUE - 16;
    private static final double DOUBLE = Double.BYTES;

    /**
     * What a call needs.
     *
     * @param heap bytes on the Java heap (workspaces, and outputs small enough for a Java array)
     * @param offHeap bytes of native memory (outputs too large for a Java array, counted against
     *     {@code -XX:MaxDirectMemorySize})
     * @param largestArray elements of the largest single Java array the call allocates
     * @param what the call and its sizes, for the message
     */
    record Need(long heap, long offHeap, long largestArray, String what) {
    }

    private MemoryEstimate() {
    }

    /**
     * BPA forward on {@code sets} sets of (n, d): the output (heap or off-heap as {@link Tensor#zeros}
     * places it) plus the backend's workspaces.
     */
    static Need bpa(Device device, int sets, int n, int d, int iterations, Metric metric, DType out) {
        double nn = (double) n * n;
        double outBytes = sets * nn * out.byteSize();
        boolean outOffHeap = sets * nn > MAX_ARRAY;
        // reference: per set it keeps logK and the unscaled Z (and D for euclidean), the unit rows or a
        // copy of X, and 2·(T+1)·n duals; while a set is computed one more n×n cost matrix is alive
        double perSet = (metric == Metric.EUCLIDEAN ? 3 : 2) * nn + (double) n * d + 2.0 * (iterations + 1) * n + n;
        double work = (sets * perSet + nn) * DOUBLE;
        String what = "BPA of " + sets + (sets == 1 ? " set" : " sets") + " of n = " + n + ", d = " + d;
        return need(outOffHeap ? work : work + outBytes, outOffHeap ? outBytes : 0, (long) nn, what);
    }

    /** BPA backward: ∂L/∂X (shaped like X) plus three float64 n×n matrices of one set at a time. */
    static Need bpaBackward(int sets, int n, int d, DType out) {
        double nn = (double) n * n;
        double bytes = (double) sets * n * d * out.byteSize() + 3 * nn * DOUBLE + 2.0 * n * d * DOUBLE;
        return need(bytes, 0, (long) nn, "the BPA gradient of " + sets + (sets == 1 ? " set" : " sets")
                + " of n = " + n + ", d = " + d);
    }

    /**
     * Sinkhorn on {@code sets} costs of n×m: logP, and per set logK and the duals of every iteration up to
     * the cap (with a tolerance the solve may stop earlier and use less).
     */
    static Need sinkhorn(int sets, int n, int m, int iterations, DType out) {
        double nm = (double) n * m;
        double outBytes = sets * nm * out.byteSize();
        boolean outOffHeap = sets * nm > MAX_ARRAY;
        double perSet = nm + (iterations + 1.0) * (n + m);
        double work = (sets * perSet + nm) * DOUBLE + 2.0 * sets * (n + m) * out.byteSize();
        String what = "Sinkhorn on " + sets + (sets == 1 ? " cost" : " costs") + " of " + n + "×" + m;
        return need(outOffHeap ? work : work + outBytes, outOffHeap ? outBytes : 0, (long) nm, what);
    }

    /** Sinkhorn backward: ∂L/∂C plus two float64 n×m matrices of one set at a time. */
    static Need sinkhornBackward(int sets, int n, int m, DType out) {
        double nm = (double) n * m;
        return need(sets * nm * out.byteSize() + 2 * nm * DOUBLE, 0, (long) nm,
                "the Sinkhorn gradient of " + sets + (sets == 1 ? " cost" : " costs") + " of " + n + "×" + m);
    }

    private static Need need(double heap, double offHeap, long largestArray, String what) {
        return new Need(saturate(heap), saturate(offHeap), largestArray, what);
    }

    private static long saturate(double bytes) {
        return bytes >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) Math.ceil(bytes);
    }

    /**
     * Refuses a need that cannot fit: a single array longer than Java allows, more than the heap's limit,
     * more than the off-heap limit, or more than is free now (after one garbage collection, asked for
     * only when the need is close to the limit).
     */
    static void check(Need need, String where) {
        Runtime rt = Runtime.getRuntime();
        String prefix = where + ": " + need.what() + " needs about " + bytes(need.heap() + need.offHeap());
        if (need.heap() > rt.maxMemory()) {
            throw new IllegalArgumentException(prefix + " of Java heap, more than the heap's limit of "
                    + bytes(rt.maxMemory()) + " (-Xmx)");
        }
        if (need.largestArray() > MAX_ARRAY) {
            throw new IllegalArgumentException(prefix + ", and one of its matrices has " + need.largestArray()
                    + " elements, more than the 2^31 − 1 a Java array may hold");
        }
        long maxDirect = maxDirectMemory();
        if (need.offHeap() > maxDirect - directMemoryUsed()) {
            throw new IllegalArgumentException(prefix + ", of which " + bytes(need.offHeap())
                    + " off the heap, more than the " + bytes(Math.max(0, maxDirect - directMemoryUsed()))
                    + " left of the off-heap limit (-XX:MaxDirectMemorySize) of " + bytes(maxDirect));
        }
        checkHeap(need.heap(), prefix);
    }

    /**
     * Refuses {@code bytes} of new heap allocations that cannot fit what is free, naming both figures. When
     * the need looks too large, one garbage collection is requested first so that garbage is not mistaken
     * for live data.
     */
    public static void checkHeap(long bytes, String where) {
        if (bytes < 0) {
            throw new IllegalArgumentException("MemoryEstimate.checkHeap: bytes must be >= 0, got " + bytes);
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
            throw new IllegalArgumentException(where + (where.contains(" needs about ") ? "" : ": needs about "
                    + bytes(bytes)) + " but only " + bytes(free) + " of the Java heap is free (limit -Xmx "
                    + bytes(rt.maxMemory()) + ")");
        }
    }

    /** A need of {@code bytes} on the heap alone, as {@link #checkHeap}. */
    static void check(long bytes, String where) {
        checkHeap(bytes, where);
    }

    /** Heap not in use now: the limit minus what is allocated (live or not yet collected). */
    static long freeHeap() {
        Runtime rt = Runtime.getRuntime();
        return rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
    }

    /** -XX:MaxDirectMemorySize, or the heap's limit when it is not set (the JVM's own default). */
    static long maxDirectMemory() {
        try {
            var bean = ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            long value = Long.parseLong(bean.getVMOption("MaxDirectMemorySize").getValue());
            return value > 0 ? value : Runtime.getRuntime().maxMemory();
        } catch (RuntimeException | LinkageError e) {
            return Runtime.getRuntime().maxMemory();
        }
    }

    /** Native memory taken by direct buffers and native memory segments. */
    static long directMemoryUsed() {
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (pool.getName().equals("direct")) {
                return Math.max(0, pool.getMemoryUsed());
            }
        }
        return 0;
    }

    /** Bytes as a person reads them: exact, then in MiB or GiB. */
    static String bytes(long bytes) {
        if (bytes == Long.MAX_VALUE) {
            return "more than 8 EiB";
        }
        double mib = bytes / (1024.0 * 1024.0);
        String human = mib >= 1024 ? String.format(Locale.ROOT, "%.1f GiB", mib / 1024)
                : String.format(Locale.ROOT, "%.1f MiB", mib);
        return String.format(Locale.ROOT, "%,d bytes (%s)", bytes, human);
    }
}
