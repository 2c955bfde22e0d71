// The emulated device memory. Each allocation is mapped on its own pages with an inaccessible guard page on
// either side, the buffer placed so that it ends exactly where the guard page after it begins: a kernel that
// reads or writes even one byte past the end faults, and the fault handler (kernel_launch.cpp) reports which
// kernel, block and thread touched which buffer. The bytes of the pages before the buffer's start (the
// slack) hold a NaN canary: a write there is found after the launch, a read yields NaN. Copies, memsets and
// the host-side GEMM check their ranges against the allocations before touching anything.
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <map>

#include "emulator_api.h"
#include "emulator_internal.h"

namespace emu {
namespace {

constexpr uint32_t CANARY = 0x7fbadbadu;  // a quiet NaN: reading the slack poisons what it feeds
constexpr int64_t TOTAL_MEMORY = 16LL << 30;

struct Allocation {
    uintptr_t mapping;  // start of the mapping (the guard page before)
    size_t mappingBytes;
    uintptr_t start;    // what the caller gets
    size_t bytes;
    uintptr_t dataPages;  // first accessible page
};

std::map<uintptr_t, Allocation>& allocations() {  // by start
    static std::map<uintptr_t, Allocation> m;
    return m;
}

int64_t allocatedBytes = 0;

size_t page_size() {
    static size_t p = (size_t)sysconf(_SC_PAGESIZE);
    return p;
}

const Allocation* containing(uintptr_t address) {
    auto& m = allocations();
    auto it = m.upper_bound(address);
    if (it == m.begin()) {
        return nullptr;
    }
    --it;
    const Allocation& a = it->second;
    return address < a.start + a.bytes ? &a : nullptr;
}

thread_local std::string lastError;

}  // namespace

std::mutex& device_lock() {
    static std::mutex m;
    return m;
}

int fail(const char* format, ...) {
    char buffer[2048];
    va_list args;
    va_start(args, format);
    vsnprintf(buffer, sizeof buffer, format, args);
    va_end(args);
    lastError = buffer;
    return 1;
}

bool device_range(int64_t address, int64_t bytes, const char* what, std::string& why) {
    char buffer[512];
    if (bytes == 0) {
        return true;
    }
    const Allocation* a = containing((uintptr_t)address);
    if (a == nullptr) {
        snprintf(buffer, sizeof buffer, "%s: 0x%llx is not in any device allocation%s", what,
                (unsigned long long)address, describe_address((uintptr_t)address).c_str());
        why = buffer;
        return false;
    }
    uintptr_t end = (uintptr_t)address + (uintptr_t)bytes;
    if (bytes < 0 || end > a->start + a->bytes) {
        snprintf(buffer, sizeof buffer,
                "%s: %lld bytes from offset %llu run %llu bytes past the end of a %zu-byte allocation at 0x%llx",
                what, (long long)bytes, (unsigned long long)(address - a->start),
                (unsigned long long)(end - (a->start + a->bytes)), a->bytes, (unsigned long long)a->start);
        why = buffer;
        return false;
    }
    return true;
}

std::string describe_address(uintptr_t address) {
    char buffer[512];
    size_t page = page_size();
    for (const auto& [start, a] : allocations()) {
        if (address >= a.mapping && address < a.mapping + a.mappingBytes) {
            if (address >= a.start + a.bytes) {
                snprintf(buffer, sizeof buffer, " (%llu bytes past the end of the %zu-byte buffer at 0x%llx)",
                        (unsigned long long)(address - (a.start + a.bytes)), a.bytes, (unsigned long long)a.start);
            } else if (address < a.start) {
                snprintf(buffer, sizeof buffer, " (%llu bytes before the start of the %zu-byte buffer at 0x%llx)",
                        (unsigned long long)(a.start - address), a.bytes, (unsigned long long)a.start);
            } else {
                snprintf(buffer, sizeof buffer, " (offset %llu of the %zu-byte buffer at 0x%llx)",
                        (unsigned long long)(address - a.start), a.bytes, (unsigned long long)a.start);
            }
            return buffer;
        }
    }
    (void)page;
    return address < 65536 ? " (a null pointer)" : " (not device memory: no allocation is near it)";
}

bool canaries_intact(std::string& why) {
    char buffer[512];
    for (const auto& [start, a] : allocations()) {
        const uint32_t* slack = reinterpret_cast<const uint32_t*>(a.dataPages);
        size_t words = (a.start - a.dataPages) / 4;
        for (size_t k = 0; k < words; k++) {
            if (slack[k] != CANARY) {
                snprintf(buffer, sizeof buffer,
                        "a write %llu bytes before the start of the %zu-byte buffer at 0x%llx (its canary was overwritten)",
                        (unsigned long long)(a.start - (a.dataPages + 4 * k)), a.bytes, (unsigned long long)a.start);
                why = buffer;
                return false;
            }
        }
        const unsigned char* head = reinterpret_cast<const unsigned char*>(a.dataPages);
        for (uintptr_t p = a.dataPages + words * 4; p < a.start; p++) {
            if (head[p - a.dataPages] != 0xad) {
                snprintf(buffer, sizeof buffer, "a write just before the %zu-byte buffer at 0x%llx", a.bytes,
                        (unsigned long long)a.start);
                why = buffer;
                return false;
            }
        }
    }
    return true;
}

}  // namespace emu

using namespace emu;

extern "C" {

const char* emu_last_error(void) {
    return lastError.c_str();
}

int emu_malloc(int64_t bytes, int64_t* address) {
    std::lock_guard<std::mutex> lock(device_lock());
    if (bytes <= 0) {
        return fail("cudaMalloc: %lld bytes", (long long)bytes);
    }
    if (allocatedBytes + bytes > TOTAL_MEMORY) {
        return fail("cudaMalloc: out of memory (%lld bytes asked, %lld of %lld in use)", (long long)bytes,
                (long long)allocatedBytes, (long long)TOTAL_MEMORY);
    }
    size_t page = page_size();
    size_t dataBytes = ((size_t)bytes + 3) & ~(size_t)3;  // 4-byte aligned start, as every kernel argument needs
    size_t span = (dataBytes + page - 1) / page * page;
    size_t total = span + 2 * page;
    void* m = mmap(nullptr, total, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (m == MAP_FAILED) {
        return fail("cudaMalloc: mmap of %zu bytes failed", total);
    }
    uintptr_t mapping = (uintptr_t)m;
    if (mprotect((void*)(mapping + page), span, PROT_READ | PROT_WRITE) != 0) {
        munmap(m, total);
        return fail("cudaMalloc: mprotect failed");
    }
    Allocation a{mapping, total, mapping + page + span - dataBytes, (size_t)bytes, mapping + page};
    // the slack before the buffer: the canary (whole words, then the canary's low byte)
    size_t words = (a.start - a.dataPages) / 4;
    for (size_t k = 0; k < words; k++) {
        reinterpret_cast<uint32_t*>(a.dataPages)[k] = CANARY;
    }
    memset((void*)(a.dataPages + words * 4), 0xad, a.start - a.dataPages - words * 4);
    // the buffer itself: NaN, as fresh device memory holds garbage (a read before any write shows)
    for (size_t k = 0; k < dataBytes / 4; k++) {
        reinterpret_cast<uint32_t*>(a.start)[k] = CANARY;
    }
    allocations()[a.start] = a;
    allocatedBytes += bytes;
    *address = (int64_t)a.start;
    return 0;
}

int emu_free(int64_t address) {
    std::lock_guard<std::mutex> lock(device_lock());
    auto& m = allocations();
    auto it = m.find((uintptr_t)address);
    if (it == m.end()) {
        return fail("cudaFree: 0x%llx is not the start of a live allocation", (unsigned long long)address);
    }
    munmap((void*)it->second.mapping, it->second.mappingBytes);
    allocatedBytes -= (int64_t)it->second.bytes;
    m.erase(it);
    return 0;
}

int emu_mem_info(int64_t* freeBytes, int64_t* totalBytes) {
    std::lock_guard<std::mutex> lock(device_lock());
    *freeBytes = TOTAL_MEMORY - allocatedBytes;
    *totalBytes = TOTAL_MEMORY;
    return 0;
}

int64_t emu_total_memory(void) {
    return TOTAL_MEMORY;
}

int emu_pointer_range(int64_t address, int64_t* base, int64_t* size) {
    std::lock_guard<std::mutex> lock(device_lock());
    const Allocation* a = containing((uintptr_t)address);
    if (a == nullptr) {
        return 0;
    }
    *base = (int64_t)a->start;
    *size = (int64_t)a->bytes;
    return 1;
}

int emu_memset(int64_t address, int value, int64_t bytes) {
    std::lock_guard<std::mutex> lock(device_lock());
    std::string why;
    if (!device_range(address, bytes, "cudaMemset", why)) {
        return fail("%s", why.c_str());
    }
    memset((void*)address, value, (size_t)bytes);
    return 0;
}

int emu_memcpy(int64_t dst, int64_t src, int64_t bytes, int kind) {
    std::lock_guard<std::mutex> lock(device_lock());
    std::string why;
    if (kind != 1 && kind != 2 && kind != 3) {
        return fail("cudaMemcpy: unknown kind %d", kind);
    }
    if ((kind == 1 || kind == 3) && !device_range(dst, bytes, "cudaMemcpy destination", why)) {
        return fail("%s", why.c_str());
    }
    if ((kind == 2 || kind == 3) && !device_range(src, bytes, "cudaMemcpy source", why)) {
        return fail("%s", why.c_str());
    }
    memmove((void*)dst, (const void*)src, (size_t)bytes);
    return 0;
}

}  // extern "C"
