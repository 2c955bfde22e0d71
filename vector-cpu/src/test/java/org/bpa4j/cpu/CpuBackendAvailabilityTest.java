package org.bpa4j.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.bpa4j.Backends;
import org.bpa4j.Device;
import org.junit.jupiter.api.Test;

class CpuBackendAvailabilityTest {

    @Test
    void withoutTheVectorModuleItSaysWhyAndHowToFixIt() {
        CpuBackend.Probe probe = CpuBackend.Probe.run(Optional.empty(), CpuBackend.class.getModule());
        assertFalse(probe.availability().available());
        assertNull(probe.operations());
        assertEquals("jdk.incubator.vector is not readable: start the JVM with --add-modules jdk.incubator.vector",
                probe.availability().reason());
    }

    @Test
    void withTheModuleItIsFoundAndPreferredOverTheReference() {
        // surefire starts the JVM with --add-modules jdk.incubator.vector
        CpuBackend backend = new CpuBackend();
        assertTrue(backend.availability().available(), backend.availability().reason());
        assertTrue(backend.details().contains("float32"), backend.details());
        Backends.Entry cpu = Backends.all().stream().filter(e -> e.device() == Device.CPU).findFirst().orElseThrow();
        assertTrue(cpu.available(), cpu.availability().reason());
        assertEquals(Device.CPU, Backends.resolve(Device.CPU).device());
    }

    @Test
    void threadCountsAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> new CpuBackend(0));
        CpuBackend backend = new CpuBackend(3);
        assertEquals(3, backend.threads());
        backend.setThreads(1);
        assertEquals(1, backend.threads());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> backend.setThreads(-2));
        assertTrue(e.getMessage().contains("threads"), e.getMessage());
    }
}
