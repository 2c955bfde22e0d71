package org.bpa4j.cli.reliability;

import java.util.List;
import org.bpa4j.reliability.AvailableDevices;
import org.bpa4j.reliability.BadInputTest;
import org.junit.jupiter.api.Named;

/** Issue 6, item 1, through the API on the fast backends the command line carries. */
class FastBackendBadInputTest extends BadInputTest {
    static List<Named<Refusal>> refusals() {
        return refusals(AvailableDevices.fast());
    }
}
