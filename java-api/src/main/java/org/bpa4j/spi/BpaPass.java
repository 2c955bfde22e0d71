package org.bpa4j.spi;

import org.bpa4j.Tensor;

/** One forward pass of BPA on a backend; holds only what the backward pass needs (the duals). */
public interface BpaPass {
    /** Z: (n, n) or (B, n, n) in the requested precision. */
    Tensor output();

    /** Whether the backend has checked that every value of {@link #output()} is finite (see {@link BpaOutput}). */
    default boolean outputVerifiedFinite() {
        return false;
    }

    /** ∂L/∂X for ∂L/∂Z = {@code gradOutput} (already validated: same shape as the output, finite). */
    Tensor backward(Tensor gradOutput);
}
