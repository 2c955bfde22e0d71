package org.bpa4j;

import static org.bpa4j.internal.HeapCheck.bytes;
import static org.bpa4j.internal.HeapCheck.freeHeap;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import org.bpa4j.internal.HeapCheck;
import org.bpa4j.spi.Backend;
import org.bpa4j.spi.MemoryNeed;
import org.bpa4j.spi.Workload;

/**
 * Bytes a call will need, checked before anything is allocated, so that a size the library could have
 * predicted fails with the figure ({@link InvalidInputException}) instead of an {@link OutOfMemoryError}
 * halfway through. The API counts the outputs it allocates; each backend says what it keeps and
 * allocates itself ({@link Backend#memory}): no backend's buffers are known here (docs/RELIABILITY.md,
 * "Sizes").
 */
final class MemoryEstimate {
    /** Largest element count of a Java array. */
    static final long MAX_ARRAY = Integer.MAX_VALUE - 16;

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

    /** BPA forward on {@code sets} sets of (n, d): Z (on or off the heap as {@link Tensor#zeros} places it). */
    static Need bpa(Backend backend, int sets, int n, int d, int iterations, Metric metric, DType out,
            boolean keepForBackward) {
        double nn = (double) n * n;
        String what = "BPA of " + sets + (sets == 1 ? " set" : " sets") + " of n = " + n + ", d = " + d;
        MemoryNeed work = backend.memory(new Workload.BpaForward(sets, n, d, iterations, metric, out,
                keepForBackward));
        return withOutput(work, sets * nn, out, 0, what);
    }

    /** BPA backward: ∂L/∂X, shaped like X. */
    static Need bpaBackward(Backend backend, int sets, int n, int d, DType out) {
        MemoryNeed work = backend.memory(new Workload.BpaBackward(sets, n, d, out));
        return withOutput(work, (double) sets * n * d, out, 0,
                "the BPA gradient of " + sets + (sets == 1 ? " set" : " sets") + " of n = " + n + ", d = " + d);
    }

    /** Sinkhorn on {@code sets} costs of n×m: logP, and the final duals. */
    static Need sinkhorn(Backend backend, int sets, int n, int m, int iterations, DType out) {
        MemoryNeed work = backend.memory(new Workload.SinkhornForward(sets, n, m, iterations, out));
        return withOutput(work, (double) sets * n * m, out, 2.0 * sets * (n + (double) m) * out.byteSize(),
                "Sinkhorn on " + sets + (sets == 1 ? " cost" : " costs") + " of " + n + "×" + m);
    }

    /** Sinkhorn backward: ∂L/∂C, shaped like the cost. */
    static Need sinkhornBackward(Backend backend, int sets, int n, int m, DType out) {
        MemoryNeed work = backend.memory(new Workload.SinkhornBackward(sets, n, m, out));
        return withOutput(work, (double) sets * n * m, out, 0,
                "the Sinkhorn gradient of " + sets + (sets == 1 ? " cost" : " costs") + " of " + n + "×" + m);
    }

    /** The BAM loss: the gradient (and the teacher's), shaped like z. */
    static Need bam(Backend backend, int n, int targets, int d, boolean distill, DType out) {
        MemoryNeed work = backend.memory(new Workload.BamForward(n, targets, d, distill, out));
        return withOutput(work, (distill ? 2.0 : 1.0) * n * d, out, 0,
                "the BAM loss of N = " + n + " embeddings of d = " + d + " against " + targets + " targets"
                        + (distill ? " (distillation)" : ""));
    }

    /** {@code elements} of a new tensor of {@code dtype} (P = exp(logP), a conversion): heap or off-heap. */
    static Need tensor(double elements, DType dtype, String what) {
        return withOutput(MemoryNeed.NONE, elements, dtype, 0, what);
    }

    /**
     * A backend's need plus an output of {@code outElements} (off the heap past one Java array's limit,
     * as {@link Tensor#zeros} places it) plus {@code smallOutputs} bytes of small outputs on the heap.
     */
    private static Need withOutput(MemoryNeed work, double outElements, DType out, double smallOutputs,
            String what) {
        double outBytes = outElements * out.byteSize();
        boolean offHeap = outElements > MAX_ARRAY;
        double heap = work.heapBytes() + smallOutputs + (offHeap ? 0 : outBytes);
        return new Need(saturate(heap), offHeap ? saturate(outBytes) : 0, work.largestArray(), what);
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
        if (need.heap() > rt.maxMemory()) {
            throw new InvalidInputException(prefix(need, where) + " of Java heap, more than the heap's limit of "
                    + bytes(rt.maxMemory()) + " (-Xmx)");
        }
        if (need.largestArray() > MAX_ARRAY) {
            throw new InvalidInputException(prefix(need, where) + ", and one of its matrices has "
                    + need.largestArray() + " elements, more than the 2^31 − 1 a Java array may hold");
        }
        // the off-heap pool is only asked for (an MXBean lookup) when the call needs off-heap memory
        if (need.offHeap() > 0) {
            long maxDirect = MaxDirect.BYTES;
            long left = maxDirect - directMemoryUsed();
            if (need.offHeap() > left) {
                throw new InvalidInputException(prefix(need, where) + ", of which " + bytes(need.offHeap())
                        + " off the heap, more than the " + bytes(Math.max(0, left))
                        + " left of the off-heap limit (-XX:MaxDirectMemorySize) of " + bytes(maxDirect));
            }
        }
        // the message is only formatted when it may be needed: this runs before every call
        if (need.heap() > freeHeap()) {
            HeapCheck.require(need.heap(), prefix(need, where));
        }
    }

    private static String prefix(Need need, String where) {
        return where + ": " + need.what() + " needs about " + bytes(need.heap() + need.offHeap());
    }

    /**
     * An {@link OutOfMemoryError} that escaped a call despite the estimate (other threads took the heap
     * meanwhile): still an OutOfMemoryError, never bad input, with the estimate in its message.
     */
    static OutOfMemoryError ranOut(Need need, String where, OutOfMemoryError e) {
        Runtime rt = Runtime.getRuntime();
        OutOfMemoryError out = new OutOfMemoryError(where + ": ran out of memory (" + e.getMessage()
                + ") computing " + need.what() + ", estimated at " + bytes(need.heap() + need.offHeap())
                + "; the Java heap's limit is " + bytes(rt.maxMemory()) + " (-Xmx), of which other work held "
                + bytes(rt.maxMemory() - freeHeap()) + " afterwards");
        out.initCause(e);
        return out;
    }

    /** -XX:MaxDirectMemorySize, read once: the JVM cannot change it while it runs. */
    private static final class MaxDirect {
        static final long BYTES = maxDirectMemory();
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
}
