package org.bpa4j.cli.options;

import org.bpa4j.Bpa;
import org.bpa4j.Metric;
import picocli.CommandLine.Option;

/**
 * BPA's own options (docs/MATH.md §2): the cost metric, the entropic regularisation, the Sinkhorn iterations,
 * sigmoid or exp, the masked diagonal and the max-scaling, as every command that runs one BPA has them.
 */
public final class BpaOptionsMixin {
    @Option(names = "--metric", defaultValue = "cosine", paramLabel = "cosine|euclidean",
            description = "Cost metric [cosine].")
    Metric metric;

    @Option(names = "--reg", defaultValue = "0.1", description = "Entropic regularisation [0.1].")
    double reg;

    @Option(names = "--iterations", defaultValue = "10", description = "Sinkhorn iterations [10].")
    int iterations;

    @Option(names = "--sigmoid", description = "Z = sigmoid(logP) instead of exp(logP).")
    boolean sigmoid;

    @Option(names = "--no-mask-diagonal", description = "Allow self-matching (no masked diagonal).")
    boolean noMaskDiagonal;

    @Option(names = "--no-max-scale", description = "Do not divide Z by its largest entry.")
    boolean noMaxScale;

    /**
     * A builder with these options set; the caller adds the backend and the precision. Its {@code build()}
     * refuses a bad value (a non-positive {@code --reg}, {@code --iterations} below 1) with the API's message.
     */
    public Bpa.Builder builder() {
        return Bpa.builder().metric(metric).reg(reg).iterations(iterations).sigmoid(sigmoid)
                .maskDiagonal(!noMaskDiagonal).maxScale(!noMaxScale);
    }
}
