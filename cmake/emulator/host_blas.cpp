// cublasSgemm / cublasSgemmStridedBatched evaluated on the host with cuBLAS's own rules: column-major
// storage, op(X) = X or Xᵀ, leading dimensions at least the stored rows, beta = 0 never reading C (so NaN in
// an uninitialised C does not leak). Each operand's whole extent must lie in one device allocation.
#include <string>

#include "emulator_api.h"
#include "emulator_internal.h"

using namespace emu;

namespace {

// Bytes from the first to one past the last float a column-major rows×cols operand (leading dimension ld)
// of batch matrices stride floats apart touches.
int64_t extent_bytes(int rows, int cols, int ld, int64_t stride, int batch) {
    if (rows == 0 || cols == 0 || batch == 0) {
        return 0;
    }
    int64_t last = (int64_t)(cols - 1) * ld + (rows - 1) + (int64_t)(batch - 1) * stride;
    return 4 * (last + 1);
}

}  // namespace

extern "C" int emu_sgemm(int transA, int transB, int m, int n, int k, float alpha, int64_t a, int lda,
        int64_t strideA, int64_t b, int ldb, int64_t strideB, float beta, int64_t c, int ldc, int64_t strideC,
        int batch) {
    std::lock_guard<std::mutex> lock(device_lock());
    if (m < 0 || n < 0 || k < 0 || batch < 0) {
        return fail("cublasSgemm: CUBLAS_STATUS_INVALID_VALUE (m=%d n=%d k=%d batch=%d)", m, n, k, batch);
    }
    int aRows = transA ? k : m, aCols = transA ? m : k;
    int bRows = transB ? n : k, bCols = transB ? k : n;
    if (lda < (aRows > 1 ? aRows : 1) || ldb < (bRows > 1 ? bRows : 1) || ldc < (m > 1 ? m : 1)) {
        return fail("cublasSgemm: CUBLAS_STATUS_INVALID_VALUE (lda=%d for %d stored rows, ldb=%d for %d, ldc=%d for %d)",
                lda, aRows, ldb, bRows, ldc, m);
    }
    std::string why;
    if ((k > 0 && alpha != 0.0f && (!device_range(a, extent_bytes(aRows, aCols, lda, strideA, batch), "cublasSgemm A", why)
                || !device_range(b, extent_bytes(bRows, bCols, ldb, strideB, batch), "cublasSgemm B", why)))
            || !device_range(c, extent_bytes(m, n, ldc, strideC, batch), "cublasSgemm C", why)) {
        return fail("%s", why.c_str());
    }
    const float* A = reinterpret_cast<const float*>(a);
    const float* B = reinterpret_cast<const float*>(b);
    float* C = reinterpret_cast<float*>(c);
    for (int p = 0; p < batch; p++) {
        const float* Ap = A + (int64_t)p * strideA;
        const float* Bp = B + (int64_t)p * strideB;
        float* Cp = C + (int64_t)p * strideC;
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < m; i++) {
                double acc = 0.0;
                if (alpha != 0.0f) {
                    for (int l = 0; l < k; l++) {
                        float av = transA ? Ap[l + (int64_t)i * lda] : Ap[i + (int64_t)l * lda];
                        float bv = transB ? Bp[j + (int64_t)l * ldb] : Bp[l + (int64_t)j * ldb];
                        acc += (double)av * bv;
                    }
                }
                float* out = Cp + i + (int64_t)j * ldc;
                *out = beta == 0.0f ? (float)(alpha * acc) : (float)(alpha * acc + (double)beta * *out);
            }
        }
    }
    return 0;
}
