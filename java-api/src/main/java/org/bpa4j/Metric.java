package org.bpa4j;

import java.util.Locale;

/** The cost between two feature vectors (docs/MATH.md §2, step 1). */
public enum Metric {
    /** C_ij = 1 − x̂_i·x̂_j with x̂ = x / max(‖x‖, 1e-12). */
    COSINE,
    /** C_ij = ‖x_i − x_j‖ / max_kl ‖x_k − x_l‖. */
    EUCLIDEAN;

    /**
     * The name the command line uses.
     *
     * @return {@code cosine} or {@code euclidean}
     */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a metric name, in any case.
     *
     * @param text {@code cosine} or {@code euclidean}
     * @return the metric
     * @throws InvalidInputException when the text is null or names no metric
     */
    public static Metric parse(String text) {
        if (text != null) {
            for (Metric m : values()) {
                if (m.label().equals(text.trim().toLowerCase(Locale.ROOT))) {
                    return m;
                }
            }
        }
        throw new InvalidInputException("metric: unknown value '" + text + "' (expected cosine or euclidean)");
    }
}
