// The small-set kernels (small_set.cuh): one block per set, grid = sets, blockDim a multiple of 32 (the
// backend uses 256), dynamic shared memory of small_forward_shared_floats(n) / small_backward_shared_floats(n, T)
// floats. The leading arguments are those of every base-matrix kernel (cols = n, kept for the common order).
#include "block_team.cuh"
#include "small_set.cuh"

using namespace bpa;

extern "C" __global__ void bpa_small_forward(const float* base, int n, int cols, int kind, int maskDiag,
        float invReg, const float* setScale, int sets, int iterations, int mode, const int* labels,
        const int* labelCounts, int labelStride, float* u, float* v, float* setMaxLogP, float* out) {
    extern __shared__ float shared[];
    BlockTeam team;
    SmallSets s{base, n, kind, maskDiag, invReg, setScale, sets, iterations};
    small_set_forward(team, s, (int)blockIdx.x, mode, labels, labelCounts, labelStride, u, v, setMaxLogP, out,
            shared);
}

extern "C" __global__ void bpa_small_backward(const float* base, int n, int cols, int kind, int maskDiag,
        float invReg, const float* setScale, int sets, int iterations, const float* u, const float* v, int mode,
        const float* setMaxLogP, const int* labelCounts, float* grad, float outScale, int symmetrize, float* dotSum,
        float* tieSum) {
    extern __shared__ float shared[];
    BlockTeam team;
    SmallSets s{base, n, kind, maskDiag, invReg, setScale, sets, iterations};
    small_set_backward(team, s, (int)blockIdx.x, u, v, mode, setMaxLogP, labelCounts, grad, outScale, symmetrize,
            dotSum, tieSum, shared);
}
