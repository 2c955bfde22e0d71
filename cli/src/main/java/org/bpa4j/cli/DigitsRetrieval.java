package org.bpa4j.cli;

import org.bpa4j.InvalidInputException;

import java.io.IOException;
import org.bpa4j.Bpa;
import org.bpa4j.Tensor;
import org.bpa4j.fewshot.BundledDigits;
import org.bpa4j.fewshot.LabeledData;
import org.bpa4j.retrieval.EuclideanRanking;
import org.bpa4j.retrieval.Rerank;
import org.bpa4j.retrieval.RetrievalScore;

/**
 * The retrieval evaluation on the bundled digits: a seeded split into queries and a gallery (the seeded
 * shuffle of {@link DigitsSplit}, its first images the queries), scored by mAP and top-1 for raw pixels
 * (Euclidean), dense BPA re-ranking and keep-M BPA re-ranking.
 */
record DigitsRetrieval(LabeledData queries, LabeledData gallery) {
    static final int QUERIES = 300;

    static DigitsRetrieval split(int queries, long seed) throws IOException {
        LabeledData all = BundledDigits.load();
        if (queries < 1 || queries >= all.size()) {
            throw new InvalidInputException("--queries must be in 1.." + (all.size() - 1) + " (the digits have "
                    + all.size() + " images), got " + queries);
        }
        DigitsSplit split = DigitsSplit.of(all, queries, seed);
        return new DigitsRetrieval(split.train(), split.heldOut());
    }

    Tensor queryFeatures() {
        return features(queries);
    }

    Tensor galleryFeatures() {
        return features(gallery);
    }

    int[] queryLabels() {
        return labels(queries);
    }

    int[] galleryLabels() {
        return labels(gallery);
    }

    RetrievalScore raw() {
        return score(EuclideanRanking.rank(queryFeatures(), galleryFeatures()));
    }

    /** BPA re-ranking, dense ({@code keep} 0) or each row's {@code keep} largest entries. */
    RetrievalScore bpa(Bpa bpa, int keep) {
        Rerank.Builder rerank = Rerank.builder().bpa(bpa);
        if (keep > 0) {
            rerank.keep(keep);
        }
        return score(rerank.build().rank(queryFeatures(), galleryFeatures()));
    }

    private RetrievalScore score(org.bpa4j.retrieval.Ranking ranking) {
        return RetrievalScore.of(ranking, queryLabels(), galleryLabels());
    }

    private static Tensor features(LabeledData data) {
        float[] x = new float[data.size() * data.dim()];
        for (int i = 0; i < data.size(); i++) {
            data.copyFeatures(i, x, i * data.dim());
        }
        return Tensor.of(x, data.size(), data.dim());
    }

    private static int[] labels(LabeledData data) {
        int[] y = new int[data.size()];
        for (int i = 0; i < y.length; i++) {
            y[i] = data.label(i);
        }
        return y;
    }

    static long[] asLongs(int[] values) {
        long[] out = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }
}
