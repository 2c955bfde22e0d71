package org.bpa4j.reference;

import org.bpa4j.DType;
import org.bpa4j.Device;
import org.bpa4j.testing.GoldenBackendContract;

/** The authors' outputs and gradients, reproduced by the reference backend to 1e-9 (docs/MATH.md §5). */
class ReferenceGoldenTest extends GoldenBackendContract {
    @Override
    protected Device device() {
        return Device.REFERENCE;
    }

    @Override
    protected DType precision() {
        return DType.FLOAT64;
    }

    @Override
    protected double tolerance() {
        return 1e-9;
    }
}
