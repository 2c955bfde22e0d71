package org.bpa4j;

/**
 * Bad input: what a caller gave (a value, a shape, a file, a size that cannot fit in memory) is refused
 * before or instead of being computed. The message names the problem and where. The only exception type
 * the input checks, the .npy reader and the memory estimate throw for what a caller can fix; a failure
 * inside the library is an {@link IllegalStateException} (docs/RELIABILITY.md, "Bad input").
 */
public class InvalidInputException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /**
     * Bad input, described.
     *
     * @param message what was refused and where, e.g. {@code "Bpa.forward: x contains NaN at [3, 7]"}
     */
    public InvalidInputException(String message) {
        super(message);
    }

    /**
     * Bad input found through a lower-level failure (an I/O error, an out-of-memory, a backend's refusal).
     *
     * @param message what was refused and where
     * @param cause the failure that revealed it
     */
    public InvalidInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
