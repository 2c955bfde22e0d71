package org.bpa4j.cli.reliability;

import java.util.List;
import org.bpa4j.reliability.AvailableDevices;
import org.bpa4j.reliability.ExtremeValuesTest;
import org.junit.jupiter.params.provider.Arguments;

/** Issue 6, item 4, on the fast backends that the command line carries (bpa4j-api's tests see only the reference). */
class FastBackendExtremeValuesTest extends ExtremeValuesTest {
    static List<Arguments> cases() {
        return cases(AvailableDevices.fast());
    }

    static List<Arguments> sinkhornCases() {
        return sinkhornCases(AvailableDevices.fast());
    }

    static List<Arguments> bamCases() {
        return bamCases(AvailableDevices.fast());
    }
}
