// Warp and block reductions (device only). Blocks are 32..1024 threads, a multiple of 32.
#pragma once

#include "bpa_math.cuh"

namespace bpa {

__device__ __forceinline__ float warp_sum(float v) {
    for (int offset = 16; offset > 0; offset >>= 1) {
        v += __shfl_xor_sync(0xffffffffu, v, offset);
    }
    return v;
}

__device__ __forceinline__ double warp_sum(double v) {
    for (int offset = 16; offset > 0; offset >>= 1) {
        v += __shfl_xor_sync(0xffffffffu, v, offset);
    }
    return v;
}

__device__ __forceinline__ float warp_max(float v) {
    for (int offset = 16; offset > 0; offset >>= 1) {
        v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, offset));
    }
    return v;
}

__device__ __forceinline__ Lse warp_lse(Lse a) {
    for (int offset = 16; offset > 0; offset >>= 1) {
        Lse other{__shfl_xor_sync(0xffffffffu, a.m, offset), __shfl_xor_sync(0xffffffffu, a.s, offset)};
        a = lse_merge(a, other);
    }
    return a;
}

// Every thread of the block gets the block's sum. Uses 32 slots of shared memory; callable repeatedly.
template <typename T>
__device__ T block_sum(T v) {
    __shared__ T partial[32];
    int lane = threadIdx.x & 31;
    int warp = threadIdx.x >> 5;
    v = warp_sum(v);
    __syncthreads();  // the slots may still be read by a previous call
    if (lane == 0) {
        partial[warp] = v;
    }
    __syncthreads();
    int warps = (blockDim.x + 31) >> 5;
    v = lane < warps ? partial[lane] : T(0);
    return warp_sum(v);
}

__device__ inline float block_max(float v) {
    __shared__ float partial[32];
    int lane = threadIdx.x & 31;
    int warp = threadIdx.x >> 5;
    v = warp_max(v);
    __syncthreads();
    if (lane == 0) {
        partial[warp] = v;
    }
    __syncthreads();
    int warps = (blockDim.x + 31) >> 5;
    v = lane < warps ? partial[lane] : -INFINITY;
    return warp_max(v);
}

__device__ inline Lse block_lse(Lse a) {
    __shared__ float partialM[32];
    __shared__ float partialS[32];
    int lane = threadIdx.x & 31;
    int warp = threadIdx.x >> 5;
    a = warp_lse(a);
    __syncthreads();
    if (lane == 0) {
        partialM[warp] = a.m;
        partialS[warp] = a.s;
    }
    __syncthreads();
    int warps = (blockDim.x + 31) >> 5;
    Lse b = lane < warps ? Lse{partialM[lane], partialS[lane]} : lse_empty();
    return warp_lse(b);
}

}  // namespace bpa
