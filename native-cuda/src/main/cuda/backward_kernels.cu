// The backward pass of docs/MATH.md §3 beyond the plan-weighted row sums (sinkhorn_kernels.cu): the gradient
// entering logP, the final combination into ∂L/∂C, and the way back through the cost to the features.
#include "block_reduce.cuh"
#include "row_math.cuh"

using namespace bpa;

// In place, grad: ∂L/∂Z → A = ∂L/∂logP (one block per row i of set b), and rowSums_i = Σ_j A_ij, which
// seeds ḡu at the last iteration. The matrix is square: cols = n (kept for the common argument order).
extern "C" __global__ void bpa_grad_logp(const float* base, int n, int cols, int kind, int maskDiag,
        float invReg, const float* setScale, const float* u, const float* v, int mode, const float* setMaxLogP,
        const int* labelCounts, float* grad, float* rowSums) {
    long long r = blockIdx.x;
    int b = (int)(r / n);
    int i = (int)(r % n);
    float scale = kind == BASE_DISTANCE ? setScale[b] : 0.0f;
    float rawScale = setMaxLogP ? raw_output(setMaxLogP[b], mode) : 1.0f;
    int labelCount = labelCounts ? labelCounts[b] : 0;
    float ui = u[r];
    const float* vb = v + (long long)b * n;
    const float* row = base + r * n;
    float* g = grad + r * n;
    float acc = 0.0f;
    for (int j = threadIdx.x; j < n; j += blockDim.x) {
        float logP = ui + log_kernel(row[j], kind, i == j, maskDiag, invReg, scale) + vb[j];
        float a = grad_logp_value(logP, g[j], i, j, mode, maskDiag, rawScale, labelCount);
        g[j] = a;
        acc += a;
    }
    acc = block_sum(acc);
    if (threadIdx.x == 0) {
        rowSums[r] = acc;
    }
}

// In place, grad: A → outScale · ∂L/∂logK (docs/MATH.md §3; outScale = -1/reg gives ∂L/∂C), 0 on the diagonal
// when zeroDiag. One block per row i of set b; sets stop at setIters[b] (optional, else `iterations`).
// For the Euclidean cost also rowDot_i = Σ_j out_ij D_ij and rowTies_i = #{j : D_ij = max D} (optional).
extern "C" __global__ void sinkhorn_grad_combine(const float* base, int rows, int cols, int kind, int maskDiag,
        float invReg, const float* setScale, const float* u, const float* v, const float* gradU,
        const float* gradV, const float* logA, const float* logB, int sets, int iterations, const int* setIters,
        float* grad, float outScale, int zeroDiag, float* rowDot, float* rowTies) {
    long long r = blockIdx.x;
    int b = (int)(r / rows);
    int i = (int)(r % rows);
    float scale = kind == BASE_DISTANCE ? setScale[b] : 0.0f;
    int last = setIters ? setIters[b] : iterations;
    DualHistory h{u, v, gradU, gradV, logA, logB, sets, rows, cols};
    const float* row = base + r * cols;
    float* g = grad + r * cols;
    float dot = 0.0f;
    float ties = 0.0f;
    for (int j = threadIdx.x; j < cols; j += blockDim.x) {
        float lk = log_kernel(row[j], kind, i == j, maskDiag, invReg, scale);
        float value = (zeroDiag && i == j) ? 0.0f : outScale * grad_logk_element(g[j], lk, last, b, i, j, h);
        g[j] = value;
        dot += value * row[j];
        ties += row[j] == scale ? 1.0f : 0.0f;
    }
    if (rowDot) {
        dot = block_sum(dot);
        ties = block_sum(ties);
        if (threadIdx.x == 0) {
            rowDot[r] = dot;
            rowTies[r] = ties;
        }
    }
}

// In place, grad: S = ∂L/∂C → V_ij = ∂L/∂D_ij / D_ij (Euclidean, docs/MATH.md §3), where the max's gradient
// -Σ S_kl D_kl / max² (dotSum[b] = Σ S_kl D_kl) goes evenly to the tieSum[b] entries attaining the max.
// rowSums_i = Σ_j V_ij. One block per row.
extern "C" __global__ void bpa_euclidean_weights(float* grad, const float* dist, int n, const float* setScale,
        const float* dotSum, const float* tieSum, float* rowSums) {
    long long r = blockIdx.x;
    int b = (int)(r / n);
    float maxDist = setScale[b];
    float gradMax = maxDist > 0.0f ? -dotSum[b] / (maxDist * maxDist) : 0.0f;
    float ties = fmaxf(tieSum[b], 1.0f);
    const float* d = dist + r * n;
    float* g = grad + r * n;
    float acc = 0.0f;
    for (int j = threadIdx.x; j < n; j += blockDim.x) {
        float w = euclidean_weight(g[j], d[j], maxDist, gradMax, ties);
        g[j] = w;
        acc += w;
    }
    acc = block_sum(acc);
    if (threadIdx.x == 0) {
        rowSums[r] = acc;
    }
}

// gx = ∂L/∂x through x̂ = x / max(|x|, 1e-12), from gradUnit = ∂L/∂x̂. One warp per row of d values.
extern "C" __global__ void bpa_cosine_input_grad(const float* unit, const float* norms, const float* gradUnit,
        float* gx, int rows, int d) {
    int warpsPerBlock = blockDim.x >> 5;
    long long r = (long long)blockIdx.x * warpsPerBlock + (threadIdx.x >> 5);
    int lane = threadIdx.x & 31;
    if (r >= rows) {
        return;
    }
    const float* ur = unit + r * d;
    const float* gr = gradUnit + r * d;
    float radial = 0.0f;
    for (int k = lane; k < d; k += 32) {
        radial += ur[k] * gr[k];
    }
    radial = warp_sum(radial);
    float norm = norms[r];
    for (int k = lane; k < d; k += 32) {
        gx[r * d + k] = cosine_input_grad(gr[k], ur[k], radial, norm);
    }
}

// gx_i = x_i (Σ_j V_ij + Σ_j V_ji) - (V x)_i - (Vᵀ x)_i (Euclidean), with vx = V x + Vᵀ x from cuBLAS.
// Grid-stride over rows·d entries.
extern "C" __global__ void bpa_euclidean_input_grad(const float* x, const float* rowSums, const float* colSums,
        const float* vx, float* gx, int rows, int d) {
    long long total = (long long)rows * d;
    for (long long e = (long long)blockIdx.x * blockDim.x + threadIdx.x; e < total;
            e += (long long)gridDim.x * blockDim.x) {
        long long r = e / d;
        gx[e] = x[e] * (rowSums[r] + colSums[r]) - vx[e];
    }
}
