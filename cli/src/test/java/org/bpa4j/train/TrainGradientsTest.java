package org.bpa4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;

/** The layers' and the prototype loss's backward passes against central differences. */
class TrainGradientsTest {
    private static final double STEP = 1e-6;

    private static double[] gaussian(SplittableRandom random, int size) {
        double[] a = new double[size];
        for (int k = 0; k < a.length; k++) {
            a[k] = random.nextGaussian();
        }
        return a;
    }

    /** Perturbs each entry of {@code values} in place and compares (f(+h) − f(−h))/2h with {@code grad}. */
    private static void check(double[] values, double[] grad, DoubleSupplier f, String what) {
        double scale = 0;
        for (double g : grad) {
            scale = Math.max(scale, Math.abs(g));
        }
        assertTrue(scale > 1e-8, what + ": zero gradient");
        for (int k = 0; k < values.length; k++) {
            double original = values[k];
            values[k] = original + STEP;
            double up = f.getAsDouble();
            values[k] = original - STEP;
            double down = f.getAsDouble();
            values[k] = original;
            double numeric = (up - down) / (2 * STEP);
            assertEquals(numeric, grad[k], 1e-6 * scale, what + " at " + k);
        }
    }

    /** L = Σ g ⊙ y for a fixed random g. */
    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int k = 0; k < a.length; k++) {
            s += a[k] * b[k];
        }
        return s;
    }

    @Test
    void linear() {
        SplittableRandom random = new SplittableRandom(1);
        Linear layer = Linear.random(5, 3, random);
        int n = 4;
        double[] x = gaussian(random, n * 5);
        double[] g = gaussian(random, n * 3);
        double[] gx = layer.backward(x, g, n);
        DoubleSupplier loss = () -> dot(g, layer.forward(x, n));
        check(x, gx, loss, "dx");
        check(layer.weight().value(), layer.weight().grad(), loss, "dW");
        check(layer.bias().value(), layer.bias().grad(), loss, "db");
    }

    @Test
    void mlp() {
        SplittableRandom random = new SplittableRandom(2);
        Mlp mlp = new Mlp(6, 10, 4, random);
        int n = 5;
        double[] x = gaussian(random, n * 6);
        double[] g = gaussian(random, n * 4);
        double[] gx = mlp.forward(x, n).backward(g);
        DoubleSupplier loss = () -> dot(g, mlp.forward(x, n).output());
        check(x, gx, loss, "dx");
        for (Parameter p : mlp.parameters()) {
            check(p.value(), p.grad(), loss, p.name());
        }
    }

    @Test
    void prototypeLoss() {
        SplittableRandom random = new SplittableRandom(3);
        int[] support = {0, 1, 2, 0, 1, 2};
        int[] queries = {2, 0, 1, 1};
        int n = 10;
        int width = 7;
        double[] f = gaussian(random, n * width);
        PrototypeLoss loss = new PrototypeLoss(0.5);
        PrototypeLoss.Result r = loss.evaluate(f, n, width, support, queries, 3);
        check(f, r.gradFeatures(), () -> loss.evaluate(f, n, width, support, queries, 3).loss(), "dF");
    }

    @Test
    void prototypeLossOfPerfectlySeparatedClassesIsNearZeroAndAccurate() {
        // classes at distance 10 along separate axes, queries on their prototype
        int[] support = {0, 1};
        int[] queries = {1, 0};
        double[] f = {10, 0, 0, 10, 0, 10, 10, 0};
        PrototypeLoss.Result r = new PrototypeLoss(0.1).evaluate(f, 4, 2, support, queries, 2);
        assertEquals(1.0, r.accuracy());
        assertTrue(r.loss() < 1e-100, "loss " + r.loss());
    }

    @Test
    void prototypeLossRefusesBadLabels() {
        PrototypeLoss loss = new PrototypeLoss(0.1);
        double[] f = new double[4 * 2];
        assertThrows(IllegalArgumentException.class, () -> loss.evaluate(f, 4, 2, new int[] {0, 0}, new int[] {1, 0}, 2));
        assertThrows(IllegalArgumentException.class, () -> loss.evaluate(f, 4, 2, new int[] {0, 1}, new int[] {2, 0}, 2));
        assertThrows(IllegalArgumentException.class, () -> loss.evaluate(f, 4, 2, new int[] {0, 1}, new int[] {1}, 2));
        assertThrows(IllegalArgumentException.class, () -> new PrototypeLoss(0));
    }

    @Test
    void identityLayerIsTheIdentity() {
        Linear id = Linear.identity(4);
        double[] x = gaussian(new SplittableRandom(4), 3 * 4);
        assertArrayEquals(x, id.forward(x, 3));
    }

    @Test
    void adamMatchesThePyTorchUpdate() {
        // one parameter, gradients 0.5 then −1, worked through PyTorch's documented update by hand
        Parameter p = new Parameter("p", new double[] {1.0});
        Adam adam = new Adam(List.of(p), 0.1);
        p.grad()[0] = 0.5;
        adam.step();
        // step 1: m̂ = 0.5, v̂ = 0.25 → p = 1 − 0.1·0.5/(0.5 + 1e-8)
        assertEquals(1 - 0.1 * 0.5 / (0.5 + 1e-8), p.value()[0], 1e-15);
        adam.zeroGrad();
        p.grad()[0] = -1.0;
        adam.step();
        double m = 0.9 * 0.05 + 0.1 * -1.0;
        double v = 0.999 * 0.00025 + 0.001 * 1.0;
        double mHat = m / (1 - 0.81);
        double vHat = v / (1 - 0.999 * 0.999);
        assertEquals(1 - 0.1 * 0.5 / (0.5 + 1e-8) - 0.1 * mHat / (Math.sqrt(vHat) + 1e-8), p.value()[0], 1e-15);
        assertEquals(2, adam.steps());
    }

    @Test
    void adamMinimisesAQuadratic() {
        Parameter p = new Parameter("p", new double[] {3, -2});
        Adam adam = new Adam(List.of(p), 0.05);
        for (int t = 0; t < 2000; t++) {
            adam.zeroGrad();
            p.grad()[0] = 2 * (p.value()[0] - 1);
            p.grad()[1] = 2 * (p.value()[1] + 0.5);
            adam.step();
        }
        assertEquals(1, p.value()[0], 1e-3);
        assertEquals(-0.5, p.value()[1], 1e-3);
    }

    @Test
    void adamRefusesBadSettingsAndNonFiniteGradients() {
        Parameter p = new Parameter("p", new double[] {1});
        assertThrows(IllegalArgumentException.class, () -> new Adam(List.of(p), 0));
        assertThrows(IllegalArgumentException.class, () -> new Adam(List.of(), 0.1));
        assertThrows(IllegalArgumentException.class, () -> new Adam(List.of(p), 0.1, 1, 0.999, 1e-8));
        Adam adam = new Adam(List.of(p), 0.1);
        p.grad()[0] = Double.NaN;
        IllegalStateException e = assertThrows(IllegalStateException.class, adam::step);
        assertTrue(e.getMessage().contains("p"), e.getMessage());
    }
}
