// A CUDA thread block as the Team of the small-set code (small_set.cuh): warps of 32 lanes, block
// barriers, shuffle reductions within a warp and shared-memory reductions across the block. Blocks are a
// multiple of 32 threads.
#pragma once

#include "block_reduce.cuh"

namespace bpa {

struct BlockTeam {
    __device__ int thread() const { return threadIdx.x; }
    __device__ int threads() const { return blockDim.x; }
    __device__ int warp() const { return threadIdx.x >> 5; }
    __device__ int warps() const { return blockDim.x >> 5; }
    __device__ int lane() const { return threadIdx.x & 31; }
    __device__ int lanes() const { return 32; }
    __device__ void sync() const { __syncthreads(); }
    __device__ Lse warp_lse(Lse a) const { return bpa::warp_lse(a); }
    __device__ float warp_sum(float x) const { return bpa::warp_sum(x); }
    __device__ float block_max(float x) const { return bpa::block_max(x); }
    __device__ float block_sum(float x) const { return bpa::block_sum(x); }
};

}  // namespace bpa
