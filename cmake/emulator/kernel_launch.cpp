// Kernel launches on the host: the grid's blocks one after the other, each block's threads as cooperative
// fibers on the launching thread (a minimal x86-64 context switch: the kernels never block otherwise). A
// fiber runs until it reaches __syncthreads (it waits until every thread of the block that has not exited
// is there), a warp collective (it waits until every lane named in the mask has reached the same one; the
// last to arrive computes every lane's result), or its end. No runnable fiber while some wait is a
// deadlock, reported with what each waits for; so are a mask without the calling lane, lanes of one warp
// at different collectives, and a shuffle reading a lane outside the mask.
//
// Memory: every pointer argument must lie in a device allocation; an access outside one faults on its
// guard page (device_memory.cpp) and is reported with the kernel, block and thread; the dynamic shared
// memory is NaN when a block starts and is followed by a guard zone that must still hold the canary when
// the block ends; the shared-memory limits are the device's (48 KiB without opting in).
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>

#include <string>
#include <vector>

#include "cuda_emulator.h"
#include "emulator_api.h"
#include "emulator_internal.h"

extern "C" {
emu_dim3 threadIdx;
emu_dim3 blockIdx;
emu_dim3 blockDim;
emu_dim3 gridDim;
alignas(16) thread_local float shared[(EMU_MAX_DYNAMIC_SHARED_BYTES + EMU_SHARED_GUARD_BYTES) / 4];

// Saves the callee-saved registers and the stack pointer into *from, then continues where `to` left off.
// (The SSE and x87 control words are not switched: no kernel changes them, so every fiber shares the
// launching thread's.)
void emu_switch(void** from, void* to);
}

asm(R"(
    .text
    .globl emu_switch
    .hidden emu_switch
    .type emu_switch, @function
emu_switch:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
    .size emu_switch, .-emu_switch
)");

namespace emu {
namespace {

constexpr int DEFAULT_SHARED = 48 * 1024;
// The opt-in limit of sm_86/sm_89 (99 KiB), the smallest of the GPUs the fatbin targets: what fits here
// fits every one of them.
constexpr int OPTIN_SHARED = 99 * 1024;
constexpr size_t STACK_BYTES = 128 * 1024;
constexpr uint32_t CANARY = 0x7fbadbadu;

enum State { RUNNABLE, AT_BARRIER, AT_WARP, DONE };

struct Fiber {
    void* sp;
    State state;
    unsigned linear;
    emu_dim3 index;
};

struct Warp {
    uint32_t arrived;
    uint32_t opMask;
    int opKind;
    uint64_t values[32];
    int params[32];
    int widths[32];
    uint64_t results[32];
};

const char* const COLLECTIVE_NAMES[] = {"__shfl_sync", "__shfl_xor_sync", "__shfl_down_sync", "__shfl_up_sync",
        "__all_sync", "__any_sync", "__ballot_sync", "__syncwarp"};

// The launch in flight (one at a time: device_lock()).
struct Launch {
    const emu_kernel_entry* kernel;
    void** args;
    std::vector<Fiber> fibers;
    std::vector<Warp> warps;
    unsigned threads;
    unsigned live;
    unsigned atBarrier;
    Fiber* current;
    void* schedulerSp;
    bool aborted;
    std::string error;
    sigjmp_buf faultJump;
    volatile sig_atomic_t active;
    uintptr_t faultAddress;
    bool faultWrite;
};

Launch launch;
std::vector<char*> stacks;
int maxDynamic[256];
int64_t launches = 0;
pthread_t launchThread;

std::string where() {
    char b[256];
    Fiber* f = launch.current;
    snprintf(b, sizeof b, "kernel %s, block (%u, %u, %u), thread (%u, %u, %u)", launch.kernel->name, blockIdx.x,
            blockIdx.y, blockIdx.z, f ? f->index.x : 0, f ? f->index.y : 0, f ? f->index.z : 0);
    return b;
}

// From a fiber: ends the launch with this message.
[[noreturn]] void abort_launch(const std::string& message) {
    launch.aborted = true;
    launch.error = message;
    emu_switch(&launch.current->sp, launch.schedulerSp);
    __builtin_unreachable();
}

// To the next runnable fiber after this one, directly (half the switches of going through the scheduler);
// to the scheduler when there is none, which then releases barriers and starts the next sweep.
void yield() {
    Fiber* self = launch.current;
    Fiber* end = launch.fibers.data() + launch.fibers.size();
    for (Fiber* f = self + 1; f < end; f++) {
        if (f->state == RUNNABLE) {
            launch.current = f;
            threadIdx = f->index;
            emu_switch(&self->sp, f->sp);
            return;
        }
    }
    emu_switch(&self->sp, launch.schedulerSp);
}

void fiber_main() {
    launch.kernel->invoke(launch.kernel->kernel, launch.args);
    launch.current->state = DONE;
    launch.live--;
    yield();
    __builtin_unreachable();
}

// A fresh stack whose first switch enters fiber_main (see emu_switch for the frame's layout). The tops of
// the stacks are staggered: at one offset modulo the page they would all compete for the same cache sets.
void* initial_frame(char* stack, unsigned t) {
    uintptr_t top = ((uintptr_t)(stack + STACK_BYTES - (t * 1104u) % 4096u)) & ~(uintptr_t)15;
    uint64_t* slot = reinterpret_cast<uint64_t*>(top - 16);
    slot[0] = (uint64_t)(uintptr_t)&fiber_main;  // emu_switch's ret goes here, with rsp ≡ 8 (mod 16)
    slot[1] = 0;
    uint64_t* frame = slot - 6;
    memset(frame, 0, 6 * sizeof(uint64_t));
    return frame;
}

void ensure_stacks(unsigned threads) {
    while (stacks.size() < threads) {
        // a guard page below each stack: an overflow faults instead of corrupting the next one
        size_t page = 4096;
        char* m = static_cast<char*>(mmap(nullptr, STACK_BYTES + page, PROT_READ | PROT_WRITE,
                MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0));
        mprotect(m, page, PROT_NONE);
        stacks.push_back(m + page);
    }
}

std::string waiting_report() {
    std::string r;
    char b[256];
    unsigned done = 0;
    for (const Fiber& f : launch.fibers) {
        done += f.state == DONE;
    }
    snprintf(b, sizeof b, "%u threads at __syncthreads, %u exited", launch.atBarrier, done);
    r += b;
    for (size_t w = 0; w < launch.warps.size(); w++) {
        const Warp& wp = launch.warps[w];
        if (wp.arrived != 0) {
            snprintf(b, sizeof b, "; warp %zu: lanes %08x at %s with mask %08x", w, wp.arrived,
                    COLLECTIVE_NAMES[wp.opKind], wp.opMask);
            r += b;
        }
    }
    return r;
}

// Runs one block to its end; false (with launch.error) when it failed.
bool run_block() {
    unsigned bx = blockDim.x, by = blockDim.y;
    for (unsigned t = 0; t < launch.threads; t++) {
        Fiber& f = launch.fibers[t];
        f.sp = initial_frame(stacks[t], t);
        f.state = RUNNABLE;
        f.linear = t;
        f.index = emu_dim3{t % bx, (t / bx) % by, t / (bx * by)};
    }
    for (Warp& w : launch.warps) {
        w.arrived = 0;
    }
    launch.live = launch.threads;
    launch.atBarrier = 0;
    for (;;) {
        bool ran = false;
        for (Fiber& f : launch.fibers) {
            if (f.state == RUNNABLE) {
                // runs this fiber and, through yield(), every runnable one after it
                launch.current = &f;
                threadIdx = f.index;
                emu_switch(&launch.schedulerSp, f.sp);
                launch.current = nullptr;
                ran = true;
                break;
            }
        }
        if (launch.aborted) {
            return false;
        }
        if (launch.live == 0) {
            return true;
        }
        if (launch.atBarrier == launch.live) {
            for (Fiber& f : launch.fibers) {
                if (f.state == AT_BARRIER) {
                    f.state = RUNNABLE;
                }
            }
            launch.atBarrier = 0;
            continue;
        }
        if (!ran) {
            char b[128];
            snprintf(b, sizeof b, "kernel %s, block (%u, %u, %u): deadlock: ", launch.kernel->name, blockIdx.x,
                    blockIdx.y, blockIdx.z);
            launch.error = b + waiting_report();
            return false;
        }
    }
}

bool shared_guard_intact(int dynamicBytes, std::string& why) {
    const uint32_t* guard = reinterpret_cast<const uint32_t*>(reinterpret_cast<char*>(shared) + dynamicBytes);
    for (int k = 0; k < EMU_SHARED_GUARD_BYTES / 4; k++) {
        if (guard[k] != CANARY) {
            char b[256];
            snprintf(b, sizeof b, "a write %d bytes past the end of the block's %d bytes of dynamic shared memory",
                    4 * k, dynamicBytes);
            why = b;
            return false;
        }
    }
    return true;
}

struct sigaction previous[32];

void on_fault(int sig, siginfo_t* info, void* context) {
    if (launch.active && pthread_equal(pthread_self(), launchThread)) {
        launch.active = 0;
        launch.faultAddress = (uintptr_t)info->si_addr;
        ucontext_t* uc = static_cast<ucontext_t*>(context);
        launch.faultWrite = sig == SIGSEGV && (uc->uc_mcontext.gregs[REG_ERR] & 2) != 0;
        siglongjmp(launch.faultJump, sig);
    }
    // not ours: the JVM's handler (implicit null checks, safepoints) as if we were not here
    const struct sigaction& p = previous[sig];
    if (p.sa_flags & SA_SIGINFO) {
        p.sa_sigaction(sig, info, context);
    } else if (p.sa_handler == SIG_DFL || p.sa_handler == SIG_IGN) {
        signal(sig, SIG_DFL);
        raise(sig);
    } else {
        p.sa_handler(sig);
    }
}

void install_fault_handler() {
    static bool installed = false;
    if (installed) {
        return;
    }
    installed = true;
    for (int sig : {SIGSEGV, SIGBUS, SIGFPE}) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_sigaction = on_fault;
        sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
        sigemptyset(&sa.sa_mask);
        sigaction(sig, &sa, &previous[sig]);
    }
}

}  // namespace
}  // namespace emu

using namespace emu;

extern "C" {

void emu_syncthreads(void) {
    launch.current->state = AT_BARRIER;
    launch.atBarrier++;
    yield();
}

uint64_t emu_warp_collective(int kind, uint32_t mask, uint64_t value, int param, int width) {
    Fiber* f = launch.current;
    unsigned lane = f->linear & 31;
    Warp& w = launch.warps[f->linear >> 5];
    char b[256];
    if (((mask >> lane) & 1) == 0) {
        snprintf(b, sizeof b, "%s: %s with mask %08x, which does not name the calling lane %u", where().c_str(),
                COLLECTIVE_NAMES[kind], mask, lane);
        abort_launch(b);
    }
    if (width <= 0 || width > 32 || (width & (width - 1)) != 0) {
        snprintf(b, sizeof b, "%s: %s with width %d (a power of 2 up to 32)", where().c_str(), COLLECTIVE_NAMES[kind],
                width);
        abort_launch(b);
    }
    if (w.arrived == 0) {
        w.opMask = mask;
        w.opKind = kind;
    } else if (w.opMask != mask || w.opKind != kind) {
        snprintf(b, sizeof b, "%s: %s with mask %08x while lanes %08x of its warp wait at %s with mask %08x",
                where().c_str(), COLLECTIVE_NAMES[kind], mask, w.arrived, COLLECTIVE_NAMES[w.opKind], w.opMask);
        abort_launch(b);
    }
    w.values[lane] = value;
    w.params[lane] = param;
    w.widths[lane] = width;
    w.arrived |= 1u << lane;
    if (w.arrived != mask) {
        f->state = AT_WARP;
        yield();
        return w.results[lane];
    }
    // the last lane: every lane's result
    uint32_t ballot = 0;
    for (unsigned l = 0; l < 32; l++) {
        if ((mask >> l) & 1) {
            ballot |= (w.values[l] != 0 ? 1u : 0u) << l;
        }
    }
    for (unsigned l = 0; l < 32; l++) {
        if (((mask >> l) & 1) == 0) {
            continue;
        }
        int wd = w.widths[l];
        unsigned segment = l & ~(unsigned)(wd - 1);
        int src = (int)l;
        switch (kind) {
            case EMU_WARP_SHFL: src = (int)segment + (w.params[l] & (wd - 1)); break;
            case EMU_WARP_SHFL_XOR: {
                int s = (int)l ^ w.params[l];
                src = s >= (int)segment + wd || s < (int)segment ? (int)l : s;
                break;
            }
            case EMU_WARP_SHFL_DOWN: src = (int)(l & (wd - 1)) + w.params[l] < wd ? (int)l + w.params[l] : (int)l; break;
            case EMU_WARP_SHFL_UP: src = (int)(l & (wd - 1)) - w.params[l] >= 0 ? (int)l - w.params[l] : (int)l; break;
            default: break;
        }
        if (kind <= EMU_WARP_SHFL_UP) {
            if (src < 0 || src > 31 || ((mask >> src) & 1) == 0) {
                launch.current = &launch.fibers[(f->linear & ~31u) + l];
                snprintf(b, sizeof b, "%s: %s reads lane %d, which is not in the mask %08x (undefined on the GPU)",
                        where().c_str(), COLLECTIVE_NAMES[kind], src, mask);
                launch.current = f;
                abort_launch(b);
            }
            w.results[l] = w.values[src];
        } else if (kind == EMU_WARP_ALL) {
            w.results[l] = ballot == mask;
        } else if (kind == EMU_WARP_ANY) {
            w.results[l] = ballot != 0;
        } else if (kind == EMU_WARP_BALLOT) {
            w.results[l] = ballot;
        } else {
            w.results[l] = 0;
        }
    }
    unsigned first = f->linear & ~31u;
    for (unsigned l = 0; l < 32; l++) {
        if (l != lane && ((mask >> l) & 1)) {
            launch.fibers[first + l].state = RUNNABLE;
        }
    }
    w.arrived = 0;
    return w.results[lane];
}

const char* emu_device_name(void) {
    return "bpa4j CPU emulator of the CUDA kernels (sm_86 shared-memory limits)";
}

int emu_shared_default_bytes(void) {
    return DEFAULT_SHARED;
}

int emu_shared_optin_bytes(void) {
    return OPTIN_SHARED;
}

int emu_kernel_find(const char* name) {
    for (int k = 0; k < emu_kernel_count; k++) {
        if (strcmp(emu_kernels[k].name, name) == 0) {
            return k;
        }
    }
    return -1;
}

int emu_kernel_set_max_dynamic_shared(int kernel, int bytes) {
    std::lock_guard<std::mutex> lock(device_lock());
    if (kernel < 0 || kernel >= emu_kernel_count) {
        return fail("cuFuncSetAttribute: no kernel %d", kernel);
    }
    if (bytes < 0 || bytes > OPTIN_SHARED) {
        return fail("cuFuncSetAttribute(%s, MAX_DYNAMIC_SHARED_SIZE_BYTES, %d): CUDA_ERROR_INVALID_VALUE (the device"
                " allows at most %d)", emu_kernels[kernel].name, bytes, OPTIN_SHARED);
    }
    maxDynamic[kernel] = bytes;
    return 0;
}

int emu_kernel_max_dynamic_shared(int kernel) {
    return kernel >= 0 && kernel < emu_kernel_count ? (maxDynamic[kernel] > 0 ? maxDynamic[kernel] : DEFAULT_SHARED)
                                                    : 0;
}

int64_t emu_launch_count(void) {
    return launches;
}

int emu_launch(int kernel, int gx, int gy, int gz, int bx, int by, int bz, int sharedBytes, void** args, int argCount,
        const char* argKinds) {
    std::lock_guard<std::mutex> lock(device_lock());
    if (kernel < 0 || kernel >= emu_kernel_count) {
        return fail("cuLaunchKernel: no kernel %d", kernel);
    }
    const emu_kernel_entry& k = emu_kernels[kernel];
    if (gx <= 0 || gy <= 0 || gz <= 0 || gy > 65535 || gz > 65535) {
        return fail("cuLaunchKernel(%s): CUDA_ERROR_INVALID_VALUE: grid (%d, %d, %d) (y and z at most 65535)", k.name,
                gx, gy, gz);
    }
    long long threads = (long long)bx * by * bz;
    if (bx <= 0 || by <= 0 || bz <= 0 || bx > 1024 || by > 1024 || bz > 64 || threads > 1024) {
        return fail("cuLaunchKernel(%s): CUDA_ERROR_INVALID_VALUE: block (%d, %d, %d) (at most 1024 threads)", k.name,
                bx, by, bz);
    }
    int limit = emu_kernel_max_dynamic_shared(kernel);
    if (sharedBytes < 0 || sharedBytes > limit) {
        return fail("cuLaunchKernel(%s): CUDA_ERROR_INVALID_VALUE: %d bytes of dynamic shared memory, at most %d%s",
                k.name, sharedBytes, limit, limit == DEFAULT_SHARED ? " without opting in (cuFuncSetAttribute)" : "");
    }
    if (argCount != (int)strlen(k.signature) || (argKinds != nullptr && strcmp(argKinds, k.signature) != 0)) {
        return fail("cuLaunchKernel(%s): launched with %d arguments (%s) but the kernel takes %zu (%s)", k.name, argCount,
                argKinds ? argKinds : "?", strlen(k.signature), k.signature);
    }
    std::string why;
    for (int a = 0; a < argCount; a++) {
        if (k.signature[a] == 'p') {
            int64_t p = *static_cast<int64_t*>(args[a]);
            char what[128];
            snprintf(what, sizeof what, "cuLaunchKernel(%s): pointer argument %d", k.name, a);
            if (p != 0 && !device_range(p, 1, what, why)) {
                return fail("%s", why.c_str());
            }
        }
    }
    install_fault_handler();
    ensure_stacks((unsigned)threads);
    launches++;
    launch.kernel = &k;
    launch.args = args;
    launch.threads = (unsigned)threads;
    launch.fibers.assign(threads, Fiber{});
    launch.warps.assign((threads + 31) / 32, Warp{});
    launch.aborted = false;
    launch.error.clear();
    launch.current = nullptr;
    blockDim = emu_dim3{(unsigned)bx, (unsigned)by, (unsigned)bz};
    gridDim = emu_dim3{(unsigned)gx, (unsigned)gy, (unsigned)gz};
    launchThread = pthread_self();

    // an alternate signal stack: a fault on a fiber's guard page must not need that stack
    static thread_local char* altStack = nullptr;
    if (altStack == nullptr) {
        altStack = static_cast<char*>(mmap(nullptr, 1 << 16, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
    }
    stack_t mine{altStack, 0, 1 << 16};
    stack_t theirs;
    sigaltstack(&mine, &theirs);

    bool ok = true;
    int sig = sigsetjmp(launch.faultJump, 1);
    if (sig != 0) {
        ok = false;
        char b[1024];
        snprintf(b, sizeof b, "%s: %s at 0x%llx%s", where().c_str(),
                sig == SIGFPE ? "arithmetic fault (integer division by zero?)"
                              : (launch.faultWrite ? "invalid global write" : "invalid global read"),
                (unsigned long long)launch.faultAddress, describe_address(launch.faultAddress).c_str());
        launch.error = b;
    } else {
        launch.active = 1;
        for (int z = 0; z < gz && ok; z++) {
            for (int y = 0; y < gy && ok; y++) {
                for (int x = 0; x < gx && ok; x++) {
                    blockIdx = emu_dim3{(unsigned)x, (unsigned)y, (unsigned)z};
                    uint32_t* s = reinterpret_cast<uint32_t*>(shared);
                    for (int w = 0; w < (sharedBytes + EMU_SHARED_GUARD_BYTES) / 4; w++) {
                        s[w] = CANARY;  // NaN: a read before a write shows
                    }
                    ok = run_block();
                    if (ok && !shared_guard_intact(sharedBytes, why)) {
                        launch.error = "kernel " + std::string(k.name) + ", block (" + std::to_string(x) + ", "
                                + std::to_string(y) + ", " + std::to_string(z) + "): " + why;
                        ok = false;
                    }
                }
            }
        }
    }
    launch.active = 0;
    sigaltstack(&theirs, nullptr);
    launch.current = nullptr;
    if (ok && !canaries_intact(why)) {
        launch.error = "kernel " + std::string(k.name) + ": " + why;
        ok = false;
    }
    if (!ok) {
        return fail("%s", launch.error.c_str());
    }
    return 0;
}

}  // extern "C"
