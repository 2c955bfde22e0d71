package org.bpa4j.retrieval;

import org.bpa4j.InvalidInputException;

import org.bpa4j.Tensor;

/**
 * The baseline ranking: the gallery by ascending Euclidean distance between the features themselves (no
 * BPA), ties to the lower gallery index. What re-ranking is compared against.
 */
public final class EuclideanRanking {
    private EuclideanRanking() {
    }

    /** Every gallery item for each query of {@code query} (q, d) against {@code gallery} (g, d). */
    public static Ranking rank(Tensor query, Tensor gallery) {
        return rank(query, gallery, 0);
    }

    /** The first {@code topK} gallery items (1 ≤ topK ≤ g; 0 = all of them) for each query. */
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
