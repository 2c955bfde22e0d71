package org.bpa4j.fewshot;

/** The Prototypical-Network rule on one set of feature rows, in double precision. */
final class NearestPrototype {
    private NearestPrototype() {
    }

    /**
     * rows: n × f, the first s are the support with class indices {@code classIndex} (into {@code classes});
     * the rest are queries.
     */
    static Predictions classify(double[] rows, int n, int f, int s, int[] classIndex, int[] classes) {
        int k = classes.length;
        double[] means = new double[k * f];
        int[] counts = new int[k];
        for (int i = 0; i < s; i++) {
            int c = classIndex[i];
            counts[c]++;
            for (int j = 0; j < f; j++) {
                means[c * f + j] += rows[i * f + j];
            }
        }
        for (int c = 0; c < k; c++) {
            for (int j = 0; j < f; j++) {
                means[c * f + j] /= counts[c];
            }
        }
        int q = n - s;
        int[] predicted = new int[q];
        double[] probabilities = new double[q * k];
        double[] dist = new double[k];
        for (int i = 0; i < q; i++) {
            int row = (s + i) * f;
            int best = 0;
            for (int c = 0; c < k; c++) {
                double sum = 0;
                for (int j = 0; j < f; j++) {
                    double diff = rows[row + j] - means[c * f + j];
                    sum += diff * diff;
                }
                dist[c] = sum;
                if (sum < dist[best]) {
                    best = c;
                }
            }
            predicted[i] = classes[best];
            // softmax of −d², shifted by the smallest distance
            double total = 0;
            for (int c = 0; c < k; c++) {
                double e = Math.exp(dist[best] - dist[c]);
                probabilities[i * k + c] = e;
                total += e;
            }
            for (int c = 0; c < k; c++) {
                probabilities[i * k + c] /= total;
            }
        }
        return new Predictions(classes, predicted, probabilities);
    }
}
