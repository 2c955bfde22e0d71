// The small-set path (few-shot episodes, n ≤ 128, in batches of thousands): one thread block per set,
// the set's logK in shared memory, all T Sinkhorn iterations of the forward pass (docs/MATH.md §1-§2) or of the
// backward pass (docs/MATH.md §3) in one launch. The base matrix comes from the same cost setup as the multi-launch
// path (cuBLAS Gram, Euclidean epilogue), and the duals are stored in the same history layout, so the
// two paths can be mixed: a forward on one and the backward on the other.
//
// The per-set work is written once, as templates over a Team: the kernels (small_set_kernels.cu) run it
// with a CUDA block (warps of 32 lanes, __syncthreads); the host-side tests (cmake/tests) run the same
// code with one sequential thread and with a team of CPU threads that synchronise at the same points.
//
// A Team offers: thread()/threads() (flat index and count, for loops over entries), warp()/warps() and
// lane()/lanes() (one warp per matrix row, its lanes over the row), sync() (a block barrier, which also
// makes global-memory writes visible to the block), warp_lse/warp_sum (every lane of the warp gets the
// warp's total) and block_max/block_sum (every thread gets the block's total; all threads must call).
#pragma once

#include "bpa_math.cuh"
#include "row_math.cuh"

// The Team methods of the host-side tests are host functions: instantiating these templates with them is
// intended, so nvcc's check of host calls from __host__ __device__ code is turned off for them (as CUB does).
#ifdef __CUDACC__
#define BPA_TEAM_TEMPLATE _Pragma("nv_exec_check_disable") template <class Team>
#else
#define BPA_TEAM_TEMPLATE template <class Team>
#endif

namespace bpa {

// Sets larger than this take the multi-launch path.
constexpr int SMALL_SET_MAX_N = 128;

// Dynamic shared memory of the forward kernel, in floats: logK (n·n), u, v and the column maxima (n each).
// Mirrored by org.bpa4j.cuda.SmallSets.forwardSharedBytes.
BPA_HD size_t small_forward_shared_floats(int n) {
    return (size_t)n * n + 3 * (size_t)n;
}

// Dynamic shared memory of the backward kernel, in floats: logK (n·n), the histories of u, v, ḡu, ḡv
// ((T + 1)·n each) and the row sums of ∂L/∂logP (n). Mirrored by org.bpa4j.cuda.SmallSets.backwardSharedBytes.
BPA_HD size_t small_backward_shared_floats(int n, int iterations) {
    return (size_t)n * n + 4 * (size_t)(iterations + 1) * n + (size_t)n;
}

// The launch-wide description of the sets: the leading kernel arguments (org.bpa4j.cuda.BaseMatrix).
struct SmallSets {
    const float* base;      // sets·n·n base matrices (similarity or distance)
    int n;
    int kind;               // BASE_SIMILARITY or BASE_DISTANCE
    int maskDiag;
    float invReg;
    const float* setScale;  // per-set max distance (BASE_DISTANCE), else unused
    int sets;
    int iterations;

    BPA_HD float scale(int b) const {
        return kind == BASE_DISTANCE ? setScale[b] : 0.0f;
    }
};

// logK of set b into shared memory.
BPA_TEAM_TEMPLATE
BPA_HD void small_load_log_kernel(Team& team, const SmallSets& s, int b, float* logK) {
    const int n = s.n;
    const float* base = s.base + (size_t)b * n * n;
    float scale = s.scale(b);
    for (int e = team.thread(); e < n * n; e += team.threads()) {
        int i = e / n;
        int j = e - i * n;
        logK[e] = log_kernel(base[e], s.kind, i == j, s.maskDiag, s.invReg, scale);
    }
}

// Forward pass of set b: T iterations of docs/MATH.md §1 with unit marginals (rows first, then columns; logK is
// symmetric, so a column step is a row step), then Z (docs/MATH.md §2 steps 4-7) into out (which may be the base
// matrices themselves: the set's base is read before the first barrier). Writes the duals of every
// iteration into uHist/vHist at history_slot(t, b, sets, n) (slot 0: zeros) and, when setMaxLogP is not
// null, the set's largest logP, whose raw value divides Z (max-scaling).
BPA_TEAM_TEMPLATE
BPA_HD void small_set_forward(Team& team, const SmallSets& s, int b, int mode, const int* labels,
        const int* labelCounts, int labelStride, float* uHist, float* vHist, float* setMaxLogP, float* out,
        float* shared) {
    const int n = s.n;
    const int T = s.iterations;
    float* logK = shared;
    float* u = logK + (size_t)n * n;
    float* v = u + n;
    float* colMax = v + n;
    small_load_log_kernel(team, s, b, logK);
    for (int k = team.thread(); k < n; k += team.threads()) {
        v[k] = 0.0f;
        colMax[k] = -INFINITY;
        uHist[history_slot(0, b, s.sets, n) + k] = 0.0f;
        vHist[history_slot(0, b, s.sets, n) + k] = 0.0f;
    }
    team.sync();
    for (int t = 1; t <= T; t++) {
        for (int i = team.warp(); i < n; i += team.warps()) {
            Lse acc = team.warp_lse(lse_partial(LogKRow{logK + (size_t)i * n}, n, v, team.lane(), team.lanes()));
            if (team.lane() == 0) {
                float value = -lse_value(acc);
                u[i] = value;
                uHist[history_slot(t, b, s.sets, n) + i] = value;
            }
        }
        team.sync();
        for (int j = team.warp(); j < n; j += team.warps()) {
            Lse acc = team.warp_lse(lse_partial(LogKRow{logK + (size_t)j * n}, n, u, team.lane(), team.lanes()));
            if (team.lane() == 0) {
                float value = -lse_value(acc);
                v[j] = value;
                vHist[history_slot(t, b, s.sets, n) + j] = value;
                colMax[j] = value + acc.m;  // the largest logP of column j: max-scaling needs no extra pass
            }
        }
        team.sync();
    }
    float mx = -INFINITY;
    for (int k = team.thread(); k < n; k += team.threads()) {
        mx = fmaxf(mx, colMax[k]);
    }
    mx = team.block_max(mx);
    float rawScale = 1.0f;
    if (setMaxLogP) {
        rawScale = raw_output(mx, mode);
        if (team.thread() == 0) {
            setMaxLogP[b] = mx;
        }
    }
    int labelCount = labelCounts ? labelCounts[b] : 0;
    const int* setLabels = labels ? labels + (size_t)b * labelStride : nullptr;
    float* z = out + (size_t)b * n * n;
    for (int e = team.thread(); e < n * n; e += team.threads()) {
        int i = e / n;
        int j = e - i * n;
        float logP = u[i] + logK[e] + v[j];
        z[e] = output_value(logP, i, j, mode, s.maskDiag, rawScale, labelCount, setLabels);
    }
}

// Backward pass of set b (docs/MATH.md §3), in place on grad: ∂L/∂Z in, outScale · ∂L/∂logK out (outScale = -1/reg
// gives S = ∂L/∂C), 0 on a masked diagonal. With symmetrize, S + Sᵀ instead (the cosine cost's backward
// needs only that, and one GEMM instead of two). With dotSum/tieSum (Euclidean), also the set's Σ S_kl D_kl
// and the number of entries equal to the max distance. uHist/vHist: the forward's duals.
BPA_TEAM_TEMPLATE
BPA_HD void small_set_backward(Team& team, const SmallSets& s, int b, const float* uHist, const float* vHist,
        int mode, const float* setMaxLogP, const int* labelCounts, float* grad, float outScale, int symmetrize,
        float* dotSum, float* tieSum, float* shared) {
    const int n = s.n;
    const int T = s.iterations;
    const size_t slots = (size_t)(T + 1) * n;
    float* logK = shared;
    float* u = logK + (size_t)n * n;  // u[t·n + i] = uᵗ_i
    float* v = u + slots;
    float* gu = v + slots;            // ḡuᵗ after the Pᶜ step of iteration t
    float* gv = gu + slots;           // ḡvᵗ entering iteration t
    float* seedU = gv + slots;        // row sums of ∂L/∂logP
    small_load_log_kernel(team, s, b, logK);
    for (size_t k = team.thread(); k < slots; k += team.threads()) {
        int t = (int)(k / n);
        int i = (int)(k - (size_t)t * n);
        u[k] = uHist[history_slot(t, b, s.sets, n) + i];
        v[k] = vHist[history_slot(t, b, s.sets, n) + i];
        gu[k] = 0.0f;
        gv[k] = 0.0f;
    }
    team.sync();
    float rawScale = setMaxLogP ? raw_output(setMaxLogP[b], mode) : 1.0f;
    int labelCount = labelCounts ? labelCounts[b] : 0;
    float* g = grad + (size_t)b * n * n;
    const float* uT = u + (size_t)T * n;
    const float* vT = v + (size_t)T * n;
    // A = ∂L/∂logP, in place; its row sums seed ḡu at the last iteration
    for (int i = team.warp(); i < n; i += team.warps()) {
        float acc = 0.0f;
        for (int j = team.lane(); j < n; j += team.lanes()) {
            size_t e = (size_t)i * n + j;
            float logP = uT[i] + logK[e] + vT[j];
            float a = grad_logp_value(logP, g[e], i, j, mode, s.maskDiag, rawScale, labelCount);
            g[e] = a;
            acc += a;
        }
        acc = team.warp_sum(acc);
        if (team.lane() == 0) {
            seedU[i] = acc;
        }
    }
    team.sync();
    // its column sums are ḡv at the last iteration
    for (int j = team.thread(); j < n; j += team.threads()) {
        float acc = 0.0f;
        for (int i = 0; i < n; i++) {
            acc += g[(size_t)i * n + j];
        }
        gv[(size_t)T * n + j] = acc;
    }
    team.sync();
    for (int t = T; t >= 1; t--) {
        // ḡuᵗ_i = seed_i - Σ_j ḡvᵗ_j Pᶜ_ij
        for (int i = team.warp(); i < n; i += team.warps()) {
            float acc = team.warp_sum(weighted_exp_partial(LogKRow{logK + (size_t)i * n}, n, u[(size_t)t * n + i],
                    v + (size_t)t * n, nullptr, gv + (size_t)t * n, team.lane(), team.lanes()));
            if (team.lane() == 0) {
                gu[(size_t)t * n + i] = (t == T ? seedU[i] : 0.0f) - acc;
            }
        }
        team.sync();
        if (t > 1) {
            // ḡvᵗ⁻¹_j = -Σ_i ḡuᵗ_i Pʳ_ij, as a row sum: logK is symmetric
            for (int j = team.warp(); j < n; j += team.warps()) {
                float acc = team.warp_sum(weighted_exp_partial(LogKRow{logK + (size_t)j * n}, n,
                        v[(size_t)(t - 1) * n + j], u + (size_t)t * n, nullptr, gu + (size_t)t * n, team.lane(),
                        team.lanes()));
                if (team.lane() == 0) {
                    gv[(size_t)(t - 1) * n + j] = -acc;
                }
            }
            team.sync();
        }
    }
    // this set's histories in shared memory, as set 0 of 1
    DualHistory h{u, v, gu, gv, nullptr, nullptr, 1, n, n};
    const float* base = s.base + (size_t)b * n * n;
    float scale = s.scale(b);
    float dot = 0.0f;
    float ties = 0.0f;
    for (int e = team.thread(); e < n * n; e += team.threads()) {
        int i = e / n;
        int j = e - i * n;
        float value = (s.maskDiag && i == j) ? 0.0f : outScale * grad_logk_element(g[e], logK[e], T, 0, i, j, h);
        g[e] = value;
        dot += value * base[e];
        ties += base[e] == scale ? 1.0f : 0.0f;
    }
    if (dotSum) {
        dot = team.block_sum(dot);
        ties = team.block_sum(ties);
        if (team.thread() == 0) {
            dotSum[b] = dot;
            tieSum[b] = ties;
        }
    }
    if (symmetrize) {
        team.sync();
        // each pair (i, j), i < j, belongs to the thread of entry (i, j): no two threads touch one entry
        for (int e = team.thread(); e < n * n; e += team.threads()) {
            int i = e / n;
            int j = e - i * n;
            if (i < j) {
                size_t mirror = (size_t)j * n + i;
                float w = g[e] + g[mirror];
                g[e] = w;
                g[mirror] = w;
            } else if (i == j) {
                g[e] *= 2.0f;
            }
        }
    }
}

}  // namespace bpa
