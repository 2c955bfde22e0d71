package org.bpa4j;

import java.util.ArrayList;
import java.util.List;
import org.bpa4j.spi.Backend;
import org.bpa4j.spi.BamOptions;

/**
 * The Balanced-Attention-Matching loss of the BAM paper (docs/MATH.md §4): the self-attention of every view over
 * the targets (a softmax at temperature τ) is matched to a balanced, entropy-regularised target made by a
 * few Sinkhorn iterations on the large views. Immutable and thread-safe; build once, call from any thread.
 *
 * <pre>{@code
 * BamLoss bam = BamLoss.builder().largeCrops(2).build();   // two views, τ 0.1, ε 0.05, 3 iterations
 * BamResult r = bam.forward(z);                              // z: (2·B, d), view v in rows [v·B, (v+1)·B)
 * double loss = r.loss();
 * Tensor dz = r.backward();                                  // ∂loss/∂z
 * }</pre>
 */
public final class BamLoss {
    private final int largeCrops;
    private final int localCrops;
    private final int targetCrops;
    /** As given to the builder: 0 when it follows largeCrops. */
    private final int requestedTargetCrops;
    private final double temperature;
    private final double reg;
    private final int iterations;
    private final int topK;
    private final boolean positiveMasking;
    private final Device device;
    private final DType precision;

    private BamLoss(Builder b, int targetCrops) {
        this.largeCrops = b.largeCrops;
        this.localCrops = b.localCrops;
        this.targetCrops = targetCrops;
        this.requestedTargetCrops = b.targetCrops;
        this.temperature = b.temperature;
        this.reg = b.reg;
        this.iterations = b.iterations;
        this.topK = b.topK;
        this.positiveMasking = b.positiveMasking;
        this.device = b.device;
        this.precision = b.precision;
    }

    /**
     * A builder with the paper's defaults: 2 large crops, no local crops, τ 0.1, ε 0.05, 3 iterations, topK off,
     * positive masking on, {@link Device#AUTO}, gradients in the input's precision.
     *
     * @return a new builder; not thread-safe, but the loss it builds is
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The backend a call made now will use: the device given to the builder, or for {@link Device#AUTO} the first
     * backend in AUTO's order (after the system property {@value Backends#PROPERTY}). The answer is the same for every
     * call in this JVM, since backends are probed once.
     *
     * @return the device of that backend, never {@link Device#AUTO}
     * @throws InvalidInputException when the builder named a device that is unavailable here (with the reason)
     * @throws IllegalStateException when no backend at all is available
     */
    public Device backend() {
        return candidates().get(0).device();
    }

    /**
     * A builder holding this loss's options, to change a few; this loss is not changed by it.
     *
     * @return a new builder with every option of this loss (targetCrops unset again if it followed largeCrops)
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.largeCrops = largeCrops;
        b.localCrops = localCrops;
        b.targetCrops = requestedTargetCrops;
        b.temperature = temperature;
        b.reg = reg;
        b.iterations = iterations;
        b.topK = topK;
        b.positiveMasking = positiveMasking;
        b.device = device;
        b.precision = precision;
        return b;
    }

    /**
     * The same loss with another Sinkhorn ε, e.g. from {@link BamRegSchedule#at(int)} each epoch.
     *
     * @param reg the new entropic regularisation ε of the target Sinkhorn, finite and &gt; 0
     * @return a new loss, equal to this one but for ε
     * @throws InvalidInputException when reg is not finite or not &gt; 0
     */
    public BamLoss withReg(double reg) {
        return toBuilder().reg(reg).build();
    }

    /**
     * The plain loss of docs/MATH.md §4: targets and their similarities come from z itself.
     *
     * @param z the embeddings, (V·B, d) in the BAM layout: rows [v·B, (v+1)·B) are view v of images 0..B−1, the
     *          large crops first; float32 or float64, finite; any scale (rows are normalised)
     * @return the loss and the way back to ∂loss/∂z
     * @throws InvalidInputException when z is null, not 2-D, empty, has a row count the {@link #views()} do not
     *         divide, a batch of 1 with positive masking, fewer targets than topK, a NaN or infinity, when it
     *         cannot fit in memory, or when the named device is unavailable or lacks the BAM loss
     * @throws IllegalStateException when no backend is available, or none that is implements the BAM loss
     * @throws OutOfMemoryError when the heap runs out despite the estimate checked first (other threads took it
     *         meanwhile); its message gives the estimate
     */
    public BamResult forward(Tensor z) {
        return forward(z, null, "BamLoss.forward: z");
    }

    /**
     * The distillation form: the targets and the target similarities come from the teacher's embeddings
     * (V·B, d) — e.g. a momentum network — and the gradient flows to both z and zTeacher through Q = ẑ·Tgᵀ.
     *
     * @param z the student's embeddings, (V·B, d) in the BAM layout (see {@link #forward(Tensor)}), finite
     * @param zTeacher the teacher's embeddings, the same shape as z, finite
     * @return the loss and the way back to ∂loss/∂z and ∂loss/∂zTeacher
     * @throws InvalidInputException as {@link #forward(Tensor)}, and when zTeacher is null, has another shape
     *         than z, or holds a NaN or infinity
     * @throws IllegalStateException when no available backend implements the BAM loss
     */
    public BamResult forward(Tensor z, Tensor zTeacher) {
        InputChecks.notNull(zTeacher, "BamLoss.forward: zTeacher");
        return forward(z, zTeacher, "BamLoss.forward: z");
    }

    private BamResult forward(Tensor z, Tensor zTeacher, String what) {
        checkEmbeddings(z, what);
        if (zTeacher != null) {
            if (!java.util.Arrays.equals(zTeacher.shape(), z.shape())) {
                throw new InvalidInputException("BamLoss.forward: zTeacher has shape " + zTeacher.shapeString()
                        + " where " + z.shapeString() + " (the shape of z) was expected");
            }
            InputChecks.finite(zTeacher, "BamLoss.forward: zTeacher");
        }
        DType out = precision != null ? precision : z.dtype();
        BamOptions options = new BamOptions(largeCrops, localCrops, targetCrops, temperature, reg, iterations, topK,
                positiveMasking, out);
        boolean distill = zTeacher != null;
        for (Backend backend : candidates()) {
            MemoryEstimate.Need need = MemoryEstimate.bam(backend, z.rows(), z.rows() / views() * targetCrops, z.cols(),
                    distill, out);
            MemoryEstimate.check(need, "BamLoss.forward");
            try {
                BamResult result = new BamResult(backend.bam(options, z, zTeacher), z.shape(), distill,
                        backend.device(), describe());
                InputChecks.finiteResult(result.loss(), "BamLoss.forward: the " + backend.device().label()
                        + " backend's loss", describe());
                return result;
            } catch (UnsupportedOperationException e) {
                if (device != Device.AUTO || Backends.configuredDefault() != Device.AUTO) {
                    throw new InvalidInputException("BamLoss.forward: " + e.getMessage(), e);
                }
                // AUTO: the next available backend that has the loss
            } catch (OutOfMemoryError e) {
                throw MemoryEstimate.ranOut(need, "BamLoss.forward", e);
            }
        }
        throw new IllegalStateException("BamLoss.forward: no available backend implements the BAM loss");
    }

    /**
     * The backend the device names; for AUTO, every available backend in AUTO's order, so that one
     * without the BAM loss (it throws UnsupportedOperationException) passes to the next.
     */
    private List<Backend> candidates() {
        Backend first = Backends.resolve(device);
        if (device != Device.AUTO || Backends.configuredDefault() != Device.AUTO) {
            return List.of(first);
        }
        List<Backend> list = new ArrayList<>();
        list.add(first);
        for (Backends.Entry e : Backends.all()) {
            if (e.available() && e.backend() != first) {
                list.add(e.backend());
            }
        }
        return list;
    }

    private void checkEmbeddings(Tensor z, String what) {
        InputChecks.notNull(z, what);
        if (z.rank() != 2) {
            throw new InvalidInputException(what + " must be 2-D (N, d) with N = views × batch, got shape "
                    + z.shapeString());
        }
        int n = z.rows();
        int views = views();
        if (n == 0 || z.cols() == 0) {
            throw new InvalidInputException(what + " is empty: shape " + z.shapeString());
        }
        if (n % views != 0) {
            throw new InvalidInputException(what + " has " + n + " rows, which the " + views + " views ("
                    + largeCrops + " large + " + localCrops + " local crops) do not divide");
        }
        int batch = n / views;
        if (positiveMasking && batch < 2) {
            throw new InvalidInputException(what + " has a batch of " + batch + " image per view: positive masking"
                    + " needs at least 2 (with 1 every target is a view of the same image)");
        }
        int targets = batch * targetCrops;
        if (topK > targets) {
            throw new InvalidInputException(what + ": topK = " + topK + " is larger than the " + targets
                    + " targets (" + targetCrops + " target crops × batch " + batch + ")");
        }
        InputChecks.finite(z, what);
    }

    /** The options, for messages. */
    String describe() {
        return "temperature " + temperature + ", reg " + reg + ", " + iterations + " iterations";
    }

    /**
     * The views per image, V = large + local crops.
     *
     * @return V, ≥ 1; the rows of z must be a multiple of it
     */
    public int views() {
        return largeCrops + localCrops;
    }

    /**
     * The large (global) crops, the views whose Sinkhorn targets the loss matches.
     *
     * @return the large crops, ≥ 1
     */
    public int largeCrops() {
        return largeCrops;
    }

    /**
     * The local crops, views that are only sources.
     *
     * @return the local crops, ≥ 0
     */
    public int localCrops() {
        return localCrops;
    }

    /**
     * The views whose embeddings are the targets (the columns of Q).
     *
     * @return the target crops, 1..{@link #largeCrops()}; equal to largeCrops when the builder left it unset
     */
    public int targetCrops() {
        return targetCrops;
    }

    /**
     * The softmax temperature τ of the sources.
     *
     * @return τ, finite and &gt; 0
     */
    public double temperature() {
        return temperature;
    }

    /**
     * The entropic regularisation ε of the target Sinkhorn.
     *
     * @return ε, finite and &gt; 0
     */
    public double reg() {
        return reg;
    }

    /**
     * The Sinkhorn iterations that make the target.
     *
     * @return the iterations, 1..{@value Builder#MAX_ITERATIONS}
     */
    public int iterations() {
        return iterations;
    }

    /**
     * How many targets each row keeps (docs/MATH.md §4, step 5).
     *
     * @return topK, or 0 when every target is kept
     */
    public int topK() {
        return topK;
    }

    /**
     * Whether the views of the same image are excluded from targets and sources.
     *
     * @return true when positive masking is on
     */
    public boolean positiveMasking() {
        return positiveMasking;
    }

    /**
     * The device given to the builder; {@link #backend()} says which one AUTO resolves to.
     *
     * @return the device, possibly {@link Device#AUTO}, never null
     */
    public Device device() {
        return device;
    }

    /**
     * The precision of the gradients.
     *
     * @return the precision, or null when the gradients take the input's own
     */
    public DType precision() {
        return precision;
    }

    @Override
    public String toString() {
        return "BamLoss[large=" + largeCrops + ", local=" + localCrops + ", target=" + targetCrops + ", τ="
                + temperature + ", ε=" + reg + ", iterations=" + iterations + ", topK=" + topK
                + ", positiveMasking=" + positiveMasking + ", device=" + device.label() + "]";
    }

    /**
     * Options of docs/MATH.md §4 with the paper's defaults; each setter validates its value at once. Not
     * thread-safe: confine a builder to one thread.
     */
    public static final class Builder {
        private int largeCrops = 2;
        private int localCrops;
        /** 0 until set: then it follows largeCrops. */
        private int targetCrops;
        private double temperature = 0.1;
        private double reg = 0.05;
        private int iterations = 3;
        private int topK;
        private boolean positiveMasking = true;
        private Device device = Device.AUTO;
        private DType precision;

        private Builder() {
        }

        /**
         * Large (global) crops, the views that give targets [2].
         *
         * @param largeCrops the large crops, ≥ 1
         * @return this builder
         * @throws InvalidInputException when largeCrops &lt; 1
         */
        public Builder largeCrops(int largeCrops) {
            if (largeCrops < 1) {
                throw new InvalidInputException("BamLoss.Builder: largeCrops must be >= 1, got " + largeCrops);
            }
            this.largeCrops = largeCrops;
            return this;
        }

        /**
         * Local crops, views that are only sources [0].
         *
         * @param localCrops the local crops, ≥ 0
         * @return this builder
         * @throws InvalidInputException when localCrops &lt; 0
         */
        public Builder localCrops(int localCrops) {
            if (localCrops < 0) {
                throw new InvalidInputException("BamLoss.Builder: localCrops must be >= 0, got " + localCrops);
            }
            this.localCrops = localCrops;
            return this;
        }

        /**
         * Views whose embeddings are the targets (columns of Q) [= largeCrops]. The upper bound is checked by
         * {@link #build()}, when largeCrops is known.
         *
         * @param targetCrops the target crops, 1..largeCrops
         * @return this builder
         * @throws InvalidInputException when targetCrops &lt; 1
         */
        public Builder targetCrops(int targetCrops) {
            if (targetCrops < 1) {
                throw new InvalidInputException("BamLoss.Builder: targetCrops must be >= 1, got " + targetCrops);
            }
            this.targetCrops = targetCrops;
            return this;
        }

        /**
         * Softmax temperature τ of the sources [0.1].
         *
         * @param temperature τ, finite and &gt; 0
         * @return this builder
         * @throws InvalidInputException when temperature is NaN, infinite or not &gt; 0
         */
        public Builder temperature(double temperature) {
            if (!(temperature > 0) || Double.isInfinite(temperature)) {
                throw new InvalidInputException("BamLoss.Builder: temperature must be a finite number > 0, got "
                        + temperature);
            }
            this.temperature = temperature;
            return this;
        }

        /**
         * Entropic regularisation ε of the target Sinkhorn [0.05].
         *
         * @param reg ε, finite and &gt; 0
         * @return this builder
         * @throws InvalidInputException when reg is NaN, infinite or not &gt; 0
         */
        public Builder reg(double reg) {
            InputChecks.reg(reg, "BamLoss.Builder");
            this.reg = reg;
            return this;
        }

        /**
         * Sinkhorn iterations of the target, 1..{@value #MAX_ITERATIONS} [3]. Nothing of them is kept, so
         * the cap bounds the time of one call instead (2³¹ iterations would run for hours, silently).
         *
         * @param iterations the iterations, 1..{@value #MAX_ITERATIONS}
         * @return this builder
         * @throws InvalidInputException when iterations is outside 1..{@value #MAX_ITERATIONS}
         */
        public Builder iterations(int iterations) {
            InputChecks.iterations(iterations, "BamLoss.Builder");
            if (iterations > MAX_ITERATIONS) {
                throw new InvalidInputException("BamLoss.Builder: iterations must be <= " + MAX_ITERATIONS
                        + " (the target's Sinkhorn is near its fixed point after a few; 3 is usual), got " + iterations);
            }
            this.iterations = iterations;
            return this;
        }

        /**
         * Keep only each row's topK targets (by the mean over the large views) [0]. It must not exceed the
         * targets of a batch, targetCrops × B, which {@link #forward(Tensor)} checks.
         *
         * @param topK the targets kept per row, or 0 to keep all
         * @return this builder
         * @throws InvalidInputException when topK &lt; 0
         */
        public Builder topK(int topK) {
            if (topK < 0) {
                throw new InvalidInputException("BamLoss.Builder: topK must be >= 0 (0 = off), got " + topK);
            }
            this.topK = topK;
            return this;
        }

        /**
         * Exclude the views of the same image from targets and sources [true]. On, it needs a batch of at
         * least 2 images per view.
         *
         * @param positiveMasking true to mask the positives
         * @return this builder
         */
        public Builder positiveMasking(boolean positiveMasking) {
            this.positiveMasking = positiveMasking;
            return this;
        }

        /**
         * The backend to compute on [{@link Device#AUTO}]. A named device that is unavailable is refused when
         * the loss is used, not here.
         *
         * @param device the device, not null
         * @return this builder
         * @throws InvalidInputException when device is null
         */
        public Builder device(Device device) {
            InputChecks.notNull(device, "BamLoss.Builder.device");
            this.device = device;
            return this;
        }

        /**
         * Precision of the gradients [null].
         *
         * @param precision {@link DType#FLOAT32} or {@link DType#FLOAT64}, or null for the input's own
         * @return this builder
         */
        public Builder precision(DType precision) {
            this.precision = precision;
            return this;
        }

        /** The most target Sinkhorn iterations one call may run. */
        public static final int MAX_ITERATIONS = 100_000;

        /**
         * The loss with these options.
         *
         * @return a new, immutable loss
         * @throws InvalidInputException when targetCrops exceeds largeCrops, or large + local crops exceed
         *         2³¹ − 1 views
         */
        public BamLoss build() {
            if ((long) largeCrops + localCrops > Integer.MAX_VALUE) {
                throw new InvalidInputException("BamLoss.Builder: largeCrops + localCrops = "
                        + ((long) largeCrops + localCrops) + " views, more than the 2^31 - 1 a batch can have");
            }
            int targets = targetCrops == 0 ? largeCrops : targetCrops;
            if (targets > largeCrops) {
                throw new InvalidInputException("BamLoss.Builder: targetCrops = " + targets
                        + " is larger than largeCrops = " + largeCrops + " (targets are taken from the large crops)");
            }
            return new BamLoss(this, targets);
        }
    }
}
