package org.bpa4j;

import org.bpa4j.spi.Backend;
import org.bpa4j.spi.SinkhornPass;

/** A Sinkhorn solve: the plan, its logarithm, the duals, the iterations run and the way back to ∂L/∂C. */
public final class SinkhornResult {
    private final SinkhornPass pass;
    private final int[] shape;
    private final Backend backend;
    private final Device device;
    private Tensor plan;

    /** The options, for messages. */
    private final String options;

    SinkhornResult(SinkhornPass pass, int[] shape, Backend backend, String options) {
        this.pass = pass;
        this.shape = shape;
        this.backend = backend;
        this.device = backend.device();
        this.options = options;
    }

    /** logP, shaped like the cost. */
    public Tensor logPlan() {
        return pass.logPlan();
    }

    /**
     * P = exp(logP), computed on first use: one more tensor the size of the cost, checked against the
     * memory free before it is allocated (docs/RELIABILITY.md, "Sizes").
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
