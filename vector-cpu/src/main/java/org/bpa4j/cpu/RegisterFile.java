package org.bpa4j.cpu;

/**
 * How many vector registers the compiled kernels have, decided once when the backend loads: the register
 * tiles of the GEMMs ({@link SymmetricGram}, {@link MatrixFeatureProduct}) are sized to it, because a tile
 * whose accumulators, operands and broadcast do not all fit is spilled to the stack on every step of k.
 *
 * <p>32 on AArch64 (NEON, SVE) and on x86 where HotSpot emits AVX-512 code ({@code -XX:UseAVX=3}, its
 * default on such CPUs), even when {@code -XX:MaxVectorSize} narrows the vectors (the registers stay);
 * otherwise 16 (x86 with AVX2, AVX or SSE, or {@code -XX:UseAVX=2} on an AVX-512 CPU).
 *
 * <p>{@code -Dbpa4j.cpu.vectorRegisters=16} or {@code 32} overrides the detection (any other value is an
 * error): the build's tests use it to run the 32-register tiles on a CPU that would pick the others.
 */
final class RegisterFile {
    static final String PROPERTY = "bpa4j.cpu.vectorRegisters";
    static final int VECTOR_REGISTERS = chosen(System.getProperty(PROPERTY));

    private static int chosen(String override) {
        if (override == null) {
            if (RowKernels.L >= 16 || "aarch64".equals(System.getProperty("os.arch"))) {
                return 32;
            }
            return "3".equals(CompilerCheck.vmOption("UseAVX")) ? 32 : 16;
        }
        if (override.equals("16") || override.equals("32")) {
            return Integer.parseInt(override);
        }
        throw new IllegalStateException("-D" + PROPERTY + " must be 16 or 32, not '" + override + "'");
    }

    private RegisterFile() {
    }
}
