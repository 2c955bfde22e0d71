package org.bpa4j.cli;

import java.io.IOException;
import java.util.SplittableRandom;
import org.bpa4j.InvalidInputException;
import org.bpa4j.fewshot.BundledDigits;
import org.bpa4j.fewshot.LabeledData;

/**
 * The trainers' fixed split of the bundled digits: a seeded shuffle, the first 1000 images to train on,
 * the other 797 held out for evaluation.
 */
record DigitsSplit(LabeledData train, LabeledData heldOut) {
    static final int TRAIN_SIZE = 1000;

    static DigitsSplit of(long seed) throws IOException {
        return of(BundledDigits.load(), TRAIN_SIZE, seed);
    }

    static DigitsSplit of(LabeledData all, int trainSize, long seed) {
        int n = all.size();
        if (trainSize < 1 || trainSize >= n) {
            throw new InvalidInputException("DigitsSplit: train size " + trainSize + " must be in 1.." + (n - 1));
        }
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return new DigitsSplit(subset(all, order, 0, trainSize), subset(all, order, trainSize, n));
    }

    private static LabeledData subset(LabeledData all, int[] order, int from, int to) {
        int dim = all.dim();
        float[] features = new float[(to - from) * dim];
        int[] labels = new int[to - from];
        for (int i = from; i < to; i++) {
            all.copyFeatures(order[i], features, (i - from) * dim);
            labels[i - from] = all.label(order[i]);
        }
        return LabeledData.of(features, labels, dim);
    }

    /** Every item's features mapped by {@code map} (rows × dim in, rows × outDim out), labels kept. */
    static LabeledData mapped(LabeledData data, java.util.function.BiFunction<double[], Integer, double[]> map,
            int outDim) {
        int n = data.size();
        int dim = data.dim();
        double[] x = new double[n * dim];
        float[] row = new float[dim];
        for (int i = 0; i < n; i++) {
            data.copyFeatures(i, row, 0);
            for (int j = 0; j < dim; j++) {
                x[i * dim + j] = row[j];
            }
        }
        double[] y = map.apply(x, n);
        float[] features = new float[n * outDim];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = data.label(i);
            for (int j = 0; j < outDim; j++) {
                features[i * outDim + j] = (float) y[i * outDim + j];
            }
        }
        return LabeledData.of(features, labels, outDim);
    }
}
