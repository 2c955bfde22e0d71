package org.bpa4j.cli;

import java.io.PrintWriter;
import java.util.Locale;
import org.bpa4j.Bpa;
import org.bpa4j.StreamingBpa;
import org.bpa4j.Tensor;
import org.bpa4j.TopKRows;

/**
 * {@code transform --top-k K}: each row's K largest entries of Z through the streaming path (README "Large
 * sets"), with a progress bar over the 2T + 1 passes on a terminal's stderr once a run passes a few seconds.
 */
final class TopKTransform {
    /** The bar appears only for runs longer than this. */
    private static final double QUIET_SECONDS = 3.0;

    private TopKTransform() {
    }

    /** Refuses k before anything is read: it must be ≥ 1 (the upper bound n is checked with the input). */
    static void checkK(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("--top-k must be >= 1, got " + k);
        }
    }

    /** Refuses an input top-k cannot take, and sizes whose outputs cannot fit, before any work. */
    static void checkInput(Tensor x, int k, String input) {
        if (x.rank() != 2) {
            throw new IllegalArgumentException("--input " + input + ": shape " + x.shapeString() + "; --top-k takes "
                    + "one set (n, d) (a batch (B, n, d) of small sets needs no streaming: drop --top-k)");
        }
        int n = x.rows();
        if (k > n) {
            throw new IllegalArgumentException("--top-k " + k + " is larger than n = " + n + " (the rows of --input)");
        }
        long entries = (long) n * k;
        long bytes = entries * (Float.BYTES + Long.BYTES);
        if (entries > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("--top-k " + k + ": the outputs (" + n + ", " + k + ") need " + bytes
                    + " bytes, more than one Java array holds; choose --top-k <= " + (Integer.MAX_VALUE - 16) / n);
        }
        // the result, and the copies the .npy writers make of it
        long need = 2 * bytes + 2L * n * x.cols() * Float.BYTES;
        Runtime rt = Runtime.getRuntime();
        long free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        if (need > free) {
            throw new IllegalArgumentException("--top-k " + k + ": the outputs (" + n + ", " + k + ") and their copies "
                    + "need about " + need + " bytes but only " + free + " are free in the heap; raise -Xmx "
                    + "(BPA4J_JAVA_OPTS) or lower --top-k");
        }
    }

    static TopKRows run(Bpa bpa, Tensor x, int k, int[] labels, PrintWriter err, boolean quiet) {
        boolean draw = !quiet && StderrTerminal.detected();
        long start = System.nanoTime();
        ProgressBar[] bar = new ProgressBar[1];
        StreamingBpa.Progress progress = !draw ? null : (pass, passes) -> {
            double seconds = (System.nanoTime() - start) / 1e9;
            if (bar[0] == null && seconds < QUIET_SECONDS && pass < passes) {
                return;
            }
            if (bar[0] == null) {
                if (pass == passes) {
                    return; // done before the bar was worth drawing
                }
                bar[0] = new ProgressBar(err, "sweeps", passes);
            }
            double left = seconds / pass * (passes - pass);
            bar[0].update(pass, String.format(Locale.ROOT, "sweep %d of %d, %.0f s elapsed, about %.0f s left",
                    pass, passes, seconds, left));
        };
        return bpa.topK(x, k, labels, progress);
    }
}
