package org.bpa4j.retrieval;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bpa4j.Tensor;
import org.bpa4j.testing.RandomTensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Every refusal of the retrieval API names what is wrong and where (README, "Re-ranking and retrieval"). */
class RerankInputTest {
    private static final Tensor QUERY = RandomTensors.gaussian(1, 3, 4);
    private static final Tensor GALLERY = RandomTensors.gaussian(2, 5, 4);

    static void refused(String fragment, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(fragment), "'" + e.getMessage() + "' should mention '" + fragment + "'");
    }

    @Test
    void builderRefusesNonPositiveTopKAndKeep() {
        refused("top-k must be >= 1, got 0", () -> Rerank.builder().topK(0));
        refused("top-k must be >= 1, got -2", () -> Rerank.builder().topK(-2));
        refused("keep must be >= 1, got 0", () -> Rerank.builder().keep(0));
        refused("bpa must not be null", () -> Rerank.builder().bpa(null));
    }

    @Test
    void topKOrKeepLargerThanTheSetsAreRefused() {
        refused("top-k 6 is larger than the gallery of 5 items",
                () -> Rerank.builder().topK(6).build().rank(QUERY, GALLERY));
        refused("keep 9 is larger than the n = 8 columns",
                () -> Rerank.builder().keep(9).build().rank(QUERY, GALLERY));
        refused("top-k 6 is larger than the gallery of 5 items", () -> EuclideanRanking.rank(QUERY, GALLERY, 6));
        refused("top-k must be >= 1", () -> EuclideanRanking.rank(QUERY, GALLERY, -1));
    }

    @Test
    void shapesAreChecked() {
        Rerank rerank = Rerank.builder().build();
        refused("query has d = 4 features per row but gallery has d = 3",
                () -> rerank.rank(QUERY, RandomTensors.gaussian(3, 5, 3)));
        refused("the gallery is empty: shape (0, 4)", () -> rerank.rank(QUERY, Tensor.of(new float[0], 0, 4)));
        refused("the query set is empty", () -> rerank.rank(Tensor.of(new float[0], 0, 4), GALLERY));
        refused("query must be 2-D", () -> rerank.rank(Tensor.of(new float[4], 4), GALLERY));
        refused("must not be null", () -> rerank.rank(null, GALLERY));
    }

    @Test
    void nonFiniteValuesAreNamedWithTheirPosition() {
        float[] g = GALLERY.toFloatArray();
        g[1 * 4 + 2] = Float.NaN;
        refused("gallery contains NaN at row 1 column 2",
                () -> Rerank.builder().build().rank(QUERY, Tensor.of(g, 5, 4)));
        float[] q = QUERY.toFloatArray();
        q[2 * 4] = Float.POSITIVE_INFINITY;
        refused("query contains +Inf at row 2 column 0", () -> EuclideanRanking.rank(Tensor.of(q, 3, 4), GALLERY));
    }

    @Test
    void rankingsThatCannotFitAreRefusedBeforeWorkWithTheBytes() {
        // 50,000 × 50,000 ranked pairs: 2.5e9 entries, more than a Java array, from tiny inputs
        Tensor q = Tensor.of(new float[50_000], 50_000, 1);
        refused("2,500,000,000 entries", () -> Rerank.builder().build().rank(q, q));
        refused("2,500,000,000 entries", () -> EuclideanRanking.rank(q, q));
        refused("40,000,000,000 bytes in float32", () -> Rerank.builder().topK(10).build().rank(q, q));
    }
}
