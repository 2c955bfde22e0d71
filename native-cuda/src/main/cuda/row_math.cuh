// The per-row work of the Sinkhorn kernels as host/device functions. A kernel calls them with its thread
// index as `start` and its block size as `step`, then reduces across the block; the host-side tests call
// them with start 0 and step 1, so both run the same arithmetic.
#pragma once

#include "bpa_math.cuh"

namespace bpa {

// logK_ij along one row i of a stored base matrix, derived on the fly (the multi-launch kernels).
struct BaseRow {
    const float* row;
    int i;
    int kind;
    int maskDiag;
    float invReg;
    float setScale;

    BPA_HD float operator()(int j) const {
        return log_kernel(row[j], kind, j == i, maskDiag, invReg, setScale);
    }
};

// One row of logK held as such (the small-set kernels keep the set's logK in shared memory).
struct LogKRow {
    const float* row;

    BPA_HD float operator()(int j) const {
        return row[j];
    }
};

// Running LSE over this thread's columns of logK_ij + add_j.
template <class Row>
BPA_HD Lse lse_partial(const Row& logK, int cols, const float* add, int start, int step) {
    Lse acc = lse_empty();
    for (int j = start; j < cols; j += step) {
        acc = lse_push(acc, logK(j) + add[j]);
    }
    return acc;
}

// Σ_j w_j exp(rowShift + logK_ij + colAdd_j - colSub_j) over this thread's columns: a row of a plan
// recomputed from logK and duals, weighted (w null means weight 1, colSub null means 0).
template <class Row>
BPA_HD float weighted_exp_partial(const Row& logK, int cols, float rowShift, const float* colAdd,
        const float* colSub, const float* weight, int start, int step) {
    float acc = 0.0f;
    for (int j = start; j < cols; j += step) {
        float e = expf(rowShift + logK(j) + colAdd[j] - (colSub ? colSub[j] : 0.0f));
        acc += weight ? weight[j] * e : e;
    }
    return acc;
}

// The same on row i of a stored base matrix.
BPA_HD Lse lse_row_partial(const float* row, int i, int cols, int kind, int maskDiag, float invReg,
        float setScale, const float* add, int start, int step) {
    return lse_partial(BaseRow{row, i, kind, maskDiag, invReg, setScale}, cols, add, start, step);
}

BPA_HD float weighted_exp_row_partial(const float* row, int i, int cols, int kind, int maskDiag, float invReg,
        float setScale, float rowShift, const float* colAdd, const float* colSub, const float* weight,
        int start, int step) {
    return weighted_exp_partial(BaseRow{row, i, kind, maskDiag, invReg, setScale}, cols, rowShift, colAdd, colSub,
            weight, start, step);
}

// Where the backward pass keeps, for every iteration t, the duals and the gradients flowing into them.
// Slot t of a history H of vectors of length len for set b starts at H + ((size_t)t * sets + b) * len.
struct DualHistory {
    const float* u;       // uᵗ, t = 1..T (length rows)
    const float* v;       // vᵗ, t = 0..T (length cols; v⁰ = 0)
    const float* gradU;   // ḡuᵗ after the Pᶜ update of step t, t = 1..T
    const float* gradV;   // ḡvᵗ entering step t, t = 1..T
    const float* logA;    // α per set (length rows) or null for 0
    const float* logB;    // β per set (length cols) or null for 0
    int sets;
    int rows;
    int cols;
};

BPA_HD size_t history_slot(int t, int b, int sets, int len) {
    return ((size_t)t * sets + b) * len;
}

// ∂L/∂logK_ij = A_ij - Σ_t (ḡvᵗ_j Pᶜᵗ_ij + ḡuᵗ_i Pʳᵗ_ij), docs/MATH.md §3, with the plans recomputed from logK and
// the stored duals: Pᶜᵗ_ij = exp(uᵗ_i + logK_ij + vᵗ_j - β_j), Pʳᵗ_ij = exp(uᵗ_i - α_i + logK_ij + vᵗ⁻¹_j).
// Summing after all ḡuᵗ, ḡvᵗ are known gives the same value as the reference's step-by-step updates.
BPA_HD float grad_logk_element(float a, float lk, int iterations, int b, int i, int j, const DualHistory& h) {
    float alpha = h.logA ? h.logA[(size_t)b * h.rows + i] : 0.0f;
    float beta = h.logB ? h.logB[(size_t)b * h.cols + j] : 0.0f;
    float g = a;
    for (int t = 1; t <= iterations; t++) {
        float ut = h.u[history_slot(t, b, h.sets, h.rows) + i];
        float gut = h.gradU[history_slot(t, b, h.sets, h.rows) + i];
        float vt = h.v[history_slot(t, b, h.sets, h.cols) + j];
        float vPrev = h.v[history_slot(t - 1, b, h.sets, h.cols) + j];
        float gvt = h.gradV[history_slot(t, b, h.sets, h.cols) + j];
        g -= gvt * expf(ut + lk + vt - beta) + gut * expf(ut - alpha + lk + vPrev);
    }
    return g;
}

}  // namespace bpa
