package org.bpa4j.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.bpa4j.fewshot.LabeledData;

/**
 * The UCI hand-written digits shipped in the JAR (1797 images of 8×8 pixel counts 0..16;
 * Alpaydin &amp; Kaynak 1998, CC BY 4.0; the attribution is in the file's header and in the README).
 */
final class BundledDigits {
    static final String RESOURCE = "digits.csv";

    private BundledDigits() {
    }

    static LabeledData load() throws IOException {
        try (InputStream in = BundledDigits.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the bundled " + RESOURCE + " is missing from the JAR");
            }
            return LabeledData.readCsv(new InputStreamReader(in, StandardCharsets.UTF_8), "bundled " + RESOURCE);
        }
    }
}
