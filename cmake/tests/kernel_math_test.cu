// Host-side tests of the kernel math: the __host__ __device__ functions of native-cuda/src/main/cuda,
// driven on the CPU in the order the CUDA backend launches the kernels (host_pipeline.h), against SPEC
// §1-§3 in double precision (double_reference.h). Exit code 0 when every check passes.
#include <cstdio>
#include <cstdint>
#include <string>

#include "double_reference.h"
#include "host_pipeline.h"

static int failures = 0;
static int checks = 0;

static void expect(bool ok, const std::string& what) {
    checks++;
    if (!ok) {
        failures++;
        std::printf("FAIL %s\n", what.c_str());
    }
}

// max |a - b| relative to max(max |b|, floor)
template <typename A, typename B>
static double relative_error(const A& actual, const B& expected, double floor = 1e-30) {
    double scale = floor, worst = 0;
    for (size_t k = 0; k < expected.size(); k++) scale = std::max(scale, std::fabs((double)expected[k]));
    for (size_t k = 0; k < expected.size(); k++) worst = std::max(worst, std::fabs((double)actual[k] - (double)expected[k]));
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

static void test_lse() {
    const float xs[] = {-3.0f, 2.5f, 0.0f, -1e7f, 2.5f, 10.0f, -4.0f};
    bpa::Lse acc = bpa::lse_empty(), left = bpa::lse_empty(), right = bpa::lse_empty();
    double mx = -INFINITY, s = 0;
    for (int k = 0; k < 7; k++) {
        acc = bpa::lse_push(acc, xs[k]);
        (k < 3 ? left : right) = bpa::lse_push(k < 3 ? left : right, xs[k]);
        mx = std::max(mx, (double)xs[k]);
    }
    for (float x : xs) s += std::exp(x - mx);
    double expected = mx + std::log(s);
    expect(std::fabs(bpa::lse_value(acc) - expected) < 1e-5, "online LSE equals the two-pass LSE");
    expect(std::fabs(bpa::lse_value(bpa::lse_merge(left, right)) - expected) < 1e-5, "merged partial LSEs");
    expect(bpa::lse_value(bpa::lse_merge(bpa::lse_empty(), acc)) == bpa::lse_value(acc), "empty LSE is neutral");
    expect(bpa::lse_push(acc, -INFINITY).s == acc.s, "-inf adds nothing");
}

static void test_elements() {
    expect(bpa::log_kernel(0.3f, bpa::BASE_SIMILARITY, true, 1, 10.0f, 0) == -1e6f, "masked diagonal gives -1e5/reg");
    expect(std::fabs(bpa::log_kernel(0.3f, bpa::BASE_SIMILARITY, false, 1, 10.0f, 0) - (-7.0f)) < 1e-6f, "cosine logK");
    expect(bpa::log_kernel(2.0f, bpa::BASE_DISTANCE, false, 0, 10.0f, 0.0f) == 0.0f, "all points equal: cost 0, not 0/0");
    expect(std::fabs(bpa::log_kernel(2.0f, bpa::BASE_DISTANCE, false, 0, 10.0f, 4.0f) - (-5.0f)) < 1e-6f, "distance logK");
    expect(bpa::distance_from_gram(1.0f, 1.0f, 1.0000001f, false) == 0.0f, "negative squared distance clamps to 0");
    expect(bpa::distance_from_gram(5.0f, 3.0f, 1.0f, true) == 0.0f, "diagonal distance is exactly 0");
    expect(bpa::sigmoid(-100.0f) >= 0.0f && bpa::sigmoid(100.0f) == 1.0f, "sigmoid saturates without NaN");
    expect(std::fabs(bpa::sigmoid(-3.0f) - (float)ref::sigmoid(-3.0)) < 1e-7f, "sigmoid, negative branch");
    int labels[] = {0, 1, 0};
    expect(bpa::output_value(-2.0f, 0, 2, bpa::OUTPUT_EXP, 1, 1.0f, 3, labels) == 1.0f, "same labels give 1");
    expect(bpa::output_value(-2.0f, 0, 1, bpa::OUTPUT_EXP, 1, 1.0f, 3, labels) == 0.0f, "different labels give 0");
    expect(bpa::output_value(-2.0f, 1, 1, bpa::OUTPUT_EXP, 1, 1.0f, 0, labels) == 1.0f, "masked diagonal gives 1");
    expect(bpa::grad_logp_value(-2.0f, 5.0f, 0, 1, bpa::OUTPUT_EXP, 1, 1.0f, 3) == 0.0f, "labelled block passes no gradient");
    expect(bpa::euclidean_weight(1.0f, 0.0f, 2.0f, 1.0f, 2.0f) == 0.0f, "zero distance passes no gradient");
    expect(std::fabs(bpa::euclidean_weight(1.0f, 2.0f, 2.0f, 4.0f, 2.0f) - (0.5f + 2.0f) / 2.0f) < 1e-7f,
            "the max's gradient is shared among ties");
}

static std::vector<double> random_features(Random& rnd, int count) {
    std::vector<double> x(count);
    for (auto& v : x) v = rnd.normal();
    return x;
}

// One BPA configuration on B sets: forward output and backward gradient against the double reference.
static void test_bpa(const std::string& name, int B, int n, int d, host::BpaOptions o, uint64_t seed,
        const std::vector<double>* fixedX = nullptr) {
    Random rnd(seed);
    std::vector<double> x = fixedX ? *fixedX : random_features(rnd, B * n * d);
    std::vector<double> G = random_features(rnd, B * n * n);
    host::Bpa pipeline(std::vector<float>(x.begin(), x.end()), B, n, d, o);
    std::vector<float> gx = pipeline.backward(std::vector<float>(G.begin(), G.end()));
    for (int b = 0; b < B; b++) {
        ref::Options ro;
        ro.euclidean = o.euclidean;
        ro.reg = o.reg;
        ro.iterations = o.iterations;
        ro.sigmoid = o.sigmoid;
        ro.maskDiagonal = o.maskDiagonal;
        ro.maxScale = o.maxScale;
        ro.labels = o.labels;
        std::vector<double> xs(x.begin() + (size_t)b * n * d, x.begin() + (size_t)(b + 1) * n * d);
        std::vector<double> gs(G.begin() + (size_t)b * n * n, G.begin() + (size_t)(b + 1) * n * n);
        ref::Bpa reference(xs, n, d, ro);
        std::vector<float> out(pipeline.out.begin() + (size_t)b * n * n, pipeline.out.begin() + (size_t)(b + 1) * n * n);
        std::vector<float> grad(gx.begin() + (size_t)b * n * d, gx.begin() + (size_t)(b + 1) * n * d);
        std::string where = name + " set " + std::to_string(b);
        expect_close(out, reference.out, 1e-4, where + ": output");
        expect_close(grad, reference.backward(gs), 5e-4, where + ": gradient");
    }
}

// General Sinkhorn with marginals on a non-square cost, through the transposed-matrix column step.
static void test_sinkhorn(int n, int m, float reg, int T, uint64_t seed) {
    Random rnd(seed);
    std::vector<double> C(n * m), a(n), b(m), G(n * m);
    for (auto& c : C) c = rnd.uniform();
    double sa = 0, sb = 0;
    for (auto& v : a) sa += (v = 0.5 + rnd.uniform());
    for (auto& v : b) sb += (v = 0.5 + rnd.uniform());
    for (auto& v : b) v *= sa / sb;  // equal mass
    for (auto& g : G) g = rnd.normal();
    std::vector<double> logK(n * m), la(n), lb(m);
    for (int k = 0; k < n * m; k++) logK[k] = -C[k] / reg;
    for (int i = 0; i < n; i++) la[i] = std::log(a[i]);
    for (int j = 0; j < m; j++) lb[j] = std::log(b[j]);
    ref::Sinkhorn reference(logK, n, m, la, lb, T);

    std::vector<float> base(C.begin(), C.end()), transposed(n * m), fla(la.begin(), la.end()), flb(lb.begin(), lb.end());
    for (int i = 0; i < n; i++)
        for (int j = 0; j < m; j++) transposed[j * n + i] = base[i * m + j];
    std::vector<float> noScale;
    host::Sinkhorn sk{1, n, m, T, bpa::BASE_COST, 0, 1.0f / reg, &base, &transposed, &noScale, &fla, &flb};
    sk.forward();
    std::vector<float> logP(n * m);
    std::vector<double> expectedLogP(n * m);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < m; j++) {
            logP[i * m + j] = bpa::output_value(sk.U[host::slot(T, 0, 1, n) + i] + sk.logK(0, i, j) + sk.V[host::slot(T, 0, 1, m) + j],
                    i, j, bpa::OUTPUT_LOG, 0, 1.0f, 0, nullptr);
            expectedLogP[i * m + j] = reference.logPlan(i, j);
        }
    std::string name = "sinkhorn " + std::to_string(n) + "x" + std::to_string(m) + " T=" + std::to_string(T);
    expect_close(logP, expectedLogP, 1e-5, name + ": log plan");
    std::vector<float> dC = sk.backward(std::vector<float>(G.begin(), G.end()), -1.0f / reg, 0);
    std::vector<double> gLogK = reference.backward(G);
    for (auto& g : gLogK) g = -g / reg;
    expect_close(dC, gLogK, 5e-4, name + ": cost gradient");
}

int main() {
    test_lse();
    test_elements();
    host::BpaOptions o;
    test_bpa("cosine default", 1, 10, 5, o, 1);
    test_bpa("cosine batch of 3", 3, 17, 6, o, 2);
    host::BpaOptions sig = o;
    sig.sigmoid = true;
    test_bpa("sigmoid", 1, 30, 8, sig, 3);
    host::BpaOptions plain = o;
    plain.maskDiagonal = false;
    plain.maxScale = false;
    test_bpa("no mask, no scale", 1, 25, 12, plain, 4);
    host::BpaOptions labelled = o;
    labelled.labels = {0, 1, 2, 0, 1, 2, 0, 1, 2, 0};
    test_bpa("labels", 2, 25, 10, labelled, 5);
    host::BpaOptions small = o;
    small.reg = 0.01f;
    small.iterations = 50;
    test_bpa("reg 0.01, 50 iterations", 1, 20, 6, small, 6);
    host::BpaOptions once = o;
    once.iterations = 1;
    test_bpa("one iteration", 1, 12, 3, once, 7);
    host::BpaOptions euc = o;
    euc.euclidean = true;
    euc.reg = 0.2f;
    euc.iterations = 5;
    test_bpa("euclidean", 2, 40, 16, euc, 8);
    host::BpaOptions eucPlain = euc;
    eucPlain.maskDiagonal = false;
    eucPlain.reg = 0.3f;
    eucPlain.iterations = 8;
    test_bpa("euclidean, no mask", 1, 18, 4, eucPlain, 9);
    // the corners of a square (plus its centre): both diagonals attain the max, 4 tied entries
    std::vector<double> square = {0, 0, 1, 0, 0, 1, 1, 1, 0.5, 0.5};
    test_bpa("euclidean ties", 1, 5, 2, euc, 10, &square);
    test_sinkhorn(7, 5, 0.1f, 20, 11);
    test_sinkhorn(4, 9, 0.5f, 3, 12);
    std::printf("%d passed, %d failed\n", checks - failures, failures);
    return failures == 0 ? 0 : 1;
}
