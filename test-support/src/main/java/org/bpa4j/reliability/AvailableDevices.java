package org.bpa4j.reliability;

import java.util.List;
import org.bpa4j.Backends;
import org.bpa4j.Device;

/**
 * The backends that can run here. In bpa4j-api only the reference backend is on the class path; modules
 * that put the fast backends beside it (the CLI) run the same tests on all of them.
 */
public final class AvailableDevices {
    private AvailableDevices() {
    }

    public static List<Device> all() {
        return Backends.all().stream().filter(Backends.Entry::available).map(Backends.Entry::device).toList();
    }

    /** Every available backend but the reference, which the others are compared with. */
    public static List<Device> fast() {
        return all().stream().filter(d -> d != Device.REFERENCE).toList();
    }
}
