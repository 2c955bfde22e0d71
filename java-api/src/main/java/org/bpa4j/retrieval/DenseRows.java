package org.bpa4j.retrieval;

/**
 * The rows of a dense row-major matrix (float32 or float64 values, on the heap) and the exact squared
 * Euclidean distance from one row to a run of others: Σ (a − b)², each difference and the sum in double
 * precision, so that the result does not lose digits to the cancellation of ‖a‖² + ‖b‖² − 2a·b. Four rows
 * are compared at once to reuse each loaded value of the first.
 */
final class DenseRows {
    private final float[] floats;
    private final double[] doubles;
    private final int cols;

    private DenseRows(float[] floats, double[] doubles, int cols) {
        this.floats = floats;
        this.doubles = doubles;
        this.cols = cols;
    }

    static DenseRows of(float[] values, int cols) {
        return new DenseRows(values, null, cols);
    }

    static DenseRows of(double[] values, int cols) {
        return new DenseRows(null, values, cols);
    }

    /** {@code out[j] = ‖row a − row (first + j)‖²} for j in [0, count). */
    void squaredDistances(int a, int first, int count, double[] out) {
        if (floats != null) {
            floatRows(a, first, count, out);
        } else {
            doubleRows(a, first, count, out);
        }
    }

    private void floatRows(int a, int first, int count, double[] out) {
        float[] z = floats;
        int n = cols;
        long ao = (long) a * n;
        int j = 0;
        for (; j + 4 <= count; j += 4) {
            long b0 = (long) (first + j) * n;
            long b1 = b0 + n;
            long b2 = b1 + n;
            long b3 = b2 + n;
            double s0 = 0;
            double s1 = 0;
            double s2 = 0;
            double s3 = 0;
            for (int c = 0; c < n; c++) {
                double x = z[(int) (ao + c)];
                double d0 = x - z[(int) (b0 + c)];
                double d1 = x - z[(int) (b1 + c)];
                double d2 = x - z[(int) (b2 + c)];
                double d3 = x - z[(int) (b3 + c)];
                s0 += d0 * d0;
                s1 += d1 * d1;
                s2 += d2 * d2;
                s3 += d3 * d3;
            }
            out[j] = s0;
            out[j + 1] = s1;
            out[j + 2] = s2;
            out[j + 3] = s3;
        }
        for (; j < count; j++) {
            long b = (long) (first + j) * n;
            double s = 0;
            for (int c = 0; c < n; c++) {
                double d = (double) z[(int) (ao + c)] - z[(int) (b + c)];
                s += d * d;
            }
            out[j] = s;
        }
    }

    private void doubleRows(int a, int first, int count, double[] out) {
        double[] z = doubles;
        int n = cols;
        long ao = (long) a * n;
        for (int j = 0; j < count; j++) {
            long b = (long) (first + j) * n;
            double s = 0;
            for (int c = 0; c < n; c++) {
                double d = z[(int) (ao + c)] - z[(int) (b + c)];
                s += d * d;
            }
            out[j] = s;
        }
    }
}
