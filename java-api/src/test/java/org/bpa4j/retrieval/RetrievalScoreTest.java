package org.bpa4j.retrieval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.bpa4j.Tensor;
import org.junit.jupiter.api.Test;

/** mAP and top-1 (README, "Re-ranking and retrieval") on a ranking small enough to check by hand. */
class RetrievalScoreTest {
    // gallery on a line: x = 1 (label 0), 2 (label 1), 3 (label 0), 4 (label 1)
    private static final Tensor GALLERY = Tensor.of(new float[] {1, 2, 3, 4}, 4, 1);
    private static final int[] GALLERY_LABELS = {0, 1, 0, 1};
    // query at 0, label 0: order 1, 2, 3, 4 = hit, miss, hit, miss: AP = (1/1 + 2/3) / 2 = 5/6
    // query at 0.9, label 1: order 1, 2, 3, 4 = miss, hit, miss, hit: AP = (1/2 + 2/4) / 2 = 1/2
    // query at 9, label 7: no gallery item has label 7, left out
    private static final Tensor QUERY = Tensor.of(new float[] {0, 0.9f, 9}, 3, 1);
    private static final int[] QUERY_LABELS = {0, 1, 7};

    @Test
    void meanAveragePrecisionAndTop1ByHand() {
        RetrievalScore s = RetrievalScore.of(EuclideanRanking.rank(QUERY, GALLERY), QUERY_LABELS, GALLERY_LABELS);
        assertEquals((5.0 / 6 + 0.5) / 2, s.meanAveragePrecision(), 1e-12);
        assertEquals(0.5, s.top1(), 1e-12);
        assertEquals(2, s.evaluated());
    }

    @Test
    void aTruncatedRankingCountsTheRelevantItemsItMissesAsNotFound() {
        // top-2: query 0 finds 1 of its 2 relevant at rank 1: AP = 1/2; query 1 finds one at rank 2: AP = 1/4
        RetrievalScore s = RetrievalScore.of(EuclideanRanking.rank(QUERY, GALLERY, 2), QUERY_LABELS,
                GALLERY_LABELS);
        assertEquals((0.5 + 0.25) / 2, s.meanAveragePrecision(), 1e-12);
    }

    @Test
    void aPerfectRankingScoresOne() {
        Tensor query = Tensor.of(new float[] {1.1f, 3.9f}, 2, 1);
        RetrievalScore s = RetrievalScore.of(EuclideanRanking.rank(query, Tensor.of(new float[] {1, 1.2f, 4, 4.2f},
                4, 1)), new int[] {5, 6}, new int[] {5, 5, 6, 6});
        assertEquals(1.0, s.meanAveragePrecision(), 1e-12);
        assertEquals(1.0, s.top1(), 1e-12);
    }

    @Test
    void labelsMustMatchTheRanking() {
        Ranking r = EuclideanRanking.rank(QUERY, GALLERY);
        assertThrows(IllegalArgumentException.class, () -> RetrievalScore.of(r, new int[] {0, 1}, GALLERY_LABELS));
        assertThrows(IllegalArgumentException.class, () -> RetrievalScore.of(r, QUERY_LABELS, new int[] {0}));
        assertThrows(IllegalArgumentException.class, () -> RetrievalScore.of(r, new int[] {7, 7, 7}, GALLERY_LABELS));
    }
}
