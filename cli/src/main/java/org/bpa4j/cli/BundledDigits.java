package org.bpa4j.cli;

import java.io.IOException;
import org.bpa4j.fewshot.LabeledData;

/** The UCI hand-written digits that the API ships ({@link org.bpa4j.fewshot.BundledDigits}). */
final class BundledDigits {
    private BundledDigits() {
    }

    static LabeledData load() throws IOException {
        return org.bpa4j.fewshot.BundledDigits.load();
    }
}
