package org.bpa4j.retrieval;

import org.bpa4j.InvalidInputException;
import java.util.Locale;
import org.bpa4j.Tensor;
import org.bpa4j.internal.HeapCheck;

/** Validation shared by the retrieval entry points; every message names what is wrong and where. */
final class RetrievalChecks {
    /** Largest element count of a Java array. */
    static final long MAX_ARRAY = Integer.MAX_VALUE - 16;

    private RetrievalChecks() {
    }

    /**
     * Query (q, d) and gallery (g, d): both 2-D, q ≥ 1, g ≥ 1, the same d ≥ 1, every value finite (the
     * first that is not is named with its row and column).
     */
    static void queryAndGallery(Tensor query, Tensor gallery, String where) {
        if (query == null || gallery == null) {
            throw new InvalidInputException(where + ": query and gallery must not be null");
        }
        features(query, where + ": query");
        features(gallery, where + ": gallery");
        if (query.rows() < 1) {
            throw new InvalidInputException(where + ": the query set is empty: shape " + query.shapeString());
        }
        if (gallery.rows() < 1) {
            throw new InvalidInputException(where + ": the gallery is empty: shape " + gallery.shapeString());
        }
        if (query.cols() != gallery.cols()) {
            throw new InvalidInputException(where + ": query has d = " + query.cols() + " features per row "
                    + "but gallery has d = " + gallery.cols() + " (shapes " + query.shapeString() + " and "
                    + gallery.shapeString() + ")");
        }
        finite(query, where + ": query");
        finite(gallery, where + ": gallery");
    }

    private static void features(Tensor t, String what) {
        if (t.rank() != 2) {
            throw new InvalidInputException(what + " must be 2-D (rows, d), got shape " + t.shapeString());
        }
        if (t.cols() < 1) {
            throw new InvalidInputException(what + " needs at least d = 1 column, got shape " + t.shapeString());
        }
    }

    private static void finite(Tensor t, String what) {
        int cols = t.cols();
        for (long i = 0; i < t.size(); i++) {
            double v = t.getDouble(i);
            if (!Double.isFinite(v)) {
                String kind = Double.isNaN(v) ? "NaN" : (v > 0 ? "+Inf" : "-Inf");
                throw new InvalidInputException(what + " contains " + kind + " at row " + i / cols + " column "
                        + i % cols);
            }
        }
    }

    /** The number of gallery items to rank: {@code topK} (0 = the whole gallery), at most the gallery. */
    static int rankedPerQuery(int topK, int gallerySize, String where) {
        if (topK > gallerySize) {
            throw new InvalidInputException(where + ": top-k " + topK + " is larger than the gallery of "
                    + gallerySize + " items");
        }
        return topK == 0 ? gallerySize : topK;
    }

    /**
     * Refuses, before any work, a ranking of q × k entries (an int index and a float distance each, plus
     * {@code extraBytes} of work) that cannot be held: more entries than a Java array, or more bytes than
     * the heap has free.
     */
    static void outputFits(int queries, int k, long extraBytes, String where) {
        long entries = (long) queries * k;
        long bytes = entries * (Integer.BYTES + Float.BYTES) + extraBytes;
        if (entries > MAX_ARRAY) {
            throw new InvalidInputException(String.format(Locale.ROOT, "%s: a ranking of %d queries × %d "
                    + "gallery items has %,d entries (%,d bytes), more than the 2^31 − 1 a Java array may hold; "
                    + "ask for a smaller top-k", where, queries, k, entries, bytes));
        }
        HeapCheck.require(bytes, String.format(Locale.ROOT, "%s: a ranking of %d queries × %d gallery items needs "
                + "about %s", where, queries, k, HeapCheck.bytes(bytes)));
    }
}
