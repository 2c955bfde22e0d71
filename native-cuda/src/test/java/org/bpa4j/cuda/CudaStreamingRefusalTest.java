package org.bpa4j.cuda;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bpa4j.DType;
import org.bpa4j.Metric;
import org.bpa4j.Tensor;
import org.bpa4j.spi.BpaOptions;
import org.junit.jupiter.api.Test;

/** The streaming top-k (README "Large sets") has no CUDA kernels yet: the backend says so, and AUTO moves on. */
class CudaStreamingRefusalTest {
    @Test
    void theBlockKernelIsRefusedWithTheReason() {
        BpaOptions options = new BpaOptions(Metric.COSINE, 0.1, 10, false, true, true, DType.FLOAT32);
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> new CudaBackend().blockKernel(options, Tensor.of(new float[8], 4, 2)));
        assertTrue(e.getMessage().contains("streaming top-k") && e.getMessage().contains("cpu backend"),
                e.getMessage());
    }
}
