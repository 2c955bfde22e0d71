// The BAM loss (docs/MATH.md §4) beyond the products and normalisations (cuBLAS and cost_kernels.cu): the target
// Sinkhorn in the log domain, top-k, and the source step that yields the loss and ∂loss/∂Q. The matrices
// are N×N_t with N_t·N a few thousand to a few million entries: one block per row, straightforward.
#include "bam_math.cuh"
#include "block_reduce.cuh"

using namespace bpa;

#define BAM_LAYOUT_ARGS int batch, int views, int largeCrops, int targets, int positiveMasking
#define BAM_LAYOUT BamLayout{batch, views, largeCrops, targets, positiveMasking}

// out[r] = −LSE_k(q[r, k]/ε + add_k) over unmasked k, for every row r of a rows×cols matrix: one SwAV
// scaling, on Q_tgt (the rows' duals) or on its transpose (the targets' duals).
extern "C" __global__ void bam_target_lse_rows(const float* q, int rows, int cols, BAM_LAYOUT_ARGS, float invReg,
        const float* add, float* out) {
    int r = blockIdx.x;
    Lse acc = bam_target_lse_partial(q + (size_t)r * cols, r, cols, BAM_LAYOUT, invReg, add, threadIdx.x,
            blockDim.x);
    acc = block_lse(acc);
    if (threadIdx.x == 0) {
        out[r] = -lse_value(acc);
    }
}

// p[j, c] = softmax_c(q[j, c]/ε + u_c) over unmasked c (0 where masked), for the first `rows` rows of Q_tgt
// (those of the large views).
extern "C" __global__ void bam_target_plan(const float* q, int rows, BAM_LAYOUT_ARGS, float invReg, const float* u,
        float* p) {
    int j = blockIdx.x;
    BamLayout l = BAM_LAYOUT;
    const float* qRow = q + (size_t)j * targets;
    Lse acc = block_lse(bam_target_lse_partial(qRow, j, targets, l, invReg, u, threadIdx.x, blockDim.x));
    float lse = lse_value(acc);
    float* pRow = p + (size_t)j * targets;
    for (int c = threadIdx.x; c < targets; c += blockDim.x) {
        pRow[c] = bam_plan_value(qRow[c], l.masked(j, c), invReg, u[c], lse);
    }
}

// sums[i·N_t + c] = Σ_{v < large} p[(v·B + i)·N_t + c]: each image's plan summed over the large views.
// Grid-stride over B·N_t.
extern "C" __global__ void bam_view_sums(const float* p, BAM_LAYOUT_ARGS, float* sums) {
    long long total = (long long)batch * targets;
    for (long long e = (long long)blockIdx.x * blockDim.x + threadIdx.x; e < total;
            e += (long long)gridDim.x * blockDim.x) {
        int i = (int)(e / targets);
        int c = (int)(e % targets);
        float s = 0.0f;
        for (int v = 0; v < largeCrops; v++) {
            s += p[((size_t)v * batch + i) * targets + c];
        }
        sums[e] = s;
    }
}

// keep[i·N_t + c] = 1 for each image's topK targets by their summed plan, else 0. Grid-stride over B·N_t.
extern "C" __global__ void bam_top_k_flags(const float* sums, BAM_LAYOUT_ARGS, int topK, float* keep) {
    long long total = (long long)batch * targets;
    for (long long e = (long long)blockIdx.x * blockDim.x + threadIdx.x; e < total;
            e += (long long)gridDim.x * blockDim.x) {
        int i = (int)(e / targets);
        int c = (int)(e % targets);
        keep[e] = bam_top_k_rank(sums + (size_t)i * targets, targets, c) < topK ? 1.0f : 0.0f;
    }
}

// Row j of P keeps only its image's flagged targets, renormalised to sum 1. One block per row.
extern "C" __global__ void bam_keep_renormalize(float* p, BAM_LAYOUT_ARGS, const float* keep) {
    int j = blockIdx.x;
    const float* k = keep + (size_t)(j % batch) * targets;
    float* pRow = p + (size_t)j * targets;
    float sum = 0.0f;
    for (int c = threadIdx.x; c < targets; c += blockDim.x) {
        sum += k[c] != 0.0f ? pRow[c] : 0.0f;
    }
    sum = block_sum(sum);
    for (int c = threadIdx.x; c < targets; c += blockDim.x) {
        pRow[c] = k[c] != 0.0f ? pRow[c] / sum : 0.0f;
    }
}

// The source step of row r (docs/MATH.md §4 steps 6-8): logQ = log-softmax(Q[r, ·]/τ) over unmasked targets, the
// row's share of the loss Σ_c G_c logQ_c into rowLoss[r] (accumulated in double), and ∂loss/∂Q[r, ·] into gradQ (0 where masked:
// a masked entry carries neither loss nor gradient). One block per row of Q (N×N_t).
extern "C" __global__ void bam_source_rows(const float* q, BAM_LAYOUT_ARGS, float invTemperature, const float* p,
        float* gradQ, float* rowLoss) {
    int r = blockIdx.x;
    BamLayout l = BAM_LAYOUT;
    int view = r / batch;
    int image = r % batch;
    const float* qRow = q + (size_t)r * targets;
    Lse acc = lse_empty();
    for (int c = threadIdx.x; c < targets; c += blockDim.x) {
        if (!l.masked(r, c)) {
            acc = lse_push(acc, qRow[c] * invTemperature);
        }
    }
    float lse = lse_value(block_lse(acc));
    double loss = 0.0;
    float gSum = 0.0f;
    for (int c = threadIdx.x; c < targets; c += blockDim.x) {
        if (!l.masked(r, c)) {
            float g = bam_source_weight(p, l, view, image, c);
            loss += (double)g * (qRow[c] * invTemperature - lse);
            gSum += g;
        }
    }
    loss = block_sum(loss);
    gSum = block_sum(gSum);
    float* gRow = gradQ + (size_t)r * targets;
    for (int c = threadIdx.x; c < targets; c += blockDim.x) {
        gRow[c] = l.masked(r, c) ? 0.0f
                : bam_grad_q(bam_source_weight(p, l, view, image, c), qRow[c] * invTemperature - lse, gSum,
                        invTemperature);
    }
    if (threadIdx.x == 0) {
        rowLoss[r] = (float)loss;  // summed over the rows in double on the host
    }
}
