package org.bpa4j.cpu;

import java.lang.System.Logger.Level;
import java.util.Optional;
import org.bpa4j.Device;
import org.bpa4j.Tensor;
import org.bpa4j.spi.Availability;
import org.bpa4j.spi.BamOptions;
import org.bpa4j.spi.BamPass;
import org.bpa4j.spi.Backend;
import org.bpa4j.spi.BlockKernel;
import org.bpa4j.spi.BpaOptions;
import org.bpa4j.spi.BpaOutput;
import org.bpa4j.spi.BpaPass;
import org.bpa4j.spi.MemoryNeed;
import org.bpa4j.spi.SinkhornOptions;
import org.bpa4j.spi.SinkhornPass;
import org.bpa4j.spi.UnitMarginals;
import org.bpa4j.spi.Workload;

/**
 * The SIMD CPU backend: float32 kernels written with jdk.incubator.vector, multi-threaded over row blocks
 * (or over the sets of a batch of small sets), bit-for-bit the same whatever the thread count.
 *
 * <p>Like Lucene's VectorizationProvider, this class never names a Vector API type: it first checks that
 * the module is readable and only then loads the implementation, so it loads (and reports why it is
 * unavailable) on a JVM started without {@code --add-modules jdk.incubator.vector}.
 *
 * <p>Threads: all available processors by default, or the system property {@value #THREADS_PROPERTY},
 * or {@link #CpuBackend(int)} / {@link #setThreads(int)}.
 */
public final class CpuBackend implements Backend {
    /** System property with the default thread count. */
    public static final String THREADS_PROPERTY = "bpa4j.threads";
    static final String VECTOR_MODULE = "jdk.incubator.vector";
    private static final String IMPLEMENTATION = "org.bpa4j.cpu.VectorOperations";
    private static final System.Logger LOG = System.getLogger("org.bpa4j.cpu");

    private volatile int threads;
    private volatile Probe probe;

    /**
     * The thread count from {@value #THREADS_PROPERTY}, else every available processor. What
     * {@link java.util.ServiceLoader} calls.
     *
     * @throws IllegalArgumentException when the system property is set but is not an integer ≥ 1
     */
    public CpuBackend() {
        this(defaultThreads());
    }

    /**
     * A backend with its own thread count, e.g. for a test or a service that shares the machine.
     *
     * @param threads worker threads per call, ≥ 1
     * @throws IllegalArgumentException when threads &lt; 1
     */
    public CpuBackend(int threads) {
        setThreads(threads);
    }

    /**
     * The default thread count: {@value #THREADS_PROPERTY} when set, else {@link Runtime#availableProcessors()}.
     *
     * @return the thread count, ≥ 1
     * @throws IllegalArgumentException when the system property is set but is not an integer ≥ 1
     */
    public static int defaultThreads() {
        String prop = System.getProperty(THREADS_PROPERTY);
        if (prop == null || prop.isBlank()) {
            return Runtime.getRuntime().availableProcessors();
        }
        int t;
        try {
            t = Integer.parseInt(prop.trim());
        } catch (NumberFormatException e) {
            throw new org.bpa4j.InvalidInputException("system property " + THREADS_PROPERTY + " must be an integer >= 1, got '"
                    + prop + "'");
        }
        if (t < 1) {
            throw new org.bpa4j.InvalidInputException("system property " + THREADS_PROPERTY + " must be >= 1, got " + t);
        }
        return t;
    }

    /**
     * The worker threads each call starts with.
     *
     * @return the thread count, ≥ 1
     */
    public int threads() {
        return threads;
    }

    /**
     * Threads for the calls that start after this one; results do not depend on it. Safe to call while other
     * threads compute: a call in progress keeps the count it started with.
     *
     * @param threads worker threads per call, ≥ 1
     * @throws IllegalArgumentException when threads &lt; 1
     */
    public void setThreads(int threads) {
        if (threads < 1) {
            throw new org.bpa4j.InvalidInputException("CpuBackend.setThreads: threads must be >= 1, got " + threads);
        }
        this.threads = threads;
    }

    @Override
    public Device device() {
        return Device.CPU;
    }

    @Override
    public Availability availability() {
        return probe().availability;
    }

    @Override
    public String details() {
        Probe p = probe();
        if (p.operations == null) {
            return p.availability.reason();
        }
        return "float32, " + p.operations.species() + ", " + threads + " thread" + (threads == 1 ? "" : "s");
    }

    @Override
    public MemoryNeed memory(Workload call) {
        return CpuMemory.of(call, threads);
    }

    @Override
    public BpaPass bpa(BpaOptions options, Tensor x, int[][] labels) {
        return operations().bpa(options, x, labels, threads);
    }

    @Override
    public BpaOutput bpaInference(BpaOptions options, Tensor x, int[][] labels) {
        return operations().bpaInference(options, x, labels, threads);
    }

    @Override
    public SinkhornPass sinkhorn(SinkhornOptions options, Tensor cost, Tensor a, Tensor b) {
        UnitMarginals.requireBalanced(cost, a, b, "CpuBackend.sinkhorn");
        return operations().sinkhorn(options, cost, a, b, threads);
    }

    @Override
    public BamPass bam(BamOptions options, Tensor z, Tensor zTeacher) {
        return operations().bam(options, z, zTeacher, threads);
    }

    @Override
    public BlockKernel blockKernel(BpaOptions options, Tensor x) {
        return operations().blockKernel(options, x, threads);
    }

    private CpuOperations operations() {
        Probe p = probe();
        if (p.operations == null) {
            throw new IllegalStateException("backend cpu is unavailable: " + p.availability.reason());
        }
        return p.operations;
    }

    private Probe probe() {
        Probe p = probe;
        if (p == null) {
            synchronized (this) {
                p = probe;
                if (p == null) {
                    p = Probe.run(ModuleLayer.boot().findModule(VECTOR_MODULE), CpuBackend.class.getModule());
                    if (!p.availability.available()) {
                        // AUTO warns when it falls back because of this (Backends); here only for debugging
                        LOG.log(Level.DEBUG, "bpa4j: the cpu backend is unavailable: " + p.availability.reason());
                    }
                    probe = p;
                }
            }
        }
        return p;
    }

    /** The outcome of checking the Vector API module and loading the implementation. */
    record Probe(Availability availability, CpuOperations operations) {
        static Probe run(Optional<Module> vectorModule, Module self) {
            if (vectorModule.isEmpty() || !self.canRead(vectorModule.get())) {
                return new Probe(Availability.no(VECTOR_MODULE + " is not readable: start the JVM with --add-modules "
                        + VECTOR_MODULE), null);
            }
            Optional<String> noC2 = CompilerCheck.missingC2();
            if (noC2.isPresent()) {
                return new Probe(Availability.no(noC2.get()), null);
            }
            try {
                CpuOperations ops = (CpuOperations) Class.forName(IMPLEMENTATION, true, CpuBackend.class.getClassLoader())
                        .getDeclaredConstructor().newInstance();
                return new Probe(Availability.yes("jdk.incubator.vector, " + ops.species()), ops);
            } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
                return new Probe(Availability.no("the Vector API implementation failed to load: " + e), null);
            }
        }
    }
}
