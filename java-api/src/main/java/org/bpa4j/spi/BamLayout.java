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

    /**
     * The rows of z.
     *
     * @return N = V·B
     */
    public int rows() {
        return views * batch;
    }

    /**
     * The columns of Q, the targets.
     *
     * @return N_t = targetCrops·B
     */
    public int targets() {
        return targetCrops * batch;
    }

    /**
     * Mpos[r, c]: row r and target c are views of the same image (only when positive masking).
     *
     * @param row a row of z, 0..N−1
     * @param target a target (column of Q), 0..N_t−1
     * @return true when the entry is masked
     */
    public boolean masked(int row, int target) {
        return positiveMasking && row % batch == target % batch;
    }

    /**
     * How many source views each target view is matched with.
     *
     * @return n_vt = V − 1, or 1 when V = 1
     */
    public int sourcesPerTarget() {
        return views > 1 ? views - 1 : 1;
    }

    /**
     * Whether the target view {@code targetView} (a large view) is matched with the source view
     * {@code sourceView}: every other view, or itself when V = 1.
     *
     * @param targetView a view, 0..V−1
     * @param sourceView a view, 0..V−1
     * @return true when the pair adds to the loss
     */
    public boolean pairs(int targetView, int sourceView) {
        return targetView < largeCrops && (targetView != sourceView || views == 1);
    }

    /**
     * The loss's weight on P_vt ⊙ logQ_vs: loss = −Σ weight · Σ_ic P_vt[i,c]·logQ_vs[i,c] over unmasked
     * entries, i.e. the 1/large, 1/n_vt and the row mean 1/B of docs/MATH.md §4 step 8.
     *
     * @return 1 / (large · n_vt · B), &gt; 0
     */
    public double pairWeight() {
        return 1.0 / ((double) largeCrops * sourcesPerTarget() * batch);
    }
}
