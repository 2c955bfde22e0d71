package org.bpa4j.fewshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import org.junit.jupiter.api.Test;

class LabeledDataTest {
    private static LabeledData csv(String text) throws IOException {
        return LabeledData.readCsv(new StringReader(text), "test.csv");
    }

    @Test
    void readsLabelsAndFeaturesSkippingCommentsAndBlankLines() throws IOException {
        LabeledData d = csv("# header\n# more\n3, 1.5, 2\n\n1,0,-4\n3,7,8\n");
        assertEquals(3, d.size());
        assertEquals(2, d.dim());
        assertArrayEquals(new int[] {1, 3}, d.classes());
        assertArrayEquals(new int[] {0, 2}, d.itemsOf(3));
        assertArrayEquals(new int[0], d.itemsOf(9));
        assertEquals(1, d.label(1));
        assertEquals(1.5f, d.feature(0, 0));
        assertEquals(-4f, d.feature(1, 1));
        float[] dest = new float[4];
        d.copyFeatures(2, dest, 1);
        assertArrayEquals(new float[] {0, 7, 8, 0}, dest);
    }

    @Test
    void refusesMalformedFilesNamingTheLine() {
        assertMessage("line 2", () -> csv("0,1,2\n1,3\n"));
        assertMessage("'x'", () -> csv("0,1,2\nx,3,4\n"));
        assertMessage("column 3", () -> csv("0,1,nope\n"));
        assertMessage("no data lines", () -> csv("# only a comment\n"));
        assertMessage("at least one feature", () -> csv("4\n"));
        assertMessage("NaN", () -> csv("0,NaN\n"));
    }

    @Test
    void aFolderOrAMissingFileIsRefused(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        assertMessage("folder", () -> LabeledData.readCsv(dir));
        assertMessage("no such file", () -> LabeledData.readCsv(dir.resolve("none.csv")));
    }

    @Test
    void ofValidatesItsArrays() {
        LabeledData d = LabeledData.of(new float[] {1, 2, 3, 4}, new int[] {5, 6}, 2);
        assertEquals(6, d.label(1));
        assertMessage("expected 6", () -> LabeledData.of(new float[4], new int[3], 2));
        assertMessage("dim", () -> LabeledData.of(new float[4], new int[2], 0));
        assertMessage("Infinity", () -> LabeledData.of(new float[] {1, Float.POSITIVE_INFINITY}, new int[] {0}, 2));
        assertMessage("out of range", () -> d.label(2));
    }

    private static void assertMessage(String fragment, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(fragment), "'" + e.getMessage() + "' should mention '" + fragment + "'");
    }
}
