package org.bpa4j.cuda;

import org.bpa4j.DType;
import org.bpa4j.Device;
import org.bpa4j.testing.GoldenBackendContract;

/** The authors' golden outputs and gradients (docs/MATH.md §5) through the CUDA backend, to 5e-4 in float32. */
@RequiresCuda
class CudaGoldenTest extends GoldenBackendContract {
    @Override
    protected Device device() {
        return Device.CUDA;
    }

    @Override
    protected DType precision() {
        return DType.FLOAT32;
    }

    @Override
    protected double tolerance() {
        return 5e-4;
    }
}
