package org.bpa4j.cli;

import java.util.SplittableRandom;
import org.bpa4j.BamLoss;
import org.bpa4j.BamRegSchedule;
import org.bpa4j.BamResult;
import org.bpa4j.InvalidInputException;
import org.bpa4j.Tensor;
import org.bpa4j.fewshot.LabeledData;
import org.bpa4j.train.Adam;
import org.bpa4j.train.Mlp;

/**
 * Self-supervised training with the BAM loss: every batch of images becomes two augmented views, the
 * network embeds both, the library computes the loss and ∂loss/∂z, and Adam updates the network.
 */
final class BamTraining {
    /** Called after every epoch (from 0) with the mean loss over its batches and the ε it used. */
    interface Progress {
        void epoch(int epoch, double meanLoss, double reg);
    }

    private BamTraining() {
    }

    /**
     * Trains {@code network} in place on the images of {@code train}.
     *
     * @param loss the BAM loss with two large crops; its ε is replaced each epoch by {@code schedule}
     */
    static void train(Mlp network, LabeledData train, DigitViews views, BamLoss loss, BamRegSchedule schedule,
            int epochs, int batch, double lr, long seed, Progress progress) {
        if (loss.largeCrops() != 2 || loss.localCrops() != 0) {
            throw new InvalidInputException("BamTraining: two views per image, got " + loss.views());
        }
        Adam adam = new Adam(network.parameters(), lr);
        SplittableRandom random = new SplittableRandom(seed);
        int n = train.size();
        int dim = views.dim();
        int out = network.out();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        float[] pixels = new float[dim];
        for (int epoch = 0; epoch < epochs; epoch++) {
            double reg = schedule.at(epoch);
            BamLoss epochLoss = loss.withReg(reg);
            shuffle(order, random);
            double total = 0;
            int batches = 0;
            for (int start = 0; start + 1 < n; start += batch) {
                int b = Math.min(batch, n - start);
                if (b < 2) {
                    break;
                }
                double[] x = new double[2 * b * dim];
                for (int i = 0; i < b; i++) {
                    train.copyFeatures(order[start + i], pixels, 0);
                    views.augment(pixels, random, x, i * dim);
                    views.augment(pixels, random, x, (b + i) * dim);
                }
                Mlp.Pass pass = network.forward(x, 2 * b);
                BamResult r = epochLoss.forward(Tensor.of(pass.output(), 2 * b, out));
                adam.zeroGrad();
                pass.backward(r.backward().toDoubleArray());
                adam.step();
                total += r.loss();
                batches++;
            }
            progress.epoch(epoch, total / batches, reg);
        }
    }

    private static void shuffle(int[] a, SplittableRandom random) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
