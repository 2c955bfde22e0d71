// What the host-side tests share: counted checks, closeness relative to the largest expected value (docs/MATH.md
// §5's tolerance), and a seeded generator.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
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

// max |a - b| relative to max(max |b|, floor); a NaN anywhere is an infinite error
template <typename A, typename B>
static double relative_error(const A& actual, const B& expected, double floor = 1e-30) {
    double scale = floor, worst = 0;
    for (size_t k = 0; k < expected.size(); k++) scale = std::max(scale, std::fabs((double)expected[k]));
    for (size_t k = 0; k < expected.size(); k++) {
        double diff = std::fabs((double)actual[k] - (double)expected[k]);
        worst = std::isnan(diff) ? INFINITY : std::max(worst, diff);
    }
    return worst / scale;
}

static void expect_close(const std::vector<float>& actual, const std::vector<double>& expected, double tol,
        const std::string& what) {
    double err = relative_error(actual, expected);
    bool ok = actual.size() == expected.size() && err <= tol;
    expect(ok, what + " (relative error " + std::to_string(err) + ", tolerance " + std::to_string(tol) + ")");
}

struct Random {
    uint64_t state;
    explicit Random(uint64_t seed) : state(seed * 6364136223846793005ULL + 1442695040888963407ULL) {}
    double uniform() {  // [0, 1)
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        return (double)(state >> 11) / (double)(1ULL << 53);
    }
    double normal() {
        double u1 = uniform() + 1e-300, u2 = uniform();
        return std::sqrt(-2 * std::log(u1)) * std::cos(6.283185307179586 * u2);
    }
};
