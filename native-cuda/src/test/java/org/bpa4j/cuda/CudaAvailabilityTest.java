package org.bpa4j.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bpa4j.Backends;
import org.bpa4j.Bpa;
import org.bpa4j.Device;
import org.bpa4j.Tensor;
import org.bpa4j.spi.Availability;
import org.junit.jupiter.api.Test;

/** Runs on every machine: the backend is found, and says why when it cannot run. */
class CudaAvailabilityTest {
    @Test
    void serviceLoaderFindsTheCudaBackend() {
        Backends.Entry cuda = Backends.all().stream().filter(e -> e.device() == Device.CUDA).findFirst().orElseThrow();
        assertNotNull(cuda.backend(), "CUDA backend not registered: " + cuda.availability().reason());
        assertEquals(CudaBackend.class, cuda.backend().getClass());
    }

    @Test
    void availabilityAlwaysHasAReasonAndNeverThrows() {
        Availability a = new CudaBackend().availability();
        assertNotNull(a.reason());
        assertFalse(a.reason().isBlank(), "an availability without a reason");
        assertTrue(new CudaBackend().details().length() > 0);
    }

    @Test
    void anExplicitRequestOnAMachineWithoutCudaFailsWithTheReason() {
        // the reason as dispatch found it: without a driver library, Backends says so without probing
        Availability a = Backends.all().stream().filter(e -> e.device() == Device.CUDA).findFirst().orElseThrow()
                .availability();
        if (a.available()) {
            return;  // covered by the GPU tests
        }
        Bpa bpa = Bpa.builder().device(Device.CUDA).build();
        Tensor x = Tensor.of(new float[] {1, 0, 0, 1, 1, 1}, 3, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> bpa.forward(x));
        assertTrue(e.getMessage().contains(a.reason()), e.getMessage());
    }
}
