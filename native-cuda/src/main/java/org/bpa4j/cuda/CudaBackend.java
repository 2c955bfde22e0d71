package org.bpa4j.cuda;

import org.bpa4j.Device;
import org.bpa4j.Tensor;
import org.bpa4j.spi.Availability;
import org.bpa4j.spi.BamOptions;
import org.bpa4j.spi.BamPass;
import org.bpa4j.spi.Backend;
import org.bpa4j.spi.BlockKernel;
import org.bpa4j.spi.BpaOptions;
import org.bpa4j.spi.BpaPass;
import org.bpa4j.spi.MemoryNeed;
import org.bpa4j.spi.SinkhornOptions;
import org.bpa4j.spi.SinkhornPass;
import org.bpa4j.spi.UnitMarginals;
import org.bpa4j.spi.Workload;

/**
 * The CUDA backend: cuBLAS for the Gram matrices and bpa4j's own kernels (a fatbin loaded with the driver
 * API) for the log-domain Sinkhorn iterations, the output and the backward pass, and for the BAM loss, in
 * float32 on device 0. Batches of small sets (few-shot episodes, n ≤ 128) run one thread block per set.
 * Available when the NVIDIA driver (CUDA 13), a device of compute capability ≥ 8.0, the CUDA 13 runtime and
 * cuBLAS libraries and the kernels all load; otherwise unavailable with the reason, never a crash.
 */
public final class CudaBackend implements Backend {
    /**
     * The backend, as {@link java.util.ServiceLoader} makes it: nothing is loaded or probed until
     * {@link #availability()} or a call needs the device.
     */
    public CudaBackend() {
    }

    @Override
    public Device device() {
        return Device.CUDA;
    }

    @Override
    public Availability availability() {
        // no driver library file: say so without loading JavaCPP (the test emulator needs no driver)
        if (System.getProperty(EmulatedDevice.LIBRARY_PROPERTY) == null && !CudaDriverPresence.maybePresent()) {
            return Availability.no("no NVIDIA driver: " + CudaDriverPresence.LIBRARY + " is not installed");
        }
        try {
            CudaContext.Probe p = CudaContext.probe0();
            return p.context() != null ? Availability.yes(p.context().describe()) : Availability.no(p.failure());
        } catch (Throwable t) {
            return Availability.no("probing CUDA failed: " + CudaContext.describeThrowable(t));
        }
    }

    @Override
    public String details() {
        Availability a = availability();
        return a.available() ? a.reason() + "; float32 on the device, cuBLAS SGEMM, log-domain Sinkhorn kernels, sets of n ≤ "
                + SmallSets.MAX_N + " one block each, BAM loss"
                : "unavailable: " + a.reason();
    }

    /**
     * The host side only: the GPU's workspaces are checked against the device's free memory when they are
     * allocated; on the heap the backend converts through staging buffers of about one input's size.
     */
    @Override
    public MemoryNeed memory(Workload call) {
        double bytes = switch (call) {
            case Workload.BpaForward w -> (double) w.n() * w.d() * Float.BYTES;
            case Workload.BpaBackward w -> (double) w.n() * w.d() * Float.BYTES;
            case Workload.SinkhornForward w -> (w.n() + (double) w.m()) * Double.BYTES;
            case Workload.SinkhornBackward w -> 0;
            case Workload.BamForward w -> 2.0 * (w.distill() ? 2 : 1) * w.n() * w.d() * Float.BYTES;
        };
        return new MemoryNeed(bytes, 0);
    }

    @Override
    public BpaPass bpa(BpaOptions options, Tensor x, int[][] labels) {
        if (options == null || x == null) {
            throw new org.bpa4j.InvalidInputException("CudaBackend.bpa: options and x must not be null");
        }
        return CudaBpa.forward(CudaContext.get(), options, x, labels);
    }

    @Override
    public SinkhornPass sinkhorn(SinkhornOptions options, Tensor cost, Tensor a, Tensor b) {
        if (options == null || cost == null) {
            throw new org.bpa4j.InvalidInputException("CudaBackend.sinkhorn: options and cost must not be null");
        }
        UnitMarginals.requireBalanced(cost, a, b, "CudaBackend.sinkhorn");
        return CudaSinkhorn.solve(CudaContext.get(), options, cost, a, b);
    }

    @Override
    public BamPass bam(BamOptions options, Tensor z, Tensor zTeacher) {
        if (options == null || z == null) {
            throw new org.bpa4j.InvalidInputException("CudaBackend.bam: options and z must not be null");
        }
        return CudaBam.compute(CudaContext.get(), options, z, zTeacher);
    }

    /** No block kernels on the GPU yet: the streaming top-k runs on the CPU backend (AUTO moves on to it). */
    @Override
    public BlockKernel blockKernel(BpaOptions options, Tensor x) {
        throw new UnsupportedOperationException("the cuda backend has no kernels for the streaming top-k BPA yet; "
                + "use the cpu backend (AUTO does)");
    }
}
