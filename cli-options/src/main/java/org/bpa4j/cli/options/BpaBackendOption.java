package org.bpa4j.cli.options;

import org.bpa4j.Device;
import picocli.CommandLine.Option;

/**
 * {@code --backend} of a command whose BPA is one step of a larger run (fewshot, demo, retrieval,
 * train-fewshot): its help says that the backend runs the BPA.
 */
public final class BpaBackendOption {
    @Option(names = "--backend", defaultValue = "auto", paramLabel = "auto|reference|cpu|cuda",
            description = "Backend for BPA [auto].")
    Device backend;

    /** The backend asked for; {@link Device#AUTO} picks the fastest available. */
    public Device device() {
        return backend;
    }
}
