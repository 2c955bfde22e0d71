package org.bpa4j;

import org.bpa4j.spi.Backend;
import org.bpa4j.spi.SinkhornOptions;
import org.bpa4j.spi.UnitMarginals;

/**
 * Log-domain Sinkhorn (docs/MATH.md §1): rows first, then columns, for a fixed number of iterations or until the
 * row-marginal error ‖P·1 − a‖₁ falls below a tolerance (the iterations then being the cap).
 * Immutable and thread-safe.
 *
 * <pre>{@code
 * Sinkhorn sk = Sinkhorn.builder().reg(0.05).iterations(1000).tolerance(1e-9).build();
 * SinkhornResult r = sk.solve(cost, a, b);          // r.plan(), r.logPlan(), r.iterations()
 * Tensor dCost = r.backward(gradLogPlan);
 * }</pre>
 */
public final class Sinkhorn {
    /** Relative tolerance on |Σa − Σb| / max(Σa, Σb) for marginals to be considered balanced. */
    static final double MARGINAL_MASS_TOLERANCE = 1e-6;

    private final double reg;
    private final int iterations;
    private final double tolerance;
    private final int checkEvery;
    private final Device device;
    private final DType precision;

    private Sinkhorn(Builder b) {
        this.reg = b.reg;
        this.iterations = b.iterations;
        this.tolerance = b.tolerance;
        this.checkEvery = b.checkEvery;
        this.device = b.device;
        this.precision = b.precision;
    }

    /**
     * A builder with the defaults (ε 0.1, 10 iterations, no tolerance, AUTO).
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The backend a call made now will use: the device given to the builder, or for {@link Device#AUTO} the one
     * AUTO resolves to (after the system property {@value Backends#PROPERTY}). The answer is the same for every
     * call in this JVM, since backends are probed once.
     *
     * @return the device of that backend, never {@link Device#AUTO}
     * @throws InvalidInputException when the builder named a device that is unavailable here (with the reason)
     * @throws IllegalStateException when no backend at all is available
     */
    public Device backend() {
        return Backends.resolve(device).device();
    }

    /**
     * Solves with unit marginals (every row and column of the plan sums to 1), as BPA does. They balance only
     * on a square cost: an n×m cost with n ≠ m (Σa = n, Σb = m) is refused as explicit marginals of different
     * totals are; give it marginals with {@link #solve(Tensor, Tensor, Tensor)}.
     *
     * @param cost C: (n, n) or a batch (B, n, n), float32 or float64
     * @return the plan, shaped like the cost, with its duals and the way back to ∂L/∂C
     * @throws InvalidInputException when the cost is null, empty, not 2-D or 3-D, not square, or not finite;
     *     when the device is unavailable; or when the solve would need more memory than the JVM has
     */
    public SinkhornResult solve(Tensor cost) {
        return solve(cost, null, null);
    }

    /**
     * Solves with marginals a (n) and b (m) — or (B, n) and (B, m) for a batch — given as masses, not
     * logarithms: non-negative, with Σa = Σb. Either both or neither may be null; neither means unit
     * marginals, which only a square cost (n = m) balances.
     *
     * @param cost C: (n, m) or (B, n, m)
     * @param a the row masses: (n) or (B, n), or null for unit marginals
     * @param b the column masses: (m) or (B, m), or null for unit marginals
     * @return the plan, shaped like the cost, with its duals and the way back to ∂L/∂C
     * @throws InvalidInputException when the cost is null, empty, not 2-D or 3-D, or not finite; when the
     *     marginals are misshaped, negative, not finite or unbalanced (unit marginals on n ≠ m included); when the
     *     device is unavailable; or when the solve would need more memory than the JVM has
     */
    public SinkhornResult solve(Tensor cost, Tensor a, Tensor b) {
        InputChecks.notNull(cost, "Sinkhorn.solve: cost");
        if (cost.rank() != 2 && cost.rank() != 3) {
            throw new InvalidInputException("Sinkhorn.solve: cost must be 2-D (n, m) or 3-D (B, n, m), got shape "
                    + cost.shapeString());
        }
        if (cost.rows() < 1 || cost.cols() < 1 || cost.sets() < 1) {
            throw new InvalidInputException("Sinkhorn.solve: cost is empty: shape " + cost.shapeString());
        }
        InputChecks.finite(cost, "Sinkhorn.solve: cost");
        if ((a == null) != (b == null)) {
            throw new InvalidInputException("Sinkhorn.solve: give both marginals a and b, or neither");
        }
        UnitMarginals.requireBalanced(cost, a, b, "Sinkhorn.solve");
        if (a != null) {
            checkMarginal(a, cost, cost.rows(), "a");
            checkMarginal(b, cost, cost.cols(), "b");
            checkMass(a, b, cost.sets());
        }
        DType out = precision != null ? precision : cost.dtype();
        Backend backend = Backends.resolve(device);
        MemoryEstimate.Need need = MemoryEstimate.sinkhorn(backend, cost.sets(), cost.rows(), cost.cols(),
                iterations, out);
        MemoryEstimate.check(need, "Sinkhorn.solve");
        SinkhornOptions options = new SinkhornOptions(reg, iterations, tolerance, checkEvery, out);
        SinkhornResult result;
        try {
            result = new SinkhornResult(backend.sinkhorn(options, cost, a, b), cost.shape(), backend,
                    "reg " + reg + ", " + iterations + " iterations", tolerance);
        } catch (OutOfMemoryError e) {
            throw MemoryEstimate.ranOut(need, "Sinkhorn.solve", e);
        }
        // −∞ is logP's value where a row or column has no mass
        InputChecks.finiteResult(result.logPlan(), a != null, "Sinkhorn.solve: the " + backend.device().label()
                + " backend's logP", "reg " + reg + ", " + iterations + " iterations");
        return result;
    }

    private static void checkMarginal(Tensor m, Tensor cost, int length, String name) {
        int[] expected = cost.rank() == 3 ? new int[] {cost.sets(), length} : new int[] {length};
        InputChecks.sameShape(m, expected, "Sinkhorn.solve: marginal " + name);
        for (long i = 0; i < m.size(); i++) {
            if (m.getDouble(i) < 0) {
                throw new InvalidInputException("Sinkhorn.solve: marginal " + name + " is negative ("
                        + m.getDouble(i) + ") at index " + i);
            }
        }
    }

    private static void checkMass(Tensor a, Tensor b, int sets) {
        int n = a.cols() == 1 && a.rank() == 1 ? a.rows() : a.cols();
        int m = b.cols() == 1 && b.rank() == 1 ? b.rows() : b.cols();
        for (int s = 0; s < sets; s++) {
            double sa = 0;
            double sb = 0;
            for (int i = 0; i < n; i++) {
                sa += a.getDouble((long) s * n + i);
            }
            for (int j = 0; j < m; j++) {
                sb += b.getDouble((long) s * m + j);
            }
            String where = sets > 1 ? " in set " + s : "";
            if (!Double.isFinite(sa) || !Double.isFinite(sb)) {
                throw new InvalidInputException("Sinkhorn.solve: marginals must have a finite total" + where
                        + " (Σa = " + sa + ", Σb = " + sb + ")");
            }
            if (!(sa > 0) || !(sb > 0)) {
                throw new InvalidInputException("Sinkhorn.solve: marginals must have positive mass" + where
                        + " (Σa = " + sa + ", Σb = " + sb + ")");
            }
            if (Math.abs(sa - sb) > MARGINAL_MASS_TOLERANCE * Math.max(sa, sb)) {
                throw new InvalidInputException("Sinkhorn.solve: marginals do not sum to the same total" + where
                        + ": Σa = " + sa + ", Σb = " + sb);
            }
        }
    }

    /**
     * The entropic regularisation ε.
     *
     * @return ε > 0
     */
    public double reg() {
        return reg;
    }

    /**
     * The fixed number of iterations, or the cap when a tolerance is set.
     *
     * @return at least 1
     */
    public int iterations() {
        return iterations;
    }

    /**
     * The tolerance on the row-marginal error.
     *
     * @return the tolerance, or NaN for a fixed number of iterations
     */
    public double tolerance() {
        return tolerance;
    }

    /**
     * The options of a {@link Sinkhorn}, with their defaults in brackets; each setter validates its value at once,
     * so that {@link #build} cannot fail. Made by {@link Sinkhorn#builder()}. Not thread-safe: confine a builder to
     * one thread (the solvers it builds are thread-safe).
     */
    public static final class Builder {
        private double reg = 0.1;
        private int iterations = 10;
        private double tolerance = Double.NaN;
        private int checkEvery = 1;
        private Device device = Device.AUTO;
        private DType precision;

        private Builder() {
        }

        /**
         * Entropic regularisation ε [0.1].
         *
         * @param reg a finite ε > 0
         * @return this builder
         * @throws InvalidInputException when reg is not a finite number > 0
         */
        public Builder reg(double reg) {
            InputChecks.reg(reg, "Sinkhorn.Builder");
            this.reg = reg;
            return this;
        }

        /**
         * The fixed number of iterations, or the cap when a tolerance is set [10].
         *
         * @param iterations at least 1
         * @return this builder
         * @throws InvalidInputException when iterations is below 1
         */
        public Builder iterations(int iterations) {
            InputChecks.iterations(iterations, "Sinkhorn.Builder");
            this.iterations = iterations;
            return this;
        }

        /**
         * Stop once ‖P·1 − a‖₁ ≤ tolerance; without it the iterations are a fixed count [none].
         *
         * @param tolerance a finite number ≥ 0
         * @return this builder
         * @throws InvalidInputException when the tolerance is negative, NaN or infinite
         */
        public Builder tolerance(double tolerance) {
            if (!(tolerance >= 0) || Double.isInfinite(tolerance)) {
                throw new InvalidInputException("Sinkhorn.Builder: tolerance must be a finite number >= 0, got "
                        + tolerance);
            }
            this.tolerance = tolerance;
            return this;
        }

        /**
         * Check the tolerance every k iterations (and after the last) [1].
         *
         * @param k at least 1
         * @return this builder
         * @throws InvalidInputException when k is below 1
         */
        public Builder checkEvery(int k) {
            if (k <= 0) {
                throw new InvalidInputException("Sinkhorn.Builder: checkEvery must be > 0, got " + k);
            }
            this.checkEvery = k;
            return this;
        }

        /**
         * The backend [AUTO].
         *
         * @param device AUTO, REFERENCE, CPU or CUDA; an unavailable one is refused when a solve is made
         * @return this builder
         * @throws InvalidInputException when the device is null
         */
        public Builder device(Device device) {
            InputChecks.notNull(device, "Sinkhorn.Builder.device");
            this.device = device;
            return this;
        }

        /**
         * Precision of the plan and gradient [null: the cost's own].
         *
         * @param precision float32, float64, or null
         * @return this builder
         */
        public Builder precision(DType precision) {
            this.precision = precision;
            return this;
        }

        /**
         * The solver with these options.
         *
         * @return an immutable, thread-safe solver
         */
        public Sinkhorn build() {
            return new Sinkhorn(this);
        }
    }
}
