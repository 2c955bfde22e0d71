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

    /**
     * The first line of the text format: the data, the episodes, the seed and the backend.
     *
     * @param source what the data is, e.g. a file name or "the bundled digits"
     * @param items the data set the episodes are drawn from (its size, classes and dim are printed)
     * @param episodes the episodes per setting
     * @param seed the seed of the episodes
     * @param backend the label of the backend BPA ran on, e.g. "cpu"
     * @return the line, without a line break
     * @throws org.bpa4j.InvalidInputException when items is null
     */
    public static String textHeader(String source, LabeledData items, int episodes, long seed, String backend) {
        if (items == null) {
            throw new org.bpa4j.InvalidInputException("FewShotReport.textHeader: items must not be null");
        }
        return String.format(Locale.ROOT, "Few-shot classification on %s (%d items, %d classes, %d features);"
                + " %d episodes per setting, seed %d, BPA on the %s backend.", source, items.size(),
                items.classes().length, items.dim(), episodes, seed, backend);
    }

    /**
     * One setting in the text format: both accuracies, their intervals and the gain, in percent (2 decimals).
     *
     * @param c the comparison of one shape
     * @return the line, indented, without a line break
     * @throws org.bpa4j.InvalidInputException when c is null
     */
    public static String textLine(Comparison c) {
        if (c == null) {
            throw new org.bpa4j.InvalidInputException("FewShotReport.textLine: c must not be null");
        }
        EpisodeShape s = c.shape();
        return String.format(Locale.ROOT, "  %d-way %d-shot, %d queries: raw %6.2f%% ± %.2f   bpa %6.2f%% ± %.2f   (%+.2f points)",
                s.way(), s.shot(), s.queries(), c.raw().percent(), c.raw().ci95(), c.bpa().percent(), c.bpa().ci95(),
                c.gain());
    }

    /**
     * One setting in the TSV format, columns as {@link #TSV_HEADER}: the raw row, a line break (the platform's),
     * the bpa row (no final line break).
     *
     * @param c the comparison of one shape
     * @return the two rows
     * @throws org.bpa4j.InvalidInputException when c is null
     */
    public static String tsvLines(Comparison c) {
        if (c == null) {
            throw new org.bpa4j.InvalidInputException("FewShotReport.tsvLines: c must not be null");
        }
        EpisodeShape s = c.shape();
        return String.format(Locale.ROOT, "%d\t%d\traw\t%.2f\t%.2f%n%d\t%d\tbpa\t%.2f\t%.2f", s.way(), s.shot(),
                c.raw().percent(), c.raw().ci95(), s.way(), s.shot(), c.bpa().percent(), c.bpa().ci95());
    }
}
