package org.bpa4j.reliability;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.bpa4j.BamLoss;
import org.bpa4j.BamResult;
import org.bpa4j.Bpa;
import org.bpa4j.BpaResult;
import org.bpa4j.DType;
import org.bpa4j.Device;
import org.bpa4j.Metric;
import org.bpa4j.Sinkhorn;
import org.bpa4j.SinkhornResult;
import org.bpa4j.Tensor;
import org.bpa4j.testing.Closeness;
import org.bpa4j.testing.RandomTensors;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 6, item 4: inputs at the edges — norms of 1e-30 and 1e+30, all-zero rows, duplicated rows, n = 2,
 * d = 1, reg 1e-3 with 200 iterations — give finite outputs and gradients on every backend, equal to the
 * reference backend's within the precision's tolerance (docs/MATH.md §5: 1e-9 for float64, 1e-4 for float32,
 * looser where reg = 1e-3 multiplies float32's rounding of the cost by 1000).
 */
public class ExtremeValuesTest {

    /** An input and the options it is tried with. */
    record Case(Tensor x, Metric metric, double reg, int iterations) {
        Bpa bpa(Device device, DType precision) {
            return Bpa.builder().device(device).precision(precision).metric(metric).reg(reg).iterations(iterations)
                    .build();
        }
    }

    private static Tensor rowsWithNorm(long seed, int n, int d, double norm) {
        Tensor x = RandomTensors.gaussian(seed, n, d);
        return scaleRows(x, i -> norm);
    }

    private static Tensor scaleRows(Tensor x, java.util.function.IntToDoubleFunction norm) {
        int n = x.rows();
        int d = x.cols();
        double[] out = new double[n * d];
        for (int i = 0; i < n; i++) {
            double sq = 0;
            for (int k = 0; k < d; k++) {
                sq += x.get(i, k) * x.get(i, k);
            }
            double s = norm.applyAsDouble(i) / Math.sqrt(sq);
            for (int k = 0; k < d; k++) {
                out[i * d + k] = x.get(i, k) * s;
            }
        }
        return Tensor.of(out, n, d);
    }

    private static Tensor edit(Tensor x, UnaryOperator<double[]> change) {
        return Tensor.of(change.apply(x.toDoubleArray()), x.shape());
    }

    static List<Named<Tensor>> inputs() {
        List<Named<Tensor>> in = new ArrayList<>();
        in.add(Named.of("norms 1e-30", rowsWithNorm(1, 7, 5, 1e-30)));
        in.add(Named.of("norms 1e+30", rowsWithNorm(2, 7, 5, 1e30)));
        in.add(Named.of("norms 1e-30 and 1e+30 mixed", scaleRows(RandomTensors.gaussian(3, 8, 4),
                i -> i % 2 == 0 ? 1e-30 : 1e30)));
        in.add(Named.of("two all-zero rows", edit(RandomTensors.gaussian(4, 6, 3), v -> {
            java.util.Arrays.fill(v, 0, 3, 0);
            java.util.Arrays.fill(v, 9, 12, 0);
            return v;
        })));
        in.add(Named.of("every row zero", Tensor.of(new double[5 * 3], 5, 3)));
        in.add(Named.of("duplicated rows", edit(RandomTensors.gaussian(5, 6, 4), v -> {
            System.arraycopy(v, 0, v, 4, 4);
            System.arraycopy(v, 8, v, 12, 4);
            System.arraycopy(v, 8, v, 20, 4);
            return v;
        })));
        in.add(Named.of("every row the same", edit(RandomTensors.gaussian(6, 5, 3), v -> {
            for (int i = 1; i < 5; i++) {
                System.arraycopy(v, 0, v, 3 * i, 3);
            }
            return v;
        })));
        in.add(Named.of("n = 2", RandomTensors.gaussian(7, 2, 6)));
        in.add(Named.of("d = 1", RandomTensors.gaussian(8, 9, 1)));
        in.add(Named.of("n = 2, d = 1", Tensor.of(new double[] {0.3, -1.7}, 2, 1)));
        in.add(Named.of("n = 2, d = 1, same sign", Tensor.of(new double[] {0.3, 1.7}, 2, 1)));
        in.add(Named.of("ordinary", RandomTensors.gaussian(9, 10, 6)));
        return in;
    }

    static List<Arguments> cases() {
        return cases(AvailableDevices.all());
    }

    protected static List<Arguments> cases(List<Device> devices) {
        List<Arguments> all = new ArrayList<>();
        for (Device device : devices) {
            for (Named<Tensor> input : inputs()) {
                for (Metric metric : Metric.values()) {
                    for (double[] regIt : new double[][] {{0.1, 10}, {1e-3, 200}}) {
                        String name = input.getName() + ", " + metric.label() + ", reg " + regIt[0] + " × "
                                + (int) regIt[1] + " [" + device.label() + "]";
                        all.add(Arguments.of(device, Named.of(name, new Case(input.getPayload(), metric, regIt[0],
                                (int) regIt[1]))));
                    }
                }
            }
        }
        return all;
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("cases")
    void bpaStaysFiniteAndAgreesWithTheReference(Device device, Case c) {
        Tensor g = RandomTensors.gaussian(99, c.x().rows(), c.x().rows());
        BpaResult expected = c.bpa(Device.REFERENCE, DType.FLOAT64).forward(c.x());
        Tensor expectedDx = expected.backward(g);
        assertFinite(expected.output(), "reference output");
        assertFinite(expectedDx, "reference gradient");
        for (DType precision : DType.values()) {
            Tensor x = c.x().to(precision);
            BpaResult r = c.bpa(device, precision).forward(x);
            Tensor dx = r.backward(g.to(precision));
            assertFinite(r.output(), precision.label() + " output");
            assertFinite(dx, precision.label() + " gradient");
            org.junit.jupiter.api.Assertions.assertArrayEquals(r.output().toDoubleArray(),
                    c.bpa(device, precision).transform(x).toDoubleArray(), precision.label() + " transform vs forward");
            if (device == Device.REFERENCE && precision == DType.FLOAT64) {
                continue;
            }
            boolean float32 = precision == DType.FLOAT32 || device != Device.REFERENCE;
            Closeness.assertClose(expected.output(), r.output(), tolerance(float32, c.reg(), false),
                    precision.label() + " output");
            assertGradientClose(expectedDx, dx, tolerance(float32, c.reg(), true),
                    (float32 ? 1e-3 : 1e-9) * gradientScale(c, g), precision.label() + " gradient");
        }
    }

    /**
     * The size a gradient has when it is not zero by symmetry: max|G| / (ε · the smallest row norm, floored
     * as the cosine floors it). Where every row is the same the exact gradient is 0 and both backends return
     * rounding noise, which only this scale can judge.
     */
    static double gradientScale(Case c, Tensor g) {
        double maxG = 0;
        for (long i = 0; i < g.size(); i++) {
            maxG = Math.max(maxG, Math.abs(g.getDouble(i)));
        }
        double minNorm = Double.POSITIVE_INFINITY;
        for (int i = 0; i < c.x().rows(); i++) {
            double sq = 0;
            for (int k = 0; k < c.x().cols(); k++) {
                sq += c.x().get(i, k) * c.x().get(i, k);
            }
            minNorm = Math.min(minNorm, Math.max(Math.sqrt(sq), 1e-12));
        }
        return maxG / (c.reg() * minNorm);
    }

    /**
     * |actual − expected| ≤ tol · max(max|expected|, floor) everywhere: the floor is the rounding noise of
     * the precision times the gradient's natural scale (1e-9 of it in float64, 1e-3 in float32, whose
     * rounding T iterations and n-term sums accumulate).
     */
    static void assertGradientClose(Tensor expected, Tensor actual, double tol, double floor, String what) {
        double largest = 0;
        for (long i = 0; i < expected.size(); i++) {
            largest = Math.max(largest, Math.abs(expected.getDouble(i)));
        }
        double bound = tol * Math.max(largest, floor);
        for (long i = 0; i < expected.size(); i++) {
            double diff = Math.abs(actual.getDouble(i) - expected.getDouble(i));
            if (!(diff <= bound)) {
                throw new AssertionError(what + ": error " + diff + " at flat index " + i + " (expected "
                        + expected.getDouble(i) + ", got " + actual.getDouble(i) + "), allowed " + bound);
            }
        }
    }

    /**
     * float32 carries 6e-8 relative error into the cost; logK = −C/ε multiplies it by 1/ε, and the gradient
     * divides by ε once more.
     */
    static double tolerance(boolean float32, double reg, boolean gradient) {
        if (!float32) {
            return 1e-9;
        }
        double base = reg < 0.01 ? 2e-2 : 1e-4;
        return gradient ? base * 10 : base;
    }

    static List<Arguments> sinkhornCases() {
        return sinkhornCases(AvailableDevices.all());
    }

    protected static List<Arguments> sinkhornCases(List<Device> devices) {
        List<Arguments> all = new ArrayList<>();
        for (Device device : devices) {
            String on = " [" + device.label() + "]";
            all.add(Arguments.of(device, Named.of("costs up to 1e6, reg 1e-3 × 200" + on,
                    edit(RandomTensors.gaussian(12, 6, 6), v -> {
                        for (int i = 0; i < v.length; i++) {
                            v[i] = Math.abs(v[i]) * 1e6;
                        }
                        return v;
                    })), 1e-3, 200, null));
            all.add(Arguments.of(device, Named.of("a constant cost" + on, Tensor.of(new double[] {3, 3, 3, 3, 3, 3, 3, 3, 3},
                    3, 3)), 1e-3, 200, null));
            all.add(Arguments.of(device, Named.of("1 × 1" + on, Tensor.of(new double[] {0.5}, 1, 1)), 0.1, 10, null));
            all.add(Arguments.of(device, Named.of("negative costs" + on, edit(RandomTensors.gaussian(13, 4, 4),
                    v -> v)), 1e-3, 200, null));
            all.add(Arguments.of(device, Named.of("marginals of mass 1e-300" + on, RandomTensors.gaussian(14, 3, 4)),
                    0.1, 50, new double[][] {{1e-300, 2e-300, 1e-300}, {1e-300, 1e-300, 1e-300, 1e-300}}));
            all.add(Arguments.of(device, Named.of("a zero in each marginal" + on, RandomTensors.gaussian(15, 3, 4)),
                    0.1, 50, new double[][] {{0.5, 0, 0.5}, {0.25, 0.25, 0, 0.5}}));
        }
        return all;
    }

    @ParameterizedTest(name = "{1}, reg {2} × {3}")
    @MethodSource("sinkhornCases")
    void sinkhornStaysFiniteAndAgreesWithTheReference(Device device, Tensor cost, double reg, int iterations,
            double[][] marginals) {
        Tensor a = marginals == null ? null : Tensor.of(marginals[0], marginals[0].length);
        Tensor b = marginals == null ? null : Tensor.of(marginals[1], marginals[1].length);
        SinkhornResult expected = Sinkhorn.builder().device(Device.REFERENCE).precision(DType.FLOAT64).reg(reg)
                .iterations(iterations).build().solve(cost, a, b);
        // a loss can only weigh the entries of logP that are finite (zero-mass rows and columns are −∞)
        Tensor g = RandomTensors.gaussian(98, cost.rows(), cost.cols());
        for (long i = 0; i < g.size(); i++) {
            if (expected.logPlan().getDouble(i) == Double.NEGATIVE_INFINITY) {
                g.setDouble(i, 0);
            }
        }
        Tensor expectedPlan = expected.plan();
        Tensor expectedDc = expected.backward(g);
        assertFinite(expectedPlan, "reference plan");
        assertFinite(expectedDc, "reference gradient");
        // a float32 cost, a float64 plan: masses of 1e-300 have no float32 representation
        SinkhornResult r = Sinkhorn.builder().device(device).precision(DType.FLOAT64).reg(reg).iterations(iterations)
                .build().solve(cost.to(DType.FLOAT32), a, b);
        Tensor dc = r.backward(g);
        assertFinite(r.plan(), "plan");
        assertFinite(dc, "gradient");
        Closeness.assertClose(expectedPlan, r.plan(), tolerance(true, reg, false), "plan");
        // with reg 1e-3 the gradient scales with 1/ε: only finiteness is asked of float32 there
        if (reg >= 0.01) {
            Closeness.assertClose(expectedDc, dc, tolerance(true, reg, true), "gradient");
        }
    }

    static List<Arguments> bamCases() {
        return bamCases(AvailableDevices.all());
    }

    protected static List<Arguments> bamCases(List<Device> devices) {
        List<Arguments> all = new ArrayList<>();
        for (Device device : devices) {
            String on = " [" + device.label() + "]";
            all.add(Arguments.of(device, Named.of("norms 1e-30" + on, rowsWithNorm(21, 8, 5, 1e-30))));
            all.add(Arguments.of(device, Named.of("norms 1e+30" + on, rowsWithNorm(22, 8, 5, 1e30))));
            all.add(Arguments.of(device, Named.of("zero rows" + on, edit(RandomTensors.gaussian(23, 8, 3), v -> {
                java.util.Arrays.fill(v, 3, 9, 0);
                return v;
            }))));
            all.add(Arguments.of(device, Named.of("duplicated rows" + on, edit(RandomTensors.gaussian(24, 8, 3), v -> {
                System.arraycopy(v, 0, v, 3, 3);
                System.arraycopy(v, 0, v, 12, 3);
                return v;
            }))));
            all.add(Arguments.of(device, Named.of("d = 1" + on, RandomTensors.gaussian(25, 8, 1))));
        }
        return all;
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("bamCases")
    void bamStaysFiniteAndAgreesWithTheReference(Device device, Tensor z) {
        BamResult expected = BamLoss.builder().device(Device.REFERENCE).precision(DType.FLOAT64).build().forward(z);
        BamResult r = BamLoss.builder().device(device).build().forward(z.to(DType.FLOAT32));
        assertTrue(Double.isFinite(expected.loss()), "reference loss " + expected.loss());
        assertTrue(Double.isFinite(r.loss()), "loss " + r.loss());
        Tensor dz = r.backward();
        assertFinite(dz, "gradient");
        assertTrue(Math.abs(expected.loss() - r.loss()) <= 1e-4 * Math.max(1, Math.abs(expected.loss())),
                "loss " + r.loss() + " where the reference gives " + expected.loss());
        Tensor expectedDz = expected.backward();
        assertFinite(expectedDz, "reference gradient");
        // Well-posed in float32: ∂loss/∂z_i is of the order of 1/max(‖z_i‖, 1e-12) (docs/MATH.md §4, the
        // normalisation), so a float32 backend resolves it to about 1e-7 of that scale, however much smaller
        // the exact value is (rows of norm 1e-30 give an exact gradient of ~1e-22 against a scale of 1e12).
        double scale = 0;
        for (int i = 0; i < z.rows(); i++) {
            double norm = 0;
            for (int k = 0; k < z.cols(); k++) {
                norm += z.get(i, k) * z.get(i, k);
            }
            scale = Math.max(scale, 1 / Math.max(Math.sqrt(norm), 1e-12));
        }
        double largest = 0;
        for (long i = 0; i < expectedDz.size(); i++) {
            largest = Math.max(largest, Math.abs(expectedDz.getDouble(i)));
        }
        if (largest >= 1e-6 * scale) {
            Closeness.assertClose(expectedDz, dz, 1e-3, "gradient");
        } else {
            for (long i = 0; i < dz.size(); i++) {
                assertTrue(Math.abs(dz.getDouble(i) - expectedDz.getDouble(i)) <= 1e-6 * scale,
                        "gradient at " + i + ": " + dz.getDouble(i) + " where the reference gives "
                                + expectedDz.getDouble(i) + ", beyond float32's resolution at scale " + scale);
            }
        }
    }

    public static void assertFinite(Tensor t, String what) {
        for (long i = 0; i < t.size(); i++) {
            double v = t.getDouble(i);
            if (!Double.isFinite(v)) {
                throw new AssertionError(what + " has " + v + " at flat index " + i + " of " + t);
            }
        }
    }
}
