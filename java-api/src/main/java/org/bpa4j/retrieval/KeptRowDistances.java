package org.bpa4j.retrieval;

import java.util.Arrays;

/**
 * Exact Euclidean distances between sparse kept rows, ‖a − b‖² = ‖a‖² + ‖b‖² − 2 a·b, where a·b runs only
 * over the columns both rows kept: an inverted index of the gallery rows by column gives, for each column a
 * query kept, the gallery rows that kept it too. Nothing is densified; the work per query is the number of
 * (query entry, gallery entry) pairs that share a column, plus the gallery size. All sums in double
 * precision, clamped at 0 (the formula can round a zero distance slightly negative).
 */
final class KeptRowDistances {
    private final KeptRows rows;
    private final int firstGallery;
    private final int gallerySize;
    /** Column c's gallery entries are [start[c], start[c + 1]) of {@link #galleryRow} and {@link #galleryValue}. */
    private final int[] start;
    private final int[] galleryRow;
    private final float[] galleryValue;
    private final double[] galleryNorm;

    /** Gallery rows are rows [firstGallery, rows.rows()) of {@code rows}; queries are the rows before. */
    KeptRowDistances(KeptRows rows, int firstGallery) {
        this.rows = rows;
        this.firstGallery = firstGallery;
        this.gallerySize = rows.rows() - firstGallery;
        int m = rows.m();
        int[] idx = rows.indices();
        float[] val = rows.values();
        start = new int[rows.columns() + 1];
        for (int p = firstGallery * m; p < idx.length; p++) {
            start[idx[p] + 1]++;
        }
        for (int c = 0; c < rows.columns(); c++) {
            start[c + 1] += start[c];
        }
        int[] fill = Arrays.copyOf(start, rows.columns());
        galleryRow = new int[gallerySize * m];
        galleryValue = new float[gallerySize * m];
        for (int j = 0; j < gallerySize; j++) {
            for (int p = (firstGallery + j) * m, end = p + m; p < end; p++) {
                int at = fill[idx[p]]++;
                galleryRow[at] = j;
                galleryValue[at] = val[p];
            }
        }
        galleryNorm = new double[gallerySize];
        for (int j = 0; j < gallerySize; j++) {
            galleryNorm[j] = rows.squaredNorm(firstGallery + j);
        }
    }

    /** {@code out[j] = ‖query row − gallery row j‖²} for every gallery item j. */
    void squaredDistances(int query, double[] out) {
        Arrays.fill(out, 0, gallerySize, 0.0);
        int m = rows.m();
        int[] idx = rows.indices();
        float[] val = rows.values();
        for (int p = query * m, end = p + m; p < end; p++) {
            double a = val[p];
            int c = idx[p];
            for (int e = start[c], stop = start[c + 1]; e < stop; e++) {
                out[galleryRow[e]] += a * galleryValue[e];
            }
        }
        double queryNorm = rows.squaredNorm(query);
        for (int j = 0; j < gallerySize; j++) {
            out[j] = Math.max(0.0, queryNorm + galleryNorm[j] - 2 * out[j]);
        }
    }

    int gallerySize() {
        return gallerySize;
    }

    int firstGallery() {
        return firstGallery;
    }
}
