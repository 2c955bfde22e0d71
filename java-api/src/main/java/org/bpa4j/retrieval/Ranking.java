package org.bpa4j.retrieval;

import org.bpa4j.InvalidInputException;

import java.util.Arrays;
import org.bpa4j.Tensor;

/**
 * For each query, the first k gallery items by ascending distance (ties: lower gallery index first) and
 * those distances. Immutable; the arrays handed out are copies.
 *
 * <p>Row-major: entry (i, r) is query i's r-th nearest gallery item. Distances are float32, rounded from
 * the double-precision computation; the order is that of the rounded values, so equal distances always
 * appear in ascending gallery index.
 */
public final class Ranking {
    private final int queries;
    private final int k;
    private final int gallerySize;
    private final int[] indices;
    private final float[] distances;

    Ranking(int queries, int k, int gallerySize, int[] indices, float[] distances) {
        if (indices.length != (long) queries * k || distances.length != indices.length) {
            throw new IllegalStateException("Ranking: " + indices.length + " indices and " + distances.length
                    + " distances for " + queries + " queries of k = " + k);
        }
        this.queries = queries;
        this.k = k;
        this.gallerySize = gallerySize;
        this.indices = indices;
        this.distances = distances;
    }

    /**
     * The number of queries q (rows).
     *
     * @return q, ≥ 1
     */
    public int queries() {
        return queries;
    }

    /**
     * Gallery items ranked per query (columns).
     *
     * @return k, 1..{@link #gallerySize()}
     */
    public int k() {
        return k;
    }

    /**
     * The size of the gallery the ranking was taken from.
     *
     * @return g, ≥ k
     */
    public int gallerySize() {
        return gallerySize;
    }

    /**
     * Gallery index at rank {@code rank} (0 = nearest) of query {@code query}.
     *
     * @param query the query's row, 0..q−1
     * @param rank the rank, 0..k−1
     * @return the gallery item's index, 0..g−1
     * @throws InvalidInputException when query or rank is out of range
     */
    public int index(int query, int rank) {
        return indices[offset(query, rank)];
    }

    /**
     * Distance of the gallery item at rank {@code rank} of query {@code query}: the Euclidean distance (not
     * squared) between the rows compared, rounded to float32.
     *
     * @param query the query's row, 0..q−1
     * @param rank the rank, 0..k−1
     * @return the distance, ≥ 0, non-decreasing in rank
     * @throws InvalidInputException when query or rank is out of range
     */
    public float distance(int query, int rank) {
        return distances[offset(query, rank)];
    }

    /**
     * The gallery indices, (q, k) row-major.
     *
     * @return a copy, q·k indices
     */
    public int[] indices() {
        return indices.clone();
    }

    /**
     * The gallery indices as int64, (q, k) row-major, as a .npy int64 array takes them
     * ({@link org.bpa4j.io.Npy#write(java.nio.file.Path, long[], int...)}).
     *
     * @return a new array of q·k indices
     */
    public long[] indicesAsLongs() {
        long[] out = new long[indices.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = indices[i];
        }
        return out;
    }

    /**
     * The distances, (q, k) row-major.
     *
     * @return a copy, q·k distances
     */
    public float[] distances() {
        return distances.clone();
    }

    /**
     * The distances as a float32 tensor.
     *
     * @return a new (q, k) tensor
     */
    public Tensor distancesTensor() {
        return Tensor.of(distances.clone(), queries, k);
    }

    /**
     * The indices of one query, nearest first.
     *
     * @param query the query's row, 0..q−1
     * @return a new array of k gallery indices
     * @throws InvalidInputException when query is out of range
     */
    public int[] indicesOf(int query) {
        int from = offset(query, 0);
        return Arrays.copyOfRange(indices, from, from + k);
    }

    private int offset(int query, int rank) {
        if (query < 0 || query >= queries || rank < 0 || rank >= k) {
            throw new InvalidInputException("Ranking: (query " + query + ", rank " + rank + ") is outside ("
                    + queries + ", " + k + ")");
        }
        return query * k + rank;
    }

    @Override
    public String toString() {
        return "Ranking[" + queries + " queries, top " + k + " of " + gallerySize + " gallery items]";
    }
}
