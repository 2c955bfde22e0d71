package org.bpa4j.fewshot;

import org.bpa4j.InvalidInputException;


/**
 * The shape of a few-shot episode: {@code way} classes, {@code shot} labelled support images and
 * {@code queries} query images per class.
 */
public record EpisodeShape(int way, int shot, int queries) {
    public EpisodeShape {
        if (way < 2) {
            throw new InvalidInputException("episode: way must be >= 2, got " + way);
        }
        if (shot < 1) {
            throw new InvalidInputException("episode: shot must be >= 1, got " + shot);
        }
        if (queries < 1) {
            throw new InvalidInputException("episode: queries must be >= 1, got " + queries);
        }
        if ((long) way * (shot + queries) > 1 << 16) {
            throw new InvalidInputException("episode: " + way + " × (" + shot + " + " + queries
                    + ") rows is more than one episode may have (65536)");
        }
    }

    /** Support rows: way × shot. */
    public int supportRows() {
        return way * shot;
    }

    /** All rows: way × (shot + queries). */
    public int rows() {
        return way * (shot + queries);
    }

    /** Class index (0..way−1) of row r: rows come in blocks of one item per class, c0..c(way−1). */
    public int classOfRow(int r) {
        return r % way;
    }

    /** The support labels 0..way−1 repeated shot times: the labels BPA gets for the first rows. */
    public int[] supportLabels() {
        int[] y = new int[supportRows()];
        for (int r = 0; r < y.length; r++) {
            y[r] = classOfRow(r);
        }
        return y;
    }
}
