package org.bpa4j.retrieval;

import org.bpa4j.InvalidInputException;

import org.bpa4j.Bpa;
import org.bpa4j.DType;
import org.bpa4j.Tensor;

/**
 * BPA re-ranking for retrieval and re-identification: the BPA transform of the union [query; gallery]
 * (queries first), then each query's gallery ranked by the Euclidean distance between the query's BPA row
 * and each gallery item's BPA row (all n = q + g columns), ascending, ties to the lower gallery index.
 *
 * <pre>{@code
 * Rerank rerank = Rerank.builder().bpa(Bpa.builder().reg(0.1).build()).topK(100).build();
 * Ranking r = rerank.rank(query, gallery);   // (q, d) and (g, d)
 * int best = r.index(0, 0);                  // query 0's nearest gallery item
 * }</pre>
 *
 * <p>Dense mode (the default) holds Z = BPA([Q; G]), n×n ({@link Bpa#transform}). With
 * {@link Builder#keep(int) keep(M)} each BPA row keeps only its M largest entries, computed by the streaming
 * top-k BPA ({@link Bpa#topK}) without any n×n matrix, and the distances are the exact distances between
 * these sparse rows (dot products over the columns both kept). Immutable and thread-safe.
 */
public final class Rerank {
    private final Bpa bpa;
    private final int topK;
    private final int keep;

    private Rerank(Builder b) {
        this.bpa = b.bpa;
        this.topK = b.topK;
        this.keep = b.keep;
    }

    /**
     * A builder with the defaults: the default {@link Bpa} (cosine, ε 0.1, 10 iterations), the whole gallery
     * ranked, dense rows.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Ranks the gallery (g, d) for every query of {@code query} (q, d): a (q, K) ranking with K = the top-k
     * asked for, or the whole gallery. The BPA row of every query and gallery item depends on the whole union,
     * so ranking queries in several calls gives other results than one call.
     *
     * @param query the queries (q, d), float32 or float64, finite, q ≥ 1
     * @param gallery the gallery (g, d) with the same d, finite, g ≥ 1
     * @return each query's gallery indices (0..g−1) nearest first, with the Euclidean distances between their BPA rows
     * @throws InvalidInputException when query or gallery is null, not 2-D, empty or not finite, their d
     *         differ, topK exceeds g, keep exceeds q + g, a dense Z or the ranking cannot fit in memory, or the
     *         BPA's device is unavailable
     * @throws IllegalStateException when no backend is available
     */
    public Ranking rank(Tensor query, Tensor gallery) {
        String where = "Rerank.rank";
        RetrievalChecks.queryAndGallery(query, gallery, where);
        int q = query.rows();
        int g = gallery.rows();
        int n = q + g;
        int k = RetrievalChecks.rankedPerQuery(topK, g, where);
        if (keep > n) {
            throw new InvalidInputException(where + ": keep " + keep + " is larger than the n = " + n
                    + " columns of a BPA row (" + q + " queries + " + g + " gallery items)");
        }
        long threadBuffers = (long) Runtime.getRuntime().availableProcessors() * g * (Double.BYTES + Long.BYTES);
        if (keep == 0) {
            RetrievalChecks.outputFits(q, k, threadBuffers, where);
            long zValues = (long) n * n;
            if (zValues > RetrievalChecks.MAX_ARRAY) {
                throw new InvalidInputException(String.format(java.util.Locale.ROOT, "%s: dense re-ranking of "
                        + "n = %d rows holds Z, %,d values (%,d bytes in float32), more than a Java array may hold; "
                        + "keep(M) ranks by each row's M largest entries without it", where, n, zValues,
                        zValues * Float.BYTES));
            }
            return dense(union(query, gallery), q, g, k);
        }
        // the top-k rows (float values, long indices, then int indices) and the gallery's inverted index
        long keptBytes = (long) n * keep * (2 * Float.BYTES + Long.BYTES + Integer.BYTES)
                + (long) g * keep * (Float.BYTES + Integer.BYTES) + (long) (n + 1) * Integer.BYTES
                + (long) g * Double.BYTES;
        RetrievalChecks.outputFits(q, k, threadBuffers + keptBytes, where);
        // the streaming top-k path: no n×n matrix is ever held
        KeptRows kept = KeptRows.of(bpa.topK(union(query, gallery), keep), n);
        KeptRowDistances distances = new KeptRowDistances(kept, q);
        return RankingDriver.rank(q, g, k, distances::squaredDistances);
    }

    private Ranking dense(Tensor union, int q, int g, int k) {
        Tensor z = bpa.transform(union);
        int n = q + g;
        DenseRows rows = z.dtype() == DType.FLOAT32
                ? DenseRows.of(z.floatArray().orElseGet(z::toFloatArray), n)
                : DenseRows.of(z.doubleArray().orElseGet(z::toDoubleArray), n);
        return RankingDriver.rank(q, g, k, (i, out) -> rows.squaredDistances(i, q, g, out));
    }

    /** [query; gallery] as one (q + g, d) set, in float32 unless either input is float64. */
    private static Tensor union(Tensor query, Tensor gallery) {
        int q = query.rows();
        int d = query.cols();
        int g = gallery.rows();
        if ((long) (q + g) * d > RetrievalChecks.MAX_ARRAY) {
            throw new InvalidInputException("Rerank.rank: " + (q + g) + " rows of d = " + d
                    + " are more values than a Java array holds");
        }
        if (query.dtype() == DType.FLOAT32 && gallery.dtype() == DType.FLOAT32) {
            float[] x = new float[(q + g) * d];
            System.arraycopy(query.toFloatArray(), 0, x, 0, q * d);
            System.arraycopy(gallery.toFloatArray(), 0, x, q * d, g * d);
            return Tensor.of(x, q + g, d);
        }
        double[] x = new double[(q + g) * d];
        System.arraycopy(query.toDoubleArray(), 0, x, 0, q * d);
        System.arraycopy(gallery.toDoubleArray(), 0, x, q * d, g * d);
        return Tensor.of(x, q + g, d);
    }

    /**
     * The BPA transform applied to the union.
     *
     * @return the transform, never null
     */
    public Bpa bpa() {
        return bpa;
    }

    /**
     * Gallery items ranked per query.
     *
     * @return K ≥ 1, or 0 for the whole gallery
     */
    public int topK() {
        return topK;
    }

    /**
     * Entries kept per BPA row.
     *
     * @return M ≥ 1, or 0 for dense rows (every entry)
     */
    public int keep() {
        return keep;
    }

    /**
     * Options: the BPA (defaults: cosine, reg 0.1, 10 iterations), top-k [whole gallery], keep [dense]. Not
     * thread-safe: confine a builder to one thread.
     */
    public static final class Builder {
        private Bpa bpa = Bpa.builder().build();
        private int topK;
        private int keep;

        private Builder() {
        }

        /**
         * The BPA transform of the union [query; gallery].
         *
         * @param bpa the transform, with its device and options
         * @return this builder
         * @throws InvalidInputException when bpa is null
         */
        public Builder bpa(Bpa bpa) {
            if (bpa == null) {
                throw new InvalidInputException("Rerank.Builder.bpa must not be null");
            }
            this.bpa = bpa;
            return this;
        }

        /**
         * Rank only the first k gallery items per query.
         *
         * @param k the items ranked per query, ≥ 1 (and at most the gallery's size, checked at each call)
         * @return this builder
         * @throws InvalidInputException when k &lt; 1
         */
        public Builder topK(int k) {
            if (k <= 0) {
                throw new InvalidInputException("Rerank.Builder: top-k must be >= 1, got " + k);
            }
            this.topK = k;
            return this;
        }

        /**
         * Rank the whole gallery (the default).
         *
         * @return this builder
         */
        public Builder wholeGallery() {
            this.topK = 0;
            return this;
        }

        /**
         * Keep only each BPA row's M ≥ 1 largest entries (M at most q + g at each call) and measure exact
         * distances between these sparse rows.
         *
         * @param m the entries kept per row, ≥ 1 (at most q + g, checked at each call)
         * @return this builder
         * @throws InvalidInputException when m &lt; 1
         */
        public Builder keep(int m) {
            if (m <= 0) {
                throw new InvalidInputException("Rerank.Builder: keep must be >= 1, got " + m);
            }
            this.keep = m;
            return this;
        }

        /**
         * Every entry of every BPA row (the default): Z, (q + g)², is held.
         *
         * @return this builder
         */
        public Builder dense() {
            this.keep = 0;
            return this;
        }

        /**
         * The re-ranker with these options.
         *
         * @return a new, immutable re-ranker
         */
        public Rerank build() {
            return new Rerank(this);
        }
    }
}
