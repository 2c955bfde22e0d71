package org.bpa4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** An error after a progress bar starts on its own line, not appended to the bar (docs/RELIABILITY.md). */
class ProgressBarErrorLineTest {
    @Test
    void anErrorMidwayEndsTheBarsLineFirst() {
        StringWriter text = new StringWriter();
        PrintWriter err = new PrintWriter(text, true);
        new ProgressBar(err, "train", 10).update(3, "loss 1.0");
        ErrorReport.fatal(new OutOfMemoryError("Java heap space"), err);
        String[] lines = text.toString().split("\n");
        assertEquals(2, lines.length, text.toString());
        assertTrue(lines[0].contains("3/10"), lines[0]);
        assertTrue(lines[1].startsWith("bpa4j: internal error"), lines[1]);
    }

    @Test
    void aFinishedBarAddsNoEmptyLine() {
        StringWriter text = new StringWriter();
        PrintWriter err = new PrintWriter(text, true);
        new ProgressBar(err, "train", 2).update(2, "done");
        ErrorReport.fatal(new OutOfMemoryError("Java heap space"), err);
        assertEquals(2, text.toString().split("\n").length, text.toString());
    }
}
