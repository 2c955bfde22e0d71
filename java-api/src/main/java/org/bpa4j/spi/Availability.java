package org.bpa4j.spi;

/**
 * Whether a backend can run here and, when it cannot, why (shown by {@code bpa4j info}, logged by AUTO).
 *
 * @param available whether the backend can run here
 * @param reason why not when unavailable; when available, a detail for {@code bpa4j info} (possibly empty)
 */
public record Availability(boolean available, String reason) {
    /**
     * Available.
     *
     * @param detail what was found, e.g. the GPU's name or the SIMD width
     * @return an available value
     */
    public static Availability yes(String detail) {
        return new Availability(true, detail);
    }

    /**
     * Unavailable.
     *
     * @param reason why, in words a user can act on (e.g. "no CUDA driver found")
     * @return an unavailable value
     */
    public static Availability no(String reason) {
        return new Availability(false, reason);
    }
}
