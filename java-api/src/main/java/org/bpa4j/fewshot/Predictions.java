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

    /**
     * The number of queries.
     *
     * @return q
     */
    public int queries() {
        return predicted.length;
    }

    /**
     * The support's distinct labels, ascending: the columns of the probabilities.
     *
     * @return a copy of the labels
     */
    public int[] classes() {
        return classes.clone();
    }

    /**
     * The predicted label of every query.
     *
     * @return a copy, one label per query
     */
    public int[] labels() {
        return predicted.clone();
    }

    /**
     * The predicted label of one query.
     *
     * @param query 0 to q − 1
     * @return its label
     * @throws InvalidInputException when query is out of range
     */
    public int label(int query) {
        return predicted[checkQuery(query)];
    }

    /**
     * P(class {@code classes()[c]} | query).
     *
     * @param query 0 to q − 1
     * @param c 0 to the number of classes − 1
     * @return the probability, in [0, 1]
     * @throws InvalidInputException when query or c is out of range
     */
    public double probability(int query, int c) {
        checkQuery(query);
        if (c < 0 || c >= classes.length) {
            throw new InvalidInputException("Predictions.probability: class index " + c + " out of range [0, "
                    + classes.length + ")");
        }
        return probabilities[query * classes.length + c];
    }

    /**
     * The probabilities of one query over {@link #classes()}.
     *
     * @param query 0 to q − 1
     * @return a copy, summing to 1
     * @throws InvalidInputException when query is out of range
     */
    public double[] probabilities(int query) {
        checkQuery(query);
        return Arrays.copyOfRange(probabilities, query * classes.length, (query + 1) * classes.length);
    }

    /**
     * The fraction of queries whose predicted label equals {@code truth[i]}.
     *
     * @param truth the true label of every query
     * @return a fraction in [0, 1]
     * @throws InvalidInputException when truth is null or its length is not q
     */
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
