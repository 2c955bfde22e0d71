package org.bpa4j.retrieval;

import java.util.stream.IntStream;

/**
 * Ranks every query against the whole gallery, blocks of queries in parallel on the common fork-join
 * pool; each block has its own distance and selection buffers, so the result does not depend on the
 * threads.
 */
final class RankingDriver {
    private static final int QUERIES_PER_BLOCK = 8;

    /** The squared distances of one query to every gallery item. */
    interface SquaredDistances {
        void of(int query, double[] out);
    }

    private RankingDriver() {
    }

    static Ranking rank(int queries, int gallerySize, int k, SquaredDistances distances) {
        int[] indices = new int[queries * k];
        float[] values = new float[queries * k];
        int blocks = (queries + QUERIES_PER_BLOCK - 1) / QUERIES_PER_BLOCK;
        IntStream.range(0, blocks).parallel().forEach(block -> {
            double[] squared = new double[gallerySize];
            NearestFirst select = new NearestFirst(gallerySize, k);
            int end = Math.min(queries, (block + 1) * QUERIES_PER_BLOCK);
            for (int i = block * QUERIES_PER_BLOCK; i < end; i++) {
                distances.of(i, squared);
                select.select(squared, gallerySize, indices, values, i * k);
            }
        });
        return new Ranking(queries, k, gallerySize, indices, values);
    }
}
