package org.bpa4j.spi;

import org.bpa4j.Tensor;

/** One forward pass of BPA on a backend; holds only what the backward pass needs (the duals). */
public interface BpaPass {
    /** Z: (n, n) or (B, n, n) in the requested precision. */
    Tensor output();

    /** ∂L/∂X for ∂L/∂Z = {@code gradOutput} (already validated: same shape as the output, finite). */
    Tensor backward(Tensor gradOutput);
}
