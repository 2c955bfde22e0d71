// Per-element mathematics of docs/MATH.md §1-§3, written once for the GPU kernels and for the host-side tests
// (cmake/tests), which drive the same functions from a CPU loop and compare them with plain doubles.
#pragma once

#include <math.h>

#ifdef __CUDACC__
#define BPA_HD __host__ __device__ __forceinline__
#else
#define BPA_HD inline
#endif

namespace bpa {

// docs/MATH.md §2 step 2: C_ii = 1e5, so exp(-C_ii / reg) is 0 in float32. These constants and the output modes
// below are the Java ones (org.bpa4j.spi.MathConstants, org.bpa4j.cuda.OutputModes): KernelConstantsTest checks.
constexpr float MASKED_COST = 1e5f;
// docs/MATH.md §2 step 1: x / max(|x|, 1e-12).
constexpr float NORM_FLOOR = 1e-12f;

// What the n×m matrix kept on the device holds; logK is derived from it on the fly, which saves the
// pass (and the memory) a separate logK matrix would cost.
enum BaseKind {
    BASE_COST = 0,        // a cost C: logK = -C / reg
    BASE_SIMILARITY = 1,  // cosine similarity S = x̂·x̂ᵀ: logK = -(1 - S) / reg
    BASE_DISTANCE = 2     // Euclidean distance D: logK = -(D / max D) / reg
};

// What the output kernel writes from logP.
enum OutputMode {
    OUTPUT_LOG = 0,      // logP itself (Sinkhorn)
    OUTPUT_EXP = 1,      // exp(logP) (BPA)
    OUTPUT_SIGMOID = 2   // sigmoid(logP) (BPA with sigmoid)
};

// logK_ij from the stored entry; setScale is max D for BASE_DISTANCE (0 when every point coincides, and
// then the cost is 0 rather than 0/0, as in the reference).
BPA_HD float log_kernel(float base, int kind, bool diagonal, int maskDiag, float invReg, float setScale) {
    if (maskDiag && diagonal) {
        return -MASKED_COST * invReg;
    }
    float cost;
    if (kind == BASE_SIMILARITY) {
        cost = 1.0f - base;
    } else if (kind == BASE_DISTANCE) {
        cost = setScale > 0.0f ? base / setScale : 0.0f;
    } else {
        cost = base;
    }
    return -cost * invReg;
}

// A running log-sum-exp: the largest term m and the sum s of exp(term - m).
struct Lse {
    float m;
    float s;
};

BPA_HD Lse lse_empty() {
    return Lse{-INFINITY, 0.0f};
}

// Adds one term; rescales only when a new maximum arrives, so most terms cost one exp.
BPA_HD Lse lse_push(Lse a, float x) {
    if (x == -INFINITY) {
        return a;
    }
    if (x <= a.m) {
        a.s += expf(x - a.m);
    } else {
        a.s = a.s * expf(a.m - x) + 1.0f;
        a.m = x;
    }
    return a;
}

BPA_HD Lse lse_merge(Lse a, Lse b) {
    if (a.m == -INFINITY) {
        return b;
    }
    if (b.m == -INFINITY) {
        return a;
    }
    float m = fmaxf(a.m, b.m);
    return Lse{m, a.s * expf(a.m - m) + b.s * expf(b.m - m)};
}

BPA_HD float lse_value(Lse a) {
    return a.m + logf(a.s);
}

// Numerically stable logistic function, the same branches as the reference.
BPA_HD float sigmoid(float t) {
    if (t >= 0.0f) {
        return 1.0f / (1.0f + expf(-t));
    }
    float e = expf(t);
    return e / (1.0f + e);
}

// Z before max-scaling (docs/MATH.md §2 step 4), or logP itself.
BPA_HD float raw_output(float logP, int mode) {
    if (mode == OUTPUT_EXP) {
        return expf(logP);
    }
    if (mode == OUTPUT_SIGMOID) {
        return sigmoid(logP);
    }
    return logP;
}

// True where docs/MATH.md §2 steps 6-7 overwrite Z_ij (and no gradient passes, docs/MATH.md §3).
BPA_HD bool overwritten(int i, int j, int maskDiag, int labelCount) {
    return (maskDiag && i == j) || (i < labelCount && j < labelCount);
}

// One entry of the output, docs/MATH.md §2 steps 4-7. rawScale is the raw value at the largest logP (1 when
// max-scaling is off); labels are the set's first labelCount labels.
BPA_HD float output_value(float logP, int i, int j, int mode, int maskDiag, float rawScale, int labelCount,
        const int* labels) {
    if (mode == OUTPUT_LOG) {
        return logP;
    }
    if (maskDiag && i == j) {
        return 1.0f;
    }
    if (i < labelCount && j < labelCount) {
        return labels[i] == labels[j] ? 1.0f : 0.0f;
    }
    return raw_output(logP, mode) / rawScale;
}

// ∂L/∂logP_ij from ∂L/∂Z_ij (docs/MATH.md §3): the max is a constant; overwritten entries pass nothing.
BPA_HD float grad_logp_value(float logP, float gradZ, int i, int j, int mode, int maskDiag, float rawScale,
        int labelCount) {
    if (overwritten(i, j, maskDiag, labelCount)) {
        return 0.0f;
    }
    float z = raw_output(logP, mode);
    float gz = gradZ / rawScale;
    return mode == OUTPUT_SIGMOID ? gz * z * (1.0f - z) : gz * z;
}

// D_ij from the Gram matrix and squared norms; cancellation can make the square slightly negative, and
// the diagonal is exactly 0 whatever the rounding.
BPA_HD float distance_from_gram(float sqI, float sqJ, float gram, bool diagonal) {
    if (diagonal) {
        return 0.0f;
    }
    return sqrtf(fmaxf(sqI + sqJ - 2.0f * gram, 0.0f));
}

// The Euclidean backward weight V_ij = ∂L/∂D_ij / D_ij, where ∂L/∂D_ij = S_ij / max plus, for the entries
// attaining the max, an even share of the max's gradient gradMax (docs/MATH.md §3). 0 where D_ij = 0.
BPA_HD float euclidean_weight(float gradCost, float dist, float maxDist, float gradMax, float ties) {
    if (dist == 0.0f || maxDist == 0.0f) {
        return 0.0f;
    }
    float g = gradCost / maxDist;
    if (dist == maxDist) {
        g += gradMax / ties;
    }
    return g / dist;
}

// ∂L/∂x_ik through the normalisation x̂ = x / max(|x|, 1e-12), given ∂L/∂x̂_ik and radial = x̂_i·∂L/∂x̂_i.
BPA_HD float cosine_input_grad(float gradUnit, float unit, float radial, float norm) {
    if (norm > NORM_FLOOR) {
        return (gradUnit - unit * radial) / norm;
    }
    return gradUnit / NORM_FLOOR;  // below the floor the normalisation divides by a constant
}

}  // namespace bpa
