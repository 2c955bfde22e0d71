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

    BamResult(BamPass pass, int[] inputShape, boolean distill, Device device) {
        this.pass = pass;
        this.inputShape = inputShape;
        this.distill = distill;
        this.device = device;
    }

    /** The loss. */
    public double loss() {
        return pass.loss();
    }

    /** The backend that computed it. */
    public Device device() {
        return device;
    }

    /** Whether this is the distillation form (a teacher was given). */
    public boolean distill() {
        return distill;
    }

    /** ∂loss/∂z, shaped like z. */
    public Tensor backward() {
        return backward(1.0);
    }

    /** ∂(scale·loss)/∂z: the loss is a scalar, so the upstream gradient is one number. */
    public Tensor backward(double scale) {
        checkScale(scale, "BamResult.backward");
        return checked(pass.gradient(scale));
    }

    /** ∂loss/∂zTeacher, shaped like zTeacher; only for the distillation form. */
    public Tensor teacherBackward() {
        return teacherBackward(1.0);
    }

    /** ∂(scale·loss)/∂zTeacher; only for the distillation form. */
    public Tensor teacherBackward(double scale) {
        if (!distill) {
            throw new IllegalStateException("BamResult.teacherBackward: this loss was computed by forward(z) "
                    + "without a teacher; use forward(z, zTeacher)");
        }
        checkScale(scale, "BamResult.teacherBackward");
        return checked(pass.teacherGradient(scale));
    }

    private static void checkScale(double scale, String where) {
        if (!Double.isFinite(scale)) {
            throw new IllegalArgumentException(where + ": scale must be finite, got " + scale);
        }
    }

    private Tensor checked(Tensor grad) {
        if (!java.util.Arrays.equals(grad.shape(), inputShape)) {
            throw new IllegalStateException("backend " + device.label() + " returned a gradient of shape "
                    + grad.shapeString() + " for an input of shape " + Tensor.shapeString(inputShape));
        }
        return grad;
    }
}
