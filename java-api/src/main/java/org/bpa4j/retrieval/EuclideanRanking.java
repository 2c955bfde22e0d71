package org.bpa4j.retrieval;

import org.bpa4j.InvalidInputException;

import org.bpa4j.Tensor;

/**
 * The baseline ranking: the gallery by ascending Euclidean distance between the features themselves (no
 * BPA), ties to the lower gallery index. What re-ranking is compared against. Stateless and thread-safe; a call
 * runs on the common fork-join pool.
 */
public final class EuclideanRanking {
    private EuclideanRanking() {
    }

    /**
     * Every gallery item for each query of {@code query} (q, d) against {@code gallery} (g, d).
     *
     * @param query the queries (q, d), float32 or float64, finite, q ≥ 1
     * @param gallery the gallery (g, d) with the same d, finite, g ≥ 1
     * @return a (q, g) ranking by Euclidean distance, computed in float64
     * @throws InvalidInputException when query or gallery is null, not 2-D, empty or not finite, their d
     *         differ, or the ranking cannot fit in memory
     */
    public static Ranking rank(Tensor query, Tensor gallery) {
        return rank(query, gallery, 0);
    }

    /**
     * The first {@code topK} gallery items for each query.
     *
     * @param query the queries (q, d), finite, q ≥ 1
     * @param gallery the gallery (g, d) with the same d, finite, g ≥ 1
     * @param topK the items ranked per query, 1..g, or 0 for the whole gallery
     * @return a (q, K) ranking, K = topK or g
     * @throws InvalidInputException as {@link #rank(Tensor, Tensor)}, and when topK &lt; 0 or topK &gt; g
     */
    public static Ranking rank(Tensor query, Tensor gallery, int topK) {
        String where = "EuclideanRanking.rank";
        RetrievalChecks.queryAndGallery(query, gallery, where);
        if (topK < 0) {
            throw new InvalidInputException(where + ": top-k must be >= 1 (or 0 for the whole gallery), got "
                    + topK);
        }
        int q = query.rows();
        int g = gallery.rows();
        int d = query.cols();
        int k = RetrievalChecks.rankedPerQuery(topK, g, where);
        RetrievalChecks.outputFits(q, k, ((long) q + g) * d * Double.BYTES, where);
        if (((long) q + g) * d > RetrievalChecks.MAX_ARRAY) {
            throw new InvalidInputException(where + ": " + (q + g) + " rows of d = " + d
                    + " are more values than a Java array holds");
        }
        double[] rows = new double[(q + g) * d];
        for (int i = 0; i < q * d; i++) {
            rows[i] = query.getDouble(i);
        }
        for (int i = 0; i < g * d; i++) {
            rows[q * d + i] = gallery.getDouble(i);
        }
        DenseRows dense = DenseRows.of(rows, d);
        return RankingDriver.rank(q, g, k, (i, out) -> dense.squaredDistances(i, q, g, out));
    }
}
