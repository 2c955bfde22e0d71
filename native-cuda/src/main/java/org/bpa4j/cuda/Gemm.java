package org.bpa4j.cuda;

import org.bytedeco.cuda.global.cublas;
import org.bytedeco.javacpp.FloatPointer;

/**
 * The cuBLAS products of the BPA passes, on row-major matrices, one per set (strided-batched). cuBLAS is
 * column-major: a row-major matrix is read as its transpose, which the operand orders below account for.
 */
final class Gemm {
    private Gemm() {
    }

    /** out[b] (n×n) = F[b] F[b]ᵀ for sets of n×d row-major features. */
    static void gram(Workspace ws, DeviceBuffer.View f, DeviceBuffer.View out, int sets, int n, int d) {
        // column-major: out = Fᶜᵀ Fᶜ with Fᶜ the d×n column-major view of F
        try (FloatPointer one = new FloatPointer(1f); FloatPointer zero = new FloatPointer(0f)) {
            CudaCheck.cublas(cublas.cublasSgemmStridedBatched(ws.cublasHandle(), cublas.CUBLAS_OP_T, cublas.CUBLAS_OP_N,
                    n, n, d, one, f.asFloatPointer(), d, (long) n * d, f.asFloatPointer(), d, (long) n * d,
                    zero, out.asFloatPointer(), n, (long) n * n, sets), "cublasSgemmStridedBatched (Gram " + n + "x" + d + ")");
        }
    }

    /**
     * out[b] (n×d) = alpha · op(M[b]) F[b] + beta · out[b], op(M) = M or Mᵀ, for n×n matrices M and n×d
     * features F, all row-major.
     */
    static void matrixTimesFeatures(Workspace ws, DeviceBuffer.View m, boolean transposeM, DeviceBuffer.View f,
            DeviceBuffer.View out, float alpha, float beta, int sets, int n, int d) {
        // column-major: outᶜ (d×n) = Fᶜ (d×n) · Mᶜ, where Mᶜ = Mᵀ; so op(M) = M needs Mᶜ as is, Mᵀ needs it transposed
        int opM = transposeM ? cublas.CUBLAS_OP_T : cublas.CUBLAS_OP_N;
        try (FloatPointer a = new FloatPointer(alpha); FloatPointer b = new FloatPointer(beta)) {
            CudaCheck.cublas(cublas.cublasSgemmStridedBatched(ws.cublasHandle(), cublas.CUBLAS_OP_N, opM,
                    d, n, n, a, f.asFloatPointer(), d, (long) n * d, m.asFloatPointer(), n, (long) n * n,
                    b, out.asFloatPointer(), d, (long) n * d, sets),
                    "cublasSgemmStridedBatched (" + (transposeM ? "Mᵀ" : "M") + "·X, " + n + "x" + d + ")");
        }
    }

    /**
     * C (m×p) = alpha · op(A) op(B) + beta · C for row-major matrices with row lengths lda, ldb, ldc; op
     * transposes when asked. cuBLAS, column-major, computes the same as Cᵀ = op(B)ᵀ op(A)ᵀ on the stored arrays.
     */
    static void rowMajor(Workspace ws, boolean transA, boolean transB, int m, int p, int k, float alpha,
            DeviceBuffer.View a, int lda, DeviceBuffer.View b, int ldb, float beta, DeviceBuffer.View c, int ldc,
            String what) {
        try (FloatPointer al = new FloatPointer(alpha); FloatPointer be = new FloatPointer(beta)) {
            CudaCheck.cublas(cublas.cublasSgemm_v2(ws.cublasHandle(), transB ? cublas.CUBLAS_OP_T : cublas.CUBLAS_OP_N,
                    transA ? cublas.CUBLAS_OP_T : cublas.CUBLAS_OP_N, p, m, k, al, b.asFloatPointer(), ldb,
                    a.asFloatPointer(), lda, be, c.asFloatPointer(), ldc), "cublasSgemm (" + what + ")");
        }
    }
}
