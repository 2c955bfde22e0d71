// Host-side tests of the kernel math: the __host__ __device__ functions of native-cuda/src/main/cuda,
// driven on the CPU in the order the CUDA backend launches the kernels (host_pipeline.h), against docs/MATH.md
// §1-§3 in double precision (double_reference.h). Exit code 0 when every check passes.

#include "checks.h"
#include "double_reference.h"
#include "golden_case.h"
#include "host_pipeline.h"
#include "host_teams.h"

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

static std::vector<float> slice(const std::vector<float>& v, size_t from, size_t count) {
    return std::vector<float>(v.begin() + from, v.begin() + from + count);
}

static const auto SEQUENTIAL = [](auto body) { host::run_sequential(body); };
// 3 warps of 5 lanes: rows and columns split unevenly, every reduction across several threads
static const auto THREADED = [](auto body) { host::run_threaded(3, 5, body); };

// One BPA configuration on B sets: forward output and backward gradient of the multi-launch pipeline and
// (n ≤ 128) of the small-set kernels, run by one thread and by a team of threads, against the double
// reference; and the small-set duals against the multi-launch ones.
static void test_bpa(const std::string& name, int B, int n, int d, host::BpaOptions o, uint64_t seed,
        const std::vector<double>* fixedX = nullptr) {
    Random rnd(seed);
    std::vector<double> x = fixedX ? *fixedX : random_features(rnd, B * n * d);
    std::vector<double> G = random_features(rnd, B * n * n);
    std::vector<float> fx(x.begin(), x.end()), fG(G.begin(), G.end());
    host::Bpa pipeline(fx, B, n, d, o);
    std::vector<float> gx = pipeline.backward(fG);
    bool small = n <= bpa::SMALL_SET_MAX_N;
    std::vector<float> smallOut[2], smallGrad[2];
    if (small) {
        host::SmallBpa<decltype(SEQUENTIAL)> sequential(fx, B, n, d, o, SEQUENTIAL);
        host::SmallBpa<decltype(THREADED)> threaded(fx, B, n, d, o, THREADED);
        smallOut[0] = sequential.out;
        smallOut[1] = threaded.out;
        smallGrad[0] = sequential.backward(fG);
        smallGrad[1] = threaded.backward(fG);
        // one thread does the multi-launch path's arithmetic in the same order: the same duals, bit for bit,
        // at every iteration (slot 0 included: zeros), and the same max logP
        expect(sequential.U == pipeline.sk.U && sequential.V == pipeline.sk.V,
                name + ": small-set dual histories (1 thread) equal the multi-launch ones bit for bit");
        if (o.maxScale) {
            expect(sequential.setMaxLogP == pipeline.setMaxLogP, name + ": small-set max logP equals the multi-launch one");
        }
    }
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
        std::vector<double> expectedGrad = reference.backward(gs);
        size_t outAt = (size_t)b * n * n, gradAt = (size_t)b * n * d;
        std::string where = name + " set " + std::to_string(b);
        expect_close(slice(pipeline.out, outAt, n * n), reference.out, 1e-4, where + ": output");
        expect_close(slice(gx, gradAt, n * d), expectedGrad, 5e-4, where + ": gradient");
        for (int k = 0; small && k < 2; k++) {
            std::string path = k == 0 ? " (small set, 1 thread)" : " (small set, 3x5 threads)";
            expect_close(slice(smallOut[k], outAt, n * n), reference.out, 1e-4, where + ": output" + path);
            expect_close(slice(smallGrad[k], gradAt, n * d), expectedGrad, 5e-4, where + ": gradient" + path);
        }
    }
}

// Every golden BPA case (the authors' PyTorch, float64) through both pipelines, to 1e-4 / 5e-4 in float32.
static void test_golden_bpa(const std::string& root) {
    for (const golden::Case& c : golden::cases(root, "bpa")) {
        golden::Array X = c.array("X"), G = c.array("G"), out = c.array("out"), dX = c.array("dX");
        int n = (int)X.shape[0], d = (int)X.shape[1];
        host::BpaOptions o;
        o.euclidean = c.get("metric") == "euclidean";
        o.reg = (float)c.number("reg");
        o.iterations = (int)c.number("iterations");
        o.sigmoid = c.flag("sigmoid");
        o.maskDiagonal = c.flag("maskDiagonal");
        o.maxScale = c.flag("maxScale");
        int labeled = (int)c.number("labeled");
        if (labeled > 0) {
            golden::Array y = c.array("y");
            for (int k = 0; k < labeled; k++) o.labels.push_back((int)y.values[k]);
        }
        std::vector<float> fx(X.values.begin(), X.values.end()), fG(G.values.begin(), G.values.end());
        host::Bpa general(fx, 1, n, d, o);
        expect_close(general.out, out.values, 1e-4, c.name + ": output (multi-launch)");
        expect_close(general.backward(fG), dX.values, 5e-4, c.name + ": dX (multi-launch)");
        if (n <= bpa::SMALL_SET_MAX_N) {
            host::SmallBpa<decltype(THREADED)> small(fx, 1, n, d, o, THREADED);
            expect_close(small.out, out.values, 1e-4, c.name + ": output (small set)");
            expect_close(small.backward(fG), dX.values, 5e-4, c.name + ": dX (small set)");
        }
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

int main(int argc, char** argv) {
    if (argc != 2) {
        std::printf("usage: kernel_math_test GOLDEN_DIR (test-support/src/main/resources/golden)\n");
        return 2;
    }
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
    host::BpaOptions episode = o;
    episode.labels = {0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0, 1, 2, 3, 4};
    test_bpa("few-shot episodes 80x64 with labels", 3, 80, 64, episode, 13);
    test_bpa("largest small set, n = 128", 1, 128, 9, o, 14);
    host::BpaOptions eucSig = euc;
    eucSig.sigmoid = true;
    eucSig.labels = {1, 1, 0};
    test_bpa("euclidean, sigmoid, labels", 2, 33, 5, eucSig, 15);
    test_bpa("one point", 1, 1, 4, o, 16);
    test_golden_bpa(argv[1]);
    test_sinkhorn(7, 5, 0.1f, 20, 11);
    test_sinkhorn(4, 9, 0.5f, 3, 12);
    std::printf("%d passed, %d failed\n", checks - failures, failures);
    return failures == 0 ? 0 : 1;
}
