package org.bpa4j.train;

import java.util.List;

/**
 * Adam (Kingma &amp; Ba), with PyTorch's defaults and update: m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g²,
 * p ← p − lr·(m/(1−β₁ᵗ)) / (√(v/(1−β₂ᵗ)) + ε). Holds the moments of a fixed list of parameters.
 */
public final class Adam {
    private final List<Parameter> parameters;
    private final double lr;
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double[][] m;
    private final double[][] v;
    private int step;

    /** lr with β₁ = 0.9, β₂ = 0.999, ε = 1e-8. */
    public Adam(List<Parameter> parameters, double lr) {
        this(parameters, lr, 0.9, 0.999, 1e-8);
    }

    public Adam(List<Parameter> parameters, double lr, double beta1, double beta2, double eps) {
        if (parameters == null || parameters.isEmpty()) {
            throw new IllegalArgumentException("Adam: no parameters to optimise");
        }
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("Adam: lr must be a finite number > 0, got " + lr);
        }
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("Adam: betas must be in [0, 1), got " + beta1 + ", " + beta2);
        }
        if (!(eps > 0)) {
            throw new IllegalArgumentException("Adam: eps must be > 0, got " + eps);
        }
        this.parameters = List.copyOf(parameters);
        this.lr = lr;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.m = new double[this.parameters.size()][];
        this.v = new double[this.parameters.size()][];
        for (int i = 0; i < m.length; i++) {
            m[i] = new double[this.parameters.get(i).size()];
            v[i] = new double[this.parameters.get(i).size()];
        }
    }

    /** One update from the parameters' accumulated gradients (which it leaves as they are). */
    public void step() {
        step++;
        double correction1 = 1 - Math.pow(beta1, step);
        double correction2 = 1 - Math.pow(beta2, step);
        for (int i = 0; i < m.length; i++) {
            Parameter p = parameters.get(i);
            double[] value = p.value();
            double[] grad = p.grad();
            for (int k = 0; k < value.length; k++) {
                double g = grad[k];
                if (!Double.isFinite(g)) {
                    throw new IllegalStateException("Adam.step: gradient of " + p.name() + " is " + g + " at index " + k);
                }
                m[i][k] = beta1 * m[i][k] + (1 - beta1) * g;
                v[i][k] = beta2 * v[i][k] + (1 - beta2) * g * g;
                double mHat = m[i][k] / correction1;
                double vHat = v[i][k] / correction2;
                value[k] -= lr * mHat / (Math.sqrt(vHat) + eps);
            }
        }
    }

    /** Clears every parameter's gradient. */
    public void zeroGrad() {
        for (Parameter p : parameters) {
            p.zeroGrad();
        }
    }

    /** Updates made so far. */
    public int steps() {
        return step;
    }
}
