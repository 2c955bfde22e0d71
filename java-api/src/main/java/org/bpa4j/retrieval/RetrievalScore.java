package org.bpa4j.retrieval;

import org.bpa4j.InvalidInputException;

/**
 * Retrieval quality of a ranking against labels: the standard mean average precision (the mean over
 * queries of the average precision, a gallery item being relevant when it has the query's label) and
 * top-1 (the fraction of queries whose first result has the query's label), both in [0, 1].
 *
 * <p>Average precision of one query with R relevant gallery items, found at ranks r₁ &lt; r₂ &lt; … (1-based):
 * (1/R) Σ_i i / r_i. With a ranking shorter than the gallery, relevant items beyond it count as not found
 * (they add 0), so a truncated ranking never scores higher than the full one. Queries without any relevant
 * gallery item have no average precision and are left out of both figures, as re-identification
 * benchmarks do; {@link #evaluated()} says how many counted.
 *
 * @param meanAveragePrecision the mean over the evaluated queries of their average precision, in [0, 1]
 * @param top1 the fraction of the evaluated queries whose nearest gallery item has their label, in [0, 1]
 * @param evaluated the queries that have at least one relevant gallery item, ≥ 1
 */
public record RetrievalScore(double meanAveragePrecision, double top1, int evaluated) {
    /**
     * Scores a ranking.
     *
     * @param ranking the ranking of q queries against a gallery of g items
     * @param queryLabels q labels, one per query row
     * @param galleryLabels g labels, one per gallery item
     * @return mAP, top-1 and the count of evaluated queries
     * @throws InvalidInputException when an argument is null, the label counts do not match the ranking, or no
     *         query has a relevant gallery item
     */
    public static RetrievalScore of(Ranking ranking, int[] queryLabels, int[] galleryLabels) {
        String where = "RetrievalScore.of";
        if (ranking == null || queryLabels == null || galleryLabels == null) {
            throw new InvalidInputException(where + ": ranking and labels must not be null");
        }
        if (queryLabels.length != ranking.queries()) {
            throw new InvalidInputException(where + ": " + queryLabels.length + " query labels for a ranking of "
                    + ranking.queries() + " queries");
        }
        if (galleryLabels.length != ranking.gallerySize()) {
            throw new InvalidInputException(where + ": " + galleryLabels.length + " gallery labels for a ranking "
                    + "of a gallery of " + ranking.gallerySize() + " items");
        }
        int[] relevantCount = new int[ranking.queries()];
        java.util.Map<Integer, Integer> perLabel = new java.util.HashMap<>();
        for (int label : galleryLabels) {
            perLabel.merge(label, 1, Integer::sum);
        }
        double apSum = 0;
        int hitsAtOne = 0;
        int evaluated = 0;
        for (int i = 0; i < ranking.queries(); i++) {
            relevantCount[i] = perLabel.getOrDefault(queryLabels[i], 0);
            if (relevantCount[i] == 0) {
                continue;
            }
            evaluated++;
            int found = 0;
            double precisionSum = 0;
            for (int r = 0; r < ranking.k(); r++) {
                if (galleryLabels[ranking.index(i, r)] == queryLabels[i]) {
                    found++;
                    precisionSum += (double) found / (r + 1);
                }
            }
            apSum += precisionSum / relevantCount[i];
            if (galleryLabels[ranking.index(i, 0)] == queryLabels[i]) {
                hitsAtOne++;
            }
        }
        if (evaluated == 0) {
            throw new InvalidInputException(where + ": no query has a relevant gallery item (a gallery item "
                    + "with its label)");
        }
        return new RetrievalScore(apSum / evaluated, (double) hitsAtOne / evaluated, evaluated);
    }
}
