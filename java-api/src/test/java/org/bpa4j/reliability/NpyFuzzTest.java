package org.bpa4j.reliability;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Issue 6, item 5: Jazzer, coverage-guided, on the .npy reader (header parser and data reader, both the
 * in-memory and the file path) under {@link NpyReaderContract}: the only failure allowed is
 * {@link org.bpa4j.io.NpyFormatException}. Seeds: {@code NpyFuzzTestInputs/readerReturnsAnArrayOrTheFormatError}
 * (files NumPy wrote). The build runs it in its own JVM with {@code JAZZER_FUZZ=1} for a fixed time (the
 * {@code npy-fuzz} execution in bpa4j-api's pom); without that variable it replays the seeds and any
 * crash Jazzer saved beside them.
 */
class NpyFuzzTest {
    /**
     * Jazzer's hooks allocate on the fuzzed thread, so the bound is looser than the mutation test's; the
     * fuzzing JVM's 1 GiB heap turns any larger allocation into an OutOfMemoryError, itself a finding.
     */
    private static final NpyReaderContract CONTRACT = new NpyReaderContract(scratchFile(), 256 << 20);

    private static Path scratchFile() {
        try {
            Path file = Files.createTempFile("bpa4j-npy-fuzz", ".npy");
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest(maxDuration = "20s")
    void readerReturnsAnArrayOrTheFormatError(byte[] input) {
        CONTRACT.check(input);
    }
}
