package org.bpa4j.spi;

/**
 * Where each row and column of the BAM matrices comes from (docs/MATH.md §4), shared by every backend: rows
 * [v·B, (v+1)·B) are view v of images 0..B−1, and the N_t = targetCrops·B columns are the first views.
 *
 * @param batch B, images per view
 * @param views V = large + local crops
 * @param largeCrops views that give targets
 * @param targetCrops views that are columns of Q
 * @param positiveMasking whether the same image's views are masked
 */
public record BamLayout(int batch, int views, int largeCrops, int targetCrops, boolean positiveMasking) {

    /** N = V·B rows of z. */
    public int rows() {
        return views * batch;
    }

    /** N_t = targetCrops·B columns of Q. */
    public int targets() {
        return targetCrops * batch;
    }

    /** Mpos[r, c]: row r and target c are views of the same image (only when positive masking). */
    public boolean masked(int row, int target) {
        return positiveMasking && row % batch == target % batch;
    }

    /** How many source views each target view is matched with: V − 1, or 1 when V = 1. */
    public int sourcesPerTarget() {
        return views > 1 ? views - 1 : 1;
    }

    /** Whether the target view {@code vt} (a large view) is matched with the source view {@code vs}. */
    public boolean pairs(int targetView, int sourceView) {
        return targetView < largeCrops && (targetView != sourceView || views == 1);
    }

    /**
     * The loss's weight on P_vt ⊙ logQ_vs: loss = −Σ weight · Σ_ic P_vt[i,c]·logQ_vs[i,c] over unmasked
     * entries, i.e. the 1/large, 1/n_vt and the row mean 1/B of docs/MATH.md §4 step 8.
     */
    public double pairWeight() {
        return 1.0 / ((double) largeCrops * sourcesPerTarget() * batch);
    }
}
