package org.bpa4j.spi;

import org.bpa4j.InvalidInputException;

import org.bpa4j.Tensor;

/**
 * Z of a BPA forward pass that keeps nothing for a backward pass ({@link Backend#bpaInference}).
 *
 * @param z Z: (n, n) or (B, n, n) in the requested precision
 * @param verifiedFinite true when the backend has itself checked that every value of Z is finite, so the
 *     public API can skip its own scan; false leaves the check to the API
 */
public record BpaOutput(Tensor z, boolean verifiedFinite) {
    /**
     * Checks that Z is given.
     *
     * @throws InvalidInputException when z is null
     */
    public BpaOutput {
        if (z == null) {
            throw new InvalidInputException("BpaOutput: z must not be null");
        }
    }
}
