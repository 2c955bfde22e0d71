package org.bpa4j.cuda;


/**
 * The cuBLAS products of the passes, on row-major matrices. cuBLAS is column-major: a row-major matrix is
 * read as its transpose, which the operand orders below account for. Each product is first described as
 * the {@link Call} cuBLAS receives, so that the tests can evaluate that call with cuBLAS's column-major
 * semantics on the CPU and check the operand orders without a GPU.
 */
final class Gemm {
    private Gemm() {
    }

    /**
     * One (strided-batched) SGEMM exactly as cuBLAS takes it: C = alpha · op(A) op(B) + beta · C in column-major
     * storage, op(X) = X or Xᵀ, m×n result, inner dimension k, for {@code batch} matrices {@code stride*} floats apart.
     */
    record Call(boolean transA, boolean transB, int m, int n, int k, float alpha, DeviceBuffer.View a, int lda,
            long strideA, DeviceBuffer.View b, int ldb, long strideB, float beta, DeviceBuffer.View c, int ldc,
            long strideC, int batch, String what) {
    }

    /** out[b] (n×n) = F[b] F[b]ᵀ for sets of n×d row-major features. */
    static Call gramCall(DeviceBuffer.View f, DeviceBuffer.View out, int sets, int n, int d) {
        // column-major: out = Fᶜᵀ Fᶜ with Fᶜ the d×n column-major view of F
        return new Call(true, false, n, n, d, 1f, f, d, (long) n * d, f, d, (long) n * d, 0f, out, n, (long) n * n, sets,
                "Gram " + n + "x" + d);
    }

    static void gram(Workspace ws, DeviceBuffer.View f, DeviceBuffer.View out, int sets, int n, int d) {
        run(ws, gramCall(f, out, sets, n, d));
    }

    /**
     * out[b] (n×d) = alpha · op(M[b]) F[b] + beta · out[b], op(M) = M or Mᵀ, for n×n matrices M and n×d
     * features F, all row-major.
     */
    static Call matrixTimesFeaturesCall(DeviceBuffer.View m, boolean transposeM, DeviceBuffer.View f,
            DeviceBuffer.View out, float alpha, float beta, int sets, int n, int d) {
        // column-major: outᶜ (d×n) = Fᶜ (d×n) · Mᶜ, where Mᶜ = Mᵀ; so op(M) = M needs Mᶜ as is, Mᵀ needs it transposed
        return new Call(false, transposeM, d, n, n, alpha, f, d, (long) n * d, m, n, (long) n * n, beta, out, d,
                (long) n * d, sets, (transposeM ? "Mᵀ" : "M") + "·X, " + n + "x" + d);
    }

    static void matrixTimesFeatures(Workspace ws, DeviceBuffer.View m, boolean transposeM, DeviceBuffer.View f,
            DeviceBuffer.View out, float alpha, float beta, int sets, int n, int d) {
        run(ws, matrixTimesFeaturesCall(m, transposeM, f, out, alpha, beta, sets, n, d));
    }

    /**
     * C (m×p) = alpha · op(A) op(B) + beta · C for row-major matrices with row lengths lda, ldb, ldc; op
     * transposes when asked. cuBLAS, column-major, computes the same as Cᵀ = op(B)ᵀ op(A)ᵀ on the stored arrays.
     */
    static Call rowMajorCall(boolean transA, boolean transB, int m, int p, int k, float alpha, DeviceBuffer.View a,
            int lda, DeviceBuffer.View b, int ldb, float beta, DeviceBuffer.View c, int ldc, String what) {
        return new Call(transB, transA, p, m, k, alpha, b, ldb, 0, a, lda, 0, beta, c, ldc, 0, 1, what);
    }

    static void rowMajor(Workspace ws, boolean transA, boolean transB, int m, int p, int k, float alpha,
            DeviceBuffer.View a, int lda, DeviceBuffer.View b, int ldb, float beta, DeviceBuffer.View c, int ldc,
            String what) {
        run(ws, rowMajorCall(transA, transB, m, p, k, alpha, a, lda, b, ldb, beta, c, ldc, what));
    }

    /** Issues the call on the workspace's cuBLAS handle (and stream). */
    static void run(Workspace ws, Call g) {
        ws.device().gemm(ws.blas(), g, ws.gemmScalars());
    }
}
