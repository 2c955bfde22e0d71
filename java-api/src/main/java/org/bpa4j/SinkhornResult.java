package org.bpa4j;

import org.bpa4j.spi.SinkhornPass;

/** A Sinkhorn solve: the plan, its logarithm, the duals, the iterations run and the way back to ∂L/∂C. */
public final class SinkhornResult {
    private final SinkhornPass pass;
    private final int[] shape;
    private final Device device;
    private Tensor plan;

    /** The options, for messages. */
    private final String options;
    /** The tolerance asked for, or NaN for a fixed number of iterations. */
    private final double tolerance;

    SinkhornResult(SinkhornPass pass, int[] shape, Device device, String options) {
        this(pass, shape, device, options, Double.NaN);
    }

    SinkhornResult(SinkhornPass pass, int[] shape, Device device, String options, double tolerance) {
        this.pass = pass;
        this.shape = shape;
        this.device = device;
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

    /** logP, shaped like the cost. */
    public Tensor logPlan() {
        return pass.logPlan();
    }

    /** P = exp(logP), computed on first use. */
    public synchronized Tensor plan() {
        if (plan == null) {
            Tensor log = pass.logPlan();
            Tensor p = Tensor.zeros(log.dtype(), log.shape());
            for (long i = 0; i < log.size(); i++) {
                p.setDouble(i, Math.exp(log.getDouble(i)));
            }
            plan = p;
        }
        return plan;
    }

    /** Final row duals u: (n) or (B, n). */
    public Tensor u() {
        return pass.u();
    }

    /** Final column duals v: (m) or (B, m). */
    public Tensor v() {
        return pass.v();
    }

    /** Iterations run (the largest over the sets of a batch). */
    public int iterations() {
        int max = 0;
        for (int it : pass.iterations()) {
            max = Math.max(max, it);
        }
        return max;
    }

    /** Iterations run for each set. */
    public int[] iterationsPerSet() {
        return pass.iterations().clone();
    }

    /** Final row-marginal error ‖P·1 − a‖₁ (the largest over the sets of a batch). */
    public double marginalError() {
        double max = 0;
        for (double e : pass.marginalError()) {
            max = Math.max(max, e);
        }
        return max;
    }

    public Device device() {
        return device;
    }

    /** ∂L/∂C given ∂L/∂logP, exact for the iterations that were run. */
    public Tensor backward(Tensor gradLogPlan) {
        InputChecks.sameShape(gradLogPlan, shape, "SinkhornResult.backward: gradient");
        int sets = shape.length == 3 ? shape[0] : 1;
        MemoryEstimate.Need need = MemoryEstimate.sinkhornBackward(device, sets, shape[shape.length - 2],
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
