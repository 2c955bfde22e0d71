package org.bpa4j.train;

import java.util.List;
import java.util.SplittableRandom;

/** y = x·Wᵀ + b for rows x of length {@code in}; W is out×in row-major. */
public final class Linear {
    private final int in;
    private final int out;
    private final Parameter weight;
    private final Parameter bias;

    private Linear(int in, int out, double[] w, double[] b) {
        this.in = in;
        this.out = out;
        this.weight = new Parameter("weight", w);
        this.bias = new Parameter("bias", b);
    }

    /** The identity map (square, bias 0). */
    public static Linear identity(int size) {
        checkSize(size, size);
        double[] w = new double[size * size];
        for (int i = 0; i < size; i++) {
            w[i * size + i] = 1;
        }
        return new Linear(size, size, w, new double[size]);
    }

    /** PyTorch's default initialisation: W and b uniform in ±1/√in. */
    public static Linear random(int in, int out, SplittableRandom random) {
        checkSize(in, out);
        double bound = 1 / Math.sqrt(in);
        double[] w = new double[out * in];
        double[] b = new double[out];
        for (int k = 0; k < w.length; k++) {
            w[k] = random.nextDouble(-bound, bound);
        }
        for (int k = 0; k < b.length; k++) {
            b[k] = random.nextDouble(-bound, bound);
        }
        return new Linear(in, out, w, b);
    }

    private static void checkSize(int in, int out) {
        if (in < 1 || out < 1) {
            throw new IllegalArgumentException("Linear: sizes must be >= 1, got in = " + in + ", out = " + out);
        }
    }

    public int in() {
        return in;
    }

    public int out() {
        return out;
    }

    public Parameter weight() {
        return weight;
    }

    public Parameter bias() {
        return bias;
    }

    public List<Parameter> parameters() {
        return List.of(weight, bias);
    }

    /** y (n×out) for x (n×in). */
    public double[] forward(double[] x, int n) {
        checkRows(x, n, in, "Linear.forward: x");
        double[] w = weight.value();
        double[] b = bias.value();
        double[] y = new double[n * out];
        for (int r = 0; r < n; r++) {
            for (int o = 0; o < out; o++) {
                double s = b[o];
                for (int k = 0; k < in; k++) {
                    s += x[r * in + k] * w[o * in + k];
                }
                y[r * out + o] = s;
            }
        }
        return y;
    }

    /** Adds ∂L/∂W and ∂L/∂b to the parameters' gradients and returns ∂L/∂x, given x and ∂L/∂y. */
    public double[] backward(double[] x, double[] gradY, int n) {
        checkRows(x, n, in, "Linear.backward: x");
        checkRows(gradY, n, out, "Linear.backward: gradY");
        double[] w = weight.value();
        double[] gw = weight.grad();
        double[] gb = bias.grad();
        double[] gx = new double[n * in];
        for (int r = 0; r < n; r++) {
            for (int o = 0; o < out; o++) {
                double g = gradY[r * out + o];
                if (g == 0) {
                    continue;
                }
                gb[o] += g;
                for (int k = 0; k < in; k++) {
                    gw[o * in + k] += g * x[r * in + k];
                    gx[r * in + k] += g * w[o * in + k];
                }
            }
        }
        return gx;
    }

    static void checkRows(double[] a, int n, int width, String what) {
        if (a == null) {
            throw new IllegalArgumentException(what + " must not be null");
        }
        if (n < 1 || a.length != (long) n * width) {
            throw new IllegalArgumentException(what + " has " + a.length + " values where " + n + " rows of "
                    + width + " were expected");
        }
    }
}
