package org.bpa4j.fewshot;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.bpa4j.Bpa;
import org.bpa4j.InvalidInputException;
import org.bpa4j.Tensor;

/**
 * A Prototypical-Network few-shot classifier: each class is the mean of its support items, and a query
 * goes to the nearest mean in Euclidean distance. Optionally the items first go through BPA together
 * (support and queries in one set, the support's labels given), and the classifier works on the rows of
 * the transform, as the BPA paper does. Immutable and thread-safe.
 *
 * <pre>{@code
 * FewShotClassifier classifier = FewShotClassifier.throughBpa(Bpa.builder().build());
 * Predictions p = classifier.classify(support, supportLabels, queries);   // (s, d), (s), (q, d)
 * int label = p.label(0);  double[] probs = p.probabilities(0);
 * }</pre>
 */
public final class FewShotClassifier {
    private final Bpa bpa;

    private FewShotClassifier(Bpa bpa) {
        this.bpa = bpa;
    }

    /**
     * Prototypes of the features as given (Prototypical Networks on the raw features).
     *
     * @return the classifier
     */
    public static FewShotClassifier onFeatures() {
        return new FewShotClassifier(null);
    }

    /**
     * Prototypes of the rows of {@code bpa}'s transform of support and queries together.
     *
     * @param bpa the transform, applied with the support labels
     * @return the classifier
     * @throws InvalidInputException when bpa is null
     */
    public static FewShotClassifier throughBpa(Bpa bpa) {
        if (bpa == null) {
            throw new InvalidInputException("FewShotClassifier.throughBpa: bpa must not be null");
        }
        return new FewShotClassifier(bpa);
    }

    /**
     * The transform applied first.
     *
     * @return the transform, or null for the features as given
     */
    public Bpa bpa() {
        return bpa;
    }

    /**
     * Classifies queries given the support and its labels. The query is converted to the support's precision when
     * they differ.
     *
     * @param support the support features (s, d)
     * @param supportLabels the s labels of the support (any non-negative integers)
     * @param query the query features (q, d)
     * @return the predicted label and the class probabilities of every query
     * @throws InvalidInputException when an argument is null, the tensors are not 2-D or differ in d, the labels
     *     do not fit the support, or the BPA transform refuses the input
     */
    public Predictions classify(Tensor support, int[] supportLabels, Tensor query) {
        if (support == null || query == null) {
            throw new InvalidInputException("FewShotClassifier.classify: support and query must not be null");
        }
        if (support.rank() != 2 || query.rank() != 2) {
            throw new InvalidInputException("FewShotClassifier.classify: support and query must be 2-D, got "
                    + support.shapeString() + " and " + query.shapeString());
        }
        if (support.cols() != query.cols()) {
            throw new InvalidInputException("FewShotClassifier.classify: support has " + support.cols()
                    + " features but query has " + query.cols());
        }
        // one label per support row: fewer would silently turn support rows into queries
        if (supportLabels == null || supportLabels.length != support.rows()) {
            throw new InvalidInputException("FewShotClassifier.classify: " + (supportLabels == null ? "no"
                    : String.valueOf(supportLabels.length)) + " support labels for " + support.rows()
                    + " support rows (shape " + support.shapeString() + "): give one label per row");
        }
        Tensor q = query.to(support.dtype());
        Tensor set = Tensor.zeros(support.dtype(), support.rows() + q.rows(), support.cols());
        long supportBytes = support.segment().byteSize();
        MemorySegment.copy(support.segment(), 0, set.segment(), 0, supportBytes);
        MemorySegment.copy(q.segment(), 0, set.segment(), supportBytes, q.segment().byteSize());
        return classifySets(set, supportLabels).get(0);
    }

    /**
     * Classifies the queries of one set (n, d) or of every set of a batch (B, n, d): in each set the first
     * {@code supportLabels.length} rows are the support, with these labels, and the other rows the queries.
     * With BPA the whole batch is transformed in one call.
     *
     * @param sets (n, d) or (B, n, d), with n greater than the number of labels
     * @param supportLabels the labels of the first rows of every set
     * @return one {@link Predictions} per set
     * @throws InvalidInputException when an argument is null, the tensor is not 2-D or 3-D, the labels do not
     *     leave a query in each set, or the BPA transform refuses the input
     */
    public List<Predictions> classifySets(Tensor sets, int[] supportLabels) {
        if (sets == null || supportLabels == null) {
            throw new InvalidInputException("FewShotClassifier.classifySets: sets and labels must not be null");
        }
        if (sets.rank() != 2 && sets.rank() != 3) {
            throw new InvalidInputException("FewShotClassifier: sets must be (n, d) or (B, n, d), got shape "
                    + sets.shapeString());
        }
        int n = sets.rows();
        int s = supportLabels.length;
        if (s < 1 || s >= n) {
            throw new InvalidInputException("FewShotClassifier: " + s + " support labels for sets of " + n
                    + " rows (need at least one support row and one query row)");
        }
        int[] classes = new TreeSet<>(java.util.Arrays.stream(supportLabels).boxed().toList())
                .stream().mapToInt(Integer::intValue).toArray();
        int[] classIndex = new int[s];
        for (int i = 0; i < s; i++) {
            classIndex[i] = java.util.Arrays.binarySearch(classes, supportLabels[i]);
        }
        Tensor features;
        if (bpa == null) {
            checkFinite(sets);
            features = sets;
        } else {
            int[][] perSet = new int[sets.sets()][];
            java.util.Arrays.fill(perSet, classIndex);
            features = bpa.transform(sets, perSet);
        }
        int f = features.cols();
        List<Predictions> out = new ArrayList<>(sets.sets());
        for (int b = 0; b < sets.sets(); b++) {
            double[] rows = features.set(b).toDoubleArray();
            out.add(NearestPrototype.classify(rows, n, f, s, classIndex, classes));
        }
        return out;
    }

    private static void checkFinite(Tensor t) {
        for (long i = 0; i < t.size(); i++) {
            if (!Double.isFinite(t.getDouble(i))) {
                throw new InvalidInputException("FewShotClassifier: feature value " + t.getDouble(i)
                        + " at flat index " + i + " of shape " + t.shapeString());
            }
        }
    }
}
