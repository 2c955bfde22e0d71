package org.bpa4j.spi;

import org.bpa4j.Tensor;

/**
 * One evaluation of the BAM loss on a backend. It keeps ∂loss/∂Q (N×N_t) and the normalised embeddings,
 * so each gradient is one matrix product and the normalisation's backward. Immutable once made.
 */
public interface BamPass {
    /** The loss (docs/MATH.md §4 step 8). */
    double loss();

    /** ∂(scale·loss)/∂z, shaped like z, in the options' precision. */
    Tensor gradient(double scale);

    /** ∂(scale·loss)/∂zTeacher for the distillation form; never called for the plain form. */
    Tensor teacherGradient(double scale);
}
