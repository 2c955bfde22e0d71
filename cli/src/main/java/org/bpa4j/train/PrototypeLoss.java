package org.bpa4j.train;

/**
 * The ProtoNet loss of an episode: the first L rows of the features are the support, the rest the
 * queries; prototypes c_k are the means of each class's support rows, the logits −‖q − c_k‖²/T, and the
 * loss the mean cross-entropy over the queries. Gives ∂loss/∂features for every row.
 */
public final class PrototypeLoss {
    private final double temperature;

    /** The authors' temperature is 0.1. */
    public PrototypeLoss(double temperature) {
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("PrototypeLoss: temperature must be a finite number > 0, got "
                    + temperature);
        }
        this.temperature = temperature;
    }

    /** Loss, query accuracy and ∂loss/∂features (n×width). */
    public record Result(double loss, double accuracy, double[] gradFeatures) {
    }

    /**
     * @param features n×width, support rows first
     * @param supportLabels classes 0..ways−1 of the first L rows; every class has at least one
     * @param queryLabels classes of the remaining n − L rows
     */
    public Result evaluate(double[] features, int n, int width, int[] supportLabels, int[] queryLabels, int ways) {
        Linear.checkRows(features, n, width, "PrototypeLoss: features");
        int support = supportLabels.length;
        int queries = queryLabels.length;
        if (support + queries != n || queries == 0) {
            throw new IllegalArgumentException("PrototypeLoss: " + support + " support and " + queries
                    + " query labels for " + n + " rows (need both, adding up to n)");
        }
        double[] prototypes = new double[ways * width];
        int[] counts = new int[ways];
        for (int s = 0; s < support; s++) {
            int k = checkLabel(supportLabels[s], ways, "support", s);
            counts[k]++;
            for (int j = 0; j < width; j++) {
                prototypes[k * width + j] += features[s * width + j];
            }
        }
        for (int k = 0; k < ways; k++) {
            if (counts[k] == 0) {
                throw new IllegalArgumentException("PrototypeLoss: class " + k + " has no support row");
            }
            for (int j = 0; j < width; j++) {
                prototypes[k * width + j] /= counts[k];
            }
        }
        double[] grad = new double[n * width];
        double[] gradPrototypes = new double[ways * width];
        double[] logits = new double[ways];
        double loss = 0;
        int correct = 0;
        for (int q = 0; q < queries; q++) {
            int row = support + q;
            int label = checkLabel(queryLabels[q], ways, "query", q);
            int best = 0;
            for (int k = 0; k < ways; k++) {
                double d2 = 0;
                for (int j = 0; j < width; j++) {
                    double diff = features[row * width + j] - prototypes[k * width + j];
                    d2 += diff * diff;
                }
                logits[k] = -d2 / temperature;
                if (logits[k] > logits[best]) {
                    best = k;
                }
            }
            if (best == label) {
                correct++;
            }
            double max = logits[best];
            double sum = 0;
            for (int k = 0; k < ways; k++) {
                sum += Math.exp(logits[k] - max);
            }
            double lse = max + Math.log(sum);
            loss += (lse - logits[label]) / queries;
            for (int k = 0; k < ways; k++) {
                // ∂loss/∂logit_k = (softmax_k − [k = label]) / queries; ∂logit_k/∂q = −2(q − c_k)/T
                double gLogit = (Math.exp(logits[k] - lse) - (k == label ? 1 : 0)) / queries;
                double factor = -2 * gLogit / temperature;
                for (int j = 0; j < width; j++) {
                    double diff = features[row * width + j] - prototypes[k * width + j];
                    grad[row * width + j] += factor * diff;
                    gradPrototypes[k * width + j] -= factor * diff;
                }
            }
        }
        for (int s = 0; s < support; s++) {
            int k = supportLabels[s];
            for (int j = 0; j < width; j++) {
                grad[s * width + j] += gradPrototypes[k * width + j] / counts[k];
            }
        }
        return new Result(loss, (double) correct / queries, grad);
    }

    private static int checkLabel(int label, int ways, String what, int index) {
        if (label < 0 || label >= ways) {
            throw new IllegalArgumentException("PrototypeLoss: " + what + " label " + label + " at index " + index
                    + " is outside 0.." + (ways - 1));
        }
        return label;
    }
}
