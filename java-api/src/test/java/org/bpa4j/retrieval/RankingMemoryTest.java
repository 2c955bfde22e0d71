package org.bpa4j.retrieval;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bpa4j.InvalidInputException;
import org.junit.jupiter.api.Test;

/**
 * A ranking that cannot be held is refused before any work, with its figures (docs/RELIABILITY.md, "Sizes"):
 * through the API's one heap check, the same as BPA's.
 */
class RankingMemoryTest {
    @Test
    void aRankingLargerThanTheHeapIsRefusedWithItsSize() {
        long work = Runtime.getRuntime().maxMemory(); // with the entries, more than the heap's limit
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> RetrievalChecks.outputFits(3, 4, work, "Rerank.rank"));
        String m = e.getMessage();
        for (String fragment : new String[] {"Rerank.rank: a ranking of 3 queries × 4 gallery items needs about "
                + String.format(java.util.Locale.ROOT, "%,d bytes", work + 3 * 4 * 8), "of the Java heap is free",
                "-Xmx"}) {
            assertTrue(m.contains(fragment), "'" + m + "' should mention '" + fragment + "'");
        }
    }

    @Test
    void aRankingTooLongForOneArrayIsRefusedBeforeTheHeapIsAsked() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> RetrievalChecks.outputFits(70_000, 70_000, 0, "EuclideanRanking.rank"));
        assertTrue(e.getMessage().contains("more than the 2^31 − 1 a Java array may hold"), e.getMessage());
    }

    @Test
    void aSmallRankingPasses() {
        assertDoesNotThrow(() -> RetrievalChecks.outputFits(3, 4, 1024, "Rerank.rank"));
    }
}
