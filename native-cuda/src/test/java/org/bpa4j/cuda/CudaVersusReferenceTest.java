package org.bpa4j.cuda;

import static org.bpa4j.testing.Closeness.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.bpa4j.Bpa;
import org.bpa4j.BpaResult;
import org.bpa4j.DType;
import org.bpa4j.Device;
import org.bpa4j.Metric;
import org.bpa4j.Sinkhorn;
import org.bpa4j.SinkhornResult;
import org.bpa4j.Tensor;
import org.bpa4j.testing.RandomTensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Random shapes and options: the CUDA backend against the float64 reference, to 5e-4 relative. */
@RequiresCuda
class CudaVersusReferenceTest {
    private static final double TOL = 5e-4;

    record Shape(int sets, int n, int d, Metric metric, boolean sigmoid, boolean mask, boolean scale, int labels,
            double reg, int iterations) {
        @Override
        public String toString() {
            return (sets > 1 ? sets + "x" : "") + n + "x" + d + " " + metric.label() + (sigmoid ? " sigmoid" : "")
                    + (mask ? "" : " nomask") + (scale ? "" : " noscale") + (labels > 0 ? " labels=" + labels : "")
                    + " reg=" + reg + " T=" + iterations;
        }
    }

    static List<Shape> shapes() {
        List<Shape> list = new ArrayList<>();
        list.add(new Shape(1, 2, 1, Metric.COSINE, false, true, true, 0, 0.1, 10));
        list.add(new Shape(1, 33, 7, Metric.COSINE, false, true, true, 0, 0.1, 10));
        list.add(new Shape(1, 130, 64, Metric.COSINE, true, true, true, 0, 0.1, 10));
        list.add(new Shape(1, 257, 3, Metric.COSINE, false, false, false, 0, 0.5, 4));
        list.add(new Shape(1, 1100, 32, Metric.COSINE, false, true, true, 0, 0.1, 10));
        list.add(new Shape(3, 45, 16, Metric.COSINE, false, true, true, 10, 0.1, 10));
        list.add(new Shape(1, 40, 5, Metric.EUCLIDEAN, false, true, true, 0, 0.2, 5));
        list.add(new Shape(2, 300, 20, Metric.EUCLIDEAN, false, false, true, 0, 0.3, 8));
        list.add(new Shape(1, 80, 640, Metric.COSINE, false, true, true, 5, 0.1, 10));
        list.add(new Shape(OnEmulator.sets(16), 80, 64, Metric.COSINE, false, true, true, 25, 0.1, 10));
        list.add(new Shape(1, 20, 6, Metric.COSINE, false, true, true, 0, 0.01, 50));
        return list;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    void bpaMatchesTheReference(Shape s) {
        int[] shape = s.sets() > 1 ? new int[] {s.sets(), s.n(), s.d()} : new int[] {s.n(), s.d()};
        Tensor x = RandomTensors.gaussian(s.n() * 31L + s.d(), shape);
        int[] outShape = s.sets() > 1 ? new int[] {s.sets(), s.n(), s.n()} : new int[] {s.n(), s.n()};
        Tensor g = RandomTensors.gaussian(s.n() * 17L + 5, outShape);
        int[] labels = null;
        if (s.labels() > 0) {
            labels = new int[s.labels()];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = i % 5;
            }
        }
        BpaResult expected = build(s, Device.REFERENCE, DType.FLOAT64).forward(x, labels);
        BpaResult actual = build(s, Device.CUDA, DType.FLOAT32).forward(x.to(DType.FLOAT32), labels);
        assertEquals(Device.CUDA, actual.device());
        assertClose(expected.output(), actual.output(), TOL, s + " output");
        assertClose(expected.backward(g), actual.backward(g), TOL, s + " gradient");
    }

    private static Bpa build(Shape s, Device device, DType precision) {
        return Bpa.builder().metric(s.metric()).reg(s.reg()).iterations(s.iterations()).sigmoid(s.sigmoid())
                .maskDiagonal(s.mask()).maxScale(s.scale()).device(device).precision(precision).build();
    }

    @Test
    void float64OutputPrecisionIsHonoured() {
        Tensor x = RandomTensors.gaussian(3, 12, 4);
        BpaResult r = Bpa.builder().device(Device.CUDA).precision(DType.FLOAT64).build().forward(x);
        assertEquals(DType.FLOAT64, r.output().dtype());
        assertEquals(DType.FLOAT64, r.backward(RandomTensors.gaussian(4, 12, 12)).dtype());
    }

    @Test
    void backwardTwiceGivesTheSameGradient() {
        Tensor x = RandomTensors.gaussian(8, 50, 9).to(DType.FLOAT32);
        Tensor g = RandomTensors.gaussian(9, 50, 50).to(DType.FLOAT32);
        BpaResult r = Bpa.builder().device(Device.CUDA).build().forward(x);
        assertArrayEquals(r.backward(g).toFloatArray(), r.backward(g).toFloatArray());
    }

    @Test
    void sinkhornWithMarginalsOnARectangularBatch() {
        int sets = 2;
        int n = 37;
        int m = 53;
        SplittableRandom rnd = new SplittableRandom(42);
        double[] cost = new double[sets * n * m];
        for (int i = 0; i < cost.length; i++) {
            cost[i] = rnd.nextDouble();
        }
        double[] a = new double[sets * n];
        double[] b = new double[sets * m];
        for (int s = 0; s < sets; s++) {
            double sa = 0;
            double sb = 0;
            for (int i = 0; i < n; i++) {
                sa += a[s * n + i] = 0.5 + rnd.nextDouble();
            }
            for (int j = 0; j < m; j++) {
                sb += b[s * m + j] = 0.5 + rnd.nextDouble();
            }
            for (int j = 0; j < m; j++) {
                b[s * m + j] *= sa / sb;
            }
        }
        Tensor c = Tensor.of(cost, sets, n, m);
        Tensor ta = Tensor.of(a, sets, n);
        Tensor tb = Tensor.of(b, sets, m);
        Tensor g = RandomTensors.gaussian(7, sets, n, m);
        for (double tol : new double[] {Double.NaN, 1e-3}) {
            Sinkhorn.Builder builder = Sinkhorn.builder().reg(0.2).iterations(60);
            if (!Double.isNaN(tol)) {
                builder.tolerance(tol).checkEvery(5);
            }
            SinkhornResult expected = builder.device(Device.REFERENCE).precision(DType.FLOAT64).build().solve(c, ta, tb);
            SinkhornResult actual = builder.device(Device.CUDA).precision(DType.FLOAT32).build().solve(c, ta, tb);
            String what = "tolerance " + tol;
            assertArrayEquals(expected.iterationsPerSet(), actual.iterationsPerSet(), what + ": iterations per set");
            assertClose(expected.logPlan(), actual.logPlan(), TOL, what + " log plan");
            assertClose(expected.backward(g), actual.backward(g), TOL, what + " cost gradient");
            double err = actual.marginalError();
            assertTrue(err >= 0 && err <= Math.max(1e-3, 2 * expected.marginalError()), what + ": marginal error " + err
                    + " where the reference has " + expected.marginalError());
        }
    }
}
