// What the emulator's parts share: the error message of the last failure, the one lock that serialises
// every call (the emulated device runs one operation at a time, as a stream would), and the device memory's
// checks used by launches and by the host-side GEMM.
#pragma once

#include <stdint.h>

#include <mutex>
#include <string>

namespace emu {

std::mutex& device_lock();

// Records the message of a failure (printf-style) and returns 1, the generic failure status.
int fail(const char* format, ...) __attribute__((format(printf, 1, 2)));

// Whether [address, address + bytes) lies inside one live allocation; else the message names what and why.
bool device_range(int64_t address, int64_t bytes, const char* what, std::string& why);

// The allocation an address falls in or next to (its guard pages and slack), in words, or "" if none.
std::string describe_address(uintptr_t address);

// After a launch: every allocation's slack (the bytes of its pages outside the buffer) still holds the
// canary; else the message names the buffer and the first overwritten offset.
bool canaries_intact(std::string& why);

// The fault handler's view of the launch in flight on this thread: set around a launch by the scheduler.
void note_fault(uintptr_t address, bool write);

}  // namespace emu
