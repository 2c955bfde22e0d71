package org.bpa4j;

import org.bpa4j.spi.BamPass;

/**
 * The value of {@link BamLoss#forward} and the way back to ∂loss/∂z (and ∂loss/∂zTeacher). The target P
 * carries no gradient (docs/MATH.md §4). Immutable: the gradients may be asked for any number of times.
 */
public final class BamResult {
    private final BamPass pass;
    private final int[] inputShape;
    private final boolean distill;
    private final Device device;

    /** The loss's options, for messages. */
    private final String options;

    BamResult(BamPass pass, int[] inputShape, boolean distill, Device device, String options) {
        this.pass = pass;
        this.inputShape = inputShape;
        this.distill = distill;
        this.device = device;
        this.options = options;
    }

    /**
     * The loss of docs/MATH.md §4, step 8.
     *
     * @return the loss, finite (a non-finite one is refused by {@link BamLoss#forward(Tensor)})
     */
    public double loss() {
        return pass.loss();
    }

    /**
     * The backend that computed it.
     *
     * @return the backend's device, never {@link Device#AUTO}
     */
    public Device device() {
        return device;
    }

    /**
     * Whether this is the distillation form (a teacher was given).
     *
     * @return true for {@link BamLoss#forward(Tensor, Tensor)}
     */
    public boolean distill() {
        return distill;
    }

    /**
     * ∂loss/∂z, shaped like z.
     *
     * @return a new tensor (V·B, d) in the precision of the loss
     * @throws InvalidInputException when the backend's gradient is not finite for these options
     */
    public Tensor backward() {
        return backward(1.0);
    }

    /**
     * ∂(scale·loss)/∂z: the loss is a scalar, so the upstream gradient is one number.
     *
     * @param scale the upstream gradient ∂L/∂loss, finite (e.g. a loss weight)
     * @return a new tensor shaped like z
     * @throws InvalidInputException when scale is not finite, or the gradient it gives is not finite
     */
    public Tensor backward(double scale) {
        checkScale(scale, "BamResult.backward");
        return checked(pass.gradient(scale), "BamResult.backward", scale);
    }

    /**
     * ∂loss/∂zTeacher, shaped like zTeacher; only for the distillation form.
     *
     * @return a new tensor (V·B, d)
     * @throws IllegalStateException when the loss was computed without a teacher
     * @throws InvalidInputException when the backend's gradient is not finite for these options
     */
    public Tensor teacherBackward() {
        return teacherBackward(1.0);
    }

    /**
     * ∂(scale·loss)/∂zTeacher; only for the distillation form.
     *
     * @param scale the upstream gradient ∂L/∂loss, finite
     * @return a new tensor shaped like zTeacher
     * @throws IllegalStateException when the loss was computed without a teacher
     * @throws InvalidInputException when scale is not finite, or the gradient it gives is not finite
     */
    public Tensor teacherBackward(double scale) {
        if (!distill) {
            throw new IllegalStateException("BamResult.teacherBackward: this loss was computed by forward(z) "
                    + "without a teacher; use forward(z, zTeacher)");
        }
        checkScale(scale, "BamResult.teacherBackward");
        return checked(pass.teacherGradient(scale), "BamResult.teacherBackward", scale);
    }

    private static void checkScale(double scale, String where) {
        if (!Double.isFinite(scale)) {
            throw new InvalidInputException(where + ": scale must be finite, got " + scale);
        }
    }

    /** Shaped like z and finite: a scale or options beyond the backend's range are refused, never NaN. */
    private Tensor checked(Tensor grad, String where, double scale) {
        if (!java.util.Arrays.equals(grad.shape(), inputShape)) {
            throw new IllegalStateException("backend " + device.label() + " returned a gradient of shape "
                    + grad.shapeString() + " for an input of shape " + Tensor.shapeString(inputShape));
        }
        InputChecks.finiteResult(grad, false, where + ": the " + device.label() + " backend's gradient",
                options + ", scale " + scale);
        return grad;
    }
}
