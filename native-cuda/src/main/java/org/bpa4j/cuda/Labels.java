package org.bpa4j.cuda;

import org.bpa4j.cuda.DeviceBuffer.View;

/**
 * The support labels of every set (docs/MATH.md §2 step 6), padded to n per set for the device: labels[b·n + i]
 * and counts[b] labels in set b. Empty when no set has labels.
 */
final class Labels {
    private final int[] padded;
    private final int[] counts;

    private Labels(int[] padded, int[] counts) {
        this.padded = padded;
        this.counts = counts;
    }

    record OnDevice(View labels, View counts) {
    }

    static Labels of(int[][] perSet, int sets, int n) {
        if (perSet == null) {
            return new Labels(null, null);
        }
        if (perSet.length != sets) {
            throw new org.bpa4j.InvalidInputException("labels are given for " + perSet.length + " sets but there are " + sets);
        }
        boolean any = false;
        int[] padded = new int[Math.multiplyExact(sets, n)];
        int[] counts = new int[sets];
        for (int b = 0; b < sets; b++) {
            int[] y = perSet[b];
            if (y == null) {
                continue;
            }
            if (y.length > n) {
                throw new org.bpa4j.InvalidInputException(y.length + " labels for set " + b + " of only " + n + " rows");
            }
            any |= y.length > 0;
            counts[b] = y.length;
            System.arraycopy(y, 0, padded, b * n, y.length);
        }
        return any ? new Labels(padded, counts) : new Labels(null, null);
    }

    OnDevice upload(Workspace ws) {
        if (padded == null) {
            return new OnDevice(null, null);
        }
        View labels = ws.floats("labels", padded.length);
        View counts = ws.floats("labelCounts", this.counts.length);
        HostTransfer.upload(ws, padded, labels);
        HostTransfer.upload(ws, this.counts, counts);
        return new OnDevice(labels, counts);
    }
}
