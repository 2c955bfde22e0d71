package org.bpa4j.fewshot;

import java.util.Arrays;
import org.bpa4j.InvalidInputException;

/**
 * What a {@link FewShotClassifier} says about the queries of one set: the predicted label of each query
 * and its probability over the support's classes (softmax of minus the squared distance to each class
 * prototype, as in Prototypical Networks).
 */
public final class Predictions {
    private final int[] classes;
    private final int[] predicted;
    private final double[] probabilities;

    Predictions(int[] classes, int[] predicted, double[] probabilities) {
        this.classes = classes;
        this.predicted = predicted;
        this.probabilities = probabilities;
    }

    /** Number of queries. */
    public int queries() {
        return predicted.length;
    }

    /** The support's distinct labels, ascending: the columns of the probabilities. */
    public int[] classes() {
        return classes.clone();
    }

    /** The predicted label of every query. */
    public int[] labels() {
        return predicted.clone();
    }

    /** The predicted label of query i. */
    public int label(int query) {
        return predicted[checkQuery(query)];
    }

    /** P(class classes()[c] | query i). */
    public double probability(int query, int c) {
        checkQuery(query);
        if (c < 0 || c >= classes.length) {
            throw new InvalidInputException("Predictions.probability: class index " + c + " out of range [0, "
                    + classes.length + ")");
        }
        return probabilities[query * classes.length + c];
    }

    /** The probabilities of query i over classes(), summing to 1. */
    public double[] probabilities(int query) {
        checkQuery(query);
        return Arrays.copyOfRange(probabilities, query * classes.length, (query + 1) * classes.length);
    }

    /** The fraction of queries whose predicted label equals {@code truth[i]}. */
    public double accuracy(int[] truth) {
        if (truth == null || truth.length != predicted.length) {
            throw new InvalidInputException("Predictions.accuracy: " + (truth == null ? "no" : truth.length)
                    + " true labels for " + predicted.length + " queries");
        }
        int right = 0;
        for (int i = 0; i < truth.length; i++) {
            if (truth[i] == predicted[i]) {
                right++;
            }
        }
        return right / (double) truth.length;
    }

    private int checkQuery(int query) {
        if (query < 0 || query >= predicted.length) {
            throw new InvalidInputException("Predictions: query " + query + " out of range [0, "
                    + predicted.length + ")");
        }
        return query;
    }
}
