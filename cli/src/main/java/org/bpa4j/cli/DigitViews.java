package org.bpa4j.cli;

import java.util.SplittableRandom;
import org.bpa4j.InvalidInputException;
import org.bpa4j.fewshot.LabeledData;

/**
 * Pixels standardised with the training images' per-pixel mean and deviation, and the augmented views
 * train-bam learns from: a random shift of up to one pixel (zeros shifted in), then standardisation,
 * Gaussian noise and pixel dropout.
 */
final class DigitViews {
    static final int SIDE = 8;
    static final double NOISE = 0.3;
    static final double DROPOUT = 0.1;

    private final double[] mean;
    private final double[] scale;

    private DigitViews(double[] mean, double[] scale) {
        this.mean = mean;
        this.scale = scale;
    }

    /** Mean and deviation of each pixel over {@code data}; a pixel that never varies keeps deviation 1. */
    static DigitViews fittedTo(LabeledData data) {
        int dim = data.dim();
        if (dim != SIDE * SIDE) {
            throw new InvalidInputException("DigitViews: images of " + SIDE + "x" + SIDE + " pixels expected, got "
                    + dim + " features");
        }
        double[] mean = new double[dim];
        double[] sq = new double[dim];
        float[] row = new float[dim];
        for (int i = 0; i < data.size(); i++) {
            data.copyFeatures(i, row, 0);
            for (int j = 0; j < dim; j++) {
                mean[j] += row[j];
                sq[j] += (double) row[j] * row[j];
            }
        }
        double[] scale = new double[dim];
        for (int j = 0; j < dim; j++) {
            mean[j] /= data.size();
            double var = sq[j] / data.size() - mean[j] * mean[j];
            scale[j] = var > 1e-12 ? Math.sqrt(var) : 1;
        }
        return new DigitViews(mean, scale);
    }

    int dim() {
        return mean.length;
    }

    /** The standardised pixels of an image into out[offset..offset+64). */
    void standardise(float[] pixels, double[] out, int offset) {
        for (int j = 0; j < mean.length; j++) {
            out[offset + j] = (pixels[j] - mean[j]) / scale[j];
        }
    }

    /** Every item of {@code data} standardised, items × 64. */
    double[] standardised(LabeledData data) {
        double[] out = new double[data.size() * dim()];
        float[] row = new float[dim()];
        for (int i = 0; i < data.size(); i++) {
            data.copyFeatures(i, row, 0);
            standardise(row, out, i * dim());
        }
        return out;
    }

    /** One augmented view of an image into out[offset..offset+64). */
    void augment(float[] pixels, SplittableRandom random, double[] out, int offset) {
        int dx = random.nextInt(3) - 1;
        int dy = random.nextInt(3) - 1;
        float[] shifted = new float[pixels.length];
        for (int y = 0; y < SIDE; y++) {
            for (int x = 0; x < SIDE; x++) {
                int sy = y - dy;
                int sx = x - dx;
                if (sy >= 0 && sy < SIDE && sx >= 0 && sx < SIDE) {
                    shifted[y * SIDE + x] = pixels[sy * SIDE + sx];
                }
            }
        }
        standardise(shifted, out, offset);
        for (int j = 0; j < mean.length; j++) {
            out[offset + j] += NOISE * random.nextGaussian();
            if (random.nextDouble() < DROPOUT) {
                out[offset + j] = 0;
            }
        }
    }
}
