package org.bpa4j.cuda;

/**
 * The n×m matrix a pass keeps on the device for each set, from which the kernels derive logK on the fly
 * (bpa_math.cuh, log_kernel): a cost, a cosine similarity or a Euclidean distance. These are the leading
 * arguments of every kernel that reads it, in this order.
 *
 * @param kind one of {@link #COST}, {@link #SIMILARITY}, {@link #DISTANCE}
 * @param setScale per-set max distance for {@link #DISTANCE}, else null
 */
record BaseMatrix(DeviceBuffer.View base, int sets, int rows, int cols, int kind, boolean maskDiagonal, float invReg,
        DeviceBuffer.View setScale) {
    static final int COST = 0;
    static final int SIMILARITY = 1;
    static final int DISTANCE = 2;

    /** The same settings on another matrix of the given shape (the transpose of a cost). */
    BaseMatrix withMatrix(DeviceBuffer.View other, int otherRows, int otherCols) {
        return new BaseMatrix(other, sets, otherRows, otherCols, kind, maskDiagonal, invReg, setScale);
    }

    KernelArgs push(KernelArgs args) {
        return args.ptr(base).i32(rows).i32(cols).i32(kind).i32(maskDiagonal ? 1 : 0).f32(invReg).ptr(setScale);
    }

    long totalRows() {
        return (long) sets * rows;
    }

    long elements() {
        return (long) sets * rows * cols;
    }
}
