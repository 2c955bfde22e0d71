package org.bpa4j.spi;

import org.bpa4j.Device;
import org.bpa4j.Tensor;

/**
 * A way to compute bpa4j's operations, found with {@link java.util.ServiceLoader}.
 *
 * <p>Implementations are stateless and thread-safe: every call allocates (or borrows from a pool owned
 * by the calling thread) its own workspaces. Inputs reach a backend already validated by the public
 * API, so a backend checks only what depends on itself (memory, device errors).
 */
public interface Backend {
    /**
     * The device this backend serves; one backend per device.
     *
     * @return the device, never {@link Device#AUTO}
     */
    Device device();

    /**
     * Whether it can run here; computed once and cached by the caller. Must never throw (a probe that throws
     * anyway is taken as unavailable, with the exception as the reason).
     *
     * @return available with a detail, or unavailable with the reason
     */
    Availability availability();

    /**
     * Free-form details for {@code bpa4j info} (SIMD species, GPU name, threads...).
     *
     * @return one line, possibly empty; the default is empty
     */
    default String details() {
        return "";
    }

    /**
     * What this backend allocates on the Java heap for {@code call}, beyond the outputs the API allocates
     * (what it keeps for the backward pass and its largest workspace); the API refuses a call whose sum
     * does not fit before running it. Memory off the heap (a GPU's) the backend checks itself. The default:
     * nothing beyond the outputs.
     *
     * @param call the sizes of the call about to run, already validated
     * @return the heap bytes and largest array the call needs here, never null
     */
    default MemoryNeed memory(Workload call) {
        return MemoryNeed.NONE;
    }

    /**
     * BPA forward (docs/MATH.md §2). {@code x} is (n, d) or (B, n, d); {@code labels[b]} are the labels of the
     * first rows of set b, or null for a set without labels; {@code labels} itself may be null.
     *
     * @param options the transform's options; the output and gradient take {@code options.precision()}
     * @param x the features (n, d) or (B, n, d), finite, float32 or float64
     * @param labels per set, the non-negative labels of its first L ≤ n rows (or null); or null for none
     * @return Z, (n, n) or (B, n, n), with what the backward pass needs
     * @throws OutOfMemoryError when the heap runs out despite {@link #memory}'s estimate (the API rethrows it
     *         with the estimate in its message)
     * @throws IllegalStateException when the device fails
     */
    BpaPass bpa(BpaOptions options, Tensor x, int[][] labels);

    /**
     * BPA forward for inference: Z only, nothing kept for a backward pass, so a backend can work in Z's
     * own memory. Arguments as for {@link #bpa}. The default runs {@link #bpa} and keeps its output.
     *
     * @param options the transform's options
     * @param x the features (n, d) or (B, n, d), finite
     * @param labels per set, the labels of its first rows (or null); or null for none
     * @return Z, (n, n) or (B, n, n), and whether the backend checked it is finite
     * @throws OutOfMemoryError when the heap runs out
     * @throws IllegalStateException when the device fails
     */
    default BpaOutput bpaInference(BpaOptions options, Tensor x, int[][] labels) {
        BpaPass pass = bpa(options, x, labels);
        return new BpaOutput(pass.output(), pass.outputVerifiedFinite());
    }

    /**
     * Sinkhorn (docs/MATH.md §1) on a cost (n, m) or (B, n, m). {@code a} and {@code b} are the marginals (not
     * their logarithms), shaped (n)/(m) or (B, n)/(B, m), or null for unit marginals, which balance only when
     * n = m: a backend refuses them on any other cost ({@link UnitMarginals#requireBalanced}), as the API does.
     *
     * @param options ε, the iterations or tolerance, and the output precision
     * @param cost the cost C, (n, m) or (B, n, m), finite
     * @param a the row marginals, positive, or null for all ones (then n = m)
     * @param b the column marginals, positive, or null for all ones (then n = m)
     * @return the plan, duals and iteration counts, with what the backward pass needs
     * @throws org.bpa4j.InvalidInputException when null marginals meet a non-square cost
     * @throws OutOfMemoryError when the heap runs out
     * @throws IllegalStateException when the device fails
     */
    SinkhornPass sinkhorn(SinkhornOptions options, Tensor cost, Tensor a, Tensor b);

    /**
     * The BAM loss (docs/MATH.md §4) on embeddings z (N, d), with a teacher zTeacher (N, d) for the distillation
     * form or null for the plain one. A backend without it says so.
     *
     * @param options the loss's options; N is a multiple of {@code options.views()}
     * @param z the embeddings (N, d) in the BAM layout, finite
     * @param zTeacher the teacher's embeddings (N, d), finite, or null for the plain loss
     * @return the loss, with what its gradients need
     * @throws UnsupportedOperationException when this backend has no BAM loss (the default), with the reason
     * @throws OutOfMemoryError when the heap runs out
     */
    default BamPass bam(BamOptions options, Tensor z, Tensor zTeacher) {
        throw new UnsupportedOperationException("the " + device().label()
                + " backend does not implement the BAM loss; use the reference or cpu backend");
    }

    /**
     * The row-block kernel of the streaming (top-k) BPA on one set x (n, d), already validated; options as for
     * {@link #bpa}. A backend without it throws UnsupportedOperationException with the reason, and AUTO moves on
     * to the next backend.
     *
     * @param options the transform's options (the streaming path computes in float32)
     * @param x one set (n, d), finite
     * @return the kernel, holding x's normalised rows
     * @throws UnsupportedOperationException when this backend has no block kernel (the default), with the reason
     */
    default BlockKernel blockKernel(BpaOptions options, Tensor x) {
        throw new UnsupportedOperationException("the " + device().label()
                + " backend does not implement the streaming top-k BPA; use the reference or cpu backend");
    }
}
