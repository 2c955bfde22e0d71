package org.bpa4j;

import org.bpa4j.internal.HeapCheck;
import org.bpa4j.spi.Backend;
import org.bpa4j.spi.BpaOptions;
import org.bpa4j.spi.BpaOutput;

/**
 * The Balanced-Pairwise-Affinities (BPA / SOT) feature transform, docs/MATH.md §2: n feature vectors become an
 * n×n matrix whose rows are the new features. Immutable and thread-safe; build once, call from any thread.
 *
 * <pre>{@code
 * Bpa bpa = Bpa.builder().build();                  // cosine, reg 0.1, 10 iterations
 * BpaResult r = bpa.forward(Tensor.of(x, n, d));    // r.output() is (n, n)
 * Tensor dx = r.backward(Tensor.of(g, n, n));       // ∂ sum(g ⊙ Z) / ∂X
 * Tensor z = bpa.transform(Tensor.of(x, n, d));     // inference: the same Z, nothing kept for backward
 * TopKRows top = bpa.topK(Tensor.of(x, n, d), 100);  // large sets: each row's 100 largest entries, no n×n matrix
 * }</pre>
 *
 * <p>Serializable (its options only), so that a distributed job can ship it to its workers.
 */
public final class Bpa implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    /** The cost between feature vectors, never null. */
    private final Metric metric;
    /** The entropic regularisation ε, finite and &gt; 0. */
    private final double reg;
    /** The Sinkhorn iterations T, ≥ 1. */
    private final int iterations;
    /** Whether Z = σ(logP) rather than exp(logP). */
    private final boolean sigmoid;
    /** Whether self-matching is forbidden (C_ii = 1e5, then Z_ii = 1). */
    private final boolean maskDiagonal;
    /** Whether Z is divided by its largest entry. */
    private final boolean maxScale;
    /** The device asked for, possibly AUTO (resolved on each worker, not shipped as a backend). */
    private final Device device;
    /** The precision of the output and gradient, or null for the input's own. */
    private final DType precision;

    private Bpa(Builder b) {
        this.metric = b.metric;
        this.reg = b.reg;
        this.iterations = b.iterations;
        this.sigmoid = b.sigmoid;
        this.maskDiagonal = b.maskDiagonal;
        this.maxScale = b.maxScale;
        this.device = b.device;
        this.precision = b.precision;
    }

    /**
     * A builder with the paper's defaults (cosine, ε 0.1, 10 iterations, masked diagonal, max scaling, AUTO).
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
     * Transforms one set (n, d) or a batch of sets (B, n, d), without labels, keeping what a backward pass needs.
     *
     * @param x the features: (n, d) or (B, n, d), float32 or float64, n ≥ 1, d ≥ 1
     * @return Z of shape (n, n) or (B, n, n), in {@link #precision()} or x's own precision, with its way back
     * @throws InvalidInputException when x is null, not 2-D or 3-D, empty, or holds NaN or ±∞; when labels do not
     *     fit x; when the chosen device is unavailable; or when the call would need more memory than the JVM has
     *     (the message says what and where)
     */
    public BpaResult forward(Tensor x) {
        return forward(x, (int[][]) null);
    }

    /**
     * Transforms with the labels of the first L rows (the support set): for {@code i, j < L} the output is 1 where
     * the labels agree and 0 where they differ. A batch uses the same labels for every set.
     *
     * @param x the features: (n, d) or (B, n, d)
     * @param labels L ≤ n labels of the first rows, or null for none
     * @return Z of shape (n, n) or (B, n, n), with its way back
     * @throws InvalidInputException when x is null, not 2-D or 3-D, empty, or holds NaN or ±∞; when labels do not
     *     fit x; when the chosen device is unavailable; or when the call would need more memory than the JVM has
     *     (the message says what and where)
     */
    public BpaResult forward(Tensor x, int[] labels) {
        return forward(x, forEverySet(x, labels, "Bpa.forward"));
    }

    /**
     * Transforms a batch with labels per set.
     *
     * @param x the features: (n, d) or (B, n, d)
     * @param labels {@code labels[b]} for set b (a null entry: no labels for that set), or null for none
     * @return Z of shape (n, n) or (B, n, n), with its way back
     * @throws InvalidInputException when x is null, not 2-D or 3-D, empty, or holds NaN or ±∞; when labels do not
     *     fit x; when the chosen device is unavailable; or when the call would need more memory than the JVM has
     *     (the message says what and where)
     */
    public BpaResult forward(Tensor x, int[][] labels) {
        Call call = prepare(x, labels, "Bpa.forward", true);
        BpaResult result;
        try {
            result = new BpaResult(call.backend.bpa(call.options, x, labels), call.outShape, x.shape(),
                    call.backend, this);
        } catch (OutOfMemoryError e) {
            throw MemoryEstimate.ranOut(call.need, "Bpa.forward", e);
        }
        if (!result.outputVerifiedFinite()) {
            InputChecks.finiteResult(result.output(), false, "Bpa.forward: the " + call.backend.device().label()
                    + " backend's output", describe());
        }
        return result;
    }

    /**
     * Z for one set (n, d) or a batch (B, n, d), for inference: the same values as {@link #forward(Tensor)},
     * but nothing is kept for a backward pass, so a backend can compute in Z's own memory (the CPU backend
     * then holds one n×n matrix instead of two). What a server that only needs the new features calls.
     *
     * @param x the features: (n, d) or (B, n, d)
     * @return Z of shape (n, n) or (B, n, n)
     * @throws InvalidInputException when x is null, not 2-D or 3-D, empty, or holds NaN or ±∞; when labels do not
     *     fit x; when the chosen device is unavailable; or when the call would need more memory than the JVM has
     *     (the message says what and where)
     */
    public Tensor transform(Tensor x) {
        return transform(x, (int[][]) null);
    }

    /**
     * {@link #transform(Tensor)} with the labels of the first L rows, as {@link #forward(Tensor, int[])}.
     *
     * @param x the features: (n, d) or (B, n, d)
     * @param labels L ≤ n labels of the first rows, or null for none
     * @return Z of shape (n, n) or (B, n, n)
     * @throws InvalidInputException when x is null, not 2-D or 3-D, empty, or holds NaN or ±∞; when labels do not
     *     fit x; when the chosen device is unavailable; or when the call would need more memory than the JVM has
     *     (the message says what and where)
     */
    public Tensor transform(Tensor x, int[] labels) {
        return transform(x, forEverySet(x, labels, "Bpa.transform"));
    }

    /** One label array shared by every set of x, or null for none. */
    private static int[][] forEverySet(Tensor x, int[] labels, String where) {
        InputChecks.notNull(x, where + ": x");
        if (labels == null) {
            return null;
        }
        int[][] perSet = new int[x.sets()][];
        java.util.Arrays.fill(perSet, labels);
        return perSet;
    }

    /**
     * {@link #transform(Tensor)} with labels per set, as {@link #forward(Tensor, int[][])}.
     *
     * @param x the features: (n, d) or (B, n, d)
     * @param labels {@code labels[b]} for set b, or null for none
     * @return Z of shape (n, n) or (B, n, n)
     * @throws InvalidInputException when x is null, not 2-D or 3-D, empty, or holds NaN or ±∞; when labels do not
     *     fit x; when the chosen device is unavailable; or when the call would need more memory than the JVM has
     *     (the message says what and where)
     */
    public Tensor transform(Tensor x, int[][] labels) {
        Call call = prepare(x, labels, "Bpa.transform", false);
        BpaOutput out;
        try {
            out = call.backend.bpaInference(call.options, x, labels);
        } catch (OutOfMemoryError e) {
            throw MemoryEstimate.ranOut(call.need, "Bpa.transform", e);
        }
        if (!java.util.Arrays.equals(out.z().shape(), call.outShape)) {
            throw new IllegalStateException("backend " + call.backend.device().label() + " returned Z of shape "
                    + out.z().shapeString() + " for an input of shape " + x.shapeString());
        }
        if (!out.verifiedFinite()) {
            InputChecks.finiteResult(out.z(), false, "Bpa.transform: the " + call.backend.device().label()
                    + " backend's output", describe());
        }
        return out.z();
    }

    /**
     * Each row's k largest entries of Z for one set x (n, d), computed without any n×n matrix (README "Large
     * sets"): the same Z as {@link #transform(Tensor)} (every option), values float32 to float rounding, in
     * descending order, ties to the lower column index. Memory O(n·d + n·k); 2T + 1 passes over the rows.
     *
     * @param x one set (n, d), float32 or float64, n ≥ 2, finite (a batch (B, n, d) is refused)
     * @param k the entries kept per row, 1..n
     * @return the n rows' k largest entries and their column indices
     * @throws InvalidInputException when x is null, not one set, empty or not finite, when k is outside [1, n],
     *         when the device is unavailable or lacks the block kernel, or when memory runs out (raise -Xmx)
     * @throws IllegalStateException when no available backend implements the streaming top-k
     */
    public TopKRows topK(Tensor x, int k) {
        return topK(x, k, null, null);
    }

    /**
     * {@link #topK(Tensor, int)} with the labels of the first L rows, as {@link #forward(Tensor, int[])}.
     *
     * @param x one set (n, d), finite
     * @param k the entries kept per row, 1..n
     * @param labels L ≤ n non-negative labels of the first rows, or null for none
     * @return the n rows' k largest entries and their column indices
     * @throws InvalidInputException as {@link #topK(Tensor, int)}, and when the labels are longer than n or one
     *         is negative
     * @throws IllegalStateException when no available backend implements the streaming top-k
     */
    public TopKRows topK(Tensor x, int k, int[] labels) {
        return topK(x, k, labels, null);
    }

    /**
     * {@link #topK(Tensor, int, int[])}, telling {@code progress} after each pass over the rows.
     *
     * @param x one set (n, d), finite
     * @param k the entries kept per row, 1..n
     * @param labels the labels of the first rows, or null
     * @param progress told after each of the 2T + 1 passes (on the calling thread), or null
     * @return the n rows' k largest entries and their column indices
     * @throws InvalidInputException as {@link #topK(Tensor, int, int[])}
     * @throws IllegalStateException when no available backend implements the streaming top-k
     */
    public TopKRows topK(Tensor x, int k, int[] labels, StreamingBpa.Progress progress) {
        StreamingBpa streaming = streaming(x, labels, "Bpa.topK");
        if (k < 1 || k > x.rows()) {
            throw new InvalidInputException("Bpa.topK: k must be in [1, n] = [1, " + x.rows() + "], got " + k);
        }
        TopKRows top;
        try {
            top = streaming.topK(k, progress);
        } catch (OutOfMemoryError e) {
            throw new InvalidInputException("Bpa.topK: ran out of memory for n = " + x.rows() + ", k = " + k
                    + " (the result alone needs " + HeapCheck.bytes(StreamingBpa.topKBytes(x.rows(), k))
                    + "); raise -Xmx", e);
        }
        return top;
    }

    /**
     * The streaming BPA of one set x (n, d), prepared (rows normalised) for its block operations: what a caller
     * that distributes the passes over row blocks uses (see {@link StreamingBpa}); {@link #topK} runs it here.
     *
     * @param x one set (n, d), n ≥ 2, finite; the prepared copy is float32
     * @return the streaming BPA of x, with this transform's options
     * @throws InvalidInputException when x is null, a batch, empty or not finite, when the device is unavailable
     *         or lacks the block kernel, or when the normalised copy cannot fit in the heap
     * @throws IllegalStateException when no available backend implements the block kernel
     */
    public StreamingBpa streaming(Tensor x) {
        return streaming(x, null, "Bpa.streaming");
    }

    /**
     * {@link #streaming(Tensor)} with the labels of the first L rows.
     *
     * @param x one set (n, d), finite
     * @param labels L ≤ n non-negative labels of the first rows, or null for none
     * @return the streaming BPA of x
     * @throws InvalidInputException as {@link #streaming(Tensor)}, and when the labels do not fit x
     * @throws IllegalStateException when no available backend implements the block kernel
     */
    public StreamingBpa streaming(Tensor x, int[] labels) {
        return streaming(x, labels, "Bpa.streaming");
    }

    /**
     * {@link #streaming(Tensor, int[])} on the given backend instance instead of the one this {@code Bpa}'s
     * device resolves to: for a caller that holds a backend itself (a backend's own tests, a driver that
     * configures one). The backend must implement the block kernel.
     *
     * @param backend the backend to compute on
     * @param x the set (n, d)
     * @param labels the labels of the first L rows, or null
     * @return the streaming BPA of x on that backend
     * @throws InvalidInputException when x or the labels are invalid, or the backend lacks the block kernel
     */
    public StreamingBpa streaming(Backend backend, Tensor x, int[] labels) {
        InputChecks.notNull(backend, "Bpa.streaming: backend");
        return streaming(x, labels, "Bpa.streaming", java.util.List.of(backend));
    }

    private StreamingBpa streaming(Tensor x, int[] labels, String where) {
        return streaming(x, labels, where, null);
    }

    private StreamingBpa streaming(Tensor x, int[] labels, String where, java.util.List<Backend> given) {
        InputChecks.notNull(x, where + ": x");
        if (x.rank() == 3) {
            throw new InvalidInputException(where + ": x has shape " + x.shapeString() + "; the streaming top-k "
                    + "takes one set (n, d) — a batch (B, n, d) of small sets fits the dense transform");
        }
        InputChecks.features(x, where + ": x");
        if (labels != null) {
            checkLabels(new int[][] {labels}, x, where);
        }
        HeapCheck.require(2L * x.rows() * x.cols() * Float.BYTES + 4L * x.rows() * Double.BYTES, where);
        BpaOptions options = new BpaOptions(metric, reg, iterations, sigmoid, maskDiagonal, maxScale, DType.FLOAT32);
        java.util.List<Backend> candidates = given != null ? given : Backends.candidates(device);
        for (Backend backend : candidates) {
            try {
                org.bpa4j.spi.BlockKernel kernel = backend.blockKernel(options, x);
                return new StreamingBpa(options, kernel, x.rows(), labels, backend.device(),
                        metric == Metric.EUCLIDEAN ? Double.NaN : 0.0);
            } catch (UnsupportedOperationException e) {
                if (candidates.size() == 1) {
                    throw new InvalidInputException(where + ": " + e.getMessage(), e);
                }
                // AUTO: the next available backend that has the block kernel
            }
        }
        throw new IllegalStateException(where + ": no available backend implements the streaming top-k BPA");
    }

    /** What a forward or transform call needs once its input is checked: backend, options, shape, memory. */
    private record Call(Backend backend, BpaOptions options, int[] outShape, MemoryEstimate.Need need) {
    }

    private Call prepare(Tensor x, int[][] labels, String where, boolean keepForBackward) {
        InputChecks.features(x, where + ": x");
        if (labels != null) {
            checkLabels(labels, x, where);
        }
        DType out = precision != null ? precision : x.dtype();
        Backend backend = Backends.resolve(device);
        BpaOptions options = new BpaOptions(metric, reg, iterations, sigmoid, maskDiagonal, maxScale, out);
        int[] outShape = x.rank() == 3
                ? new int[] {x.dim(0), x.rows(), x.rows()}
                : new int[] {x.rows(), x.rows()};
        MemoryEstimate.Need need = MemoryEstimate.bpa(backend, x.sets(), x.rows(), x.cols(), iterations,
                metric, out, keepForBackward);
        MemoryEstimate.check(need, where);
        return new Call(backend, options, outShape, need);
    }

    /** The options, for messages. */
    String describe() {
        return "metric " + metric.label() + ", reg " + reg + ", " + iterations + " iterations"
                + (sigmoid ? ", sigmoid" : "") + (maskDiagonal ? "" : ", no masked diagonal")
                + (maxScale ? "" : ", no max-scaling");
    }

    private static void checkLabels(int[][] labels, Tensor x, String where) {
        if (labels.length != x.sets()) {
            throw new InvalidInputException(where + ": labels are given for " + labels.length
                    + " sets but x has " + x.sets());
        }
        for (int b = 0; b < labels.length; b++) {
            int[] y = labels[b];
            if (y == null) {
                continue;
            }
            if (y.length > x.rows()) {
                throw new InvalidInputException(where + ": " + y.length + " labels"
                        + (labels.length > 1 ? " for set " + b : "") + " but only n = " + x.rows() + " rows");
            }
            for (int i = 0; i < y.length; i++) {
                if (y[i] < 0) {
                    throw new InvalidInputException(where + ": label " + y[i] + " at index " + i
                            + (labels.length > 1 ? " of set " + b : "") + " is negative");
                }
            }
        }
    }

    /**
     * The cost between feature vectors.
     *
     * @return cosine or euclidean
     */
    public Metric metric() {
        return metric;
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
     * The number of Sinkhorn iterations T.
     *
     * @return T ≥ 1
     */
    public int iterations() {
        return iterations;
    }

    /**
     * Whether Z = σ(logP) rather than exp(logP).
     *
     * @return the option
     */
    public boolean sigmoid() {
        return sigmoid;
    }

    /**
     * Whether self-matching is forbidden (C_ii = 1e5, then Z_ii = 1).
     *
     * @return the option
     */
    public boolean maskDiagonal() {
        return maskDiagonal;
    }

    /**
     * Whether Z is divided by its largest entry.
     *
     * @return the option
     */
    public boolean maxScale() {
        return maxScale;
    }

    /**
     * The device asked for on the builder (see {@link #backend()} for the one a call uses).
     *
     * @return the device, possibly {@link Device#AUTO}
     */
    public Device device() {
        return device;
    }

    /**
     * The precision of the output and the gradient.
     *
     * @return the precision, or null for the input's own
     */
    public DType precision() {
        return precision;
    }

    /** Options of docs/MATH.md §2, with the paper's defaults. */
    public static final class Builder {
        private Metric metric = Metric.COSINE;
        private double reg = 0.1;
        private int iterations = 10;
        private boolean sigmoid;
        private boolean maskDiagonal = true;
        private boolean maxScale = true;
        private Device device = Device.AUTO;
        private DType precision;

        private Builder() {
        }

        /**
         * The cost between feature vectors [cosine].
         *
         * @param metric cosine or euclidean
         * @return this builder
         * @throws InvalidInputException when the metric is null
         */
        public Builder metric(Metric metric) {
            InputChecks.notNull(metric, "Bpa.Builder.metric");
            this.metric = metric;
            return this;
        }

        /**
         * Entropic regularisation ε [0.1].
         *
         * @param reg a finite ε > 0
         * @return this builder
         * @throws InvalidInputException when reg is not a finite number > 0
         */
        public Builder reg(double reg) {
            InputChecks.reg(reg, "Bpa.Builder");
            this.reg = reg;
            return this;
        }

        /**
         * Sinkhorn iterations T [10].
         *
         * @param iterations T ≥ 1
         * @return this builder
         * @throws InvalidInputException when iterations is below 1
         */
        public Builder iterations(int iterations) {
            InputChecks.iterations(iterations, "Bpa.Builder");
            this.iterations = iterations;
            return this;
        }

        /**
         * Z = σ(logP) instead of exp(logP) [false].
         *
         * @param sigmoid the option
         * @return this builder
         */
        public Builder sigmoid(boolean sigmoid) {
            this.sigmoid = sigmoid;
            return this;
        }

        /**
         * Forbid self-matching: C_ii = 1e5, then Z_ii = 1 [true].
         *
         * @param maskDiagonal the option
         * @return this builder
         */
        public Builder maskDiagonal(boolean maskDiagonal) {
            this.maskDiagonal = maskDiagonal;
            return this;
        }

        /**
         * Divide Z by its largest entry (a constant for the gradient) [true].
         *
         * @param maxScale the option
         * @return this builder
         */
        public Builder maxScale(boolean maxScale) {
            this.maxScale = maxScale;
            return this;
        }

        /**
         * The backend [AUTO].
         *
         * @param device AUTO, REFERENCE, CPU or CUDA; an unavailable one is refused when a call is made
         * @return this builder
         * @throws InvalidInputException when the device is null
         */
        public Builder device(Device device) {
            InputChecks.notNull(device, "Bpa.Builder.device");
            this.device = device;
            return this;
        }

        /**
         * Precision of the output and gradient [null: the input's own].
         *
         * @param precision float32, float64, or null
         * @return this builder
         */
        public Builder precision(DType precision) {
            this.precision = precision;
            return this;
        }

        /**
         * The transform with these options.
         *
         * @return an immutable, thread-safe transform
         */
        public Bpa build() {
            return new Bpa(this);
        }
    }
}
