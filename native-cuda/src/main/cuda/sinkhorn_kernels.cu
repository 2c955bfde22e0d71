// The log-domain Sinkhorn half-steps of docs/MATH.md §1 and the plan-weighted row sums of its backward pass
// (docs/MATH.md §3). One block per row of one set (blockIdx.x = b·rows + i); the matrix is read once per launch,
// coalesced. A column step runs as a row step on the transposed matrix (for BPA the matrix is symmetric).
#include "block_reduce.cuh"
#include "row_math.cuh"

using namespace bpa;

// out_i = logMarg_i - LSE_j(logK_ij + add_j), for every row i of every set. With maxLogP (optional),
// also writes max_j(out_i + logK_ij + add_j): the largest logP of this row, which saves the output step a
// pass for its max-scaling. setScale: per-set max D for BASE_DISTANCE, else unused (may be null).
extern "C" __global__ void sinkhorn_lse_rows(const float* base, int rows, int cols, int kind, int maskDiag,
        float invReg, const float* setScale, const float* add, const float* logMarg, float* out, float* maxLogP) {
    long long r = blockIdx.x;
    int b = (int)(r / rows);
    int i = (int)(r % rows);
    float scale = kind == BASE_DISTANCE ? setScale[b] : 0.0f;
    Lse acc = lse_row_partial(base + r * cols, i, cols, kind, maskDiag, invReg, scale, add + (long long)b * cols,
            threadIdx.x, blockDim.x);
    acc = block_lse(acc);
    if (threadIdx.x == 0) {
        float value = (logMarg ? logMarg[r] : 0.0f) - lse_value(acc);
        out[r] = value;
        if (maxLogP) {
            maxLogP[r] = value + acc.m;
        }
    }
}

// out_i = c_i - Σ_j w_j exp(rowShift_i + logK_ij + colAdd_j - colSub_j) for every row i of every set,
// where c_i = carry_i at a set's last iteration (carry optional) and 0 otherwise. Sets whose last
// iteration (setIters, optional) is before t are skipped. With w null the weights are 1 and -out is
// the row mass of the plan (the marginal check).
extern "C" __global__ void sinkhorn_weighted_exp_rowsum(const float* base, int rows, int cols, int kind,
        int maskDiag, float invReg, const float* setScale, const float* rowShift, const float* colAdd,
        const float* colSub, const float* weight, const float* carry, int t, const int* setIters, float* out) {
    long long r = blockIdx.x;
    int b = (int)(r / rows);
    int i = (int)(r % rows);
    int last = setIters ? setIters[b] : t;
    if (t > last) {
        return;
    }
    long long colOffset = (long long)b * cols;
    float scale = kind == BASE_DISTANCE ? setScale[b] : 0.0f;
    float acc = weighted_exp_row_partial(base + r * cols, i, cols, kind, maskDiag, invReg, scale, rowShift[r],
            colAdd + colOffset, colSub ? colSub + colOffset : nullptr, weight ? weight + colOffset : nullptr,
            threadIdx.x, blockDim.x);
    acc = block_sum(acc);
    if (threadIdx.x == 0) {
        out[r] = (carry && t == last ? carry[r] : 0.0f) - acc;
    }
}
