package org.bpa4j.cli;

import org.bpa4j.InvalidInputException;


/**
 * k-nearest-neighbour classification by cosine similarity: a query takes the majority label of its k most
 * similar memory items; a tie goes to the tied label whose nearest member is the most similar.
 */
final class NearestNeighbours {
    private NearestNeighbours() {
    }

    /** The fraction of queries (rows × dim) whose k-NN label among the memory items equals their own. */
    static double accuracy(double[] memory, int[] memoryLabels, double[] queries, int[] queryLabels, int dim, int k) {
        int m = memoryLabels.length;
        int q = queryLabels.length;
        if (k < 1 || k > m) {
            throw new InvalidInputException("NearestNeighbours: k must be in 1.." + m + ", got " + k);
        }
        double[] mem = unitRows(memory, m, dim);
        double[] qs = unitRows(queries, q, dim);
        int labels = 0;
        for (int y : memoryLabels) {
            labels = Math.max(labels, y + 1);
        }
        int correct = 0;
        double[] sim = new double[m];
        Integer[] order = new Integer[m];
        for (int i = 0; i < q; i++) {
            for (int j = 0; j < m; j++) {
                double s = 0;
                for (int t = 0; t < dim; t++) {
                    s += qs[i * dim + t] * mem[j * dim + t];
                }
                sim[j] = s;
                order[j] = j;
            }
            java.util.Arrays.sort(order, (a, b) -> Double.compare(sim[b], sim[a]));
            int[] votes = new int[labels];
            double[] best = new double[labels];
            java.util.Arrays.fill(best, Double.NEGATIVE_INFINITY);
            for (int r = 0; r < k; r++) {
                int y = memoryLabels[order[r]];
                votes[y]++;
                best[y] = Math.max(best[y], sim[order[r]]);
            }
            int predicted = 0;
            for (int y = 1; y < labels; y++) {
                if (votes[y] > votes[predicted] || (votes[y] == votes[predicted] && best[y] > best[predicted])) {
                    predicted = y;
                }
            }
            if (predicted == queryLabels[i]) {
                correct++;
            }
        }
        return (double) correct / q;
    }

    private static double[] unitRows(double[] x, int n, int dim) {
        double[] out = new double[n * dim];
        for (int i = 0; i < n; i++) {
            double sq = 0;
            for (int t = 0; t < dim; t++) {
                sq += x[i * dim + t] * x[i * dim + t];
            }
            double norm = Math.max(Math.sqrt(sq), 1e-12);
            for (int t = 0; t < dim; t++) {
                out[i * dim + t] = x[i * dim + t] / norm;
            }
        }
        return out;
    }
}
