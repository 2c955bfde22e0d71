package org.bpa4j.cpu;

/**
 * How many vector registers the compiled kernels have, decided once when the backend loads: the register
 * tiles of the GEMMs ({@link SymmetricGram}, {@link MatrixFeatureProduct}) are sized to it, because a tile
 * whose accumulators, operands and broadcast do not all fit is spilled to the stack on every step of k.
 *
 * <p>32 where the preferred species has 16 float lanes (AVX-512) and on AArch64 (NEON, SVE); otherwise 16
 * (x86 with AVX2, AVX or SSE). {@code -XX:MaxVectorSize} narrows the vectors of an AVX-512 machine without
 * taking registers away, so 16 there is merely cautious; {@code -XX:UseAVX=2} really leaves 16.
 *
 * <p>{@code -Dbpa4j.cpu.vectorRegisters=16} or {@code 32} overrides the detection (any other value is an
 * error): the build's tests use it to run the 32-register tiles on a CPU that would pick the others.
 */
final class RegisterFile {
    static final String PROPERTY = "bpa4j.cpu.vectorRegisters";
    static final int VECTOR_REGISTERS = chosen(System.getProperty(PROPERTY));

    private static int chosen(String override) {
        if (override == null) {
            return RowKernels.L >= 16 || "aarch64".equals(System.getProperty("os.arch")) ? 32 : 16;
        }
        if (override.equals("16") || override.equals("32")) {
            return Integer.parseInt(override);
        }
        throw new IllegalStateException("-D" + PROPERTY + " must be 16 or 32, not '" + override + "'");
    }

    private RegisterFile() {
    }
}
