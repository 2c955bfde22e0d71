package org.bpa4j.spi;

import org.bpa4j.Tensor;

/** One forward pass of BPA on a backend; holds only what the backward pass needs (the duals). */
public interface BpaPass {
    /**
     * The output Z.
     *
     * @return Z: (n, n) or (B, n, n) in the requested precision
     */
    Tensor output();

    /**
     * Whether the backend has checked that every value of {@link #output()} is finite (see {@link BpaOutput}).
     *
     * @return true to spare the API its own scan; the default is false
     */
    default boolean outputVerifiedFinite() {
        return false;
    }

    /**
     * ∂L/∂X for ∂L/∂Z = {@code gradOutput} (docs/MATH.md §3). May be called any number of times.
     *
     * @param gradOutput ∂L/∂Z, already validated: the shape of the output, finite
     * @return a new tensor shaped like X, in the requested precision
     * @throws OutOfMemoryError when the heap runs out
     */
    Tensor backward(Tensor gradOutput);
}
