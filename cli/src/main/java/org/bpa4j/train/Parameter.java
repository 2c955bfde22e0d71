package org.bpa4j.train;

/** A trainable array and the gradient accumulated for it since the last {@link #zeroGrad()}. */
public final class Parameter {
    private final String name;
    private final double[] value;
    private final double[] grad;

    public Parameter(String name, double[] value) {
        if (name == null || value == null) {
            throw new IllegalArgumentException("Parameter: name and value must not be null");
        }
        this.name = name;
        this.value = value;
        this.grad = new double[value.length];
    }

    public String name() {
        return name;
    }

    /** The values, updated in place by an optimiser. */
    public double[] value() {
        return value;
    }

    /** The accumulated gradient. */
    public double[] grad() {
        return grad;
    }

    public int size() {
        return value.length;
    }

    public void zeroGrad() {
        java.util.Arrays.fill(grad, 0);
    }
}
