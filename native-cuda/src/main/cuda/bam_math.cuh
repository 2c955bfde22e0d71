// Per-entry mathematics of the BAM loss (docs/MATH.md §4), for the kernels of bam_kernels.cu and the host-side
// tests (cmake/tests), which drive the same functions from a CPU loop. The target is computed in the log
// domain as the reference backend does: P[j, ·] = softmax_c(A[j, c] + u_c), A = Q_tgt/ε with the positives
// at −∞, u the duals of the SwAV scalings (the column duals, r, c, max(A) and sum(E) cancel in the final
// normalisation).
#pragma once

#include "bpa_math.cuh"

namespace bpa {

// Where the rows and targets of the BAM matrices come from (org.bpa4j.spi.BamLayout): rows [v·B, (v+1)·B)
// are view v of images 0..B−1, and the `targets` = targetCrops·B columns are the first rows.
struct BamLayout {
    int batch;
    int views;
    int largeCrops;
    int targets;
    int positiveMasking;

    // Mpos[r, c]: row r and target c are views of the same image (docs/MATH.md §4 step 3). Symmetric in its two
    // indices, so it serves a row of Q_tgt and a row of its transpose alike.
    BPA_HD bool masked(int row, int target) const {
        return positiveMasking && row % batch == target % batch;
    }

    // Whether the target view vt (a large view) is matched with the source view vs (docs/MATH.md §4 step 8).
    BPA_HD bool pairs(int targetView, int sourceView) const {
        return targetView < largeCrops && (targetView != sourceView || views == 1);
    }

    // 1/large · 1/n_vt · 1/B: the loss's weight on each P_vt ⊙ logQ_vs entry.
    BPA_HD float pair_weight() const {
        return 1.0f / ((float)largeCrops * (float)(views > 1 ? views - 1 : 1) * (float)batch);
    }
};

// Running LSE over this thread's unmasked entries k of row `row` of A + add: A[row, k] = q[k] / ε. Serves
// both scalings: a row of Q_tgt (add = u over the targets) and a row of Q_tgtᵀ (add = v over the rows).
BPA_HD Lse bam_target_lse_partial(const float* qRow, int row, int cols, const BamLayout& l, float invReg,
        const float* add, int start, int step) {
    Lse acc = lse_empty();
    for (int k = start; k < cols; k += step) {
        if (!l.masked(row, k)) {
            acc = lse_push(acc, qRow[k] * invReg + add[k]);
        }
    }
    return acc;
}

// P[j, c] = exp(A[j, c] + u_c − lse_j) (0 for a positive), lse_j the row's LSE of A + u.
BPA_HD float bam_plan_value(float q, bool masked, float invReg, float u, float lse) {
    return masked ? 0.0f : expf(q * invReg + u - lse);
}

// The rank of target c among one image's targets by the summed plan over the large views, ties to the
// lower index (as the reference backend): target c is kept when its rank is below topK (docs/MATH.md §4 step 5).
BPA_HD int bam_top_k_rank(const float* sums, int targets, int c) {
    float s = sums[c];
    int rank = 0;
    for (int k = 0; k < targets; k++) {
        rank += (sums[k] > s || (sums[k] == s && k < c)) ? 1 : 0;
    }
    return rank;
}

// G_c = ∂loss/∂logQ[r, c] of source row r (view, image): −weight · Σ P_vt[image, c] over the target views
// paired with the row's view (docs/MATH.md §4 step 8); masked entries are skipped by the caller.
BPA_HD float bam_source_weight(const float* p, const BamLayout& l, int view, int image, int c) {
    float sum = 0.0f;
    for (int vt = 0; vt < l.largeCrops; vt++) {
        if (l.pairs(vt, view)) {
            sum += p[((size_t)vt * l.batch + image) * l.targets + c];
        }
    }
    return -l.pair_weight() * sum;
}

// ∂loss/∂Q[r, c] = (G_c − softmax_c · Σ G) / τ, from logQ_c = Q[r, c]/τ − LSE.
BPA_HD float bam_grad_q(float g, float logQ, float gSum, float invTemperature) {
    return (g - expf(logQ) * gSum) * invTemperature;
}

}  // namespace bpa
