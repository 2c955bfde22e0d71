package org.bpa4j.fewshot;

import java.util.Locale;
import org.bpa4j.fewshot.EpisodeEvaluation.Comparison;

/**
 * What {@code bpa4j fewshot} prints, in one place, so that every front end that runs the protocol
 * ({@code bpa4j fewshot}, {@code bpa4j-spark fewshot}) prints exactly the same text or TSV.
 */
public final class FewShotReport {
    /** The TSV header; each comparison then gives two rows (raw, bpa). */
    public static final String TSV_HEADER = "way\tshot\tmethod\taccuracy\tci95";

    private FewShotReport() {
    }

    /** The first line of the text format: the data, the episodes, the seed and the backend. */
    public static String textHeader(String source, LabeledData items, int episodes, long seed, String backend) {
        return String.format(Locale.ROOT, "Few-shot classification on %s (%d items, %d classes, %d features);"
                + " %d episodes per setting, seed %d, BPA on the %s backend.", source, items.size(),
                items.classes().length, items.dim(), episodes, seed, backend);
    }

    /** One setting in the text format: both accuracies, their intervals and the gain. */
    public static String textLine(Comparison c) {
        EpisodeShape s = c.shape();
        return String.format(Locale.ROOT, "  %d-way %d-shot, %d queries: raw %6.2f%% ± %.2f   bpa %6.2f%% ± %.2f   (%+.2f points)",
                s.way(), s.shot(), s.queries(), c.raw().percent(), c.raw().ci95(), c.bpa().percent(), c.bpa().ci95(),
                c.gain());
    }

    /** One setting in the TSV format: the raw row, a line break, the bpa row (no final line break). */
    public static String tsvLines(Comparison c) {
        EpisodeShape s = c.shape();
        return String.format(Locale.ROOT, "%d\t%d\traw\t%.2f\t%.2f%n%d\t%d\tbpa\t%.2f\t%.2f", s.way(), s.shot(),
                c.raw().percent(), c.raw().ci95(), s.way(), s.shot(), c.bpa().percent(), c.bpa().ci95());
    }
}
