package org.bpa4j.cli;

import java.util.SplittableRandom;
import org.bpa4j.Bpa;
import org.bpa4j.BpaResult;
import org.bpa4j.Tensor;
import org.bpa4j.fewshot.EpisodeSampler;
import org.bpa4j.fewshot.EpisodeShape;
import org.bpa4j.fewshot.LabeledData;
import org.bpa4j.train.Adam;
import org.bpa4j.train.Linear;
import org.bpa4j.train.PrototypeLoss;

/**
 * The BPA paper's "BPA_t" recipe in miniature: episodic training of a linear layer (identity-initialised)
 * through BPA with the support labels, ProtoNet logits −‖q − c_k‖²/T on the rows of the transform and
 * cross-entropy; the gradient reaches the layer through BPA's analytic backward.
 */
final class FewShotTraining {
    /** The authors' ProtoNet temperature. */
    static final double TEMPERATURE = 0.1;

    /** Called after every episode with its number (from 1), loss and query accuracy. */
    interface Progress {
        void episode(int done, double loss, double accuracy);
    }

    private FewShotTraining() {
    }

    /** Trains and returns the layer; the same seed gives the same layer. */
    static Linear train(LabeledData train, EpisodeShape shape, int episodes, double lr, Bpa bpa, long seed,
            Progress progress) {
        int dim = train.dim();
        Linear layer = Linear.identity(dim);
        Adam adam = new Adam(layer.parameters(), lr);
        PrototypeLoss loss = new PrototypeLoss(TEMPERATURE);
        EpisodeSampler sampler = new EpisodeSampler(train, shape, new SplittableRandom(seed).nextLong());
        int n = shape.rows();
        int[] supportLabels = shape.supportLabels();
        int[] queryLabels = new int[n - shape.supportRows()];
        for (int i = 0; i < queryLabels.length; i++) {
            queryLabels[i] = shape.classOfRow(shape.supportRows() + i);
        }
        for (int e = 1; e <= episodes; e++) {
            float[] raw = sampler.next().features();
            double[] x = new double[raw.length];
            for (int k = 0; k < raw.length; k++) {
                x[k] = raw[k];
            }
            double[] features = layer.forward(x, n);
            BpaResult transformed = bpa.forward(Tensor.of(features, n, dim), supportLabels);
            double[] z = transformed.output().toDoubleArray();
            PrototypeLoss.Result r = loss.evaluate(z, n, n, supportLabels, queryLabels, shape.way());
            double[] gradFeatures = transformed.backward(Tensor.of(r.gradFeatures(), n, n)).toDoubleArray();
            adam.zeroGrad();
            layer.backward(x, gradFeatures, n);
            adam.step();
            progress.episode(e, r.loss(), r.accuracy());
        }
        return layer;
    }
}
