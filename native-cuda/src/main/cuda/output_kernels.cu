// docs/MATH.md §2 steps 3-7 (and the Sinkhorn log-plan): every output entry from the stored base matrix and the
// final duals. Entry-wise, so it may write over the base matrix in place.
#include "block_reduce.cuh"

using namespace bpa;

// One block per row i of set b. logP_ij = u_i + logK_ij + v_j; mode OUTPUT_LOG writes logP, otherwise Z.
// setMaxLogP (optional): per-set max of logP, whose raw value divides Z (max-scaling, a constant).
// labels: per set labelStride ints, of which the first labelCounts[b] are used (labelCounts optional).
extern "C" __global__ void bpa_output(const float* base, int rows, int cols, int kind, int maskDiag, float invReg,
        const float* setScale, const float* u, const float* v, int mode, const float* setMaxLogP,
        const int* labels, const int* labelCounts, int labelStride, float* out) {
    long long r = blockIdx.x;
    int b = (int)(r / rows);
    int i = (int)(r % rows);
    float scale = kind == BASE_DISTANCE ? setScale[b] : 0.0f;
    float rawScale = setMaxLogP ? raw_output(setMaxLogP[b], mode) : 1.0f;
    int labelCount = labelCounts ? labelCounts[b] : 0;
    const int* setLabels = labels ? labels + (long long)b * labelStride : nullptr;
    float ui = u[r];
    const float* vb = v + (long long)b * cols;
    const float* row = base + r * cols;
    float* outRow = out + r * cols;
    for (int j = threadIdx.x; j < cols; j += blockDim.x) {
        float logP = ui + log_kernel(row[j], kind, i == j, maskDiag, invReg, scale) + vb[j];
        outRow[j] = output_value(logP, i, j, mode, maskDiag, rawScale, labelCount, setLabels);
    }
}
