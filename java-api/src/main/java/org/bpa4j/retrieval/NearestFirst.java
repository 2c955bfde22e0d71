package org.bpa4j.retrieval;

import java.util.Arrays;

/**
 * Picks the k smallest of one query's gallery distances, ascending, ties to the lower gallery index.
 *
 * <p>Each distance is rounded to float32 first and packed with its index into one long — the bits of a
 * non-negative float order like the float, the index breaks ties — so that a primitive sort (k near the
 * gallery size) or a bounded heap (small k) gives the exact order without comparators or boxing.
 */
final class NearestFirst {
    private final long[] keys;
    private final int k;

    /** A reusable selector for galleries of up to {@code gallerySize} items; one per thread. */
    NearestFirst(int gallerySize, int k) {
        this.k = k;
        this.keys = new long[useSort(gallerySize, k) ? gallerySize : k];
    }

    private static boolean useSort(int gallerySize, int k) {
        return (long) k * 8 >= gallerySize;
    }

    /**
     * Writes the k nearest of {@code squared[0..g)} (squared distances, any sign from rounding) to
     * {@code indices}/{@code distances} from {@code offset}.
     */
    void select(double[] squared, int g, int[] indices, float[] distances, int offset) {
        if (useSort(g, k)) {
            for (int j = 0; j < g; j++) {
                keys[j] = key(squared[j], j);
            }
            Arrays.sort(keys, 0, g);
        } else {
            heapSelect(squared, g);
        }
        for (int r = 0; r < k; r++) {
            indices[offset + r] = (int) keys[r];
            distances[offset + r] = Float.intBitsToFloat((int) (keys[r] >>> 32));
        }
    }

    /** The k smallest keys through a max-heap of size k, then sorted ascending. */
    private void heapSelect(double[] squared, int g) {
        for (int j = 0; j < k; j++) {
            keys[j] = key(squared[j], j);
        }
        for (int i = k / 2 - 1; i >= 0; i--) {
            siftDown(i);
        }
        for (int j = k; j < g; j++) {
            long key = key(squared[j], j);
            if (key < keys[0]) {
                keys[0] = key;
                siftDown(0);
            }
        }
        Arrays.sort(keys, 0, k);
    }

    private void siftDown(int i) {
        long v = keys[i];
        while (true) {
            int child = 2 * i + 1;
            if (child >= k) {
                break;
            }
            if (child + 1 < k && keys[child + 1] > keys[child]) {
                child++;
            }
            if (keys[child] <= v) {
                break;
            }
            keys[i] = keys[child];
            i = child;
        }
        keys[i] = v;
    }

    /** The distance √max(0, s) as float32 bits in the high half, the gallery index in the low half. */
    static long key(double squared, int index) {
        float distance = (float) Math.sqrt(Math.max(0.0, squared));
        return ((long) Float.floatToRawIntBits(distance) << 32) | index;
    }
}
