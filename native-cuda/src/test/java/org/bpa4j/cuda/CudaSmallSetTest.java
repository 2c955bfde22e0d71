package org.bpa4j.cuda;

import static org.bpa4j.testing.Closeness.assertClose;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.bpa4j.Bpa;
import org.bpa4j.BpaResult;
import org.bpa4j.DType;
import org.bpa4j.Device;
import org.bpa4j.Metric;
import org.bpa4j.Tensor;
import org.bpa4j.cuda.SmallSets.Route;
import org.bpa4j.spi.BpaOptions;
import org.bpa4j.testing.RandomTensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The small-set kernels (one block per set, every iteration in one launch) on batches, against the float64
 * reference and against the multi-launch kernels, to 5e-4 relative; and the two routes mixed between the
 * forward and the backward pass, which share the dual layout.
 */
@RequiresCuda
class CudaSmallSetTest {
    private static final double TOL = 5e-4;

    record Batch(int sets, int n, int d, Metric metric, boolean sigmoid, boolean mask, boolean scale, int labels,
            double reg, int iterations) {
        @Override
        public String toString() {
            return sets + "x" + n + "x" + d + " " + metric.label() + (sigmoid ? " sigmoid" : "") + (mask ? "" : " nomask")
                    + (scale ? "" : " noscale") + (labels > 0 ? " labels=" + labels : "") + " reg=" + reg + " T=" + iterations;
        }

        BpaOptions options() {
            return new BpaOptions(metric, reg, iterations, sigmoid, mask, scale, DType.FLOAT32);
        }

        Bpa reference() {
            return Bpa.builder().metric(metric).reg(reg).iterations(iterations).sigmoid(sigmoid).maskDiagonal(mask)
                    .maxScale(scale).device(Device.REFERENCE).precision(DType.FLOAT64).build();
        }

        int[][] labelsPerSet() {
            if (labels == 0) {
                return null;
            }
            int[][] y = new int[sets][labels];
            for (int b = 0; b < sets; b++) {
                for (int i = 0; i < labels; i++) {
                    y[b][i] = (i + b) % 5;
                }
            }
            return y;
        }

        Tensor x() {
            return RandomTensors.gaussian(sets * 1000L + n * 7L + d, sets, n, d).to(DType.FLOAT32);
        }

        Tensor g() {
            return RandomTensors.gaussian(n * 13L + 3, sets, n, n).to(DType.FLOAT32);
        }
    }

    static List<Batch> batches() {
        List<Batch> list = new ArrayList<>();
        list.add(new Batch(OnEmulator.sets(200), 80, 64, Metric.COSINE, false, true, true, 25, 0.1, 10));  // 5-way 5-shot episodes
        list.add(new Batch(OnEmulator.sets(37), 128, 16, Metric.COSINE, false, true, true, 0, 0.1, 10));
        // 3×3 without the mask: with it, a symmetric plan with a zero diagonal and unit marginals is unique
        // (every off-diagonal entry 1/2), so Z does not depend on X at convergence and ∂L/∂X is only the
        // residue of the unfinished iterations, far below the float32 rounding of its terms on any backend
        list.add(new Batch(OnEmulator.sets(50), 3, 3, Metric.COSINE, false, false, true, 0, 0.1, 10));
        list.add(new Batch(OnEmulator.sets(50), 2, 3, Metric.COSINE, false, false, true, 0, 0.1, 10));
        list.add(new Batch(OnEmulator.sets(20), 33, 5, Metric.COSINE, true, true, false, 3, 0.2, 4));
        list.add(new Batch(OnEmulator.sets(20), 45, 12, Metric.EUCLIDEAN, false, true, true, 0, 0.2, 5));
        list.add(new Batch(OnEmulator.sets(9), 100, 20, Metric.EUCLIDEAN, true, false, true, 10, 0.3, 8));
        list.add(new Batch(OnEmulator.sets(8), 20, 6, Metric.COSINE, false, true, true, 0, 0.01, 50));
        return list;
    }

    /** Every set of a batch against the reference, set by set. */
    private static void assertMatchesReference(Batch s, Tensor out, Tensor dx, String what) {
        Tensor x = s.x();
        Tensor g = s.g();
        int[][] y = s.labelsPerSet();
        for (int b = 0; b < s.sets(); b += Math.max(1, s.sets() / 7)) {
            BpaResult expected = s.reference().forward(x.set(b).to(DType.FLOAT64), y == null ? null : y[b]);
            assertClose(expected.output(), out.set(b), TOL, s + " set " + b + " " + what + " output");
            assertClose(expected.backward(g.set(b).to(DType.FLOAT64)), dx.set(b), TOL, s + " set " + b + " " + what
                    + " gradient");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("batches")
    void smallSetKernelsMatchTheReferenceAndTheMultiLaunchKernels(Batch s) {
        CudaContext context = CudaContext.get();
        Tensor x = s.x();
        Tensor g = s.g();
        CudaBpa small = CudaBpa.forward(context, s.options(), x, s.labelsPerSet(), Route.SMALL_SETS);
        Tensor smallDx = small.backward(g);
        assertMatchesReference(s, small.output(), smallDx, "small-set");
        CudaBpa multi = CudaBpa.forward(context, s.options(), x, s.labelsPerSet(), Route.MULTI_LAUNCH);
        assertClose(multi.output(), small.output(), TOL, s + ": small-set output against multi-launch");
        assertClose(multi.backward(g), smallDx, TOL, s + ": small-set gradient against multi-launch");
    }

    @Test
    void theRoutesShareTheirDualsBetweenForwardAndBackward() {
        Batch s = batches().get(0);
        CudaContext context = CudaContext.get();
        Tensor g = s.g();
        CudaBpa small = CudaBpa.forward(context, s.options(), s.x(), s.labelsPerSet(), Route.SMALL_SETS);
        CudaBpa multi = CudaBpa.forward(context, s.options(), s.x(), s.labelsPerSet(), Route.MULTI_LAUNCH);
        Tensor expected = multi.backward(g);
        assertClose(expected, small.withBackwardRoute(Route.MULTI_LAUNCH).backward(g), TOL,
                "small-set forward, multi-launch backward");
        assertClose(expected, multi.withBackwardRoute(Route.SMALL_SETS).backward(g), TOL,
                "multi-launch forward, small-set backward");
        assertTrue(SmallSets.forwardFits(context, 80) && SmallSets.backwardFits(context, 80, 10),
                "80×80 episodes at T = 10 must fit the small-set kernels on every supported GPU");
    }

    @Test
    void throughThePublicApiABatchOfEpisodesTakesTheSmallSetPath() {
        Batch s = batches().get(0);
        BpaResult r = Bpa.builder().device(Device.CUDA).build().forward(s.x(), s.labelsPerSet());
        assertMatchesReference(s, r.output(), r.backward(s.g()), "API");
    }

    @Test
    void aSetTooLargeForTheSmallSetPathIsRefusedWhenForcedAndRoutedOtherwise() {
        CudaContext context = CudaContext.get();
        Batch s = new Batch(2, 129, 4, Metric.COSINE, false, true, true, 0, 0.1, 10);
        assertThrows(IllegalArgumentException.class,
                () -> CudaBpa.forward(context, s.options(), s.x(), null, Route.SMALL_SETS));
        CudaBpa auto = CudaBpa.forward(context, s.options(), s.x(), null, Route.AUTO);
        assertMatchesReference(s, auto.output(), auto.backward(s.g()), "AUTO");
    }
}
