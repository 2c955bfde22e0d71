package org.bpa4j.cpu;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.util.Optional;

/**
 * Whether HotSpot's C2 compiler runs: only C2 turns Vector API calls into SIMD instructions; without it
 * ({@code -Xint}, or {@code -XX:TieredStopAtLevel} below 4) every vector operation is an object allocation and
 * the backend is slower than the scalar reference. Lucene's vectorization provider makes the same check.
 */
final class CompilerCheck {
    private CompilerCheck() {
    }

    /** Why C2 is off in this JVM, with the flag to remove; empty when it is on or the JVM is not HotSpot. */
    static Optional<String> missingC2() {
        return missingC2(vmOption("UseCompiler"), vmOption("TieredCompilation"), vmOption("TieredStopAtLevel"));
    }

    /** The decision, from the three HotSpot options' values (null when the JVM has no such option). */
    static Optional<String> missingC2(String useCompiler, String tieredCompilation, String tieredStopAtLevel) {
        if ("false".equals(useCompiler)) {
            return Optional.of("the JIT compiler is off (-Xint), and the Vector API needs C2: remove -Xint");
        }
        if (!"false".equals(tieredCompilation) && tieredStopAtLevel != null) {
            try {
                int level = Integer.parseInt(tieredStopAtLevel.trim());
                if (level < 4) {
                    return Optional.of("C2 is off (-XX:TieredStopAtLevel=" + level
                            + "), and the Vector API needs it: remove -XX:TieredStopAtLevel");
                }
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /**
     * One HotSpot option's value ({@code -XX:UseAVX}, for instance), or null when this JVM has no such option
     * or is not HotSpot.
     */
    static String vmOption(String name) {
        try {
            return ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class).getVMOption(name).getValue();
        } catch (RuntimeException | LinkageError e) {
            return null;   // not an option of this JVM (IllegalArgumentException), or no HotSpot MXBean
        }
    }
}
