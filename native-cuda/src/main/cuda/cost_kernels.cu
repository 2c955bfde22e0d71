// Cost side of docs/MATH.md §2 step 1: row norms / normalisation before the Gram GEMM (done by cuBLAS), and the
// Euclidean epilogue that turns the Gram matrix into distances.
#include "block_reduce.cuh"

using namespace bpa;

// One warp per row of x (rows = B·n rows of d values). norms[r] = |x_r|; unit (optional) = x_r / max(|x_r|, 1e-12);
// sqNorms (optional) = |x_r|², summed directly rather than squared back from the root.
extern "C" __global__ void bpa_normalize_rows(const float* x, float* unit, float* norms, float* sqNorms, int rows,
        int d) {
    int warpsPerBlock = blockDim.x >> 5;
    long long r = (long long)blockIdx.x * warpsPerBlock + (threadIdx.x >> 5);
    int lane = threadIdx.x & 31;
    if (r >= rows) {
        return;
    }
    const float* xr = x + r * d;
    float sq = 0.0f;
    for (int k = lane; k < d; k += 32) {
        sq += xr[k] * xr[k];
    }
    sq = warp_sum(sq);
    float norm = sqrtf(sq);
    if (lane == 0) {
        norms[r] = norm;
        if (sqNorms) {
            sqNorms[r] = sq;
        }
    }
    if (unit) {
        float denom = fmaxf(norm, NORM_FLOOR);
        for (int k = lane; k < d; k += 32) {
            unit[r * d + k] = xr[k] / denom;
        }
    }
}

// One block per row i of set b: the Gram row becomes the distance row D_ij (in place) and rowMax[b·n+i] its max.
extern "C" __global__ void bpa_euclidean_distances(float* gram, const float* sqNorms, int n, float* rowMax) {
    long long r = blockIdx.x;
    int b = (int)(r / n);
    int i = (int)(r % n);
    float* row = gram + r * n;
    const float* sq = sqNorms + (long long)b * n;
    float sqI = sq[i];
    float mx = 0.0f;
    for (int j = threadIdx.x; j < n; j += blockDim.x) {
        float dist = distance_from_gram(sqI, sq[j], row[j], i == j);
        row[j] = dist;
        mx = fmaxf(mx, dist);
    }
    mx = block_max(mx);
    if (threadIdx.x == 0) {
        rowMax[r] = mx;
    }
}
