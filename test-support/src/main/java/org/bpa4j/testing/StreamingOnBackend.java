package org.bpa4j.testing;

import org.bpa4j.Backends;
import org.bpa4j.Bpa;
import org.bpa4j.Device;
import org.bpa4j.StreamingBpa;
import org.bpa4j.Tensor;
import org.bpa4j.spi.Backend;

/** Test access: the streaming BPA on one given backend instance (e.g. a CPU backend with a chosen thread count). */
public final class StreamingOnBackend {
    private StreamingOnBackend() {
    }

    public static StreamingBpa streaming(Backend backend, Bpa bpa, Tensor x, int[] labels) {
        return bpa.streaming(backend, x, labels);
    }

    /** The float64 reference backend, the oracle (its class is not exported from the API module). */
    public static Backend reference() {
        return Backends.resolve(Device.REFERENCE);
    }
}
