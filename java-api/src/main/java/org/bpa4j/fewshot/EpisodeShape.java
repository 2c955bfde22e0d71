package org.bpa4j.fewshot;

import org.bpa4j.InvalidInputException;


/**
 * The shape of a few-shot episode: {@code way} classes, {@code shot} labelled support images and
 * {@code queries} query images per class.
 *
 * @param way the number of classes, at least 2
 * @param shot labelled support images per class, at least 1
 * @param queries query images per class, at least 1
 */
public record EpisodeShape(int way, int shot, int queries) {
    /**
     * Checks the shape.
     *
     * @throws InvalidInputException when way is below 2, shot or queries below 1, or an episode would have more
     *     than 65536 rows
     */
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

    /**
     * The support rows.
     *
     * @return way × shot
     */
    public int supportRows() {
        return way * shot;
    }

    /**
     * All rows of an episode.
     *
     * @return way × (shot + queries)
     */
    public int rows() {
        return way * (shot + queries);
    }

    /**
     * The class index of a row: rows come in blocks of one item per class, c0..c(way−1).
     *
     * @param r a row, 0 to rows − 1
     * @return 0 to way − 1
     */
    public int classOfRow(int r) {
        return r % way;
    }

    /**
     * The support labels 0..way−1 repeated shot times: the labels BPA gets for the first rows.
     *
     * @return a new array of way × shot labels
     */
    public int[] supportLabels() {
        int[] y = new int[supportRows()];
        for (int r = 0; r < y.length; r++) {
            y[r] = classOfRow(r);
        }
        return y;
    }
}
