package org.bpa4j.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import jdk.incubator.vector.FloatVector;

/**
 * The vector width a test run was started for. vector-cpu's pom runs the golden and versus-reference
 * classes again in JVMs with {@code -XX:MaxVectorSize=16/32/64} and {@code -Dbpa4j.test.vectorBits=128/256/512}
 * (the executions vector-128/256/512), as Lucene's {@code tests.vectorsize} does: each such run must really use that width,
 * and is skipped, with the reason, where the CPU has no vectors that wide (the JVM then caps the species).
 */
final class RequestedVectorWidth {
    static final String PROPERTY = "bpa4j.test.vectorBits";

    private RequestedVectorWidth() {
    }

    /** No-op in the default run; otherwise skips the test where the CPU lacks the width, fails where it is not used. */
    static void checkOrSkip() {
        String requested = System.getProperty(PROPERTY);
        if (requested == null) {
            return;
        }
        int bits = Integer.parseInt(requested);
        int widest = FloatVector.SPECIES_MAX.vectorBitSize();
        assumeTrue(widest >= bits, "this CPU's widest float vectors (as the JVM runs them) are " + widest
                + " bits; the " + bits + "-bit run is skipped");
        assertEquals(bits, FloatVector.SPECIES_PREFERRED.vectorBitSize(), "the preferred species' width");
        assertEquals(bits, RowKernels.F.vectorBitSize(), "the backend's species' width");
    }
}
