// The CUDA backend's sequence of kernel launches (org.bpa4j.cuda.CudaBpa / CudaSinkhorn), replayed on the
// host: each "kernel" is a CPU loop over the same __host__ __device__ functions the kernels call, in
// float32, with start 0 and step 1 where a kernel splits a row among its threads. GEMMs are plain loops.
#pragma once

#include <vector>

#include "bpa_math.cuh"
#include "row_math.cuh"
#include "small_set.cuh"

namespace host {

using FVec = std::vector<float>;
using namespace bpa;

inline size_t slot(int t, int b, int sets, int len) { return history_slot(t, b, sets, len); }

// Log-domain Sinkhorn on B sets of rows×cols base matrices; `transposed` holds the cols×rows transposes
// (for a symmetric base, the base itself).
struct Sinkhorn {
    int B, rows, cols, T, kind, maskDiag;
    float invReg;
    const FVec* base;
    const FVec* transposed;
    const FVec* setScale;  // BASE_DISTANCE only
    const FVec* logA;      // may be null
    const FVec* logB;
    FVec U, V, colMax;

    float scale(int b) const { return kind == BASE_DISTANCE ? (*setScale)[b] : 0.0f; }

    void forward() {
        U.assign((size_t)(T + 1) * B * rows, 0.0f);
        V.assign((size_t)(T + 1) * B * cols, 0.0f);
        colMax.assign((size_t)B * cols, 0.0f);
        for (int t = 1; t <= T; t++) {
            for (int b = 0; b < B; b++)
                for (int i = 0; i < rows; i++) {  // sinkhorn_lse_rows on the base
                    const float* row = base->data() + ((size_t)b * rows + i) * cols;
                    Lse acc = lse_row_partial(row, i, cols, kind, maskDiag, invReg, scale(b),
                            V.data() + slot(t - 1, b, B, cols), 0, 1);
                    U[slot(t, b, B, rows) + i] = (logA ? (*logA)[(size_t)b * rows + i] : 0.0f) - lse_value(acc);
                }
            for (int b = 0; b < B; b++)
                for (int j = 0; j < cols; j++) {  // sinkhorn_lse_rows on the transpose
                    const float* row = transposed->data() + ((size_t)b * cols + j) * rows;
                    Lse acc = lse_row_partial(row, j, rows, kind, maskDiag, invReg, scale(b),
                            U.data() + slot(t, b, B, rows), 0, 1);
                    float value = (logB ? (*logB)[(size_t)b * cols + j] : 0.0f) - lse_value(acc);
                    V[slot(t, b, B, cols) + j] = value;
                    colMax[(size_t)b * cols + j] = value + acc.m;
                }
        }
    }

    float logK(int b, int i, int j) const {
        float x = (*base)[((size_t)b * rows + i) * cols + j];
        return log_kernel(x, kind, i == j, maskDiag, invReg, scale(b));
    }

    // A (B·rows·cols) = ∂L/∂logP → outScale · ∂L/∂logK (zeroDiag: 0 on the diagonal).
    FVec backward(const FVec& A, float outScale, int zeroDiag) const {
        FVec seedU((size_t)B * rows, 0.0f), GU((size_t)(T + 1) * B * rows, 0.0f),
                GV((size_t)(T + 1) * B * cols, 0.0f);
        for (int b = 0; b < B; b++)
            for (int i = 0; i < rows; i++)
                for (int j = 0; j < cols; j++) {
                    float a = A[((size_t)b * rows + i) * cols + j];
                    seedU[(size_t)b * rows + i] += a;        // bpa_grad_logp's row sums
                    GV[slot(T, b, B, cols) + j] += a;        // column_sums into slot T
                }
        for (int t = T; t >= 1; t--) {
            for (int b = 0; b < B; b++)
                for (int i = 0; i < rows; i++) {  // sinkhorn_weighted_exp_rowsum, Pᶜ
                    const float* row = base->data() + ((size_t)b * rows + i) * cols;
                    float acc = weighted_exp_row_partial(row, i, cols, kind, maskDiag, invReg, scale(b),
                            U[slot(t, b, B, rows) + i], V.data() + slot(t, b, B, cols),
                            logB ? logB->data() + (size_t)b * cols : nullptr, GV.data() + slot(t, b, B, cols), 0, 1);
                    GU[slot(t, b, B, rows) + i] = (t == T ? seedU[(size_t)b * rows + i] : 0.0f) - acc;
                }
            if (t == 1) break;
            for (int b = 0; b < B; b++)
                for (int j = 0; j < cols; j++) {  // sinkhorn_weighted_exp_rowsum on the transpose, Pʳ
                    const float* row = transposed->data() + ((size_t)b * cols + j) * rows;
                    float acc = weighted_exp_row_partial(row, j, rows, kind, maskDiag, invReg, scale(b),
                            V[slot(t - 1, b, B, cols) + j], U.data() + slot(t, b, B, rows),
                            logA ? logA->data() + (size_t)b * rows : nullptr, GU.data() + slot(t, b, B, rows), 0, 1);
                    GV[slot(t - 1, b, B, cols) + j] = -acc;
                }
        }
        DualHistory h{U.data(), V.data(), GU.data(), GV.data(), logA ? logA->data() : nullptr,
                logB ? logB->data() : nullptr, B, rows, cols};
        FVec out(A.size());
        for (int b = 0; b < B; b++)  // sinkhorn_grad_combine
            for (int i = 0; i < rows; i++)
                for (int j = 0; j < cols; j++) {
                    size_t e = ((size_t)b * rows + i) * cols + j;
                    out[e] = (zeroDiag && i == j) ? 0.0f : outScale * grad_logk_element(A[e], logK(b, i, j), T, b, i, j, h);
                }
        return out;
    }
};

struct BpaOptions {
    bool euclidean = false;
    float reg = 0.1f;
    int iterations = 10;
    bool sigmoid = false;
    bool maskDiagonal = true;
    bool maxScale = true;
    std::vector<int> labels;
};

// docs/MATH.md §2 step 1 as CostSetup runs it: bpa_normalize_rows, the Gram GEMM (a plain loop here), and for the
// Euclidean cost bpa_euclidean_distances + reduce_max_per_set.
struct Cost {
    int B, n, d;
    bool euclidean;
    FVec x, unit, norms, sqNorms, base, setScale;

    Cost(FVec x_, int B_, int n_, int d_, bool euclidean_) : B(B_), n(n_), d(d_), euclidean(euclidean_), x(std::move(x_)) {
        int rows = B * n;
        unit.assign(x.size(), 0.0f);
        norms.assign(rows, 0.0f);
        sqNorms.assign(rows, 0.0f);
        for (int r = 0; r < rows; r++) {  // bpa_normalize_rows
            float sq = 0;
            for (int k = 0; k < d; k++) sq += x[(size_t)r * d + k] * x[(size_t)r * d + k];
            norms[r] = sqrtf(sq);
            sqNorms[r] = sq;
            for (int k = 0; k < d; k++) unit[(size_t)r * d + k] = x[(size_t)r * d + k] / fmaxf(norms[r], NORM_FLOOR);
        }
        const FVec& f = euclidean ? x : unit;
        base.assign((size_t)B * n * n, 0.0f);
        for (int b = 0; b < B; b++)  // cuBLAS: base = F Fᵀ
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++) {
                    float dot = 0;
                    for (int k = 0; k < d; k++) dot += f[((size_t)b * n + i) * d + k] * f[((size_t)b * n + j) * d + k];
                    base[((size_t)b * n + i) * n + j] = dot;
                }
        setScale.assign(B, 0.0f);
        if (euclidean) {
            for (int b = 0; b < B; b++)  // bpa_euclidean_distances + reduce_max_per_set
                for (int i = 0; i < n; i++)
                    for (int j = 0; j < n; j++) {
                        float& e = base[((size_t)b * n + i) * n + j];
                        e = distance_from_gram(sqNorms[(size_t)b * n + i], sqNorms[(size_t)b * n + j], e, i == j);
                        setScale[b] = fmaxf(setScale[b], e);
                    }
        }
    }

    int kind() const { return euclidean ? BASE_DISTANCE : BASE_SIMILARITY; }

    // Cosine: ∂L/∂x from W = S + Sᵀ per set (cuBLAS -W X̂, then bpa_cosine_input_grad).
    FVec cosine_grad(const FVec& W) const {
        FVec gx(x.size(), 0.0f);
        for (int b = 0; b < B; b++)
            for (int i = 0; i < n; i++) {
                std::vector<float> gUnit(d, 0.0f);
                for (int j = 0; j < n; j++)
                    for (int k = 0; k < d; k++)
                        gUnit[k] -= W[((size_t)b * n + i) * n + j] * unit[((size_t)b * n + j) * d + k];
                size_t r = (size_t)b * n + i;
                float radial = 0;
                for (int k = 0; k < d; k++) radial += unit[r * d + k] * gUnit[k];
                for (int k = 0; k < d; k++) gx[r * d + k] = cosine_input_grad(gUnit[k], unit[r * d + k], radial, norms[r]);
            }
        return gx;
    }

    // Euclidean: ∂L/∂x from S = ∂L/∂C and, per set, Σ S_kl D_kl and the number of entries at the max
    // (bpa_euclidean_weights, column_sums, cuBLAS V X + Vᵀ X, bpa_euclidean_input_grad).
    FVec euclidean_grad(const FVec& S, const FVec& dotSum, const FVec& tieSum) const {
        FVec gx(x.size(), 0.0f);
        for (int b = 0; b < B; b++) {
            float maxD = setScale[b];
            float gradMax = maxD > 0 ? -dotSum[b] / (maxD * maxD) : 0.0f;
            FVec V((size_t)n * n), rs(n, 0.0f), cs(n, 0.0f);
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++) {
                    size_t e = ((size_t)b * n + i) * n + j;
                    V[(size_t)i * n + j] = euclidean_weight(S[e], base[e], maxD, gradMax, fmaxf(tieSum[b], 1.0f));
                    rs[i] += V[(size_t)i * n + j];
                    cs[j] += V[(size_t)i * n + j];
                }
            for (int i = 0; i < n; i++)
                for (int k = 0; k < d; k++) {
                    float vx = 0;
                    for (int j = 0; j < n; j++)
                        vx += (V[(size_t)i * n + j] + V[(size_t)j * n + i]) * x[((size_t)b * n + j) * d + k];
                    size_t e = ((size_t)b * n + i) * d + k;
                    gx[e] = x[e] * (rs[i] + cs[i]) - vx;
                }
        }
        return gx;
    }
};

// BPA on B sets of n×d features, as CudaBpa drives the multi-launch kernels.
struct Bpa {
    int B, n, d;
    BpaOptions o;
    Cost cost;
    FVec setMaxLogP, out;
    Sinkhorn sk{};

    int mode() const { return o.sigmoid ? OUTPUT_SIGMOID : OUTPUT_EXP; }
    int L() const { return (int)o.labels.size(); }

    Bpa(FVec x_, int B_, int n_, int d_, BpaOptions opt)
        : B(B_), n(n_), d(d_), o(std::move(opt)), cost(std::move(x_), B_, n_, d_, o.euclidean) {
        sk = Sinkhorn{B, n, n, o.iterations, cost.kind(), o.maskDiagonal ? 1 : 0, 1.0f / o.reg, &cost.base, &cost.base,
                &cost.setScale, nullptr, nullptr};
        sk.forward();
        setMaxLogP.assign(B, -INFINITY);
        for (int b = 0; b < B; b++)
            for (int j = 0; j < n; j++) setMaxLogP[b] = fmaxf(setMaxLogP[b], sk.colMax[(size_t)b * n + j]);
        out.assign(cost.base.size(), 0.0f);
        for (int b = 0; b < B; b++)  // bpa_output
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++) {
                    float rawScale = o.maxScale ? raw_output(setMaxLogP[b], mode()) : 1.0f;
                    float logP = sk.U[slot(o.iterations, b, B, n) + i] + sk.logK(b, i, j) + sk.V[slot(o.iterations, b, B, n) + j];
                    out[((size_t)b * n + i) * n + j] = output_value(logP, i, j, mode(), o.maskDiagonal, rawScale, L(),
                            o.labels.data());
                }
    }

    FVec backward(const FVec& G) const {
        FVec A(G.size());
        for (int b = 0; b < B; b++)  // bpa_grad_logp
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++) {
                    size_t e = ((size_t)b * n + i) * n + j;
                    float rawScale = o.maxScale ? raw_output(setMaxLogP[b], mode()) : 1.0f;
                    float logP = sk.U[slot(o.iterations, b, B, n) + i] + sk.logK(b, i, j) + sk.V[slot(o.iterations, b, B, n) + j];
                    A[e] = grad_logp_value(logP, G[e], i, j, mode(), o.maskDiagonal, rawScale, L());
                }
        FVec S = sk.backward(A, -1.0f / o.reg, o.maskDiagonal ? 1 : 0);
        if (!o.euclidean) {
            FVec W(S.size());  // the two GEMMs S X̂ + Sᵀ X̂
            for (int b = 0; b < B; b++)
                for (int i = 0; i < n; i++)
                    for (int j = 0; j < n; j++)
                        W[((size_t)b * n + i) * n + j] = S[((size_t)b * n + i) * n + j] + S[((size_t)b * n + j) * n + i];
            return cost.cosine_grad(W);
        }
        FVec dot(B, 0.0f), ties(B, 0.0f);
        for (int b = 0; b < B; b++)  // sinkhorn_grad_combine's rowDot/rowTies, reduce_sum_per_set
            for (size_t e = (size_t)b * n * n; e < (size_t)(b + 1) * n * n; e++) {
                dot[b] += S[e] * cost.base[e];
                ties[b] += cost.base[e] == cost.setScale[b] ? 1.0f : 0.0f;
            }
        return cost.euclidean_grad(S, dot, ties);
    }
};

// BPA on B sets through the small-set kernels (small_set.cuh), each set run by a team: the same template
// code as bpa_small_forward / bpa_small_backward, with the team's shared memory a host vector.
template <class RunTeam>
struct SmallBpa {
    int B, n, d;
    BpaOptions o;
    RunTeam runTeam;
    Cost cost;
    FVec U, V, setMaxLogP, out;
    std::vector<int> labels, labelCounts;  // padded to n per set, as org.bpa4j.cuda.Labels uploads them

    int mode() const { return o.sigmoid ? OUTPUT_SIGMOID : OUTPUT_EXP; }
    const int* labelsOrNull() const { return o.labels.empty() ? nullptr : labels.data(); }
    const int* countsOrNull() const { return o.labels.empty() ? nullptr : labelCounts.data(); }

    SmallSets sets() const {
        return SmallSets{cost.base.data(), n, cost.kind(), o.maskDiagonal ? 1 : 0, 1.0f / o.reg, cost.setScale.data(),
                B, o.iterations};
    }

    SmallBpa(FVec x_, int B_, int n_, int d_, BpaOptions opt, RunTeam run)
        : B(B_), n(n_), d(d_), o(std::move(opt)), runTeam(run), cost(std::move(x_), B_, n_, d_, o.euclidean) {
        U.assign((size_t)(o.iterations + 1) * B * n, NAN);
        V.assign(U.size(), NAN);
        setMaxLogP.assign(B, NAN);
        out.assign(cost.base.size(), NAN);
        labels.assign((size_t)B * n, 0);
        labelCounts.assign(B, (int)o.labels.size());
        for (int b = 0; b < B; b++)
            for (size_t k = 0; k < o.labels.size(); k++) labels[(size_t)b * n + k] = o.labels[k];
        SmallSets s = sets();
        for (int b = 0; b < B; b++) {
            FVec shared(small_forward_shared_floats(n), NAN);
            runTeam([&](auto& team) {
                small_set_forward(team, s, b, mode(), labelsOrNull(), countsOrNull(), n, U.data(), V.data(),
                        o.maxScale ? setMaxLogP.data() : nullptr, out.data(), shared.data());
            });
        }
    }

    // ∂L/∂x; also leaves S (Euclidean) or S + Sᵀ (cosine) in lastS.
    FVec lastS;

    FVec backward(const FVec& G) {
        lastS = G;
        FVec dot(B, NAN), ties(B, NAN);
        SmallSets s = sets();
        for (int b = 0; b < B; b++) {
            FVec shared(small_backward_shared_floats(n, o.iterations), NAN);
            runTeam([&](auto& team) {
                small_set_backward(team, s, b, U.data(), V.data(), mode(), o.maxScale ? setMaxLogP.data() : nullptr,
                        countsOrNull(), lastS.data(),
                        -1.0f / o.reg, o.euclidean ? 0 : 1, o.euclidean ? dot.data() : nullptr,
                        o.euclidean ? ties.data() : nullptr, shared.data());
            });
        }
        return o.euclidean ? cost.euclidean_grad(lastS, dot, ties) : cost.cosine_grad(lastS);
    }
};

}  // namespace host
