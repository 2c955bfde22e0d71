package org.bpa4j;


/** Element type of a {@link Tensor}. */
public enum DType {
    /** IEEE 754 single precision, 4 bytes: what the SIMD and CUDA backends compute in. */
    FLOAT32(4),
    /** IEEE 754 double precision, 8 bytes: what the reference backend computes in. */
    FLOAT64(8);

    private final int byteSize;

    DType(int byteSize) {
        this.byteSize = byteSize;
    }

    /**
     * The size of one element.
     *
     * @return 4 or 8 bytes
     */
    public int byteSize() {
        return byteSize;
    }

    /**
     * The name as the command line and NumPy users spell it.
     *
     * @return {@code float32} or {@code float64}
     */
    public String label() {
        return this == FLOAT32 ? "float32" : "float64";
    }

    /**
     * Parses a precision name: {@code float32}/{@code f4}/{@code float}/{@code fp32} or
     * {@code float64}/{@code f8}/{@code double}/{@code fp64}, in any case.
     *
     * @param text the name
     * @return the element type
     * @throws InvalidInputException when the text is null or names no precision
     */
    public static DType parse(String text) {
        if (text == null) {
            throw new InvalidInputException("precision: missing (expected float32 or float64)");
        }
        return switch (text.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "float32", "f4", "float", "fp32" -> FLOAT32;
            case "float64", "f8", "double", "fp64" -> FLOAT64;
            default -> throw new InvalidInputException(
                    "precision: unknown value '" + text + "' (expected float32 or float64)");
        };
    }

}
