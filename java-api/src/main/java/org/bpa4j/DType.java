package org.bpa4j;


/** Element type of a {@link Tensor}. */
public enum DType {
    FLOAT32(4),
    FLOAT64(8);

    private final int byteSize;

    DType(int byteSize) {
        this.byteSize = byteSize;
    }

    public int byteSize() {
        return byteSize;
    }

    /** Name as the command line and NumPy users spell it: {@code float32}, {@code float64}. */
    public String label() {
        return this == FLOAT32 ? "float32" : "float64";
    }

    /** Parses {@code float32}/{@code f4}/{@code float} and {@code float64}/{@code f8}/{@code double}. */
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
