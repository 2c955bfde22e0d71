// Force-included (g++ -include) before the UNMODIFIED kernel sources (native-cuda/src/main/cuda/*.cu) when
// they are compiled for the host into the test-only kernel emulator (libbpa4j_cuda_emulator.so). It gives the
// CUDA keywords host meanings and declares the intrinsics the kernels use; emulator_runtime.cpp runs every
// block's threads as fibers and implements the barrier, the warp collectives and the memory checks.
//
//   __global__ / __device__ / __host__   plain host functions
//   __shared__                           thread_local, hence static storage: one copy per block in flight
//                                        (blocks run one at a time on the launching thread, their threads as
//                                        fibers of that thread), as shared memory is one copy per block
//   extern __shared__ T shared[]         the block's dynamic shared memory: `shared`, defined below, sized to
//                                        the largest opt-in limit the emulator accepts
//   threadIdx, blockIdx, blockDim, gridDim   set by the scheduler whenever it switches to a fiber
#pragma once

#include <math.h>
#include <stdint.h>
#include <string.h>

#define __global__
#define __device__
#define __host__
#define __forceinline__ inline __attribute__((always_inline))
#define __noinline__ __attribute__((noinline))
#define __shared__ thread_local
#define __launch_bounds__(...)
#define __restrict__ __restrict

struct emu_dim3 {
    unsigned int x, y, z;
};

extern "C" {
extern emu_dim3 threadIdx;
extern emu_dim3 blockIdx;
extern emu_dim3 blockDim;
extern emu_dim3 gridDim;

// Dynamic shared memory of the block in flight. Only the name `shared` is defined: a kernel that names its
// `extern __shared__` array otherwise does not link into the emulator (and says so at build time).
#define EMU_MAX_DYNAMIC_SHARED_BYTES (227 * 1024)
#define EMU_SHARED_GUARD_BYTES 4096
alignas(16) extern thread_local float shared[(EMU_MAX_DYNAMIC_SHARED_BYTES + EMU_SHARED_GUARD_BYTES) / 4];

void emu_syncthreads(void);
// One warp collective: every lane named in mask must reach the same one (as the hardware requires); kind
// is one of the EMU_WARP_* below, value the lane's 8 bytes, param the lane argument, width the segment.
uint64_t emu_warp_collective(int kind, uint32_t mask, uint64_t value, int param, int width);
}

enum {
    EMU_WARP_SHFL = 0,
    EMU_WARP_SHFL_XOR = 1,
    EMU_WARP_SHFL_DOWN = 2,
    EMU_WARP_SHFL_UP = 3,
    EMU_WARP_ALL = 4,
    EMU_WARP_ANY = 5,
    EMU_WARP_BALLOT = 6,
    EMU_WARP_SYNC = 7
};

#define warpSize 32

inline void __syncthreads() {
    emu_syncthreads();
}

inline void __syncwarp(unsigned mask = 0xffffffffu) {
    emu_warp_collective(EMU_WARP_SYNC, mask, 0, 0, 32);
}

template <typename T>
inline uint64_t emu_bits(T v) {
    static_assert(sizeof(T) <= 8, "warp shuffles move at most 8 bytes");
    uint64_t b = 0;
    memcpy(&b, &v, sizeof(T));
    return b;
}

template <typename T>
inline T emu_value(uint64_t b) {
    T v;
    memcpy(&v, &b, sizeof(T));
    return v;
}

template <typename T>
inline T __shfl_sync(unsigned mask, T v, int srcLane, int width = 32) {
    return emu_value<T>(emu_warp_collective(EMU_WARP_SHFL, mask, emu_bits(v), srcLane, width));
}

template <typename T>
inline T __shfl_xor_sync(unsigned mask, T v, int laneMask, int width = 32) {
    return emu_value<T>(emu_warp_collective(EMU_WARP_SHFL_XOR, mask, emu_bits(v), laneMask, width));
}

template <typename T>
inline T __shfl_down_sync(unsigned mask, T v, unsigned delta, int width = 32) {
    return emu_value<T>(emu_warp_collective(EMU_WARP_SHFL_DOWN, mask, emu_bits(v), (int)delta, width));
}

template <typename T>
inline T __shfl_up_sync(unsigned mask, T v, unsigned delta, int width = 32) {
    return emu_value<T>(emu_warp_collective(EMU_WARP_SHFL_UP, mask, emu_bits(v), (int)delta, width));
}

inline int __all_sync(unsigned mask, int predicate) {
    return (int)emu_warp_collective(EMU_WARP_ALL, mask, predicate != 0, 0, 32);
}

inline int __any_sync(unsigned mask, int predicate) {
    return (int)emu_warp_collective(EMU_WARP_ANY, mask, predicate != 0, 0, 32);
}

inline unsigned __ballot_sync(unsigned mask, int predicate) {
    return (unsigned)emu_warp_collective(EMU_WARP_BALLOT, mask, predicate != 0, 0, 32);
}

// Fast-math intrinsics as their exact counterparts (the kernels' tolerances cover the difference).
inline float __expf(float x) { return expf(x); }
inline float __logf(float x) { return logf(x); }
inline float __fdividef(float a, float b) { return a / b; }
inline float rsqrtf(float x) { return 1.0f / sqrtf(x); }
inline float __saturatef(float x) { return x < 0.0f ? 0.0f : (x > 1.0f ? 1.0f : x); }

// Atomics: the fibers of a block never run at the same time and blocks run one after the other, so a
// read-modify-write is atomic as written.
template <typename T>
inline T atomicAdd(T* address, T value) {
    T old = *address;
    *address = old + value;
    return old;
}

template <typename T>
inline T atomicMax(T* address, T value) {
    T old = *address;
    *address = old > value ? old : value;
    return old;
}

template <typename T>
inline T atomicMin(T* address, T value) {
    T old = *address;
    *address = old < value ? old : value;
    return old;
}
