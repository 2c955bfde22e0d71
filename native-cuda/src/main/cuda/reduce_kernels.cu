// Small per-set reductions and vector plumbing between the matrix passes.
#include "block_reduce.cuh"
#include "row_math.cuh"

using namespace bpa;

// out[b] = max of in[b·len .. b·len+len); one block per set.
extern "C" __global__ void reduce_max_per_set(const float* in, int len, float* out) {
    const float* v = in + (long long)blockIdx.x * len;
    float mx = -INFINITY;
    for (int k = threadIdx.x; k < len; k += blockDim.x) {
        mx = fmaxf(mx, v[k]);
    }
    mx = block_max(mx);
    if (threadIdx.x == 0) {
        out[blockIdx.x] = mx;
    }
}

// out[b] = sum of in[b·len .. b·len+len), accumulated in double; one block per set.
extern "C" __global__ void reduce_sum_per_set(const float* in, int len, float* out) {
    const float* v = in + (long long)blockIdx.x * len;
    double acc = 0.0;
    for (int k = threadIdx.x; k < len; k += blockDim.x) {
        acc += v[k];
    }
    acc = block_sum(acc);
    if (threadIdx.x == 0) {
        out[blockIdx.x] = (float)acc;
    }
}

// Column sums of every set's rows×cols matrix: out[b·cols + j] = Σ_i m[b][i][j]. Block (32, 8): a warp
// reads 32 neighbouring columns of a row (coalesced), 8 warps split the rows. Grid (ceil(cols/32), B).
extern "C" __global__ void column_sums(const float* m, int rows, int cols, float* out) {
    __shared__ float partial[8][33];
    int b = blockIdx.y;
    int j = blockIdx.x * 32 + threadIdx.x;
    const float* set = m + (long long)b * rows * cols;
    float acc = 0.0f;
    if (j < cols) {
        for (int i = threadIdx.y; i < rows; i += blockDim.y) {
            acc += set[(long long)i * cols + j];
        }
    }
    partial[threadIdx.y][threadIdx.x] = acc;
    __syncthreads();
    if (threadIdx.y == 0 && j < cols) {
        float total = 0.0f;
        for (int k = 0; k < blockDim.y; k++) {
            total += partial[k][threadIdx.x];
        }
        out[(long long)b * cols + j] = total;
    }
}

// Tiled transpose of every set: out[b] (cols×rows) = in[b]ᵀ. Block (32, 8), grid (ceil(cols/32), ceil(rows/32), B).
extern "C" __global__ void transpose_sets(const float* in, int rows, int cols, float* out) {
    __shared__ float tile[32][33];
    long long setOffset = (long long)blockIdx.z * rows * cols;
    int col = blockIdx.x * 32 + threadIdx.x;
    for (int k = threadIdx.y; k < 32; k += blockDim.y) {
        int row = blockIdx.y * 32 + k;
        if (row < rows && col < cols) {
            tile[k][threadIdx.x] = in[setOffset + (long long)row * cols + col];
        }
    }
    __syncthreads();
    int outCol = blockIdx.y * 32 + threadIdx.x;  // a row of in
    for (int k = threadIdx.y; k < 32; k += blockDim.y) {
        int outRow = blockIdx.x * 32 + k;  // a column of in
        if (outRow < cols && outCol < rows) {
            out[setOffset + (long long)outRow * rows + outCol] = tile[threadIdx.x][k];
        }
    }
}

// out[b·len + k] = hist[slot(setIters[b], b) + k]: each set's final duals when sets stopped at different
// iterations (Sinkhorn with a tolerance). Grid-stride over sets·len.
extern "C" __global__ void gather_history_slot(const float* hist, const int* setIters, int sets, int len,
        float* out) {
    long long total = (long long)sets * len;
    for (long long e = (long long)blockIdx.x * blockDim.x + threadIdx.x; e < total;
            e += (long long)gridDim.x * blockDim.x) {
        int b = (int)(e / len);
        int k = (int)(e % len);
        out[e] = hist[history_slot(setIters[b], b, sets, len) + k];
    }
}

// hist[slot(setIters[b], b) + k] = in[b·len + k]: seeds a history at each set's own last iteration.
extern "C" __global__ void scatter_history_slot(const float* in, const int* setIters, int sets, int len,
        float* hist) {
    long long total = (long long)sets * len;
    for (long long e = (long long)blockIdx.x * blockDim.x + threadIdx.x; e < total;
            e += (long long)gridDim.x * blockDim.x) {
        int b = (int)(e / len);
        int k = (int)(e % len);
        hist[history_slot(setIters[b], b, sets, len) + k] = in[e];
    }
}
