package org.bpa4j.cpu;

/**
 * The k largest of a stream of (value, index) pairs met in increasing index order: a min-heap whose root is the
 * entry to beat, so a later value enters only when strictly larger (ties keep the lower index, as README "Large
 * sets" promises). One per row of a block; reused row after row.
 */
final class TopKSelector {
    private final int k;
    private final float[] values;
    private final int[] indices;
    private int size;

    TopKSelector(int k) {
        this.k = k;
        this.values = new float[k];
        this.indices = new int[k];
    }

    void reset() {
        size = 0;
    }

    /** The value a new entry must exceed to enter: −∞ until k entries are held. */
    float threshold() {
        return size < k ? Float.NEGATIVE_INFINITY : values[0];
    }

    /** Offers entry (value, index); indices must come in increasing order. */
    void offer(float value, int index) {
        if (size < k) {
            int at = size++;
            values[at] = value;
            indices[at] = index;
            siftUp(at);
        } else if (value > values[0]) {
            values[0] = value;
            indices[0] = index;
            siftDown(0);
        }
    }

    /** a is worse than b: smaller value, or the same value and a higher index. */
    private boolean worse(int a, int b) {
        return values[a] < values[b] || (values[a] == values[b] && indices[a] > indices[b]);
    }

    private void siftUp(int at) {
        while (at > 0) {
            int parent = (at - 1) / 2;
            if (!worse(at, parent)) {
                return;
            }
            swap(at, parent);
            at = parent;
        }
    }

    private void siftDown(int at) {
        while (true) {
            int left = 2 * at + 1;
            if (left >= size) {
                return;
            }
            int worst = left;
            if (left + 1 < size && worse(left + 1, left)) {
                worst = left + 1;
            }
            if (!worse(worst, at)) {
                return;
            }
            swap(at, worst);
            at = worst;
        }
    }

    private void swap(int a, int b) {
        float v = values[a];
        values[a] = values[b];
        values[b] = v;
        int i = indices[a];
        indices[a] = indices[b];
        indices[b] = i;
    }

    /** Writes the entries best first (descending value, ties to the lower index) at out[at..at+k); empties it. */
    void drainInto(float[] outValues, long[] outIndices, int at) {
        for (int c = size - 1; c >= 0; c--) {
            outValues[at + c] = values[0];
            outIndices[at + c] = indices[0];
            size--;
            values[0] = values[size];
            indices[0] = indices[size];
            siftDown(0);
        }
        size = 0;
    }
}
