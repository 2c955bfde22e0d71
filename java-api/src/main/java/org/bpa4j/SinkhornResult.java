package org.bpa4j;

import org.bpa4j.spi.Backend;
import org.bpa4j.spi.SinkhornPass;

/**
 * A Sinkhorn solve: the plan, its logarithm, the duals, the iterations run, whether the tolerance was met, and
 * the way back to ∂L/∂C. Immutable once made; safe to read from several threads.
 */
public final class SinkhornResult {
    private final SinkhornPass pass;
    private final int[] shape;
    private final Backend backend;
    private final Device device;
    private Tensor plan;

    /** The options, for messages. */
    private final String options;
    /** The tolerance asked for, or NaN for a fixed number of iterations. */
    private final double tolerance;

    SinkhornResult(SinkhornPass pass, int[] shape, Backend backend, String options, double tolerance) {
        this.pass = pass;
        this.shape = shape;
        this.backend = backend;
        this.device = backend.device();
        this.options = options;
        this.tolerance = tolerance;
    }

    /**
     * Whether the solve reached its tolerance: every set's final row-marginal error ‖P·1 − a‖₁ is at most the
     * tolerance given to {@link Sinkhorn.Builder#tolerance(double)}. False when the cap on iterations came first,
     * as for a float32 solve asked for a tolerance below what float32 can resolve (about 1e-6 relative), and false
     * for a solve without a tolerance, which runs a fixed number of iterations and checks nothing.
     *
     * @return true when a tolerance was set and every set met it
     */
    public boolean converged() {
        if (Double.isNaN(tolerance)) {
            return false;
        }
        for (double e : pass.marginalError()) {
            if (!(e <= tolerance)) {
                return false;
            }
        }
        return true;
    }

    /**
     * logP = u_i + logK_ij + v_j, shaped like the cost (−∞ where a row or column has no mass).
     *
     * @return (n, m) or (B, n, m)
     */
    public Tensor logPlan() {
        return pass.logPlan();
    }

    /**
     * P = exp(logP), computed on first use: one more tensor the size of the cost, checked against the
     * memory free before it is allocated (docs/RELIABILITY.md, "Sizes").
     * Thread-safe.
     *
     * @return (n, m) or (B, n, m)
     */
    public synchronized Tensor plan() {
        if (plan == null) {
            Tensor log = pass.logPlan();
            MemoryEstimate.check(MemoryEstimate.tensor(log.size(), log.dtype(), "the plan P = exp(logP) of shape "
                    + log.shapeString()), "SinkhornResult.plan");
            Tensor p = Tensor.zeros(log.dtype(), log.shape());
            for (long i = 0; i < log.size(); i++) {
                p.setDouble(i, Math.exp(log.getDouble(i)));
            }
            plan = p;
        }
        return plan;
    }

    /**
     * The final row duals u.
     *
     * @return (n) or (B, n)
     */
    public Tensor u() {
        return pass.u();
    }

    /**
     * The final column duals v.
     *
     * @return (m) or (B, m)
     */
    public Tensor v() {
        return pass.v();
    }

    /**
     * The iterations run.
     *
     * @return the largest over the sets of a batch
     */
    public int iterations() {
        int max = 0;
        for (int it : pass.iterations()) {
            max = Math.max(max, it);
        }
        return max;
    }

    /**
     * The iterations run for each set.
     *
     * @return a new array of B counts (1 for an unbatched cost)
     */
    public int[] iterationsPerSet() {
        return pass.iterations().clone();
    }

    /**
     * The final row-marginal error ‖P·1 − a‖₁.
     *
     * @return the largest over the sets of a batch
     */
    public double marginalError() {
        double max = 0;
        for (double e : pass.marginalError()) {
            max = Math.max(max, e);
        }
        return max;
    }

    /**
     * The backend that solved it.
     *
     * @return never AUTO
     */
    public Device device() {
        return device;
    }

    /**
     * ∂L/∂C given ∂L/∂logP, exact for the iterations that were run.
     *
     * @param gradLogPlan ∂L/∂logP, shaped like {@link #logPlan()}, finite
     * @return ∂L/∂C, shaped like the cost
     * @throws InvalidInputException when the gradient is null, misshaped or not finite, or when the pass would
     *     need more memory than the JVM has
     */
    public Tensor backward(Tensor gradLogPlan) {
        InputChecks.sameShape(gradLogPlan, shape, "SinkhornResult.backward: gradient");
        int sets = shape.length == 3 ? shape[0] : 1;
        MemoryEstimate.Need need = MemoryEstimate.sinkhornBackward(backend, sets, shape[shape.length - 2],
                shape[shape.length - 1], pass.logPlan().dtype());
        MemoryEstimate.check(need, "SinkhornResult.backward");
        Tensor dc;
        try {
            dc = pass.backward(gradLogPlan);
        } catch (OutOfMemoryError e) {
            throw MemoryEstimate.ranOut(need, "SinkhornResult.backward", e);
        }
        InputChecks.finiteResult(dc, false, "SinkhornResult.backward: the " + device.label() + " backend's gradient",
                options);
        return dc;
    }
}
