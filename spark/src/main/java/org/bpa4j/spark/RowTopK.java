package org.bpa4j.spark;

/**
 * The k largest entries of one row of a dense BPA output, largest first; equal values keep the lower column
 * first, so the choice is deterministic.
 */
final class RowTopK {
    private RowTopK() {
    }

    /** Columns of the k largest of {@code row[from .. from + n)}, largest first (k ≤ n). */
    static int[] indices(double[] row, int from, int n, int k) {
        // a min-heap of the best k so far, ordered worst first: O(n log k), no n-sized sort
        int[] heap = new int[k];
        int size = 0;
        for (int j = 0; j < n; j++) {
            if (size < k) {
                heap[size] = j;
                siftUp(heap, size++, row, from);
            } else if (better(row, from, j, heap[0])) {
                heap[0] = j;
                siftDown(heap, size, row, from);
            }
        }
        // pop worst first into the back
        int[] out = new int[size];
        for (int i = size - 1; i >= 0; i--) {
            out[i] = heap[0];
            heap[0] = heap[--size];
            siftDown(heap, size, row, from);
        }
        return out;
    }

    /** Whether column a ranks before column b: a larger value, or the same value at a lower column. */
    private static boolean better(double[] row, int from, int a, int b) {
        double x = row[from + a];
        double y = row[from + b];
        return x > y || (x == y && a < b);
    }

    private static void siftUp(int[] heap, int i, double[] row, int from) {
        while (i > 0) {
            int parent = (i - 1) / 2;
            if (!better(row, from, heap[parent], heap[i])) {
                break;
            }
            swap(heap, i, parent);
            i = parent;
        }
    }

    private static void siftDown(int[] heap, int size, double[] row, int from) {
        int i = 0;
        while (true) {
            int l = 2 * i + 1;
            int r = l + 1;
            int worst = i;
            if (l < size && better(row, from, heap[worst], heap[l])) {
                worst = l;
            }
            if (r < size && better(row, from, heap[worst], heap[r])) {
                worst = r;
            }
            if (worst == i) {
                return;
            }
            swap(heap, i, worst);
            i = worst;
        }
    }

    private static void swap(int[] heap, int a, int b) {
        int t = heap[a];
        heap[a] = heap[b];
        heap[b] = t;
    }
}
