package org.bpa4j;

import org.bpa4j.spi.Backend;
import org.bpa4j.spi.BpaOptions;

/** Test access: the streaming BPA on one given backend instance (e.g. a CPU backend with a chosen thread count). */
public final class StreamingOnBackend {
    private StreamingOnBackend() {
    }

    public static StreamingBpa streaming(Backend backend, Bpa bpa, Tensor x, int[] labels) {
        BpaOptions options = new BpaOptions(bpa.metric(), bpa.reg(), bpa.iterations(), bpa.sigmoid(),
                bpa.maskDiagonal(), bpa.maxScale(), DType.FLOAT32);
        return new StreamingBpa(options, backend.blockKernel(options, x), x.rows(), labels, backend.device(),
                bpa.metric() == Metric.EUCLIDEAN ? Double.NaN : 0.0);
    }
}
