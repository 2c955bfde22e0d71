package org.bpa4j.cli;

import java.io.PrintWriter;
import java.util.Locale;

/** A one-line progress bar on stderr, redrawn in place with '\r', finished with a newline. */
final class ProgressBar {
    private static final int WIDTH = 30;

    private final PrintWriter err;
    private final String label;
    private final int total;
    private final long start = System.nanoTime();
    private int lastDrawn = -1;

    /** The writer whose last line is a bar not yet ended, or null: an error must start on a line of its own. */
    private static PrintWriter unfinished;

    ProgressBar(PrintWriter err, String label, int total) {
        this.err = err;
        this.label = label;
        this.total = total;
    }

    /** Shows {@code done} of the total with a short status; redraws at most once per percent. */
    void update(int done, String status) {
        int percent = (int) (100L * done / total);
        if (percent == lastDrawn && done != total) {
            return;
        }
        lastDrawn = percent;
        int filled = (int) ((long) WIDTH * done / total);
        double seconds = (System.nanoTime() - start) / 1e9;
        err.printf(Locale.ROOT, "\r%s [%s%s] %d/%d %s (%.1f s)", label, "#".repeat(filled), ".".repeat(WIDTH - filled),
                done, total, status, seconds);
        if (done == total) {
            err.println();
            unfinished = null;
        } else {
            unfinished = err;
        }
        err.flush();
    }

    /** Ends a bar left unfinished on {@code err} (the command failed midway), so that what follows has its line. */
    static void endLine(PrintWriter err) {
        if (unfinished == err) {
            err.println();
            unfinished = null;
        }
    }
}
