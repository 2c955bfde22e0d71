package org.bpa4j.fewshot;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * The UCI hand-written digits shipped in the API's JAR (1797 images of 8×8 pixel counts 0..16;
 * Alpaydin &amp; Kaynak 1998, CC BY 4.0; the attribution is in the file's header and in the README).
 * In the API, not the command line, so that every front end ({@code bpa4j}, {@code bpa4j-spark}) few-shots
 * the same data.
 */
public final class BundledDigits {
    static final String RESOURCE = "digits.csv";

    private BundledDigits() {
    }

    /**
     * Reads the bundled digits: 1797 rows of d = 64 features (pixel counts 0..16), 10 classes (the digits 0..9).
     * Reads the resource anew on each call; the result is the caller's.
     *
     * @return the labelled digits
     * @throws IOException when the resource cannot be read
     * @throws IllegalStateException when the resource is missing from the JAR (a broken build)
     */
    public static LabeledData load() throws IOException {
        try (InputStream in = BundledDigits.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the bundled " + RESOURCE + " is missing from the JAR");
            }
            return LabeledData.readCsv(new InputStreamReader(in, StandardCharsets.UTF_8), "bundled " + RESOURCE);
        }
    }
}
