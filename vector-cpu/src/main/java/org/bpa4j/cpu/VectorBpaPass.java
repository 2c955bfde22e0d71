package org.bpa4j.cpu;

import org.bpa4j.DType;
import org.bpa4j.Tensor;
import org.bpa4j.spi.BpaOptions;
import org.bpa4j.spi.BpaOutput;
import org.bpa4j.spi.BpaPass;

/** BPA over the sets of an input (n, d) or (B, n, d): forward now, backward on demand. */
final class VectorBpaPass implements BpaPass {
    private final BpaOptions options;
    private final int[] inputShape;
    private final int sets;
    private final int n;
    private final int d;
    private final ThreadTeam team;
    private final boolean parallelSets;
    private final SetBpa[] perSet;
    private final Tensor output;
    private final boolean outputFinite;

    VectorBpaPass(BpaOptions options, Tensor x, int[][] labels, ThreadTeam team) {
        this.options = options;
        this.inputShape = x.shape();
        this.sets = x.sets();
        this.n = x.rows();
        this.d = x.cols();
        this.team = team;
        this.parallelSets = VectorOperations.setsInParallel(sets, n, team);
        this.perSet = new SetBpa[sets];
        BpaOutput out = solveSets(options, x, labels, team, perSet);
        this.output = out.z();
        this.outputFinite = out.verifiedFinite();
    }

    /**
     * Inference (nothing kept for a backward pass): a single float32 set is computed in Z's own array,
     * a batch one set at a time per thread in a scratch matrix of its own.
     */
    static BpaOutput infer(BpaOptions options, Tensor x, int[][] labels, ThreadTeam team) {
        int sets = x.sets();
        int n = x.rows();
        int d = x.cols();
        TensorRows in = new TensorRows(x);
        if (sets == 1 && options.precision() == DType.FLOAT32) {
            float[] z = new float[n * n];
            float[] xs = setRows(in, 0, n, d);
            int[] setLabels = labels == null ? null : labels[0];
            // a cold JVM's first call: the same bits through scalar code that C1 compiles at once
            Boolean cold = ColdTransform.claims(options, n, d)
                    ? ColdTransform.transformInPlace(options, xs, n, d, setLabels, team, z) : null;
            boolean finite = cold != null ? cold : SetBpa.transformInPlace(options, xs, n, d, setLabels, team, z);
            return new BpaOutput(Tensor.of(z, x.rank() == 3 ? new int[] {1, n, n} : new int[] {n, n}), finite);
        }
        return solveSets(options, x, labels, team, null);
    }

    /**
     * Solves every set and writes its Z into a new output tensor; {@code keep}, when not null, receives each
     * set for a backward pass. Sets of up to {@link VectorOperations#SET_PARALLEL_MAX_ROWS} rows run side by
     * side, one a thread; larger ones one after another, each on the whole team.
     */
    private static BpaOutput solveSets(BpaOptions options, Tensor x, int[][] labels, ThreadTeam team,
            SetBpa[] keep) {
        int sets = x.sets();
        int n = x.rows();
        int d = x.cols();
        boolean parallelSets = VectorOperations.setsInParallel(sets, n, team);
        ThreadTeam inner = parallelSets ? ThreadTeam.SEQUENTIAL : team;
        Tensor output = Tensor.zeros(options.precision(), x.rank() == 3 ? new int[] {sets, n, n} : new int[] {n, n});
        TensorRows in = new TensorRows(x);
        TensorRows out = new TensorRows(output);
        boolean[] finite = new boolean[sets];
        forEachSet(parallelSets, sets, team, b -> {
            SetBpa set = new SetBpa(options, setRows(in, b, n, d), n, d, labels == null ? null : labels[b], inner);
            finite[b] = set.writeOutput(out, (long) b * n * n);
            if (keep != null) {
                keep[b] = set;
            }
        });
        return new BpaOutput(output, SetBpa.allTrue(finite));
    }

    private static float[] setRows(TensorRows in, int b, int n, int d) {
        float[] xs = new float[n * d];
        in.read((long) b * n * d, xs, 0, n * d);
        return xs;
    }

    private void forEachSet(java.util.function.IntConsumer body) {
        forEachSet(parallelSets, sets, team, body);
    }

    /** Sets side by side on the team (one set a thread), or one after another. */
    private static void forEachSet(boolean parallelSets, int sets, ThreadTeam team,
            java.util.function.IntConsumer body) {
        if (parallelSets) {
            team.forEach(sets, body);
        } else {
            for (int b = 0; b < sets; b++) {
                body.accept(b);
            }
        }
    }

    @Override
    public Tensor output() {
        return output;
    }

    @Override
    public boolean outputVerifiedFinite() {
        return outputFinite;
    }

    @Override
    public Tensor backward(Tensor gradOutput) {
        Tensor dx = Tensor.zeros(options.precision(), inputShape);
        TensorRows grad = new TensorRows(gradOutput);
        TensorRows out = new TensorRows(dx);
        forEachSet(b -> {
            float[] gx = perSet[b].backward(grad, (long) b * n * n);
            out.write((long) b * n * d, gx, 0, n * d);
        });
        return dx;
    }
}
