// Host-side tests of the BAM kernels' math (bam_math.cuh): the CUDA backend's BAM pass replayed on the CPU
// (host_bam.h) against the authors' golden cases and, on random inputs with every option, against docs/MATH.md §4
// in double precision (bam_reference.h). Exit code 0 when every check passes.
#include "bam_reference.h"
#include "checks.h"
#include "golden_case.h"
#include "host_bam.h"

static void test_top_k_rank() {
    const float sums[] = {0.5f, 0.9f, 0.5f, 0.1f, 0.9f};
    // descending, ties to the lower index: 1, 4, 0, 2, 3
    const int expected[] = {2, 0, 3, 4, 1};
    for (int c = 0; c < 5; c++) {
        expect(bpa::bam_top_k_rank(sums, 5, c) == expected[c], "top-k rank of target " + std::to_string(c));
    }
    bpa::BamLayout l{4, 3, 2, 8, 1};
    expect(l.masked(5, 1) && l.masked(1, 9) && !l.masked(5, 2), "positives: same image, any view");
    expect(l.pairs(0, 1) && !l.pairs(0, 0) && !l.pairs(2, 0), "pairs: target views are the large ones, never the same view");
    bpa::BamLayout single{4, 1, 1, 4, 1};
    expect(single.pairs(0, 0), "one view is matched with itself");
    expect(std::fabs(l.pair_weight() - 1.0f / (2 * 2 * 4)) < 1e-9f, "pair weight 1/(large·(V−1)·B)");
}

static std::vector<double> values(const golden::Case& c, const std::string& name) { return c.array(name).values; }

// The six golden cases (two views, multi-crop, no positive mask, top-k, distillation, other ε and iteration
// count) to 5e-4 relative, with one thread per row and with rows split among 7 threads.
static void test_golden(const std::string& root) {
    for (const golden::Case& c : golden::cases(root, "bam")) {
        golden::Array z = c.array("z");
        int n = (int)z.shape[0], d = (int)z.shape[1];
        host::BamOptions o;
        o.largeCrops = (int)c.number("largeCrops");
        o.localCrops = (int)c.number("localCrops");
        o.targetCrops = (int)c.number("targetCrops");
        o.temperature = (float)c.number("temperature");
        o.reg = (float)c.number("reg");
        o.iterations = (int)c.number("iterations");
        o.topK = (int)c.number("topK");
        o.positiveMasking = c.flag("positiveMasking");
        bool distill = c.get("kind") == "distill_bam";
        std::vector<float> fz(z.values.begin(), z.values.end());
        std::vector<float> fzt;
        if (distill) {
            std::vector<double> zt = values(c, "zt");
            fzt.assign(zt.begin(), zt.end());
        }
        host::UnitRows teacher(distill ? fzt : fz, n, d);
        for (int threads : {1, 7}) {
            host::Bam bam(fz, distill ? &teacher : nullptr, n, d, o, threads);
            std::string what = c.name + " (" + std::to_string(threads) + " threads a row)";
            double expected = c.number("loss");
            expect(std::fabs(bam.loss - expected) <= 5e-4 * std::fabs(expected),
                    what + ": loss " + std::to_string(bam.loss) + " where " + std::to_string(expected));
            expect_close(bam.gradient(1.0f), values(c, "dz"), 5e-4, what + ": dz");
            if (distill) expect_close(bam.teacher_gradient(1.0f), values(c, "dzt"), 5e-4, what + ": dzt");
        }
    }
}

// Views of B images: each image a centre, each view the centre plus noise (as in training).
static std::vector<double> views(Random& rnd, int v, int b, int d, double noise) {
    std::vector<double> centres(b * d), x(v * b * d);
    for (auto& e : centres) e = rnd.normal();
    for (int vv = 0; vv < v; vv++)
        for (int i = 0; i < b; i++)
            for (int k = 0; k < d; k++) x[(vv * b + i) * d + k] = centres[i * d + k] + noise * rnd.normal();
    return x;
}

static void test_random(int large, int local, int targetCrops, int topK, bool masking, bool distill, int batch, int d,
        uint64_t seed) {
    Random rnd(seed);
    int n = (large + local) * batch;
    std::vector<double> z = views(rnd, large + local, batch, d, 0.6), zt = views(rnd, large + local, batch, d, 0.6);
    ref::BamLoss expected(z, distill ? &zt : nullptr, n, d, large, local, targetCrops, 0.1, 0.05, 3, topK, masking);
    host::BamOptions o{large, local, targetCrops, 0.1f, 0.05f, 3, topK, masking};
    std::vector<float> fz(z.begin(), z.end()), fzt(zt.begin(), zt.end());
    host::UnitRows teacher(fzt, n, d);
    host::Bam bam(fz, distill ? &teacher : nullptr, n, d, o, 32);
    std::string what = "random large " + std::to_string(large) + " local " + std::to_string(local) + " target "
            + std::to_string(targetCrops) + " topK " + std::to_string(topK) + (masking ? "" : " unmasked")
            + (distill ? " distill" : "") + " B " + std::to_string(batch) + " d " + std::to_string(d);
    expect(std::fabs(bam.loss - expected.loss) <= 5e-4 * std::fabs(expected.loss),
            what + ": loss " + std::to_string(bam.loss) + " where " + std::to_string(expected.loss));
    expect_close(bam.gradient(1.0f), expected.gradient(), 5e-4, what + ": dz");
    if (distill) expect_close(bam.teacher_gradient(1.0f), expected.teacher_gradient(), 5e-4, what + ": dzt");
    // the scale multiplies the gradient
    std::vector<float> scaled = bam.gradient(-2.5f), plain = bam.gradient(1.0f);
    std::vector<double> expectedScaled(plain.begin(), plain.end());
    for (auto& e : expectedScaled) e *= -2.5;
    expect_close(scaled, expectedScaled, 1e-6, what + ": scaled gradient");
}

int main(int argc, char** argv) {
    if (argc != 2) {
        std::printf("usage: bam_math_test GOLDEN_DIR (test-support/src/main/resources/golden)\n");
        return 2;
    }
    test_top_k_rank();
    test_golden(argv[1]);
    test_random(2, 0, 2, 0, true, false, 40, 24, 1);
    test_random(2, 6, 2, 0, true, false, 12, 33, 2);
    test_random(2, 2, 1, 0, true, true, 25, 17, 3);
    test_random(3, 1, 2, 10, true, false, 16, 40, 4);
    test_random(2, 1, 2, 0, false, true, 20, 8, 5);
    test_random(1, 0, 1, 0, true, false, 30, 5, 6);
    test_random(2, 2, 2, 7, false, true, 18, 16, 7);
    std::printf("%d passed, %d failed\n", checks - failures, failures);
    return failures == 0 ? 0 : 1;
}
