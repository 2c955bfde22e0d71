package org.bpa4j;

import org.bpa4j.spi.Backend;
import org.bpa4j.spi.BpaPass;

/** The output of {@link Bpa#forward} and the way back to ∂L/∂X. Holds only the duals, not the plans. */
public final class BpaResult {
    private final BpaPass pass;
    private final int[] outputShape;
    private final int[] inputShape;
    private final Backend backend;
    private final Device device;

    /** The transform that made it, for messages. */
    private final Bpa bpa;

    BpaResult(BpaPass pass, int[] outputShape, int[] inputShape, Backend backend, Bpa bpa) {
        this.pass = pass;
        this.outputShape = outputShape;
        this.inputShape = inputShape;
        this.backend = backend;
        this.device = backend.device();
        this.bpa = bpa;
    }

    /**
     * Z.
     *
     * @return (n, n) or (B, n, n)
     */
    public Tensor output() {
        return pass.output();
    }

    /** Whether the backend has already checked that Z is finite. */
    boolean outputVerifiedFinite() {
        return pass.outputVerifiedFinite();
    }

    /**
     * The backend that computed it.
     *
     * @return never AUTO
     */
    public Device device() {
        return device;
    }

    /**
     * ∂L/∂X given ∂L/∂Z, shaped like X. Exact for the unrolled iterations (docs/MATH.md §3). May be called more
     * than once, with different gradients.
     *
     * @param gradOutput ∂L/∂Z, shaped like {@link #output()}, finite
     * @return ∂L/∂X: (n, d) or (B, n, d)
     * @throws InvalidInputException when the gradient is null, misshaped or not finite, or when the pass would
     *     need more memory than the JVM has
     */
    public Tensor backward(Tensor gradOutput) {
        InputChecks.sameShape(gradOutput, outputShape, "BpaResult.backward: gradient");
        int n = inputShape[inputShape.length - 2];
        int d = inputShape[inputShape.length - 1];
        int sets = inputShape.length == 3 ? inputShape[0] : 1;
        MemoryEstimate.Need need = MemoryEstimate.bpaBackward(backend, sets, n, d, pass.output().dtype());
        MemoryEstimate.check(need, "BpaResult.backward");
        Tensor dx;
        try {
            dx = pass.backward(gradOutput);
        } catch (OutOfMemoryError e) {
            throw MemoryEstimate.ranOut(need, "BpaResult.backward", e);
        }
        if (!java.util.Arrays.equals(dx.shape(), inputShape)) {
            throw new IllegalStateException("backend " + device.label() + " returned a gradient of shape "
                    + dx.shapeString() + " for an input of shape " + Tensor.shapeString(inputShape));
        }
        InputChecks.finiteResult(dx, false, "BpaResult.backward: the " + device.label() + " backend's gradient",
                bpa.describe());
        return dx;
    }
}
