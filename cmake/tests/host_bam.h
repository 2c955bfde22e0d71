// The CUDA backend's BAM pass (org.bpa4j.cuda.CudaBam) replayed on the host: cuBLAS products and the
// normalisation as plain float loops, and every bam_kernels.cu kernel as a CPU loop over the same
// __host__ __device__ functions (bam_math.cuh). A kernel that splits a row among a block's threads is
// replayed with `threads` partial accumulations merged in thread order.
#pragma once

#include <vector>

#include "bam_math.cuh"
#include "bpa_math.cuh"

namespace host {

struct BamOptions {
    int largeCrops = 2;
    int localCrops = 0;
    int targetCrops = 2;
    float temperature = 0.1f;
    float reg = 0.05f;
    int iterations = 3;
    int topK = 0;
    bool positiveMasking = true;
};

// x / max(|x|, 1e-12) per row and the norms (bpa_normalize_rows).
struct UnitRows {
    int n, d;
    std::vector<float> unit, norms;

    UnitRows(const std::vector<float>& x, int n_, int d_) : n(n_), d(d_), unit(x.size()), norms(n_) {
        for (int r = 0; r < n; r++) {
            float sq = 0;
            for (int k = 0; k < d; k++) sq += x[(size_t)r * d + k] * x[(size_t)r * d + k];
            norms[r] = sqrtf(sq);
            for (int k = 0; k < d; k++) unit[(size_t)r * d + k] = x[(size_t)r * d + k] / fmaxf(norms[r], bpa::NORM_FLOOR);
        }
    }

    // bpa_cosine_input_grad
    std::vector<float> backward(const std::vector<float>& gradUnit) const {
        std::vector<float> gx(gradUnit.size());
        for (int r = 0; r < n; r++) {
            float radial = 0;
            for (int k = 0; k < d; k++) radial += unit[(size_t)r * d + k] * gradUnit[(size_t)r * d + k];
            for (int k = 0; k < d; k++)
                gx[(size_t)r * d + k] = bpa::cosine_input_grad(gradUnit[(size_t)r * d + k], unit[(size_t)r * d + k], radial, norms[r]);
        }
        return gx;
    }
};

// C (m×p) = alpha · op(A) op(B) + beta · C, row-major, as Gemm.rowMajor asks cuBLAS for it.
inline void gemm(bool transA, bool transB, int m, int p, int k, float alpha, const float* A, int lda, const float* B,
        int ldb, float beta, float* C, int ldc) {
    for (int i = 0; i < m; i++)
        for (int j = 0; j < p; j++) {
            float acc = 0;
            for (int l = 0; l < k; l++) {
                float a = transA ? A[(size_t)l * lda + i] : A[(size_t)i * lda + l];
                float b = transB ? B[(size_t)j * ldb + l] : B[(size_t)l * ldb + j];
                acc += a * b;
            }
            C[(size_t)i * ldc + j] = alpha * acc + (beta == 0.0f ? 0.0f : beta * C[(size_t)i * ldc + j]);
        }
}

struct Bam {
    int n, d, threads;
    BamOptions o;
    bpa::BamLayout l;
    UnitRows student;
    const UnitRows* teacher;  // null in the plain form
    std::vector<float> q, qTarget, qTargetT, u, v, p, gradQ, rowLoss;
    double loss = 0;

    const UnitRows& targetRows() const { return teacher ? *teacher : student; }

    Bam(const std::vector<float>& z, const UnitRows* teacher_, int n_, int d_, BamOptions opt, int threads_)
        : n(n_), d(d_), threads(threads_), o(opt), student(z, n_, d_), teacher(teacher_) {
        int views = o.largeCrops + o.localCrops;
        int batch = n / views;
        l = bpa::BamLayout{batch, views, o.largeCrops, o.targetCrops * batch, o.positiveMasking ? 1 : 0};
        int nt = l.targets;
        const float* tg = targetRows().unit.data();  // Tg: the first N_t rows
        q.assign((size_t)n * nt, 0.0f);
        gemm(false, true, n, nt, d, 1.0f, student.unit.data(), d, tg, d, 0.0f, q.data(), nt);
        if (teacher) {
            qTarget.assign(q.size(), 0.0f);
            gemm(false, true, n, nt, d, 1.0f, teacher->unit.data(), d, tg, d, 0.0f, qTarget.data(), nt);
        } else {
            qTarget = q;
        }
        qTargetT.assign(q.size(), 0.0f);  // transpose_sets
        for (int j = 0; j < n; j++)
            for (int c = 0; c < nt; c++) qTargetT[(size_t)c * n + j] = qTarget[(size_t)j * nt + c];
        target();
        source();
    }

    // The merged partial LSEs of `threads` threads over one row (block_lse).
    bpa::Lse row_lse(const float* row, int index, int cols, float invReg, const float* add) const {
        bpa::Lse acc = bpa::lse_empty();
        for (int s = 0; s < threads; s++)
            acc = bpa::lse_merge(acc, bpa::bam_target_lse_partial(row, index, cols, l, invReg, add, s, threads));
        return acc;
    }

    void target() {
        int nt = l.targets;
        float invReg = 1.0f / o.reg;
        u.assign(nt, 0.0f);
        v.assign(n, 0.0f);
        for (int t = 0; t < o.iterations; t++) {
            for (int c = 0; c < nt; c++)  // bam_target_lse_rows on Q_tgtᵀ
                u[c] = -bpa::lse_value(row_lse(qTargetT.data() + (size_t)c * n, c, n, invReg, v.data()));
            for (int j = 0; j < n; j++)  // bam_target_lse_rows on Q_tgt
                v[j] = -bpa::lse_value(row_lse(qTarget.data() + (size_t)j * nt, j, nt, invReg, u.data()));
        }
        int rows = o.largeCrops * l.batch;
        p.assign((size_t)rows * nt, 0.0f);
        for (int j = 0; j < rows; j++) {  // bam_target_plan
            float lse = bpa::lse_value(row_lse(qTarget.data() + (size_t)j * nt, j, nt, invReg, u.data()));
            for (int c = 0; c < nt; c++)
                p[(size_t)j * nt + c] = bpa::bam_plan_value(qTarget[(size_t)j * nt + c], l.masked(j, c), invReg, u[c], lse);
        }
        if (o.topK == 0) return;
        std::vector<float> sums((size_t)l.batch * nt, 0.0f), keep(sums.size());
        for (int i = 0; i < l.batch; i++)  // bam_view_sums
            for (int c = 0; c < nt; c++)
                for (int v = 0; v < o.largeCrops; v++) sums[(size_t)i * nt + c] += p[((size_t)v * l.batch + i) * nt + c];
        for (int i = 0; i < l.batch; i++)  // bam_top_k_flags
            for (int c = 0; c < nt; c++)
                keep[(size_t)i * nt + c] = bpa::bam_top_k_rank(sums.data() + (size_t)i * nt, nt, c) < o.topK ? 1.0f : 0.0f;
        for (int j = 0; j < rows; j++) {  // bam_keep_renormalize
            const float* k = keep.data() + (size_t)(j % l.batch) * nt;
            float sum = 0;
            for (int c = 0; c < nt; c++) sum += k[c] != 0.0f ? p[(size_t)j * nt + c] : 0.0f;
            for (int c = 0; c < nt; c++) p[(size_t)j * nt + c] = k[c] != 0.0f ? p[(size_t)j * nt + c] / sum : 0.0f;
        }
    }

    void source() {  // bam_source_rows, with `threads` partial sums per row
        int nt = l.targets;
        float invT = 1.0f / o.temperature;
        gradQ.assign((size_t)n * nt, 0.0f);
        rowLoss.assign(n, 0.0f);
        loss = 0;
        for (int r = 0; r < n; r++) {
            int view = r / l.batch, image = r % l.batch;
            const float* row = q.data() + (size_t)r * nt;
            bpa::Lse acc = bpa::lse_empty();
            for (int s = 0; s < threads; s++) {
                bpa::Lse part = bpa::lse_empty();
                for (int c = s; c < nt; c += threads)
                    if (!l.masked(r, c)) part = bpa::lse_push(part, row[c] * invT);
                acc = bpa::lse_merge(acc, part);
            }
            float lse = bpa::lse_value(acc);
            double rowSum = 0;
            float gSum = 0;
            for (int s = 0; s < threads; s++) {
                double partLoss = 0;
                float partG = 0;
                for (int c = s; c < nt; c += threads) {
                    if (l.masked(r, c)) continue;
                    float g = bpa::bam_source_weight(p.data(), l, view, image, c);
                    partLoss += (double)g * (row[c] * invT - lse);
                    partG += g;
                }
                rowSum += partLoss;
                gSum += partG;
            }
            for (int c = 0; c < nt; c++)
                gradQ[(size_t)r * nt + c] = l.masked(r, c) ? 0.0f
                        : bpa::bam_grad_q(bpa::bam_source_weight(p.data(), l, view, image, c), row[c] * invT - lse, gSum, invT);
            rowLoss[r] = (float)rowSum;
            loss += rowLoss[r];  // CudaBam sums the downloaded row losses in double
        }
    }

    // ∂(scale·loss)/∂z: through the rows of Q (∂Q · Tg) and, in the plain form, its columns (∂Qᵀ · ẑ on the
    // first N_t rows), then the normalisation.
    std::vector<float> gradient(float scale) const {
        int nt = l.targets;
        std::vector<float> gradUnit((size_t)n * d, 0.0f);
        gemm(false, false, n, d, nt, scale, gradQ.data(), nt, targetRows().unit.data(), d, 0.0f, gradUnit.data(), d);
        if (!teacher) gemm(true, false, nt, d, n, scale, gradQ.data(), nt, student.unit.data(), d, 1.0f, gradUnit.data(), d);
        return student.backward(gradUnit);
    }

    std::vector<float> teacher_gradient(float scale) const {
        int nt = l.targets;
        std::vector<float> gradUnit((size_t)n * d, 0.0f);
        gemm(true, false, nt, d, n, scale, gradQ.data(), nt, student.unit.data(), d, 0.0f, gradUnit.data(), d);
        return teacher->backward(gradUnit);
    }
};

}  // namespace host
