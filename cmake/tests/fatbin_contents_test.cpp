// What the kernels' fatbin holds, read from its container headers (cuobjdump is not installed on the build
// machines): SASS (ELF) for sm_80, sm_86, sm_89 and sm_90, and compute_90 PTX for newer GPUs to JIT.
//
// A fatbin is a sequence of containers: {u32 magic 0xBA55ED50, u16 version, u16 header size, u64 size of the
// entries}; each entry: {u16 kind (1 PTX, 2 ELF), u16 version, u32 header size, u64 payload size, ...,
// u32 arch at byte 28 (e.g. 90 for sm_90)}, its payload following its header. An ELF payload that is not
// compressed is checked as well: a CUDA ELF (machine 190) whose flags name the same arch. A PTX payload
// that is not compressed must declare `.target sm_<arch>`.
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <vector>

static int failures = 0;
static int checks = 0;

static void expect(bool ok, const std::string& what) {
    checks++;
    if (!ok) {
        failures++;
        std::printf("FAIL %s\n", what.c_str());
    }
}

template <typename T>
static T read(const std::vector<unsigned char>& b, size_t at) {
    T v;
    std::memcpy(&v, b.data() + at, sizeof(T));
    return v;
}

int main(int argc, char** argv) {
    if (argc != 2) {
        std::printf("usage: fatbin_contents_test FATBIN\n");
        return 2;
    }
    std::ifstream in(argv[1], std::ios::binary);
    std::vector<unsigned char> b((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    expect(b.size() > 16, std::string("the fatbin ") + argv[1] + " is there and not empty");
    std::set<int> elfArchs, ptxArchs;
    size_t at = 0;
    while (at + 16 <= b.size()) {
        uint32_t magic = read<uint32_t>(b, at);
        if (magic != 0xBA55ED50u) {
            expect(false, "container magic at byte " + std::to_string(at));
            break;
        }
        uint16_t headerSize = read<uint16_t>(b, at + 6);
        uint64_t entriesSize = read<uint64_t>(b, at + 8);
        size_t end = at + headerSize + entriesSize;
        expect(end <= b.size(), "container at byte " + std::to_string(at) + " lies within the file");
        size_t e = at + headerSize;
        while (e + 32 <= end && end <= b.size()) {
            uint16_t kind = read<uint16_t>(b, e);
            uint32_t entryHeader = read<uint32_t>(b, e + 4);
            uint64_t payloadSize = read<uint64_t>(b, e + 8);
            uint32_t arch = read<uint32_t>(b, e + 28);
            size_t payload = e + entryHeader;
            if (payload + payloadSize > end) {
                expect(false, "entry at byte " + std::to_string(e) + " lies within its container");
                break;
            }
            std::string name = (kind == 2 ? "ELF sm_" : "PTX compute_") + std::to_string(arch);
            if (kind == 2) {
                elfArchs.insert((int)arch);
                if (payloadSize >= 64 && std::memcmp(&b[payload], "\x7f" "ELF", 4) == 0) {
                    uint16_t machine = read<uint16_t>(b, payload + 18);
                    uint32_t flags = read<uint32_t>(b, payload + 48);
                    int abi = b[payload + 8];
                    int elfArch = abi >= 8 ? (flags >> 8) & 0xff : flags & 0xff;
                    expect(machine == 190, name + ": a CUDA ELF (machine 190), got " + std::to_string(machine));
                    expect(elfArch == (int)arch, name + ": its ELF flags name sm_" + std::to_string(elfArch));
                }
            } else if (kind == 1) {
                ptxArchs.insert((int)arch);
                std::string text(b.begin() + payload, b.begin() + payload + payloadSize);
                if (text.find(".version") != std::string::npos) {
                    expect(text.find(".target sm_" + std::to_string(arch)) != std::string::npos,
                            name + ": the PTX declares .target sm_" + std::to_string(arch));
                }
            } else {
                expect(false, "entry kind " + std::to_string(kind) + " at byte " + std::to_string(e));
            }
            e = payload + payloadSize;
        }
        at = end;
    }
    for (int sm : {80, 86, 89, 90}) {
        expect(elfArchs.count(sm) == 1, "SASS (ELF) for sm_" + std::to_string(sm));
    }
    expect(ptxArchs.count(90) == 1, "PTX for compute_90 (JIT on GPUs newer than sm_90)");
    std::printf("entries: ELF");
    for (int a : elfArchs) std::printf(" sm_%d", a);
    std::printf(", PTX");
    for (int a : ptxArchs) std::printf(" compute_%d", a);
    std::printf("\n%d passed, %d failed\n", checks - failures, failures);
    return failures == 0 ? 0 : 1;
}
