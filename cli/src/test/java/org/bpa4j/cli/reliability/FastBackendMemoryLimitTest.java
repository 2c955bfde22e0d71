package org.bpa4j.cli.reliability;

import java.util.List;
import org.bpa4j.Device;
import org.bpa4j.reliability.AvailableDevices;
import org.bpa4j.reliability.MemoryLimitTest;

/** Issue 6 (memorylimit) on the fast backends the command line carries; bpa4j-api's own run covers the reference. */
class FastBackendMemoryLimitTest extends MemoryLimitTest {
    static List<Device> devices() {
        return AvailableDevices.fast();
    }
}
