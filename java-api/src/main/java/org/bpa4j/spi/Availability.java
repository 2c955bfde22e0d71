package org.bpa4j.spi;

/** Whether a backend can run here and, when it cannot, why (shown by {@code bpa4j info}, logged by AUTO). */
public record Availability(boolean available, String reason) {
    public static Availability yes(String detail) {
        return new Availability(true, detail);
    }

    public static Availability no(String reason) {
        return new Availability(false, reason);
    }
}
