package org.bpa4j.spi;

import org.bpa4j.Tensor;

/**
 * One evaluation of the BAM loss on a backend. It keeps ∂loss/∂Q (N×N_t) and the normalised embeddings,
 * so each gradient is one matrix product and the normalisation's backward. Immutable once made.
 */
public interface BamPass {
    /**
     * The loss (docs/MATH.md §4 step 8).
     *
     * @return the loss; the API refuses a non-finite one
     */
    double loss();

    /**
     * ∂(scale·loss)/∂z, shaped like z, in the options' precision.
     *
     * @param scale the upstream gradient, finite (checked by the API)
     * @return a new tensor (N, d)
     */
    Tensor gradient(double scale);

    /**
     * ∂(scale·loss)/∂zTeacher for the distillation form; never called for the plain form.
     *
     * @param scale the upstream gradient, finite (checked by the API)
     * @return a new tensor (N, d)
     */
    Tensor teacherGradient(double scale);
}
