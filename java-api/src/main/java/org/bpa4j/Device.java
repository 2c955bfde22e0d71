package org.bpa4j;

import java.util.Locale;

/**
 * Which backend computes. {@link #AUTO} picks CUDA when a driver, a device and the kernels load,
 * else the SIMD CPU backend when {@code jdk.incubator.vector} is readable, else the reference backend.
 * The system property {@code bpa4j.backend} (auto, reference, cpu, cuda) overrides AUTO.
 */
public enum Device {
    /** The best available backend, in the order CUDA, CPU, reference (or the system property {@code bpa4j.backend}). */
    AUTO,
    /** The pure-Java float64 reference backend, always available, single-threaded: the oracle. */
    REFERENCE,
    /** The SIMD CPU backend (float32, every core); needs {@code jdk.incubator.vector} and module bpa4j-vector-cpu. */
    CPU,
    /** The CUDA backend (float32, device 0); needs bpa4j-native-cuda, its kernels, a GPU and its driver. */
    CUDA;

    /**
     * The lower-case name used by the command line, the system property and backend names.
     *
     * @return {@code auto}, {@code reference}, {@code cpu} or {@code cuda}
     */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a device name, in any case.
     *
     * @param text {@code auto}, {@code reference}, {@code cpu} or {@code cuda}
     * @return the device
     * @throws InvalidInputException when the text is missing or names no device
     */
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
