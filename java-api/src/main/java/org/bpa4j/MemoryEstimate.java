package org.bpa4j;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * Bytes a call will need, checked before anything is allocated, so that a size the library could have
 * predicted fails with the figure instead of an {@link OutOfMemoryError} halfway through.
 *
 * <p>The figures follow what each backend keeps until a result is dropped (the backward pass needs it):
 * the reference backend, every set's float64 n×n matrices in Java arrays; the SIMD CPU backend, every
 * set's float32 logK. Memory on a GPU is checked by the CUDA backend itself, against the device's free
 * memory; on the host it needs little beyond the output.
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
     * @param largestArray elements of the largest single Java array the call allocates (0 where the
     *     backend has no such limit to report)
     * @param what the call and its sizes, for the message
     */
    record Need(long heap, long offHeap, long largestArray, String what) {
    }

    private MemoryEstimate() {
    }

    private static final int CPUS = Runtime.getRuntime().availableProcessors();

    /**
     * BPA forward on {@code sets} sets of (n, d): the output (heap or off-heap as {@link Tensor#zeros}
     * places it) plus what the backend keeps for the backward pass and its largest transient workspace.
     * Without {@code keepForBackward} (inference) the CPU backend keeps no n×n matrix per set: one float32
     * set works in Z itself, a batch in one n×n scratch matrix per set being computed.
     */
    static Need bpa(Device device, int sets, int n, int d, int iterations, Metric metric, DType out,
            boolean keepForBackward) {
        double nn = (double) n * n;
        double nd = (double) n * d;
        double duals = 2.0 * (iterations + 1) * n * DOUBLE;
        double outBytes = sets * nn * out.byteSize();
        boolean outOffHeap = sets * nn > MAX_ARRAY;
        double work = switch (device) {
            // per set: float64 logK and unscaled Z (and D for euclidean), the unit rows or X, the duals;
            // while a set is computed its cost matrix is alive too
            case REFERENCE -> sets * ((metric == Metric.EUCLIDEAN ? 3 : 2) * nn * DOUBLE + nd * DOUBLE + duals)
                    + nn * DOUBLE;
            // per set: float32 logK, the unit or centred rows, the duals (inference: only the sets being
            // computed, and no logK for one float32 set); transient: X, packed panels and the Sinkhorn's
            // per-chunk rows
            case CPU -> {
                double perSet = nd * Float.BYTES + n * DOUBLE + duals;
                double workspace = 3 * nd * Float.BYTES + 2 * 64.0 * n * Float.BYTES;
                if (keepForBackward) {
                    yield sets * (nn * Float.BYTES + perSet) + workspace;
                }
                int active = Math.min(sets, CPUS);
                boolean inZ = sets == 1 && out == DType.FLOAT32;
                yield active * ((inZ ? 0 : nn * Float.BYTES) + perSet) + workspace;
            }
            // the GPU holds the workspaces (checked against its free memory by the backend); the host
            // converts through fixed staging buffers
            default -> nd * Float.BYTES;
        };
        String what = "BPA of " + sets + (sets == 1 ? " set" : " sets") + " of n = " + n + ", d = " + d;
        return need(outOffHeap ? work : work + outBytes, outOffHeap ? outBytes : 0, arrayLimited(device, nn), what);
    }

    /** BPA backward: ∂L/∂X (shaped like X) plus the backend's n×n work matrices of one set at a time. */
    static Need bpaBackward(Device device, int sets, int n, int d, DType out) {
        double nn = (double) n * n;
        double nd = (double) n * d;
        double work = switch (device) {
            case REFERENCE -> 3 * nn * DOUBLE + 2 * nd * DOUBLE;
            case CPU -> nn * Float.BYTES + 4 * nd * Float.BYTES;
            default -> nd * Float.BYTES;
        };
        return need(sets * nd * out.byteSize() + work, 0, arrayLimited(device, nn),
                "the BPA gradient of " + sets + (sets == 1 ? " set" : " sets") + " of n = " + n + ", d = " + d);
    }

    /**
     * Sinkhorn on {@code sets} costs of n×m: logP and the final duals, and per set logK and the duals of
     * every iteration up to the cap (with a tolerance the solve may stop earlier and use less).
     */
    static Need sinkhorn(Device device, int sets, int n, int m, int iterations, DType out) {
        double nm = (double) n * m;
        double outBytes = sets * nm * out.byteSize() + 2.0 * sets * (n + m) * out.byteSize();
        boolean outOffHeap = sets * nm > MAX_ARRAY;
        double duals = (iterations + 1.0) * (n + m) * DOUBLE;
        double work = switch (device) {
            case REFERENCE -> sets * (nm * DOUBLE + duals) + nm * DOUBLE;
            case CPU -> sets * (nm * Float.BYTES + duals) + 2 * 64.0 * m * Float.BYTES + 2.0 * m * DOUBLE;
            default -> (n + m) * DOUBLE;
        };
        String what = "Sinkhorn on " + sets + (sets == 1 ? " cost" : " costs") + " of " + n + "×" + m;
        return need(outOffHeap ? work : work + outBytes, outOffHeap ? outBytes : 0, arrayLimited(device, nm), what);
    }

    /** Sinkhorn backward: ∂L/∂C plus the backend's n×m work matrices of one set at a time. */
    static Need sinkhornBackward(Device device, int sets, int n, int m, DType out) {
        double nm = (double) n * m;
        double work = switch (device) {
            case REFERENCE -> 2 * nm * DOUBLE;
            case CPU -> nm * Float.BYTES;
            default -> 0;
        };
        return need(sets * nm * out.byteSize() + work, 0, arrayLimited(device, nm),
                "the Sinkhorn gradient of " + sets + (sets == 1 ? " cost" : " costs") + " of " + n + "×" + m);
    }

    /** The reference and CPU backends keep one set's n×m matrix in one Java array. */
    private static long arrayLimited(Device device, double elements) {
        return device == Device.REFERENCE || device == Device.CPU ? (long) Math.min(elements, Long.MAX_VALUE) : 0;
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

    /**
     * The error for an {@link OutOfMemoryError} that escaped a call despite the estimate (other threads
     * took the heap meanwhile, or a backend needed more than estimated): the same figures, as bad input.
     */
    static IllegalArgumentException ranOut(Need need, String where, OutOfMemoryError e) {
        Runtime rt = Runtime.getRuntime();
        IllegalArgumentException out = new IllegalArgumentException(where + ": ran out of memory (" + e.getMessage()
                + ") computing " + need.what() + ", estimated at " + bytes(need.heap() + need.offHeap())
                + "; the Java heap's limit is " + bytes(rt.maxMemory()) + " (-Xmx), of which other work held "
                + bytes(rt.maxMemory() - freeHeap()) + " afterwards");
        out.initCause(e);
        return out;
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
