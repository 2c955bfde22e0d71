package org.bpa4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * {@code backend()} on Bpa, Sinkhorn and BamLoss says which backend a call will use, as the result of the call then
 * reports it. In this module's tests only the reference backend is on the class path.
 */
class BackendChoiceTest {
    @Test
    void autoAndAnExplicitDeviceNameTheBackendTheCallsUse() {
        Bpa bpa = Bpa.builder().build();
        assertEquals(Device.REFERENCE, bpa.backend());
        float[] x = {1, 0, 0, 1, 1, 1};
        assertEquals(bpa.backend(), bpa.forward(Tensor.of(x, 3, 2)).device());
        assertEquals(Device.REFERENCE, Bpa.builder().device(Device.REFERENCE).build().backend());
        Sinkhorn sinkhorn = Sinkhorn.builder().build();
        assertEquals(Device.REFERENCE, sinkhorn.backend());
        assertEquals(sinkhorn.backend(), sinkhorn.solve(Tensor.of(new float[] {0, 1, 1, 0}, 2, 2)).device());
        assertEquals(Device.REFERENCE, BamLoss.builder().largeCrops(2).localCrops(0).build().backend());
    }

    @Test
    void anUnavailableDeviceIsRefusedWithTheReason() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Bpa.builder().device(Device.CPU).build().backend());
        assertTrue(e.getMessage().contains("backend cpu is unavailable"), e.getMessage());
    }
}
