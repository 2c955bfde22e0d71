package org.bpa4j.cli.options;

import org.bpa4j.Device;
import picocli.CommandLine.Option;

/** {@code --backend} of a command that runs one computation (transform, sinkhorn, rerank, bam). */
public final class BackendOption {
    @Option(names = "--backend", defaultValue = "auto", paramLabel = "auto|reference|cpu|cuda",
            description = "Backend [auto].")
    Device backend;

    /** The backend asked for; {@link Device#AUTO} picks the fastest available. */
    public Device device() {
        return backend;
    }
}
