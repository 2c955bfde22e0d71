package org.bpa4j;

import java.util.Locale;

/**
 * Which backend computes. {@link #AUTO} picks CUDA when a driver, a device and the kernels load,
 * else the SIMD CPU backend when {@code jdk.incubator.vector} is readable, else the reference backend.
 * The system property {@code bpa4j.backend} (auto, reference, cpu, cuda) overrides AUTO.
 */
public enum Device {
    AUTO,
    REFERENCE,
    CPU,
    CUDA;

    /** Lower-case name used by the command line, the system property and backend names. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Device parse(String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidInputException("backend: missing (expected auto, reference, cpu or cuda)");
        }
        for (Device d : values()) {
            if (d.label().equals(text.trim().toLowerCase(Locale.ROOT))) {
                return d;
            }
        }
        throw new InvalidInputException(
                "backend: unknown value '" + text + "' (expected auto, reference, cpu or cuda)");
    }
}
