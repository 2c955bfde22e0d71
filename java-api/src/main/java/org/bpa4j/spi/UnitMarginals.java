package org.bpa4j.spi;

import org.bpa4j.InvalidInputException;
import org.bpa4j.Tensor;

/**
 * The default marginals of a Sinkhorn solve: all ones (docs/MATH.md §1, α = β = 0). They balance only on a
 * square cost: an n×m cost gives Σa = n and Σb = m, a problem with no plan whose rows and columns both sum to
 * one. Such a request is refused as explicit marginals of different totals are ({@code Sinkhorn.solve}), by the
 * API and by every backend's {@link Backend#sinkhorn} itself, so that no entry point runs it.
 */
public final class UnitMarginals {
    private UnitMarginals() {
    }

    /**
     * Refuses null (unit) marginals on a cost whose rows and columns differ in number.
     *
     * @param cost the cost, (n, m) or (B, n, m), not null
     * @param a the row marginal given, or null for unit marginals
     * @param b the column marginal given, or null for unit marginals
     * @param where the entry point, for the message (e.g. {@code Sinkhorn.solve})
     * @throws InvalidInputException when the cost is null, or both marginals are null and n differs from m
     */
    public static void requireBalanced(Tensor cost, Tensor a, Tensor b, String where) {
        if (cost == null) {
            throw new InvalidInputException(where + ": cost must not be null");
        }
        if (a != null || b != null || cost.rows() == cost.cols()) {
            return;
        }
        throw new InvalidInputException(where + ": marginals do not sum to the same total: Σa = "
                + (double) cost.rows() + ", Σb = " + (double) cost.cols() + " (the default unit marginals of a "
                + cost.rows() + "×" + cost.cols() + " cost); give marginals a and b with the same total");
    }
}
