package org.bpa4j.spi;

import org.bpa4j.DType;

/**
 * The options of the BAM loss (docs/MATH.md §4), already validated by the API.
 *
 * @param largeCrops views 0..largeCrops−1 are the large (global) crops; they give the targets P
 * @param localCrops further (local) views that are only sources
 * @param targetCrops the first targetCrops views are the columns of Q (1 ≤ targetCrops ≤ largeCrops)
 * @param temperature τ of the source softmax
 * @param reg ε of the target Sinkhorn
 * @param iterations Sinkhorn iterations of the target
 * @param topK keep only the topK targets of each row of P (0 = all)
 * @param positiveMasking exclude every view of the same image from the targets and sources
 * @param precision element type of the gradients
 */
public record BamOptions(int largeCrops, int localCrops, int targetCrops, double temperature, double reg,
        int iterations, int topK, boolean positiveMasking, DType precision) {

    /**
     * The views per image.
     *
     * @return V = large + local crops
     */
    public int views() {
        return largeCrops + localCrops;
    }

    /**
     * The layout of a batch of {@code rows} embeddings.
     *
     * @param rows N, a multiple of {@link #views()} (not checked here: the API has)
     * @return the layout with B = N / V
     */
    public BamLayout layout(int rows) {
        return new BamLayout(rows / views(), views(), largeCrops, targetCrops, positiveMasking);
    }
}
