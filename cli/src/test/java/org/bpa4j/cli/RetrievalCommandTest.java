package org.bpa4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import org.bpa4j.io.Npy;
import org.bpa4j.io.NpyArray;
import org.bpa4j.retrieval.EuclideanRanking;
import org.bpa4j.retrieval.RetrievalScore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bpa4j retrieval} (README, "Re-ranking and retrieval"): the split it writes and the scores it prints. */
class RetrievalCommandTest {
    @TempDir
    Path dir;

    @Test
    void writesTheSplitAndScoresRawPixelsOnIt() throws IOException {
        // --keep 0 leaves out the keep-M line (the streaming path is tested on its own, and on small sets here)
        CliRun run = CliRun.of("retrieval", "--queries", "40", "--seed", "3", "--keep", "0", "--format", "tsv",
                "--write-split", dir.toString()).assertOk();
        String[] lines = run.out().strip().split("\n");
        assertEquals("method\treg\tkeep\tmap\ttop1", lines[0]);
        assertEquals(3, lines.length, run.out());
        assertTrue(lines[2].startsWith("bpa\t0.1\t0\t"), lines[2]);

        NpyArray q = Npy.read(dir.resolve("query.npy"));
        NpyArray g = Npy.read(dir.resolve("gallery.npy"));
        NpyArray ql = Npy.read(dir.resolve("query_labels.npy"));
        NpyArray gl = Npy.read(dir.resolve("gallery_labels.npy"));
        assertArrayEquals(new int[] {40, 64}, q.shape());
        assertArrayEquals(new int[] {1757, 64}, g.shape());
        assertEquals("int64", ql.dtypeName());
        assertEquals(1757, gl.shape()[0]);
        RetrievalScore raw = RetrievalScore.of(EuclideanRanking.rank(q.toTensor(), g.toTensor()), ql.toIntArray(),
                gl.toIntArray());
        assertEquals(String.format(Locale.ROOT, "raw\t\t0\t%.4f\t%.4f", 100 * raw.meanAveragePrecision(),
                100 * raw.top1()), lines[1]);
    }

    @Test
    void badOptionsAreRefused() {
        CliRun.of("retrieval", "--queries", "0").assertRefused("--queries must be in 1..1796");
        CliRun.of("retrieval", "--queries", "1797").assertRefused("--queries must be in 1..1796");
        CliRun.of("retrieval", "--keep", "-1").assertRefused("--keep must be >= 1");
        CliRun.of("retrieval", "--keep", "1798").assertRefused("--keep 1798 is larger than the 1797 images");
        CliRun.of("retrieval", "--write-split", dir.resolve("missing").toString()).assertRefused("no such folder");
    }
}
